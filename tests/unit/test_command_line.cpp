// The shared command-line helper: help and version on stdout with exit 0, every mistake one line on stderr
// naming the option or command, exit 2. The four programs' own tests check their commands end to end.
#include "kiosk/core/command_line.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace guichet;

namespace {

struct Outcome {
    std::optional<int> code;
    std::string out;
    std::string err;
};

// A program shaped like guichet-hub: a required command, one with a required option and an argument, and a
// nested one.
Outcome run(std::vector<std::string> args)
{
    CLI::App cli("A test program.", "prog");
    apply_command_line_style(cli, "prog 1.2.3");
    cli.require_subcommand(1);
    std::string db, name, out_dir;
    std::optional<int> delay;
    auto* enroll = cli.add_subcommand("enroll", "enroll a kiosk");
    enroll->add_option("NAME", name, "the kiosk's name")->required();
    enroll->add_option("--db", db, "the database")->required()->check(not_empty());
    enroll->add_option("--delay", delay, "a delay")->check(whole_number(1, 10));
    auto* pack = cli.add_subcommand("pack", "packs");
    pack->require_subcommand(1);
    pack->add_subcommand("keygen", "create a key")->add_option("--out", out_dir, "where")->required();
    std::ostringstream out, err;
    auto code = parse_command_line(cli, args, out, err);
    return { code, out.str(), err.str() };
}

}

TEST_CASE("help and version go to stdout and exit 0", "[cli]")
{
    auto help = run({ "--help" });
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("A test program.") && Catch::Contains("enroll") && Catch::Contains("pack"));
    CHECK(help.err.empty());

    auto nested = run({ "pack", "keygen", "-h" });
    CHECK(nested.code == 0);
    CHECK_THAT(nested.out, Catch::Contains("prog pack keygen") && Catch::Contains("--out"));

    auto version = run({ "--version" });
    CHECK(version.code == 0);
    CHECK(version.out == "prog 1.2.3\n");
}

TEST_CASE("a usable command line lets the program go on", "[cli]")
{
    CHECK_FALSE(run({ "enroll", "mairie-12", "--db", "hub.sqlite" }).code);
    CHECK_FALSE(run({ "enroll", "--db=hub.sqlite", "mairie-12", "--delay", "3" }).code);
    CHECK_FALSE(run({ "pack", "keygen", "--out", "k" }).code);
}

TEST_CASE("each command-line mistake exits 2 with one line naming it", "[cli]")
{
    auto check = [](std::vector<std::string> args, const std::string& message) {
        INFO(message);
        auto outcome = run(args);
        CHECK(outcome.code == exit_bad_command_line);
        CHECK(outcome.out.empty());
        CHECK_THAT(outcome.err, Catch::StartsWith("prog: " + message + "\n"));
        CHECK_THAT(outcome.err, Catch::Contains("--help' for usage"));
    };
    check({}, "a command is needed: enroll, pack");
    check({ "frobnicate" }, "unknown command 'frobnicate'");
    check({ "--colour" }, "unknown option '--colour'");
    check({ "enroll", "a", "--db", "x", "--colour", "blue" }, "unknown option '--colour' for 'enroll'");
    check({ "enroll", "--db", "x" }, "'enroll' takes one argument (NAME)");
    check({ "enroll", "a", "b", "--db", "x" }, "'enroll' takes one argument (NAME), not also 'b'");
    check({ "enroll", "a" }, "'enroll' needs --db");
    check({ "enroll", "a", "--db" }, "option '--db' needs a value");
    check({ "enroll", "a", "--db", "x", "--db", "y" }, "option '--db' is given twice");
    check({ "enroll", "a", "--db", "" }, "--db needs a non-empty value");
    check({ "enroll", "a", "--db=" }, "option '--db' needs a value");
    check({ "enroll", "a", "--db", "x", "--delay", "11" }, "--delay must be a whole number from 1 to 10, got '11'");
    check({ "enroll", "a", "--db", "x", "--delay", "-1" }, "--delay must be a whole number from 1 to 10, got '-1'");
    check({ "pack" }, "'pack' needs a command: keygen");
    check({ "pack", "sign" }, "unknown command 'pack sign'");
    check({ "pack", "keygen" }, "'pack keygen' needs --out");
}

TEST_CASE("the hint names the command that was being parsed", "[cli]")
{
    CHECK_THAT(run({ "pack", "keygen" }).err, Catch::Contains("(run 'prog pack keygen --help' for usage)"));
    CHECK_THAT(run({ "frobnicate" }).err, Catch::Contains("(run 'prog --help' for usage)"));
}

TEST_CASE("number checks accept decimal digits in range only", "[cli]")
{
    auto whole = whole_number(0, 255);
    auto decimal = decimal_number(0, 1);
    auto check = [](CLI::Validator& validator, std::string text) { return validator(text); };
    CHECK(check(whole, "0").empty());
    CHECK(check(whole, "255").empty());
    CHECK_FALSE(check(whole, "256").empty());
    CHECK_FALSE(check(whole, "0x10").empty());
    CHECK_FALSE(check(whole, " 1").empty());
    CHECK_FALSE(check(whole, "").empty());
    CHECK(check(decimal, "0.25").empty());
    CHECK_FALSE(check(decimal, "1.5").empty());
    CHECK_FALSE(check(decimal, "nan").empty());
}
