// One parser for the four programs' command lines, and the project's words for CLI11's parse errors:
// CLI11 reports "The following argument was not expected: --x"; a technician reads "unknown option '--x'
// for 'serve'" better, with the command it was given to.
#include "kiosk/core/command_line.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <iostream>

namespace guichet {
namespace {

// The program, then each subcommand the parse went into: guichet-hub, pack, build.
std::vector<const CLI::App*> selected_chain(const CLI::App& app)
{
    std::vector<const CLI::App*> chain { &app };
    for (auto subs = app.get_subcommands(); !subs.empty(); subs = subs.front()->get_subcommands())
        chain.push_back(subs.front());
    return chain;
}

// "pack build" for the chain up to `depth`; the program's name for the program itself.
std::string command_name(const std::vector<const CLI::App*>& chain, size_t depth)
{
    if (depth == 0)
        return chain.front()->get_name();
    std::string name;
    for (size_t i = 1; i <= depth; ++i)
        name += (i > 1 ? " " : "") + chain[i]->get_name();
    return name;
}

std::vector<const CLI::Option*> positionals(const CLI::App& app)
{
    std::vector<const CLI::Option*> found;
    for (auto* option : app.get_options())
        if (option->get_positional())
            found.push_back(option);
    return found;
}

// "'retry' takes one argument (ID)", "'status' takes no argument".
std::string arguments_taken(const CLI::App& app, const std::string& name)
{
    auto taken = positionals(app);
    if (taken.empty())
        return "'" + name + "' takes no argument";
    std::string names;
    for (auto* option : taken)
        names += (names.empty() ? "" : " ") + option->get_name();
    return "'" + name + "' takes " + (taken.size() == 1 ? std::string("one argument") : std::to_string(taken.size()) + " arguments")
        + " (" + names + ")";
}

std::string subcommand_names(const CLI::App& app)
{
    std::string names;
    for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        names += (names.empty() ? "" : ", ") + sub->get_name();
    return names;
}

// CLI11 begins most messages with the option's name and a colon: "--db: 1 required TEXT missing".
std::string option_named_in(const std::string& message)
{
    auto colon = message.find(": ");
    return colon == std::string::npos ? std::string() : message.substr(0, colon);
}

}

CLI::Validator whole_number(uint64_t min, uint64_t max)
{
    auto range = std::to_string(min) + " to " + std::to_string(max);
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            uint64_t value = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min || value > max)
                return "must be a whole number from " + range + ", got '" + text + "'";
            return {};
        },
        "N", "whole_number");
}

CLI::Validator decimal_number(double min, double max)
{
    auto range = CLI::detail::to_string(min) + " to " + CLI::detail::to_string(max);
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            double value = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || error != std::errc() || end != text.data() + text.size() || !(value >= min && value <= max))
                return "must be a number from " + range + ", got '" + text + "'";
            return {};
        },
        "X", "decimal_number");
}

CLI::Validator not_empty()
{
    return CLI::Validator(
        [](std::string& text) -> std::string { return text.empty() ? "needs a non-empty value" : ""; }, "", "not_empty");
}

void apply_command_line_style(CLI::App& app, const std::string& version_line)
{
    app.set_help_flag("-h,--help", "print this help and exit");
    if (!version_line.empty())
        app.set_version_flag("--version", version_line, "print the version and exit");
    app.get_formatter()->column_width(34);
    app.get_formatter()->label("REQUIRED", "(required)");
}

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error)
{
    auto chain = selected_chain(app);
    const CLI::App& leaf = *chain.back();
    const size_t depth = chain.size() - 1;
    const std::string message = error.what();

    // What CLI11 could not place ends up with the program; the deepest command reached is the one it was given to.
    bool extras = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr;
    bool required = dynamic_cast<const CLI::RequiredError*>(&error) != nullptr;
    if (extras || required) {
        std::vector<std::string> left;
        for (auto* each : chain)
            for (auto& arg : each->remaining(false))
                left.push_back(arg);
        if (!left.empty()) {
            auto& first = left.front();
            if (first.size() > 1 && first[0] == '-')
                return "unknown option '" + first + "'" + (depth == 0 ? "" : " for '" + command_name(chain, depth) + "'");
            if (leaf.get_require_subcommand_min() > 0 && leaf.get_subcommands().empty())
                return "unknown command '" + (depth == 0 ? first : command_name(chain, depth) + " " + first) + "'";
            return arguments_taken(leaf, command_name(chain, depth)) + (positionals(leaf).empty() ? ", got '" : ", not also '")
                + first + "'";
        }
    }
    if (required) {
        if (leaf.get_require_subcommand_min() > 0 && leaf.get_subcommands().empty())
            return (depth == 0 ? std::string("a command is needed: ") : "'" + command_name(chain, depth) + "' needs a command: ")
                + subcommand_names(leaf);
        for (size_t at = 0; at <= depth; ++at) {
            for (auto* option : chain[at]->get_options()) {
                if (!option->get_required() || option->count() > 0)
                    continue;
                if (option->get_positional())
                    return arguments_taken(*chain[at], command_name(chain, at));
                return (at == 0 ? std::string("") : "'" + command_name(chain, at) + "' needs ") + option->get_name()
                    + (at == 0 ? " is needed" : "");
            }
        }
    }
    auto option = option_named_in(message);
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) && !option.empty()) {
        if (message.find("missing") != std::string::npos)
            return "option '" + option + "' needs a value";
        if (message.find("At Most") != std::string::npos)
            return "option '" + option + "' is given twice";
    }
    // Our validators word their message to follow the option's name: "--windowed takes a size such as ...".
    if (dynamic_cast<const CLI::ValidationError*>(&error) && !option.empty())
        return option + " " + message.substr(option.size() + 2);
    return message;
}

std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args, std::ostream& out,
    std::ostream& err)
{
    std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 takes them last first
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) // --help, --version
            return app.exit(error, out, err);
        auto chain = selected_chain(app);
        std::string usage = app.get_name();
        for (size_t i = 1; i < chain.size(); ++i)
            usage += " " + chain[i]->get_name();
        err << app.get_name() << ": " << describe_parse_error(app, error) << "\n(run '" << usage << " --help' for usage)\n";
        return exit_bad_command_line;
    }
    return std::nullopt;
}

std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv)
{
    return parse_command_line(app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc), std::cout, std::cerr);
}

std::string read_secret_line(std::istream& in, bool terminal, std::string_view prompt, std::ostream& err)
{
    termios saved {};
    if (terminal) {
        err << prompt << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    std::getline(in, line);
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        err << "\n";
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

}
