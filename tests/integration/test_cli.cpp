// The guichet program as a technician or CI meets it: options, exit codes, messages, real files.
#include "process.h"

#include "sync/protocol.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <filesystem>
#include <fstream>

using namespace guichet::test;
namespace fs = std::filesystem;

namespace {

fs::path output_dir(const std::string& name)
{
    auto dir = fs::path(GUICHET_TEST_OUTPUT_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

fs::path write_file(const fs::path& path, const std::string& text)
{
    std::ofstream(path) << text;
    return path;
}

}

TEST_CASE("the version option prints the version", "[ui][cli]")
{
    auto outcome = run_guichet("--version");
    CHECK(outcome.exit_code == 0);
    CHECK_THAT(outcome.output, Catch::StartsWith("guichet 0."));
}

TEST_CASE("the help option prints every option and exits 0", "[ui][cli]")
{
    auto outcome = run_guichet("--help");
    CHECK(outcome.exit_code == 0);
    for (auto option : { "--config", "--windowed", "--headless", "--script", "--screenshot-dir", "--dump-ui", "--version" })
        CHECK_THAT(outcome.output, Catch::Contains(option));
}

TEST_CASE("command-line mistakes exit with 2 and say what is wrong", "[ui][cli]")
{
    auto unknown = run_guichet("--fullscreen-please");
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.output, Catch::Contains("unknown option '--fullscreen-please'"));

    auto script_without_headless = run_guichet("--script x.gsc");
    CHECK(script_without_headless.exit_code == 2);
    CHECK_THAT(script_without_headless.output, Catch::Contains("--script runs only with --headless"));

    auto bad_size = run_guichet("--windowed big");
    CHECK(bad_size.exit_code == 2);
    CHECK_THAT(bad_size.output, Catch::Contains("--windowed takes a size such as 1920x1080"));

    auto too_small = run_guichet("--windowed 200x100");
    CHECK(too_small.exit_code == 2);
    CHECK_THAT(too_small.output, Catch::Contains("got '200x100'"));

    auto no_value = run_guichet("--config");
    CHECK(no_value.exit_code == 2);
    CHECK_THAT(no_value.output, Catch::Contains("'--config' needs a value"));

    auto stray = run_guichet("kiosk.toml");
    CHECK(stray.exit_code == 2);
    CHECK_THAT(stray.output, Catch::Contains("'guichet' takes no argument, got 'kiosk.toml'"));
}

TEST_CASE("an unreadable or wrong configuration exits with 2 and names the problem", "[ui][cli]")
{
    auto missing = run_guichet("--headless --config /nonexistent/guichet.toml");
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.output, Catch::Contains("cannot read the configuration file '/nonexistent/guichet.toml'"));

    auto dir = output_dir("bad-config");
    auto config = write_file(dir / "kiosk.toml", "[session]\nwarning_s = 3\n");
    auto bad = run_guichet("--headless --config " + config.string());
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.output, Catch::Contains("'session.warning_s' must be between 20 and 600 (got 3)"));
}

// Issue 15: toml++ reads dotted keys and nested values by recursion; these files used to kill guichet
// with SIGSEGV (exit 139 here). Now they are refused before the parser sees them.
TEST_CASE("a configuration that used to crash the TOML parser exits with 2 and says why", "[ui][cli][limits]")
{
    auto dir = output_dir("pathological-config");
    std::string dotted = "a";
    for (int i = 0; i < 40000; ++i)
        dotted += ".a";
    auto key = run_guichet("--headless --config " + write_file(dir / "dotted.toml", dotted + " = 1\n").string());
    CHECK(key.exit_code == 2);
    CHECK_THAT(key.output, Catch::Contains("dotted.toml:1: a dotted key has more than 16 parts"));

    auto header = run_guichet("--headless --config " + write_file(dir / "header.toml", "[" + dotted + "]\n").string());
    CHECK(header.exit_code == 2);
    CHECK_THAT(header.output, Catch::Contains("header.toml:1: a dotted key has more than 16 parts"));

    auto arrays = run_guichet("--headless --config "
        + write_file(dir / "arrays.toml", "[kiosk]\nlanguages = " + std::string(60000, '[') + std::string(60000, ']') + "\n").string());
    CHECK(arrays.exit_code == 2);
    CHECK_THAT(arrays.output, Catch::Contains("arrays.toml:2: arrays, tables and inline tables are nested more than 16 deep"));

    std::string tables = "[kiosk]\nid = ";
    for (int i = 0; i < 60000; ++i)
        tables += "{a=";
    auto inline_tables = run_guichet("--headless --config "
        + write_file(dir / "tables.toml", tables + "1" + std::string(60000, '}') + "\n").string());
    CHECK(inline_tables.exit_code == 2);
    CHECK_THAT(inline_tables.output, Catch::Contains("tables.toml:2: arrays, tables and inline tables are nested more than 16 deep"));
}

