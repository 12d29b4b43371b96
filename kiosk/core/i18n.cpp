// Loads the per-language string tables.
#include "kiosk/core/i18n.h"
#include "kiosk/core/input_limits.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace guichet {

Result<Strings> Strings::load(const std::filesystem::path& dir, const std::vector<std::string>& languages)
{
    if (std::find(languages.begin(), languages.end(), base_language) == languages.end())
        return fail("the base language '" + std::string(base_language) + "' must be among the kiosk's languages");
    Strings strings;
    strings.m_languages = languages;
    for (auto& code : languages) {
        auto path = dir / (code + ".json");
        auto text = read_file_at_most(path, max_strings_bytes, "a strings file");
        if (!text && text.error().kind == ReadProblem::Kind::TooLarge)
            return fail("'" + path.string() + "' " + text.error().reason);
        if (!text)
            return fail("cannot read the strings file '" + path.string() + "' for language '" + code + "'");
        auto json = parse_json_bounded(*text);
        if (!json)
            return fail("'" + path.string() + "' is not a JSON object of string ids to texts: it " + json.error().message);

        if (!json->is_object())
            return fail("'" + path.string() + "' is not a JSON object of string ids to texts");
        auto& table = strings.m_tables[code];
        for (auto& [key, value] : json->items()) {
            if (!value.is_string())
                return fail("'" + path.string() + "': the value of '" + shown(key) + "' must be a string");
            auto& words = value.get_ref<const std::string&>();
            if (auto length = character_count(words); length > max_ui_string_characters)
                return fail("'" + path.string() + "': the text of '" + shown(key) + "' is " + std::to_string(length)
                    + " characters long; a UI string may have at most " + std::to_string(max_ui_string_characters));
            table.emplace(key, words);
        }

    }
    return strings;
}

const std::string& Strings::get(std::string_view language, std::string_view key) const
{
    for (auto code : { language, base_language }) {
        if (auto table = m_tables.find(code); table != m_tables.end()) {
            if (auto text = table->second.find(key); text != table->second.end())
                return text->second;
        }
    }
    // Remember the key so the returned reference stays valid; this only happens for a missing string.
    static thread_local std::map<std::string, std::string, std::less<>> missing;
    return missing.try_emplace(std::string(key), std::string(key)).first->second;
}

bool Strings::has(std::string_view language, std::string_view key) const
{
    auto table = m_tables.find(language);
    return table != m_tables.end() && table->second.contains(key);
}

const std::map<std::string, std::string, std::less<>>& Strings::table(std::string_view language) const
{
    static const std::map<std::string, std::string, std::less<>> empty;
    auto table = m_tables.find(language);
    return table == m_tables.end() ? empty : table->second;
}

std::string format_text(std::string_view text, const std::vector<std::pair<std::string_view, std::string>>& values)
{
    std::string out(text);
    for (auto& [name, value] : values) {
        std::string placeholder = "{" + std::string(name) + "}";
        for (size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size()))
            out.replace(at, placeholder.size(), value);
    }
    return out;
}

}
