// The headless script language: every command, and the errors a typo gets.
#include "kiosk/core/script.h"

#include <catch2/catch.hpp>

using namespace guichet;

TEST_CASE("every command parses", "[script]")
{
    auto steps = parse_script(R"(# a comment
tap "Commencer"
tap id:welcome.start
type "Élodie d’Arc \"la\""
key Return
wait 250
advance 90

expect-screen catalog
expect-text "Êtes-vous toujours là"
expect-no-text "Bienvenue"
screenshot shots/welcome.png
resize 1080x1920
dump-ui ui.json
wait-sync
expect-fits
expect-focus step.next
)",
        "t.gsc");
    REQUIRE(steps);
    REQUIRE(steps->size() == 15);
    auto& s = *steps;
    CHECK((s[0].kind == ScriptVerb::TapLabel && s[0].text == "Commencer" && s[0].line == 2));
    CHECK((s[1].kind == ScriptVerb::TapId && s[1].text == "welcome.start"));
    CHECK((s[2].kind == ScriptVerb::Type && s[2].text == "Élodie d’Arc \"la\""));
    CHECK((s[3].kind == ScriptVerb::Key && s[3].text == "Return"));
    CHECK((s[4].kind == ScriptVerb::Wait && s[4].number == 250));
    CHECK((s[5].kind == ScriptVerb::Advance && s[5].number == 90));
    CHECK((s[6].kind == ScriptVerb::ExpectScreen && s[6].text == "catalog" && s[6].line == 9));
    CHECK(s[7].kind == ScriptVerb::ExpectText);
    CHECK(s[8].kind == ScriptVerb::ExpectNoText);
    CHECK((s[9].kind == ScriptVerb::Screenshot && s[9].text == "shots/welcome.png"));
    CHECK((s[10].kind == ScriptVerb::Resize && s[10].number == 1080 && s[10].second_number == 1920));
    CHECK(s[11].kind == ScriptVerb::DumpUi);
    CHECK(s[12].kind == ScriptVerb::WaitSync);
    CHECK((s[13].kind == ScriptVerb::ExpectFits && s[13].line == 16));
    CHECK((s[14].kind == ScriptVerb::ExpectFocus && s[14].text == "step.next"));
}

TEST_CASE("script errors name the file and the line and the problem", "[script]")
{
    struct Case {
        const char* text;
        const char* expected;
    };
    auto [text, expected] = GENERATE(values<Case>({
        { "tap \"Commencer\"\ntapp \"Retour\"\n", "t.gsc:2: unknown command 'tapp'" },
        { "tap Commencer\n", "t.gsc:1: expected a \"quoted text\"" },
        { "tap \"Commencer\n", "t.gsc:1: the quoted text is not closed" },
        { "tap \"a\" b\n", "t.gsc:1: unexpected text after the closing quote" },
        { "wait soon\n", "t.gsc:1: expected a whole number, got 'soon'" },
        { "advance -3\n", "t.gsc:1: the number must be between 0 and 86400" },
        { "expect-screen nowhere\n", "t.gsc:1: unknown screen 'nowhere'" },
        { "screenshot shot.jpg\n", "t.gsc:1: 'screenshot' takes a file name ending in .png" },
        { "resize big\n", "t.gsc:1: 'resize' takes a size such as 1080x1920" },
        { "resize 10x10\n", "t.gsc:1: 'resize' takes a size" },
        { "key\n", "t.gsc:1: 'key' takes one word" },
        { "expect-fits everything\n", "t.gsc:1: 'expect-fits' takes no argument" },
        { "expect-focus\n", "t.gsc:1: 'expect-focus' takes one word" },
        { "expect-focus step.back step.next\n", "t.gsc:1: 'expect-focus' takes one word" },
        { "expect-fit\n", "t.gsc:1: unknown command 'expect-fit'" },
    }));
    auto steps = parse_script(text, "t.gsc");
    REQUIRE_FALSE(steps);
    CHECK_THAT(steps.error().message, Catch::StartsWith(expected));
}

TEST_CASE("a missing script file is a clear error", "[script]")
{
    auto steps = load_script("/nonexistent/demo.gsc");
    REQUIRE_FALSE(steps);
    CHECK_THAT(steps.error().message, Catch::Contains("cannot read the script '/nonexistent/demo.gsc'"));
}
