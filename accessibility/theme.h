// Themes are data: a JSON file of colour tokens (assets/themes/<name>.json). Screens read tokens, never
// literal colours, so a high-contrast theme is just another file and a test can check every pair.
#pragma once
#include "kiosk/core/result.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace guichet {

struct Color {
    uint8_t r = 0, g = 0, b = 0, a = 255;
};

Result<Color> parse_color(std::string_view hex); // "#RRGGBB" or "#RRGGBBAA"
double relative_luminance(Color);               // WCAG 2.x definition
double contrast_ratio(Color, Color);            // 1.0 to 21.0

// Every token a theme must define.
inline constexpr std::array<std::string_view, 14> theme_tokens {
    "background", "text", "text_muted", "surface", "on_surface", "border", "primary", "on_primary",
    "primary_pressed", "selected", "on_selected", "focus", "backdrop", "error",
};

struct TokenPair {
    std::string_view foreground;
    std::string_view background;
};

// The pairs in which text is drawn over a background (WCAG 1.4.3 / 1.4.6 apply to them).
inline constexpr std::array<TokenPair, 10> text_pairs { {
    { "text", "background" },
    { "text_muted", "surface" }, // a card's small line
    { "error", "background" }, // a refused answer's message, next to its field
    { "error", "surface" },
    { "text_muted", "background" },
    { "on_surface", "surface" },
    { "on_primary", "primary" },
    { "on_primary", "primary_pressed" },
    { "on_selected", "selected" },
    { "text", "surface" },
} };

// Pairs of a drawn boundary against what surrounds it (WCAG 1.4.11: at least 3:1).
inline constexpr std::array<TokenPair, 3> boundary_pairs { {
    { "focus", "background" },
    { "focus", "surface" },
    { "border", "surface" },
} };

class Theme {
public:
    static Result<Theme> load(const std::filesystem::path& file);
    static Result<Theme> parse(std::string_view json_text, std::string_view source);

    const std::string& name() const { return m_name; }
    Color operator[](std::string_view token) const;

private:
    std::string m_name;
    std::map<std::string, Color, std::less<>> m_colors;
};

}
