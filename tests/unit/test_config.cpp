// The TOML configuration: defaults, the documented sample, and every kind of bad input.
#include "kiosk/core/config.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace guichet;

TEST_CASE("an empty configuration gives the documented defaults", "[config]")
{
    auto config = parse_config("", "empty.toml");
    REQUIRE(config);
    CHECK(config->kiosk.default_language == "fr");
    CHECK(config->kiosk.languages == std::vector<std::string> { "fr", "en", "pt", "es" });
    CHECK(config->display.fullscreen);
    CHECK(config->session.idle_timeout_s == 120);
    CHECK(config->session.warning_s == 30);
    CHECK(config->session.max_extensions == 0);
}

TEST_CASE("the shipped sample configuration parses and states the defaults", "[config]")
{
    auto sample = load_config(std::filesystem::path(GUICHET_SOURCE_DIR) / "assets/config/guichet.toml");
    REQUIRE(sample);
    Config defaults;
    CHECK(sample->kiosk.id == defaults.kiosk.id);
    CHECK(sample->kiosk.place_name == defaults.kiosk.place_name);
    CHECK(sample->kiosk.languages == defaults.kiosk.languages);
    CHECK(sample->display.width == defaults.display.width);
    CHECK(sample->display.height == defaults.display.height);
    CHECK(sample->display.renderer == defaults.display.renderer);
    CHECK(sample->session.idle_timeout_s == defaults.session.idle_timeout_s);
    CHECK(sample->session.warning_s == defaults.session.warning_s);
    CHECK(sample->ui.font_regular == defaults.ui.font_regular);
    CHECK(sample->ui.theme == defaults.ui.theme);
    CHECK(sample->storage.staff == defaults.storage.staff);
    CHECK(sample->sync.heartbeat_interval_s == defaults.sync.heartbeat_interval_s);
    CHECK(sample->sync.chunk_kib == defaults.sync.chunk_kib);
    CHECK(sample->content.packs_dir == defaults.content.packs_dir);
    CHECK(sample->content.channel == defaults.content.channel);
    CHECK(sample->content.signing_keys.empty());
    CHECK(sample->content.check_interval_s == defaults.content.check_interval_s);
    CHECK(sample->staff.long_press_s == defaults.staff.long_press_s);
    CHECK(sample->staff.lockout_after == defaults.staff.lockout_after);
    CHECK(sample->staff.lockout_s == defaults.staff.lockout_s);
}

TEST_CASE("content and staff sections are read, and a key list must hold strings", "[config]")
{
    auto config = parse_config(R"(
[content]
packs_dir = "/tmp/packs"
channel = "beta"
signing_keys = ["a2V5LW9uZQ", "a2V5LXR3bw"]
[staff]
lockout_after = 3
)",
        "kiosk.toml");
    REQUIRE(config);
    CHECK(config->content.channel == "beta");
    CHECK(config->content.signing_keys == std::vector<std::string> { "a2V5LW9uZQ", "a2V5LXR3bw" });
    CHECK(config->staff.lockout_after == 3);
    auto bad = parse_config("[content]\nsigning_keys = [1]\n", "kiosk.toml");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("content.signing_keys"));
}

TEST_CASE("values are read", "[config]")
{
    auto config = parse_config(R"(
[kiosk]
place_name = "Mairie de Saint-Flour"
default_language = "en"
languages = ["fr", "en"]
[display]
fullscreen = false
width = 1080
height = 1920
[session]
idle_timeout_s = 60
warning_s = 20
max_extensions = 10
)",
        "kiosk.toml");
    REQUIRE(config);
    CHECK(config->kiosk.place_name == "Mairie de Saint-Flour");
    CHECK(config->kiosk.default_language == "en");
    CHECK_FALSE(config->display.fullscreen);
    CHECK(config->display.height == 1920);
    CHECK(config->session.idle_timeout_s == 60);
    CHECK(config->session.max_extensions == 10);
}

