// Parser for headless scripts.
#include "kiosk/core/script.h"

#include "kiosk/core/router.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace guichet {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// A "quoted string" with \" and \\ escapes, and nothing after it.
Result<std::string> parse_quoted(std::string_view arg)
{
    if (arg.size() < 2 || arg.front() != '"')
        return fail("expected a \"quoted text\"");
    std::string out;
    for (size_t i = 1; i < arg.size(); ++i) {
        char c = arg[i];
        if (c == '\\' && i + 1 < arg.size()) {
            out += arg[++i];
        } else if (c == '"') {
            if (!trim(arg.substr(i + 1)).empty())
                return fail("unexpected text after the closing quote");
            return out;
        } else {
            out += c;
        }
    }
    return fail("the quoted text is not closed");
}

Result<int> parse_number(std::string_view arg, int min, int max)
{
    int value = 0;
    auto [end, error] = std::from_chars(arg.data(), arg.data() + arg.size(), value);
    if (error != std::errc() || end != arg.data() + arg.size())
        return fail("expected a whole number, got '" + std::string(arg) + "'");
    if (value < min || value > max)
        return fail("the number must be between " + std::to_string(min) + " and " + std::to_string(max));
    return value;
}

Result<ScriptStep> parse_line(std::string_view command, std::string_view arg)
{
    ScriptStep step;
    auto needs_word = [&](ScriptVerb kind) -> Result<ScriptStep> {
        if (arg.empty() || arg.find_first_of(" \t") != std::string_view::npos)
            return fail("'" + std::string(command) + "' takes one word");
        step.kind = kind;
        step.text = arg;
        return step;
    };
    auto needs_quoted = [&](ScriptVerb kind) -> Result<ScriptStep> {
        auto text = parse_quoted(arg);
        if (!text)
            return std::unexpected(text.error());
        step.kind = kind;
        step.text = *text;
        return step;
    };
    auto needs_number = [&](ScriptVerb kind, int min, int max) -> Result<ScriptStep> {
        auto number = parse_number(arg, min, max);
        if (!number)
            return std::unexpected(number.error());
        step.kind = kind;
        step.number = *number;
        return step;
    };

    if (command == "tap") {
        if (arg.starts_with("id:")) {
            arg.remove_prefix(3);
            return needs_word(ScriptVerb::TapId);
        }
        return needs_quoted(ScriptVerb::TapLabel);
    }
    if (command == "type")
        return needs_quoted(ScriptVerb::Type);
    if (command == "key")
        return needs_word(ScriptVerb::Key);
    if (command == "wait")
        return needs_number(ScriptVerb::Wait, 0, 600'000);
    if (command == "advance")
        return needs_number(ScriptVerb::Advance, 0, 86'400);
    if (command == "expect-screen") {
        if (!screen_from_name(arg))
            return fail("unknown screen '" + std::string(arg) + "'");
        return needs_word(ScriptVerb::ExpectScreen);
    }
    if (command == "expect-text")
        return needs_quoted(ScriptVerb::ExpectText);
    if (command == "expect-no-text")
        return needs_quoted(ScriptVerb::ExpectNoText);
    if (command == "screenshot") {
        if (!arg.ends_with(".png"))
            return fail("'screenshot' takes a file name ending in .png");
        return needs_word(ScriptVerb::Screenshot);
    }
    if (command == "dump-ui") {
        if (!arg.ends_with(".json"))
            return fail("'dump-ui' takes a file name ending in .json");
        return needs_word(ScriptVerb::DumpUi);
    }
    if (command == "wait-speech") {
        if (!arg.empty())
            return fail("'wait-speech' takes no argument");
        step.kind = ScriptVerb::WaitSpeech;
        return step;
    }
    if (command == "expect-focus")
        return needs_word(ScriptVerb::ExpectFocus);
    if (command == "expect-fits") {
        if (!arg.empty())
            return fail("'expect-fits' takes no argument");
        step.kind = ScriptVerb::ExpectFits;
        return step;
    }
    if (command == "wait-sync") {
        if (!arg.empty())
            return fail("'wait-sync' takes no argument");
        step.kind = ScriptVerb::WaitSync;
        return step;
    }
    if (command == "resize") {
        auto x = arg.find('x');
        if (x == std::string_view::npos)
            return fail("'resize' takes a size such as 1080x1920");
        auto width = parse_number(arg.substr(0, x), 320, 7680);
        auto height = parse_number(arg.substr(x + 1), 240, 7680);
        if (!width || !height)
            return fail("'resize' takes a size such as 1080x1920 (each side from 240 to 7680)");
        step.kind = ScriptVerb::Resize;
        step.number = *width;
        step.second_number = *height;
        return step;
    }
    return fail("unknown command '" + std::string(command)
        + "' (known: tap, type, key, wait, advance, expect-screen, expect-text, expect-no-text, expect-focus, expect-fits, screenshot, resize, dump-ui, wait-sync, wait-speech)");
}

}

Result<std::vector<ScriptStep>> parse_script(std::string_view text, std::string_view source)
{
    std::vector<ScriptStep> steps;
    int line_number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view {} : text.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#')
            continue;
        auto space = line.find_first_of(" \t");
        auto command = line.substr(0, space);
        auto arg = space == std::string_view::npos ? std::string_view {} : trim(line.substr(space));
        auto step = parse_line(command, arg);
        if (!step)
            return fail(std::string(source) + ":" + std::to_string(line_number) + ": " + step.error().message);
        step->line = line_number;
        steps.push_back(std::move(*step));
    }
    return steps;
}

Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::error_code ignored;
    if (!in || std::filesystem::is_directory(path, ignored))
        return fail("cannot read the script '" + path.string() + "'");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_script(buffer.str(), path.string());
}

}
