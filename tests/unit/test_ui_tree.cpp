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
