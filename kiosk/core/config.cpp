// Reads the TOML configuration with toml++ and checks each value against its rule.
#include "kiosk/core/config.h"
#include "kiosk/core/input_limits.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace guichet {
namespace {

using Setter = std::function<std::string(const toml::node&)>; // returns an error text, empty when fine

std::string type_error(std::string_view expected) { return "must be " + std::string(expected); }

// Paths, addresses and names: PATH_MAX is 4096 bytes, and nothing else here is longer.
constexpr std::size_t max_string_characters = 4096;
// Arrays hold language codes or signing keys: a handful.
constexpr std::size_t max_list_items = 32;

std::string length_problem(std::string_view text, std::size_t max_characters)
{
    auto length = character_count(text);
    if (length <= max_characters)
        return {};
    return "is " + std::to_string(length) + " characters long; at most " + std::to_string(max_characters) + " are allowed";
}

Setter string_key(std::string& target, bool allow_empty = false, std::size_t max_characters = max_string_characters)
{
    return [&target, allow_empty, max_characters](const toml::node& node) -> std::string {
        auto value = node.value<std::string>();
        if (!node.is_string() || !value)
            return type_error("a string");
        if (value->empty() && !allow_empty)
            return "must not be empty";
        if (auto problem = length_problem(*value, max_characters); !problem.empty())
            return problem;
        target = *value;
        return {};
    };
}

// A theme is named, not given as a path: the kiosk reads <assets>/themes/<name>.json, and a name with
// '/' or '..' would read a file from anywhere.
Setter theme_name_key(std::string& target)
{
    return [&target](const toml::node& node) -> std::string {
        auto value = node.value<std::string>();
        if (!node.is_string() || !value)
            return type_error("a string");
        if (value->empty())
            return "must not be empty";
        bool plain = value->size() <= 64 && std::all_of(value->begin(), value->end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
        if (!plain)
            return "must be the name of a theme of themes/ (1 to 64 letters, digits, '-' or '_', without '.json'), got '"
                + shown(*value) + "'";
        target = *value;
        return {};
    };
}

Setter choice_key(std::string& target, std::vector<std::string> allowed)
{
    return [&target, allowed = std::move(allowed)](const toml::node& node) -> std::string {
        auto value = node.value<std::string>();
        if (node.is_string() && value && std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) {
            target = *value;
            return {};
        }
        std::string list;
        for (auto& choice : allowed)
            list += (list.empty() ? "\"" : ", \"") + choice + "\"";
        return "must be one of " + list;
    };
}

Setter bool_key(bool& target)
{
    return [&target](const toml::node& node) -> std::string {
        if (!node.is_boolean())
            return type_error("true or false");
        target = *node.value<bool>();
        return {};
    };
}

Setter int_key(int& target, int min, int max)
{
    return [&target, min, max](const toml::node& node) -> std::string {
        if (!node.is_integer())
            return type_error("a whole number");
        auto value = *node.value<int64_t>();
        if (value < min || value > max)
            return "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got "
                + std::to_string(value) + ")";
        target = static_cast<int>(value);
        return {};
    };
}

Setter choice_int_key(int& target, std::vector<int> allowed)
{
    return [&target, allowed = std::move(allowed)](const toml::node& node) -> std::string {
        if (node.is_integer() && std::find(allowed.begin(), allowed.end(), *node.value<int64_t>()) != allowed.end()) {
            target = static_cast<int>(*node.value<int64_t>());
            return {};
        }
        std::string list;
        for (int choice : allowed)
            list += (list.empty() ? "" : " or ") + std::to_string(choice);
        return "must be " + list;
    };
}

bool is_language_code(std::string_view code)
{
    return code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z';
}

Setter language_list_key(std::vector<std::string>& target)
{
    return [&target](const toml::node& node) -> std::string {
        auto* array = node.as_array();
        if (!array || array->empty())
            return type_error("a non-empty list of language codes such as [\"fr\", \"en\"]");
        if (array->size() > max_list_items)
            return "holds " + std::to_string(array->size()) + " items; at most " + std::to_string(max_list_items) + " are allowed";
        std::vector<std::string> codes;
        for (auto& item : *array) {
            auto code = item.value<std::string>();
            if (!item.is_string() || !code || !is_language_code(*code))
                return "must hold two-letter language codes such as \"fr\"";
            codes.push_back(*code);
        }
        target = std::move(codes);
        return {};
    };
}

Setter string_list_key(std::vector<std::string>& target)
{
    return [&target](const toml::node& node) -> std::string {
        auto* array = node.as_array();
        if (!array)
            return type_error("a list of strings such as [\"...\"]");
        if (array->size() > max_list_items)
            return "holds " + std::to_string(array->size()) + " items; at most " + std::to_string(max_list_items) + " are allowed";
        std::vector<std::string> items;
        for (auto& item : *array) {
            auto text = item.value<std::string>();
            if (!item.is_string() || !text || text->empty())
                return "must hold non-empty strings";
            if (auto problem = length_problem(*text, max_string_characters); !problem.empty())
                return "holds a string that " + problem;
            items.push_back(*text);
        }
        target = std::move(items);
        return {};
    };
}

// [scanner.options]: SANE option names and their values, as strings ("source" = "Flatbed").
Setter option_table_key(std::vector<std::pair<std::string, std::string>>& target)
{
    return [&target](const toml::node& node) -> std::string {
        auto* table = node.as_table();
        if (!table)
            return type_error("a table of SANE options such as [scanner.options] source = \"Flatbed\"");
        if (table->size() > max_list_items)
            return "holds " + std::to_string(table->size()) + " options; at most " + std::to_string(max_list_items) + " are allowed";
        std::vector<std::pair<std::string, std::string>> options;
        for (auto& [name, value] : *table) {
            auto text = value.value<std::string>();
            if (!value.is_string() || !text)
                return "'" + shown(std::string(name.str())) + "' must be a string (\"yes\", \"150\", \"Flatbed\")";
            if (auto problem = length_problem(*text, 256); !problem.empty())
                return "'" + shown(std::string(name.str())) + "' " + problem;
            options.emplace_back(std::string(name.str()), *text);
        }
        target = std::move(options);
        return {};
    };
}

// TLS is required except towards this machine (a local hub in a demo or a test).
std::string check_hub_url(std::string_view url)
{
    if (url.empty() || url.starts_with("https://"))
        return {};
    if (!url.starts_with("http://"))
        return "must start with https://";
    auto host = url.substr(7, url.find_first_of(":/", 7) == std::string_view::npos ? std::string_view::npos
                                                                                    : url.find_first_of(":/", 7) - 7);
    if (url.substr(7).starts_with("[::1]") || host == "127.0.0.1" || host == "localhost")
        return {};
    return "must use https:// (plain http:// is only allowed to 127.0.0.1 or localhost)";
}

// toml++ reads a dotted key and nested arrays and inline tables by recursion, one level a part: a key of
// 40,000 parts overflows the stack (SIGSEGV). The configuration needs two parts ("section.key") and two
// levels ("[[x]]", a list), so one pass over the text refuses more than these before toml++ sees it.
constexpr std::size_t max_key_parts = 16;
constexpr std::size_t max_toml_depth = 16;

Result<void> check_toml_shape(std::string_view text, std::string_view source)
{
    std::size_t line = 1, depth = 0, dots = 0; // dots: since the last '=', ',', bracket or line end
    auto at_line = [&] { return std::string(source) + ":" + std::to_string(line) + ": "; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '#') { // a comment, to the end of the line
            while (i + 1 < text.size() && text[i + 1] != '\n')
                ++i;
        } else if (c == '"' || c == '\'') {
            // A string, skipped whole: what it holds is not structure. Basic strings ('"') have escapes;
            // a multi-line one ("""…""" or '''…''') may span lines, which are still counted.
            bool basic = c == '"';
            bool multi_line = text.substr(i, 3) == std::string(3, c);
            i += multi_line ? 3 : 1;
            for (; i < text.size(); ++i) {
                if (basic && text[i] == '\\') {
                    if (++i < text.size() && text[i] == '\n')
                        ++line; // a line-ending backslash in a multi-line string
                    continue;
                }
                if (text[i] == '\n') {
                    ++line;
                    if (!multi_line)
                        break; // an unterminated string: toml++ says so
                }
                if (text[i] == c && (!multi_line || text.substr(i, 3) == std::string(3, c))) {
                    i += multi_line ? 2 : 0;
                    break;
                }
            }
        } else if (c == '\n') {
            ++line;
            dots = 0;
        } else if (c == '.') {
            // Outside strings a dot separates key parts; a number or a time holds one at most.
            if (++dots >= max_key_parts)
                return fail(at_line() + "a dotted key has more than " + std::to_string(max_key_parts)
                    + " parts; the configuration's keys have two ('section.key')");
        } else if (c == '[' || c == '{') {
            dots = 0;
            if (++depth > max_toml_depth)
                return fail(at_line() + "arrays, tables and inline tables are nested more than "
                    + std::to_string(max_toml_depth) + " deep; the configuration needs two levels");
        } else if (c == ']' || c == '}') {
            dots = 0;
            if (depth > 0)
                --depth;
        } else if (c == '=' || c == ',') {
            dots = 0;
        }
    }
    return {};
}

std::string describe_location(std::string_view source, const toml::source_region& where)
{
    std::ostringstream out;
    out << source << ':' << where.begin.line;
    return out.str();
}

}