TEST_CASE("bad configurations are refused with a message naming the key", "[config]")
{
    struct Case {
        const char* text;
        const char* expected;
    };
    auto [text, expected] = GENERATE(values<Case>({
        { "[session]\nidel_timeout_s = 60\n", "unknown key 'session.idel_timeout_s'" },
        { "[sesion]\nidle_timeout_s = 60\n", "unknown section or key 'sesion'" },
        { "[session]\nwarning_s = 5\n", "'session.warning_s' must be between 20 and 600 (got 5)" },
        { "[sync]\nchunk_kib = 512\n", "'sync.chunk_kib' must be between 4 and 256 (got 512)" },
        { "[scanner]\nresolution_dpi = 1200\n", "'scanner.resolution_dpi' must be between 75 and 600 (got 1200)" },
        { "[scanner]\njpeg_quality = 100\n", "'scanner.jpeg_quality' must be between 30 and 95 (got 100)" },
        { "[scanner.options]\nsource = 1\n", "'scanner.options' 'source' must be a string" },
        { "[scanner]\noptions = \"Flatbed\"\n", "'scanner.options' must be a table of SANE options" },
        { "[session]\nwarning_s = \"30\"\n", "'session.warning_s' must be a whole number" },
        { "[session]\nmax_extensions = 3\n", "'session.max_extensions' must be 0 (unlimited) or at least 10" },
        { "[display]\nfullscreen = 1\n", "'display.fullscreen' must be true or false" },
        { "[display]\nrenderer = \"vulkan\"\n", "'display.renderer' must be one of \"auto\", \"software\"" },
        { "[kiosk]\nlanguages = []\n", "'kiosk.languages' must be a non-empty list" },
        { "[kiosk]\nlanguages = [\"french\"]\n", "'kiosk.languages' must hold two-letter language codes" },
        { "[kiosk]\ndefault_language = \"de\"\n", "'kiosk.default_language' (\"de\") must be one of 'kiosk.languages'" },
        { "[ui]\ntheme = \"\"\n", "'ui.theme' must not be empty" },
        { "kiosk = 3\n", "'kiosk' must be a [section]" },
        { "[session\nwarning_s = 30\n", "kiosk.toml:1: not valid TOML" },
    }));
    auto config = parse_config(text, "kiosk.toml");
    REQUIRE_FALSE(config);
    CHECK_THAT(config.error().message, Catch::Contains(expected));
    CHECK_THAT(config.error().message, Catch::StartsWith("kiosk.toml"));
}

TEST_CASE("an unreadable configuration file is a clear error", "[config]")
{
    auto missing = load_config("/nonexistent/guichet.toml");
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().message, Catch::Contains("cannot read the configuration file '/nonexistent/guichet.toml'"));

    auto directory = load_config(std::filesystem::temp_directory_path());
    REQUIRE_FALSE(directory);
    CHECK_THAT(directory.error().message, Catch::Contains("it is a directory"));
}

TEST_CASE("the hub address must use TLS unless it is this machine", "[config]")
{
    CHECK(parse_config("[sync]\nhub_url = \"https://hub.example.org\"\ntoken_file = \"/etc/guichet/token\"\n", "k.toml"));
    CHECK(parse_config("[sync]\nhub_url = \"http://127.0.0.1:8700\"\ntoken_file = \"t\"\n", "k.toml"));
    CHECK(parse_config("[sync]\nhub_url = \"http://localhost:8700/\"\ntoken_file = \"t\"\n", "k.toml"));
    auto plain = parse_config("[sync]\nhub_url = \"http://hub.example.org\"\ntoken_file = \"t\"\n", "k.toml");
    REQUIRE_FALSE(plain);
    CHECK_THAT(plain.error().message, Catch::Contains("'sync.hub_url' must use https://"));
    auto sneaky = parse_config("[sync]\nhub_url = \"http://127.0.0.1.example.org\"\ntoken_file = \"t\"\n", "k.toml");
    CHECK_FALSE(sneaky);
    auto no_token = parse_config("[sync]\nhub_url = \"https://hub.example.org\"\n", "k.toml");
    REQUIRE_FALSE(no_token);
    CHECK_THAT(no_token.error().message, Catch::Contains("'sync.token_file' is needed"));
}

