// UI strings keyed by stable ids, one JSON file per language in assets/strings/. French is the base
// language: every other language must have exactly its keys (tests/unit/test_i18n.cpp checks it).
#pragma once
#include "kiosk/core/result.h"

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet {

inline constexpr std::string_view base_language = "fr";
// The longest UI string, in characters: the shipped ones are at most 123; a help paragraph is the
// longest kind the screens show.
inline constexpr std::size_t max_ui_string_characters = 1000;


class Strings {
public:
    // Loads <dir>/<code>.json for each language; the base language must be among them.
    static Result<Strings> load(const std::filesystem::path& dir, const std::vector<std::string>& languages);

    // The text for `key` in `language`, falling back to the base language, then to the key itself
    // (visible, so a missing string is noticed rather than shown blank).
    const std::string& get(std::string_view language, std::string_view key) const;
    bool has(std::string_view language, std::string_view key) const;

    const std::vector<std::string>& languages() const { return m_languages; }
    const std::map<std::string, std::string, std::less<>>& table(std::string_view language) const;

private:
    std::vector<std::string> m_languages;
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> m_tables;
};

// Replaces each "{name}" in `text` by its value.
std::string format_text(std::string_view text, const std::vector<std::pair<std::string_view, std::string>>& values);

}