Result<Config> parse_config(std::string_view text, std::string_view source)
{
    if (text.size() > max_config_bytes)
        return fail(std::string(source) + ": the configuration is " + std::to_string(text.size())
            + " bytes; it may hold at most " + size_text(max_config_bytes) + " (" + std::to_string(max_config_bytes) + " bytes)");
    if (auto shape = check_toml_shape(text, source); !shape)
        return std::unexpected(shape.error());
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& error) {
        return fail(describe_location(source, error.source()) + ": not valid TOML: " + shown(error.description(), 200));
    }

    Config config;
    std::map<std::string, std::map<std::string, Setter>> schema {
        { "kiosk",
            {
                { "id", string_key(config.kiosk.id, false, max_kiosk_id_characters) },
                { "place_name", string_key(config.kiosk.place_name, true, max_place_name_characters) },
                { "default_language", string_key(config.kiosk.default_language) },
                { "languages", language_list_key(config.kiosk.languages) },
                { "opening_hours", string_key(config.kiosk.opening_hours, true, 160) },
                { "phone", string_key(config.kiosk.phone, true, 40) },
            } },
        { "display",
            {
                { "fullscreen", bool_key(config.display.fullscreen) },
                { "width", int_key(config.display.width, 320, 7680) },
                { "height", int_key(config.display.height, 240, 7680) },
                { "hide_cursor", bool_key(config.display.hide_cursor) },
                { "renderer", choice_key(config.display.renderer, { "auto", "software" }) },
            } },
        { "session",
            {
                { "idle_timeout_s", int_key(config.session.idle_timeout_s, 10, 3600) },
                { "warning_s", int_key(config.session.warning_s, 20, 600) },
                { "max_extensions", int_key(config.session.max_extensions, 0, 1000) },
            } },
        { "ui",
            {
                { "assets_dir", string_key(config.ui.assets_dir) },
                { "font_regular", string_key(config.ui.font_regular) },
                { "font_bold", string_key(config.ui.font_bold) },
                { "theme", theme_name_key(config.ui.theme) },
                { "high_contrast_theme", theme_name_key(config.ui.high_contrast_theme) },
            } },
        { "sync",
            {
                { "hub_url", string_key(config.sync.hub_url, true) },
                { "token_file", string_key(config.sync.token_file, true) },
                { "submission_public_key", string_key(config.sync.submission_public_key, true) },
                { "ca_file", string_key(config.sync.ca_file, true) },
                { "batch_max_items", int_key(config.sync.batch_max_items, 1, 500) },
                { "batch_max_kib", int_key(config.sync.batch_max_kib, 4, 4096) },
                { "chunk_kib", int_key(config.sync.chunk_kib, 4, 256) },
                { "retention_days", int_key(config.sync.retention_days, 0, 3650) },
                { "heartbeat_interval_s", int_key(config.sync.heartbeat_interval_s, 60, 86400) },
            } },
        { "storage",
            {
                { "outbox", string_key(config.storage.outbox) },
                { "staff", string_key(config.storage.staff) },
            } },
        { "speech",
            {
                { "enabled", bool_key(config.speech.enabled) },
                { "rate", choice_key(config.speech.rate, { "slow", "normal", "fast" }) },
                { "volume", int_key(config.speech.volume, 10, 100) },
                { "audio_device", string_key(config.speech.audio_device, true) },
                { "espeak_data", string_key(config.speech.espeak_data, true) },
                { "recordings_dir", string_key(config.speech.recordings_dir, true) },
            } },
        { "keys",
            {
                { "up", string_key(config.keys.up, true) },
                { "down", string_key(config.keys.down, true) },
                { "enter", string_key(config.keys.enter, true) },
                { "back", string_key(config.keys.back, true) },
                { "help", string_key(config.keys.help, true) },
            } },
        { "content",
            {
                { "packs_dir", string_key(config.content.packs_dir, true) },
                { "channel", string_key(config.content.channel) },
                { "signing_keys", string_list_key(config.content.signing_keys) },
                { "check_interval_s", int_key(config.content.check_interval_s, 60, 604800) },
            } },
        { "staff",
            {
                { "long_press_s", int_key(config.staff.long_press_s, 1, 10) },
                { "lockout_after", int_key(config.staff.lockout_after, 3, 20) },
                { "lockout_s", int_key(config.staff.lockout_s, 60, 86400) },
                { "usb_dir", string_key(config.staff.usb_dir) },
            } },
        { "scanner",
            {
                { "device", string_key(config.scanner.device, true, 256) },
                { "resolution_dpi", int_key(config.scanner.resolution_dpi, 75, 600) },
                { "max_page_kib", int_key(config.scanner.max_page_kib, 16, 2000) },
                { "jpeg_quality", int_key(config.scanner.jpeg_quality, 30, 95) },
                { "options", option_table_key(config.scanner.options) },
            } },
        { "printer",
            {
                { "kind", choice_key(config.printer.kind, { "none", "escpos", "cups" }) },
                { "device", string_key(config.printer.device, true, 256) },
                { "queue", string_key(config.printer.queue, true, 127) },
                { "cups_server", string_key(config.printer.cups_server, true, 256) },
                { "paper_mm", choice_int_key(config.printer.paper_mm, { 58, 80 }) },
                { "qr", choice_key(config.printer.qr, { "native", "raster" }) },
            } },
    };

    for (auto& [section_key, section_node] : root) {
        std::string section(section_key.str());
        auto known_section = schema.find(section);
        if (known_section == schema.end())
            return fail(describe_location(source, section_key.source()) + ": unknown section or key '" + shown(section) + "'");
        auto* table = section_node.as_table();
        if (!table)
            return fail(describe_location(source, section_key.source()) + ": '" + shown(section) + "' must be a [section]");
        for (auto& [key_name, value] : *table) {
            std::string name = section + "." + std::string(key_name.str());
            auto setter = known_section->second.find(std::string(key_name.str()));
            if (setter == known_section->second.end())
                return fail(describe_location(source, key_name.source()) + ": unknown key '" + shown(name) + "'");
            if (auto problem = setter->second(value); !problem.empty())
                return fail(describe_location(source, value.source()) + ": '" + name + "' " + problem);
        }
    }

    // Rules that involve more than one key, or that a range cannot say.
    if (config.session.max_extensions != 0 && config.session.max_extensions < 10)
        return fail(std::string(source) + ": 'session.max_extensions' must be 0 (unlimited) or at least 10 (WCAG 2.2.1), got "
            + std::to_string(config.session.max_extensions));
    auto& langs = config.kiosk.languages;
    if (std::find(langs.begin(), langs.end(), config.kiosk.default_language) == langs.end())
        return fail(std::string(source) + ": 'kiosk.default_language' (\"" + shown(config.kiosk.default_language)
            + "\") must be one of 'kiosk.languages'");
    if (auto problem = check_hub_url(config.sync.hub_url); !problem.empty())
        return fail(std::string(source) + ": 'sync.hub_url' " + problem);
    if (config.printer.kind == "cups" && !config.printer.device.empty())
        return fail(std::string(source) + ": 'printer.device' is for an ESC/POS printer (kind = \"escpos\"); a CUPS printer is named by 'printer.queue'");
    if (!config.sync.hub_url.empty() && config.sync.token_file.empty())
        return fail(std::string(source) + ": 'sync.token_file' is needed when 'sync.hub_url' is set");
    return config;
}