TEST_CASE("a theme given as a path and a place name too long are refused at start", "[ui][cli][limits]")
{
    auto dir = output_dir("limits-config");
    auto theme = run_guichet("--headless --config " + write_file(dir / "theme.toml", "[ui]\nhigh_contrast_theme = \"../../x\"\n").string());
    CHECK(theme.exit_code == 2);
    CHECK_THAT(theme.output, Catch::Contains("'ui.high_contrast_theme' must be the name of a theme of themes/"));

    auto place = run_guichet("--headless --config "
        + write_file(dir / "place.toml", "[kiosk]\nplace_name = \"" + std::string(200, 'P') + "\"\n").string());
    CHECK(place.exit_code == 2);
    CHECK_THAT(place.output, Catch::Contains("'kiosk.place_name' is 200 characters long; at most 80 are allowed"));
}

TEST_CASE("a missing font file exits with 3 and names the file", "[ui][cli]")

{
    auto dir = output_dir("missing-font");
    auto config = write_file(dir / "kiosk.toml", "[ui]\nfont_regular = \"/nonexistent/NotoSans.ttf\"\n");
    auto outcome = run_guichet("--headless --config " + config.string());
    CHECK(outcome.exit_code == 3);
    CHECK_THAT(outcome.output, Catch::Contains("cannot open the font file '/nonexistent/NotoSans.ttf' (ui.font_regular)"));
}

TEST_CASE("a missing asset folder exits with 3 and names the file", "[ui][cli]")
{
    auto dir = output_dir("missing-assets");
    auto config = write_file(dir / "kiosk.toml", "[ui]\nassets_dir = \"/nonexistent/assets\"\n");
    auto outcome = run_guichet("--headless --config " + config.string());
    CHECK(outcome.exit_code == 3);
    CHECK_THAT(outcome.output, Catch::Contains("/nonexistent/assets/strings/fr.json"));
}

TEST_CASE("script mistakes are reported with their line before anything runs", "[ui][cli]")
{
    auto dir = output_dir("bad-script");
    auto script = write_file(dir / "typo.gsc", "tap \"Commencer\"\ntapp \"Retour\"\n");
    auto outcome = run_guichet("--headless --script " + script.string());
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Catch::Contains("typo.gsc:2: unknown command 'tapp'"));

    auto missing = run_guichet("--headless --script /nonexistent/demo.gsc");
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.output, Catch::Contains("cannot read the script"));
}

TEST_CASE("a failed expectation exits with 1 and names its line", "[ui][cli]")
{
    auto dir = output_dir("failing-script");
    auto script = write_file(dir / "fails.gsc", "expect-screen welcome\nexpect-screen catalog\n");
    auto outcome = run_guichet("--headless --script " + script.string());
    CHECK(outcome.exit_code == 1);
    CHECK_THAT(outcome.output, Catch::Contains("fails.gsc:2: expected screen 'catalog', but the screen is 'welcome'"));

    auto tap = write_file(dir / "tap.gsc", "tap \"Nulle part\"\n");
    outcome = run_guichet("--headless --script " + tap.string());
    CHECK(outcome.exit_code == 1);
    CHECK_THAT(outcome.output, Catch::Contains("tap.gsc:1: nothing to tap labelled \"Nulle part\" on screen 'welcome'"));
    CHECK_THAT(outcome.output, Catch::Contains("\"Commencer\" (id:welcome.start)"));

    auto key = write_file(dir / "key.gsc", "key Entrée\n");
    outcome = run_guichet("--headless --script " + key.string());
    CHECK(outcome.exit_code == 1);
    CHECK_THAT(outcome.output, Catch::Contains("key.gsc:1: unknown key name"));
}

