// The guichet-hub command line: keygen, enroll, serve, export, open, purge, kiosk list|revoke|rotate and pack keygen|build|publish. Exit codes:
// 0 done, 1 failed (or, for open, a submission failed its integrity check), 2 the command line is wrong.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace guichet::sync::hub {

enum ExitCode : int {
    exit_ok = 0,
    exit_failed = 1,
    exit_usage = 2,
};

// `args` excludes the program name. Output goes to `out`, messages to `err`; `in` feeds `open`.
int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}
