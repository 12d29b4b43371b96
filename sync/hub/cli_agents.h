// `guichet-hub agent add|list|disable|reset`: the back office's agents, managed from the hub's machine.
// Passwords never come as arguments (they would show in `ps` and shell history): from standard input
// (twice, without echo, on a terminal), or --generate prints a random one once. Every command is
// written to the audit log with actor "cli".
#pragma once
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

namespace guichet::sync::hub {

struct AgentCommandValues {
    std::string name;
    std::string db;
    std::string role;
    std::string procedures;
    std::string hash_cost; // "test": cheap Argon2id, only with GUICHET_HUB_TEST_HOOKS=1
    bool generate = false;
    bool json = false;
};

// Adds add, list, disable and reset under `agent`; their values land in `values` (which must outlive the
// parse).
void add_agent_commands(CLI::App& agent, AgentCommandValues& values);

// Runs the one subcommand of `agent` that was given. `in` is read for passwords; it is the terminal only
// when it is std::cin and standard input is a tty.
int run_agent_command(const CLI::App& agent, const AgentCommandValues& values, std::istream& in, std::ostream& out, std::ostream& err);

}
