// Limits on input files and texts: bounded reads, a linear depth check before JSON is parsed, and
// message-safe quoting.
#include "kiosk/core/input_limits.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

namespace guichet {

std::string size_text(std::size_t bytes)
{
    if (bytes % (1024 * 1024) == 0)
        return std::to_string(bytes / (1024 * 1024)) + " MiB";
    if (bytes % 1024 == 0)
        return std::to_string(bytes / 1024) + " KiB";
    return std::to_string(bytes) + " bytes";
}

namespace {

// "1 MiB (1048576 bytes)": the round figure people set, and the exact one to compare with a size.
std::string limit_text(std::size_t bytes)
{
    auto round = size_text(bytes);
    return round.ends_with(" bytes") ? round : round + " (" + std::to_string(bytes) + " bytes)";
}

}

std::expected<std::string, ReadProblem> read_file_at_most(
const std::filesystem::path& path, std::size_t max_bytes,
    std::string_view what)
{
    auto too_large = [&](std::string_view size) {
        return std::unexpected(ReadProblem { ReadProblem::Kind::TooLarge,
            "is " + std::string(size) + "; " + std::string(what) + " may hold at most " + limit_text(max_bytes) });
    };
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        return std::unexpected(ReadProblem { ReadProblem::Kind::Unreadable, "it is a directory" });
    // A regular file says its size: refuse before reading a byte.
    if (std::filesystem::is_regular_file(path, error)) {
        auto size = std::filesystem::file_size(path, error);
        if (!error && size > max_bytes)
            return too_large(std::to_string(size) + " bytes");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::unexpected(ReadProblem { ReadProblem::Kind::Unreadable, std::strerror(errno) });
    std::string text;
    char buffer[64 * 1024];
    while (in && text.size() <= max_bytes) {
        in.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, max_bytes + 1 - text.size())));
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad())
        return std::unexpected(ReadProblem { ReadProblem::Kind::Unreadable, "a read failed" });
    if (text.size() > max_bytes) // a file that grew, or one that is not a regular file
        return too_large("more than " + std::to_string(max_bytes) + " bytes");
    return text;
}

Result<void> check_json_depth(std::string_view text, std::size_t max_depth, std::size_t max_values)
{
    std::size_t depth = 0, line = 1, values = 1;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n')
            ++line;
        if (in_string) {
            if (c == '\\')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            continue;
        }
        if ((c == '[' || c == '{') && ++depth > max_depth)
            return fail("nests arrays and objects more than " + std::to_string(max_depth) + " deep (line "
                + std::to_string(line) + ")");
        if ((c == '[' || c == '{' || c == ',' || c == ':') && ++values > max_values)
            return fail("holds more than " + std::to_string(max_values) + " JSON values (line " + std::to_string(line) + ")");
        if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return {};
}

Result<nlohmann::json> parse_json_bounded(std::string_view text, std::size_t max_depth)
{
    if (auto checked = check_json_depth(text, max_depth); !checked)
        return std::unexpected(checked.error());
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {
        // "[json.exception.parse_error.101] parse error at line 1, column 9: ...": keep the words.
        std::string_view what = error.what();
        if (auto bracket = what.find("] "); what.starts_with("[json.exception.") && bracket != std::string_view::npos)
            what.remove_prefix(bracket + 2);
        return fail("is not valid JSON: " + shown(what, 200));

    } catch (const std::bad_alloc&) {
        return fail("not enough memory to read it");
    }
}

std::size_t character_count(std::string_view utf8)
{
    std::size_t count = 0;
    for (char c : utf8) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++count;
    }
    return count;
}

namespace {

void append_escaped(std::string& out, char c)
{
    static constexpr char hex[] = "0123456789abcdef";
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
    case '\0': out += "\\0"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
    }
    if (byte < 0x20 || byte == 0x7F) {
        out += "\\x";
        out += hex[byte >> 4];
        out += hex[byte & 0xF];
        return;
    }
    out += c;
}


// The length of the well-formed UTF-8 sequence at `at`, or 0 when the byte there starts none (a stray
// continuation byte, a cut sequence, a byte no UTF-8 uses).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    std::size_t length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
        : lead >= 0xF0 && lead <= 0xF4                                                                  ? 4
                                                                                                        : 0;
    if (length == 0 || at + length > text.size())
        return 0;
    for (std::size_t i = at + 1; i < at + length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return 0;
    }
    return length;
}

// Escapes control characters and bytes that are not UTF-8 (a message is always valid text, which a
// terminal, a log and grep take as such); stops after `max_characters` when there is a limit.
std::string escaped(std::string_view text, std::optional<std::size_t> max_characters)
{
    std::string out;
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size();) {
        if (max_characters && ++characters > *max_characters) {
            out += "… (" + std::to_string(character_count(text)) + " characters)";
            return out;
        }
        auto length = utf8_sequence_length(text, i);
        if (length == 0) {
            static constexpr char hex[] = "0123456789abcdef";
            auto byte = static_cast<unsigned char>(text[i]);
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xF];
            ++i;
        } else if (length == 1) {
            append_escaped(out, text[i++]);
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    return out;
}

}

std::string shown(std::string_view text, std::size_t max_characters) { return escaped(text, max_characters); }

std::string escape_controls(std::string_view text) { return escaped(text, std::nullopt); }

}