Result<Config> load_config(const std::filesystem::path& path)
{
    auto text = read_file_at_most(path, max_config_bytes, "a configuration file");
    if (!text && text.error().kind == ReadProblem::Kind::TooLarge)
        return fail("the configuration file '" + path.string() + "' " + text.error().reason);
    if (!text)
        return fail("cannot read the configuration file '" + path.string() + "': " + text.error().reason);
    return parse_config(*text, path.string());
}

// A token from `guichet-hub enroll` is a line of a few dozen characters; the file is read at most 4 KiB
// deep, so a wrong path (a log, a device) costs nothing and is named.
Result<std::string> read_kiosk_token(const SyncSection& sync)
{
    constexpr std::size_t max_token_file_bytes = 4096;
    auto text = sync.token_file.empty()
        ? std::unexpected(ReadProblem { ReadProblem::Kind::Unreadable, "no file is set" })
        : read_file_at_most(sync.token_file, max_token_file_bytes, "a token file");
    if (!text && text.error().kind == ReadProblem::Kind::TooLarge)
        return fail("the kiosk token file '" + sync.token_file + "' ('sync.token_file') " + text.error().reason);
    auto token = text ? text->substr(0, text->find('\n')) : std::string();
    if (!token.empty() && token.back() == '\r')
        token.pop_back();
    if (token.empty())
        return fail("cannot read the kiosk token from '" + sync.token_file + "' ('sync.token_file')");
    return token;
}


}
