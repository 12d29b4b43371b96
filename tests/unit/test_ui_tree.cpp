// The frame's semantic tree: look-ups, modal inertness and the JSON dump.
#include "kiosk/core/ui_tree.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace guichet;

TEST_CASE("the tree finds elements by id and label", "[ui_tree]")
{
    UiTree tree;
    tree.begin_frame("welcome");
    tree.add({ .id = "welcome.title", .role = Role::Heading, .label = "Bienvenue" });
    tree.add({ .id = "welcome.start", .role = Role::Button, .label = "Commencer", .rect = { 10, 20, 100, 50 } });
    CHECK(tree.screen() == "welcome");
    REQUIRE(tree.find_by_id("welcome.start"));
    CHECK(tree.find_by_id("welcome.start")->rect.center_x() == 60);
    CHECK(tree.find_by_label("Commencer").size() == 1);
    CHECK(tree.find_by_label("Retour").empty());
    CHECK(tree.shows_text("Bienven"));

    tree.begin_frame("catalog");
    CHECK(tree.nodes().empty());
}

TEST_CASE("a modal dialog makes what is behind it inert", "[ui_tree]")
{
    UiTree tree;
    tree.begin_frame("catalog");
    tree.add({ .id = "catalog.title", .role = Role::Heading, .label = "Choisissez" });
    tree.begin_modal();
    tree.add({ .id = "inactivity.more_time", .role = Role::Button, .label = "Plus de temps" });
    CHECK(tree.find_by_id("catalog.title")->inert);
    CHECK_FALSE(tree.find_by_id("inactivity.more_time")->inert);
    CHECK_FALSE(tree.shows_text("Choisissez"));
    CHECK(tree.shows_text("Plus de temps"));
}

TEST_CASE("a frame fits when everything is inside the display, apart and big enough", "[ui_tree][layout]")
{
    UiTree tree;
    tree.set_viewport(1920, 1080);
    tree.begin_frame("step");
    tree.add({ .id = "step.title", .role = Role::Heading, .label = "Adresse", .rect = { 100, 20, 1720, 80 } });
    tree.add({ .id = "step.back", .role = Role::Button, .label = "Retour", .rect = { 100, 980, 400, 96 } });
    // Touching edges and half-pixel rounding are not overlaps.
    tree.add({ .id = "step.next", .role = Role::Button, .label = "Suivant", .rect = { 500.4f, 980, 400, 96 } });
    tree.add({ .id = "step.spacer", .role = Role::Text, .label = "", .rect = { 0, 1080, 1920, 0 } });
    CHECK(tree.layout_problems(64).empty());

    SECTION("past the bottom edge")
    {
        tree.add({ .id = "keyboard.key.a", .role = Role::Key, .label = "a", .rect = { 1500, 1040, 80, 80 } });
        auto problems = tree.layout_problems(64);
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0], Catch::Contains("key 'keyboard.key.a'") && Catch::Contains("outside the 1920x1080 display")
                && Catch::Contains("x 1500 to 1580, y 1040 to 1120"));
    }
    SECTION("text under a button")
    {
        tree.add({ .id = "step.error", .role = Role::Text, .label = "Erreur", .rect = { 100, 950, 1720, 50 } });
        auto problems = tree.layout_problems(64);
        REQUIRE(problems.size() == 2);
        CHECK_THAT(problems[0], Catch::Contains("'step.back'") && Catch::Contains("'step.error'") && Catch::Contains("overlap"));
    }
    SECTION("a control below the touch target")
    {
        tree.add({ .id = "keyboard.key.b", .role = Role::Key, .label = "b", .rect = { 1000, 500, 80, 60 } });
        auto problems = tree.layout_problems(64);
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0], Catch::Contains("smaller than the 64-pixel touch target"));
        CHECK(tree.layout_problems(0).empty());
    }
    SECTION("what is behind a dialog does not count, the dialog's own content does")
    {
        tree.add({ .id = "dialog", .role = Role::Dialog, .label = "Êtes-vous là ?", .rect = { 0, 0, 1920, 1080 } });
        tree.begin_modal();
        tree.add({ .id = "dialog.more_time", .role = Role::Button, .label = "Plus de temps", .rect = { 100, 980, 400, 96 } });
        CHECK(tree.layout_problems(64).empty());
        tree.add({ .id = "dialog.end", .role = Role::Button, .label = "Terminer", .rect = { 300, 980, 400, 96 } });
        CHECK(tree.layout_problems(64).size() == 1);
    }
}

TEST_CASE("a frame that shows nothing does not fit", "[ui_tree][layout]")
{
    UiTree tree;
    tree.set_viewport(1920, 1080);
    tree.begin_frame("step");
    auto problems = tree.layout_problems(64);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::Contains("nothing is shown on screen 'step'"));
    // An empty text takes no room: a frame of them shows nothing too.
    tree.add({ .id = "step.spacer", .role = Role::Text, .label = "", .rect = { 0, 1080, 1920, 0 } });
    CHECK(tree.layout_problems(64).size() == 1);
}

TEST_CASE("the dump lists every element with its role and state", "[ui_tree]")
{
    UiTree tree;
    tree.begin_frame("welcome");
    tree.add({ .id = "language.fr", .role = Role::Choice, .label = "Français", .rect = { 1, 2, 3, 4 }, .selected = true });
    auto json = tree.to_json();
    CHECK(json["screen"] == "welcome");
    REQUIRE(json["nodes"].size() == 1);
    auto& node = json["nodes"][0];
    CHECK(node["id"] == "language.fr");
    CHECK(node["role"] == "choice");
    CHECK(node["label"] == "Français");
    CHECK(node["selected"] == true);
    CHECK(node["rect"] == nlohmann::json::array({ 1, 2, 3, 4 }));
}