TEST_CASE("the kiosk token is the first line of its file, and a missing one is named", "[config]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-token-test";
    std::filesystem::create_directories(dir);
    SyncSection sync;
    sync.token_file = (dir / "token").string();
    std::ofstream(sync.token_file) << "abc123\nignored\n";
    auto token = read_kiosk_token(sync);
    REQUIRE(token);
    CHECK(*token == "abc123");
    std::ofstream(sync.token_file) << "";
    CHECK_FALSE(read_kiosk_token(sync));
    sync.token_file = (dir / "missing").string();
    auto missing = read_kiosk_token(sync);
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().message, Catch::Contains("sync.token_file"));

    // Issue 15: a wrong path to a huge file is refused before it is read, with the limit.
    sync.token_file = (dir / "huge").string();
    std::ofstream(sync.token_file) << std::string(10 * 1024 * 1024, 'x');
    auto huge = read_kiosk_token(sync);
    REQUIRE_FALSE(huge);
    CHECK_THAT(huge.error().message, Catch::Contains("is 10485760 bytes; a token file may hold at most 4 KiB (4096 bytes)"));
    std::filesystem::remove_all(dir);
}


// Issue 15: toml++ reads dotted keys and nested values by recursion, so a pathological file used to
// overflow the stack. The configuration is checked in one pass before toml++ sees it.
TEST_CASE("a dotted key of many parts and deep nesting are refused before the TOML parser sees them", "[config][limits]")
{
    std::string dotted = "a";
    for (int i = 0; i < 40000; ++i)
        dotted += ".a";
    auto key = parse_config(dotted + " = 1\n", "kiosk.toml");
    REQUIRE_FALSE(key);
    CHECK_THAT(key.error().message, Catch::StartsWith("kiosk.toml:1: a dotted key has more than 16 parts"));

    auto header = parse_config("[kiosk]\nid = \"x\"\n[" + dotted + "]\n", "kiosk.toml");
    REQUIRE_FALSE(header);
    CHECK_THAT(header.error().message, Catch::StartsWith("kiosk.toml:3: a dotted key has more than 16 parts"));

    auto arrays = parse_config("[kiosk]\nlanguages = " + std::string(100000, '[') + std::string(100000, ']') + "\n", "kiosk.toml");
    REQUIRE_FALSE(arrays);
    CHECK_THAT(arrays.error().message, Catch::StartsWith("kiosk.toml:2: arrays, tables and inline tables are nested more than 16 deep"));

    std::string inline_tables = "x = ";
    for (int i = 0; i < 20000; ++i)
        inline_tables += "{ a = ";
    auto tables = parse_config(inline_tables + "1" + std::string(20000, '}') + "\n", "kiosk.toml");
    REQUIRE_FALSE(tables);
    CHECK_THAT(tables.error().message, Catch::Contains("nested more than 16 deep"));
}

TEST_CASE("dots and brackets inside strings and comments are not structure", "[config][limits]")
{
    auto config = parse_config("# a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s [[[[[[[[[[[[[[[[[[[[\n"
                               "[kiosk]\n"
                               "place_name = \"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r [[[[[[[[[[[[[[[[[[\\\" {{{{{{{{{{{{{{{{{\"\n"
                               "id = '''a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\n[[[[[[[[[[[[[[[[[[[['''\n"
                               "[session]\n"
                               "warning_s = 30\n",
        "kiosk.toml");
    REQUIRE(config);
    CHECK(config->kiosk.place_name == "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r [[[[[[[[[[[[[[[[[[\" {{{{{{{{{{{{{{{{{");
    CHECK(config->kiosk.id == "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\n[[[[[[[[[[[[[[[[[[[[");
}

