// Limits on what administrators and content authors give the kiosk (issue 15): file sizes checked
// before a file is read whole, JSON nesting checked before a tree is built, and the helpers that count
// and quote texts for messages. docs/decisions.md says why each limit is what it is.
#pragma once
#include "kiosk/core/result.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace guichet {

// Largest files the kiosk reads whole. The shipped ones are 4 KB (configuration), 32 KB (the largest
// procedure), 14 KB (a strings file) and under 1 KB (a theme): each limit leaves a wide margin.
inline constexpr std::size_t max_config_bytes = 256 * 1024;
inline constexpr std::size_t max_procedure_bytes = 1024 * 1024;
inline constexpr std::size_t max_strings_bytes = 1024 * 1024;
inline constexpr std::size_t max_theme_bytes = 64 * 1024;
// The postcode table of data/ is 700 KB for all of France.
inline constexpr std::size_t max_postcodes_bytes = 16 * 1024 * 1024;


// A procedure nests seven levels (root, steps, a step, its field, options, an option, its label); 32
// leaves room and keeps any tree the parser builds shallow.
inline constexpr std::size_t max_json_depth = 32;

// "1 MiB", "256 KiB", or a number of bytes: how a limit is named in a message.
std::string size_text(std::size_t bytes);

// Why a file was not read: it could not be (the reason is strerror's), or it is larger than allowed (the
// reason names its size and the limit: "is 2000000 bytes; a procedure file may hold at most 1 MiB
// (1048576 bytes)"). Callers put the path in front in their own words.
struct ReadProblem {
    enum class Kind { Unreadable, TooLarge } kind;
    std::string reason;
};

// The whole file when it holds at most `max_bytes`; `what` names the kind of file in the reason ("a
// procedure file"). Never reads more than max_bytes + 1 bytes, so a huge file, a growing one or a
// device (/dev/zero) costs nothing.
std::expected<std::string, ReadProblem> read_file_at_most(const std::filesystem::path&, std::size_t max_bytes,
    std::string_view what);

// Refuses arrays and objects nested deeper than `max_depth`, and more than `max_values` values (each
// '[', '{', ',' and ':' outside strings starts at most one more), in one pass over the text and without
// building anything, so parse_json_bounded never builds a tree deeper or larger than that. Strings are
// skipped as JSON reads them; the rest of the syntax is left to the parser.
Result<void> check_json_depth(std::string_view text, std::size_t max_depth = max_json_depth,
    std::size_t max_values = SIZE_MAX);

// The JSON value of `text`, or why not, worded to follow a file name: "nests arrays and objects more than
// 32 deep (line 1); …" or "is not valid JSON: parse error at line 3, column 1: …". Never
// throws.
Result<nlohmann::json> parse_json_bounded(std::string_view text, std::size_t max_depth = max_json_depth);

// How many characters (Unicode code points) UTF-8 text holds: limits on texts are in characters, as
// authors count them and as JSON Schema's maxLength counts them.
std::size_t character_count(std::string_view utf8);

// Text from a file or a person, made safe to put in a one-line message: control characters escaped
// (a NUL as \0, a newline as \n, others as \xNN) so nothing cuts or breaks the line, bytes that are not
// UTF-8 as \xNN so the message is valid text, and cut after `max_characters` with "…" and the full
// length, so a huge value does not make a huge message.
std::string shown(std::string_view text, std::size_t max_characters = 60);

// Escaped as shown() does, nothing cut: for a whole message.
std::string escape_controls(std::string_view text);

}
