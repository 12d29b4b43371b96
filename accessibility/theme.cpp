// Theme loading and WCAG contrast arithmetic.
#include "accessibility/theme.h"
#include "kiosk/core/input_limits.h"


#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace guichet {

Result<Color> parse_color(std::string_view hex)
{
    if ((hex.size() != 7 && hex.size() != 9) || hex.front() != '#')
        return fail("a colour must be written #RRGGBB or #RRGGBBAA, got '" + shown(hex) + "'");
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    uint8_t channels[4] = { 0, 0, 0, 255 };
    for (size_t i = 0; i < (hex.size() - 1) / 2; ++i) {
        int high = nibble(hex[1 + 2 * i]), low = nibble(hex[2 + 2 * i]);
        if (high < 0 || low < 0)
            return fail("'" + std::string(hex) + "' is not a hexadecimal colour");
        channels[i] = static_cast<uint8_t>(high * 16 + low);
    }
    return Color { channels[0], channels[1], channels[2], channels[3] };
}

double relative_luminance(Color color)
{
    auto linear = [](uint8_t channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b);
}

double contrast_ratio(Color a, Color b)
{
    double la = relative_luminance(a), lb = relative_luminance(b);
    if (la < lb)
        std::swap(la, lb);
    return (la + 0.05) / (lb + 0.05);
}

Result<Theme> Theme::parse(std::string_view json_text, std::string_view source)
{
    if (json_text.size() > max_theme_bytes)
        return fail(std::string(source) + ": is " + std::to_string(json_text.size()) + " bytes; a theme may hold at most "
            + size_text(max_theme_bytes) + " (" + std::to_string(max_theme_bytes) + " bytes)");
    auto parsed = parse_json_bounded(json_text);
    if (!parsed)
        return fail(std::string(source) + ": " + parsed.error().message);
    auto& json = *parsed;
    if (!json.is_object())
        return fail(std::string(source) + ": not a JSON object");
    if (!json.contains("name") || !json["name"].is_string())
        return fail(std::string(source) + ": 'name' must be a string");
    if (!json.contains("colors") || !json["colors"].is_object())
        return fail(std::string(source) + ": 'colors' must be an object of token to \"#RRGGBB\"");
    Theme theme;
    theme.m_name = json["name"].get<std::string>();
    if (auto length = character_count(theme.m_name); length > 80)
        return fail(std::string(source) + ": 'name' is " + std::to_string(length) + " characters long; at most 80");
    for (auto& [token, value] : json["colors"].items()) {
        if (std::find(theme_tokens.begin(), theme_tokens.end(), token) == theme_tokens.end())
            return fail(std::string(source) + ": unknown colour token '" + shown(token) + "'");
        if (!value.is_string())
            return fail(std::string(source) + ": colour '" + token + "' must be a string");
        auto color = parse_color(value.get<std::string>());
        if (!color)
            return fail(std::string(source) + ": colour '" + token + "': " + color.error().message);
        theme.m_colors.emplace(token, *color);
    }
    for (auto token : theme_tokens) {
        if (!theme.m_colors.contains(token))
            return fail(std::string(source) + ": colour token '" + std::string(token) + "' is missing");
    }
    return theme;
}

Result<Theme> Theme::load(const std::filesystem::path& file)
{
    auto text = read_file_at_most(file, max_theme_bytes, "a theme");
    if (!text && text.error().kind == ReadProblem::Kind::TooLarge)
        return fail(file.string() + ": " + text.error().reason);
    if (!text)
        return fail("cannot read the theme file '" + file.string() + "'");
    return parse(*text, file.string());
}

Color Theme::operator[](std::string_view token) const
{
    auto found = m_colors.find(token);
    return found == m_colors.end() ? Color { 255, 0, 255, 255 } : found->second;
}

}
