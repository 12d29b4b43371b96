// The command lines of guichet, guichetctl, guichet-hub and fault_proxy: one parser (CLI11), one help style,
// one way to report a mistake (a line on stderr naming it, exit code 2).
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

// What every program of the project returns for a command line it cannot use.
constexpr int exit_bad_command_line = 2;

// Gives `app` the shared help style: -h/--help, CLI11's formatter, and `--version` printing `version_line`
// when it is not empty. Call it before adding subcommands, which inherit the style.
void apply_command_line_style(CLI::App& app, const std::string& version_line = {});

// Checks whose messages follow the option's name: "--delay-ms must be a whole number, got 'ten'".
// Decimal digits only (no sign, no hexadecimal), within [min, max].
CLI::Validator whole_number(uint64_t min, uint64_t max);
CLI::Validator decimal_number(double min, double max);
CLI::Validator not_empty();

// Parses `args` (without the program's name). Help and version go to `out` (exit 0); a mistake is one
// line on `err`, "<program>: <what is wrong>", then where to find the usage (exit 2). Returns the exit code
// when the program must stop, nothing when it goes on.
std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args, std::ostream& out,
    std::ostream& err);
std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv);

// The mistake `error` stands for, said in the project's words: unknown option '--x' for 'serve', unknown
// command 'frob', 'retry' takes one argument (ID), 'export' needs --db, ... Exposed for the tests.
std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error);

// A secret (PIN, password, passphrase) never given as an argument, where `ps` would show it: one line
// of `in`, without its line end. On a terminal (`terminal`, standard input being one), after `prompt`
// on `err` and with echo off until the line is read.
std::string read_secret_line(std::istream& in, bool terminal, std::string_view prompt, std::ostream& err);

}
