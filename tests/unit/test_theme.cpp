// Themes: parsing, and the WCAG contrast of every text/background pair of every shipped theme.
#include "accessibility/theme.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace guichet;

TEST_CASE("contrast ratios follow WCAG", "[theme]")
{
    CHECK(contrast_ratio({ 0, 0, 0 }, { 255, 255, 255 }) == Approx(21.0));
    CHECK(contrast_ratio({ 255, 255, 255 }, { 255, 255, 255 }) == Approx(1.0));
    // #767676 on white is the classic 4.54:1 grey.
    CHECK(contrast_ratio({ 0x76, 0x76, 0x76 }, { 255, 255, 255 }) == Approx(4.54).epsilon(0.01));
}

TEST_CASE("colours parse from hex", "[theme]")
{
    auto c = parse_color("#0B4A8Bc8");
    REQUIRE(c);
    CHECK((c->r == 0x0B && c->g == 0x4A && c->b == 0x8B && c->a == 0xC8));
    CHECK_FALSE(parse_color("0B4A8B"));
    CHECK_FALSE(parse_color("#0B4A8"));
    CHECK_FALSE(parse_color("#0B4G8B"));
}

TEST_CASE("bad theme files are refused with the reason", "[theme]")
{
    CHECK_THAT(Theme::parse("[]", "t.json").error().message, Catch::Contains("not a JSON object"));
    CHECK_THAT(Theme::parse(R"({"name":"x","colors":{"text":"#000000"}})", "t.json").error().message,
        Catch::Contains("'background' is missing"));
    CHECK_THAT(Theme::parse(R"({"name":"x","colors":{"txet":"#000000"}})", "t.json").error().message,
        Catch::Contains("unknown colour token 'txet'"));
    CHECK_THAT(Theme::parse(R"({"name":"x","colors":{"text":"black"}})", "t.json").error().message,
        Catch::Contains("colour 'text'"));
    CHECK_THAT(Theme::load("/nonexistent.json").error().message, Catch::Contains("cannot read the theme file"));
}

TEST_CASE("every shipped theme meets its contrast floor", "[theme]")
{
    auto [file, text_floor] = GENERATE(table<const char*, double>({
        { "default.json", 4.5 },       // WCAG 1.4.3 AA
        { "high-contrast.json", 7.0 }, // WCAG 1.4.6 AAA
    }));
    auto theme = Theme::load(std::filesystem::path(GUICHET_SOURCE_DIR) / "assets/themes" / file);
    REQUIRE(theme);
    for (auto [foreground, background] : text_pairs) {
        INFO(file << ": " << foreground << " on " << background);
        CHECK(contrast_ratio((*theme)[foreground], (*theme)[background]) >= text_floor);
    }
    for (auto [foreground, background] : boundary_pairs) {
        INFO(file << ": " << foreground << " against " << background);
        CHECK(contrast_ratio((*theme)[foreground], (*theme)[background]) >= 3.0); // WCAG 1.4.11
    }
}

// Issue 15: a theme is read whole, so its size is checked first and its nesting before a tree is built.
TEST_CASE("a theme too large or nested too deeply is refused with the limit", "[theme][limits]")
{
    auto deep = Theme::parse(std::string(20000, '[') + std::string(20000, ']'), "t.json");
    REQUIRE_FALSE(deep);
    CHECK_THAT(deep.error().message, Catch::Equals("t.json: nests arrays and objects more than 32 deep (line 1)"));
    auto big = Theme::parse(std::string(70 * 1024, ' ') + "{}", "t.json");
    REQUIRE_FALSE(big);
    CHECK_THAT(big.error().message, Catch::Contains("t.json: is 71682 bytes; a theme may hold at most 64 KiB (65536 bytes)"));

    auto dir = std::filesystem::temp_directory_path() / "guichet-theme-limits";
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "huge.json", std::ios::binary);
        out << std::string(10 * 1024 * 1024, ' ') << "{}";
    }
    auto huge = Theme::load(dir / "huge.json");
    REQUIRE_FALSE(huge);
    CHECK_THAT(huge.error().message, Catch::Contains("huge.json: is 10485762 bytes; a theme may hold at most 64 KiB"));
    std::filesystem::remove_all(dir);
}