TEST_CASE("screenshots are real PNG files of the display's size", "[ui][cli]")
{
    auto dir = output_dir("png");
    auto script = write_file(dir / "shots.gsc", "screenshot landscape.png\nresize 1080x1920\nscreenshot portrait.png\n");
    auto outcome = run_guichet("--headless --script " + script.string() + " --screenshot-dir " + dir.string());
    REQUIRE(outcome.exit_code == 0);
    auto png_size = [](const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        unsigned char header[24] = {};
        in.read(reinterpret_cast<char*>(header), sizeof header);
        REQUIRE(in);
        REQUIRE(std::string(reinterpret_cast<char*>(header) + 1, 3) == "PNG");
        auto be32 = [&](int at) { return header[at] << 24 | header[at + 1] << 16 | header[at + 2] << 8 | header[at + 3]; };
        return std::pair { be32(16), be32(20) };
    };
    CHECK(png_size(dir / "landscape.png") == std::pair { 1920, 1080 });
    CHECK(png_size(dir / "portrait.png") == std::pair { 1080, 1920 });
}

TEST_CASE("the dump-ui option writes the screen's semantic tree", "[ui][cli]")
{
    auto dir = output_dir("dump");
    auto script = write_file(dir / "dump.gsc", "tap \"Commencer\"\n");
    auto outcome = run_guichet("--headless --script " + script.string() + " --dump-ui " + (dir / "ui.json").string());
    REQUIRE(outcome.exit_code == 0);
    std::ifstream in(dir / "ui.json");
    auto json = nlohmann::json::parse(in);
    CHECK(json["screen"] == "catalog");
    bool has_back = false;
    for (auto& node : json["nodes"])
        has_back = has_back || (node["id"] == "catalog.back" && node["role"] == "button" && node["label"] == "Retour");
    CHECK(has_back);
}

TEST_CASE("with the hub out of reach the welcome screen says the kiosk is offline and keeps working", "[ui][cli][net]")
{
    auto dir = output_dir("offline");
    unsigned char public_key[crypto_box_PUBLICKEYBYTES], secret_key[crypto_box_SECRETKEYBYTES];
    REQUIRE(sodium_init() >= 0);
    crypto_box_keypair(public_key, secret_key);
    write_file(dir / "token", "some-token\n");
    auto config = write_file(dir / "kiosk.toml",
        "[sync]\nhub_url = \"http://127.0.0.1:1\"\ntoken_file = \"" + (dir / "token").string()
            + "\"\nsubmission_public_key = \""
            + guichet::sync::protocol::base64_encode(std::vector<uint8_t>(public_key, public_key + sizeof public_key))
            + "\"\n[storage]\noutbox = \"" + (dir / "outbox.sqlite").string() + "\"\n");
    auto script = write_file(dir / "offline.gsc",
        "wait-sync\nexpect-text \"Hors connexion\"\nscreenshot offline.png\ntap \"Commencer\"\nexpect-screen catalog\n");
    auto outcome = run_guichet("--headless --config " + config.string() + " --script " + script.string()
        + " --screenshot-dir " + dir.string());
    INFO(outcome.output);
    CHECK(outcome.exit_code == 0);
    CHECK(fs::exists(dir / "outbox.sqlite"));
}

TEST_CASE("wait-sync without a hub is a clear script error", "[ui][cli]")
{
    auto dir = output_dir("no-hub");
    auto script = write_file(dir / "sync.gsc", "wait-sync\n");
    auto outcome = run_guichet("--headless --script " + script.string());
    CHECK(outcome.exit_code == 1);
    CHECK_THAT(outcome.output, Catch::Contains("sync.gsc:1: 'wait-sync' needs a hub"));
}