TEST_CASE("a configuration larger than its limit is refused before it is read", "[config][limits]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-config-limits";
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "big.toml", std::ios::binary);
        out << "# " << std::string(300 * 1024, 'x') << "\n[kiosk]\n";
    }
    auto big = load_config(dir / "big.toml");
    REQUIRE_FALSE(big);
    CHECK_THAT(big.error().message,
        Catch::Contains("big.toml' is 307211 bytes; a configuration file may hold at most 256 KiB (262144 bytes)"));
    auto text = parse_config("# " + std::string(300 * 1024, 'x') + "\n", "kiosk.toml");
    REQUIRE_FALSE(text);
    CHECK_THAT(text.error().message, Catch::Contains("may hold at most 256 KiB"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("the place name, the kiosk id and the theme names have limits", "[config][limits]")
{
    // Characters, not bytes: 80 accented letters are 160 bytes and fit.
    std::string eighty;
    for (int i = 0; i < 80; ++i)
        eighty += "é";
    auto fits = parse_config("[kiosk]\nplace_name = \"" + eighty + "\"\n", "kiosk.toml");
    REQUIRE(fits);
    CHECK(fits->kiosk.place_name == eighty);
    auto long_name = parse_config("[kiosk]\nplace_name = \"" + eighty + "é\"\n", "kiosk.toml");
    REQUIRE_FALSE(long_name);
    CHECK_THAT(long_name.error().message, Catch::Contains("'kiosk.place_name' is 81 characters long; at most 80 are allowed"));
    auto long_id = parse_config("[kiosk]\nid = \"" + std::string(65, 'k') + "\"\n", "kiosk.toml");
    REQUIRE_FALSE(long_id);
    CHECK_THAT(long_id.error().message, Catch::Contains("'kiosk.id' is 65 characters long; at most 64 are allowed"));

    for (auto name : { "../../../etc/passwd", "/tmp/mine", "dark.json", "a b" }) {
        auto theme = parse_config("[ui]\ntheme = \"" + std::string(name) + "\"\n", "kiosk.toml");
        REQUIRE_FALSE(theme);
        CHECK_THAT(theme.error().message, Catch::Contains("'ui.theme' must be the name of a theme of themes/"));
        CHECK_THAT(theme.error().message, Catch::Contains(std::string("got '") + name + "'"));
    }
    auto contrast = parse_config("[ui]\nhigh_contrast_theme = \"..\"\n", "kiosk.toml");
    REQUIRE_FALSE(contrast);
    CHECK_THAT(contrast.error().message, Catch::Contains("'ui.high_contrast_theme' must be the name of a theme"));
    CHECK(parse_config("[ui]\ntheme = \"Night_2-b\"\n", "kiosk.toml"));
}

TEST_CASE("the scanner's section: the device, its settings and other SANE options by name", "[config]")
{
    auto config = parse_config("[scanner]\ndevice = \"test:0\"\nresolution_dpi = 200\nmax_page_kib = 250\njpeg_quality = 70\n"
                               "[scanner.options]\nsource = \"Flatbed\"\ntest-picture = \"Grid\"\n",
        "test");
    INFO((config ? "" : config.error().message));
    REQUIRE(config);
    CHECK(config->scanner.device == "test:0");
    CHECK(config->scanner.resolution_dpi == 200);
    CHECK(config->scanner.max_page_kib == 250);
    CHECK(config->scanner.jpeg_quality == 70);
    REQUIRE(config->scanner.options.size() == 2);
    CHECK(config->scanner.options[0] == std::pair<std::string, std::string> { "source", "Flatbed" });
    CHECK(config->scanner.options[1] == std::pair<std::string, std::string> { "test-picture", "Grid" });
    auto defaults = parse_config("", "test");
    REQUIRE(defaults);
    CHECK(defaults->scanner.device.empty()); // the first scanner SANE finds
    CHECK(defaults->scanner.resolution_dpi == 150);
    CHECK(defaults->scanner.max_page_kib == 300);
}
