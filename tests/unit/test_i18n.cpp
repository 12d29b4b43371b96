// UI strings: every language has exactly the base language's keys, and every key the code uses exists.
#include "kiosk/core/i18n.h"
#include "kiosk/core/session.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace guichet;

namespace {

const std::filesystem::path source_dir = GUICHET_SOURCE_DIR;
const std::vector<std::string> shipped = { "fr", "en", "pt", "es" };

std::set<std::string> placeholders(const std::string& text)
{
    std::set<std::string> names;
    static const std::regex placeholder(R"(\{([a-z_]+)\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder); it != std::sregex_iterator(); ++it)
        names.insert((*it)[1]);
    return names;
}

}

TEST_CASE("every language has exactly the base language's keys", "[i18n]")
{
    auto strings = Strings::load(source_dir / "assets/strings", shipped);
    REQUIRE(strings);
    auto& base = strings->table("fr");
    REQUIRE_FALSE(base.empty());
    for (auto& code : shipped) {
        INFO("language " << code);
        for (auto& [key, text] : base) {
            INFO("key " << key);
            REQUIRE(strings->has(code, key));
            CHECK_FALSE(strings->get(code, key).empty());
            CHECK(placeholders(strings->get(code, key)) == placeholders(text));
        }
        for (auto& [key, text] : strings->table(code)) {
            INFO("key " << key << " is not in the base language");
            CHECK(base.contains(key));
        }
    }
}

TEST_CASE("every string id the code uses exists in the base language", "[i18n]")
{
    auto strings = Strings::load(source_dir / "assets/strings", shipped);
    REQUIRE(strings);
    // tr("key") and strings.get(language, "key") are how screens read strings.
    static const std::regex use(R"re((?:tr|get)\((?:[^,()"]+,\s*)?"([a-z_]+\.[a-z_.]+)"\))re");
    std::set<std::string> used;
    for (auto dir : { "screens", "kiosk", "accessibility" }) {
        for (auto& entry : std::filesystem::recursive_directory_iterator(source_dir / dir)) {
            if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h")
                continue;
            std::ifstream in(entry.path());
            std::stringstream text;
            text << in.rdbuf();
            auto content = text.str();
            for (auto it = std::sregex_iterator(content.begin(), content.end(), use); it != std::sregex_iterator(); ++it)
                used.insert((*it)[1]);
        }
    }
    for (auto size : { TextSize::Normal, TextSize::Large, TextSize::Larger })
        used.insert(std::string(text_size_key(size)));
    REQUIRE(used.size() > 10); // the scan found the screens' strings
    for (auto& key : used) {
        INFO("the code uses '" << key << "'");
        CHECK(strings->has("fr", key));
    }
}

TEST_CASE("a missing string falls back to French and then shows its id", "[i18n]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-i18n-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "fr.json") << R"({"a.b": "Bonjour", "c.d": "Oui"})";
    std::ofstream(dir / "en.json") << R"({"a.b": "Hello"})";
    auto strings = Strings::load(dir, { "fr", "en" });
    REQUIRE(strings);
    CHECK(strings->get("en", "a.b") == "Hello");
    CHECK(strings->get("en", "c.d") == "Oui");
    CHECK(strings->get("en", "x.y") == "x.y");
}

TEST_CASE("bad string files are refused", "[i18n]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-i18n-bad";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "fr.json") << R"({"a.b": 3})";
    std::ofstream(dir / "en.json") << R"(not json)";
    CHECK_THAT(Strings::load(dir, { "fr" }).error().message, Catch::Contains("the value of 'a.b' must be a string"));
    std::ofstream(dir / "fr.json") << R"({"a.b": "x"})";
    CHECK_THAT(Strings::load(dir, { "fr", "en" }).error().message, Catch::Contains("is not a JSON object"));
    CHECK_THAT(Strings::load(dir, { "fr", "de" }).error().message, Catch::Contains("for language 'de'"));
    CHECK_THAT(Strings::load(dir, { "en" }).error().message, Catch::Contains("base language 'fr'"));
}

TEST_CASE("placeholders are replaced", "[i18n]")
{
    CHECK(format_text("dans {seconds} secondes ({seconds})", { { "seconds", "25" } }) == "dans 25 secondes (25)");
    CHECK(format_text("sans", { { "seconds", "25" } }) == "sans");
}

TEST_CASE("French punctuation keeps its space unbroken", "[i18n]")
{
    auto strings = Strings::load(source_dir / "assets/strings", shipped);
    REQUIRE(strings);
    for (auto& [key, text] : strings->table("fr")) {
        INFO(key << ": " << text);
        // Before : ; ! ? French puts a (narrow) no-break space, never a plain one that could wrap.
        for (auto mark : { " :", " ;", " !", " ?" })
            CHECK(text.find(mark) == std::string::npos);
    }
}

// Issue 15: strings files are bounded like every file the kiosk reads whole, and each text has a length.
TEST_CASE("a strings file too large, nested too deeply or with a text too long is refused with the limit", "[i18n][limits]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-i18n-limits";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "fr.json", std::ios::binary);
        out << "{\"a.b\": \"" << std::string(2 * 1024 * 1024, 'x') << "\"}";
    }
    CHECK_THAT(Strings::load(dir, { "fr" }).error().message,
        Catch::Contains("fr.json' is 2097163 bytes; a strings file may hold at most 1 MiB (1048576 bytes)"));
    std::ofstream(dir / "fr.json", std::ios::trunc) << "{\"a.b\": " << std::string(100000, '[') << std::string(100000, ']') << "}";
    CHECK_THAT(Strings::load(dir, { "fr" }).error().message, Catch::Contains("nests arrays and objects more than 32 deep (line 1)"));
    std::ofstream(dir / "fr.json", std::ios::trunc) << "{\"a.b\": \"" << std::string(1001, 'x') << "\"}";
    CHECK_THAT(Strings::load(dir, { "fr" }).error().message,
        Catch::Contains("the text of 'a.b' is 1001 characters long; a UI string may have at most 1000"));
    std::filesystem::remove_all(dir);
}
