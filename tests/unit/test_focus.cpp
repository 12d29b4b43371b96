// Navigation without touch: reading order with wrap-around, arrows across a grid, and a focus that
// follows the screen as elements vanish, become inert or a dialog opens.
#include "kiosk/core/focus.h"

#include <catch2/catch.hpp>

using namespace guichet;

namespace {

UiNode button(std::string id, Rect rect = {})
{
    return { .id = std::move(id), .role = Role::Button, .label = "x", .rect = rect };
}

// Two columns of three buttons, 200 wide and 100 high, with a 20-pixel gap, under a heading.
UiTree grid()
{
    UiTree tree;
    tree.begin_frame("catalog");
    tree.add({ .id = "catalog.title", .role = Role::Heading, .label = "Choisissez", .rect = { 0, 0, 420, 60 } });
    for (int row = 0; row < 3; ++row) {
        for (int column = 0; column < 2; ++column) {
            auto id = "card." + std::to_string(row) + std::to_string(column);
            tree.add(button(id, { column * 220.0f, 80 + row * 120.0f, 200, 100 }));
        }
    }
    return tree;
}

}

TEST_CASE("Next and Previous follow reading order and wrap around", "[focus]")
{
    UiTree tree;
    tree.begin_frame("welcome");
    tree.add({ .id = "welcome.title", .role = Role::Heading, .label = "Bienvenue" });
    tree.add(button("a"));
    tree.add(button("b"));
    tree.add(button("c"));

    Focus focus;
    CHECK(focus.id().empty());
    CHECK(focus.focused(tree) == nullptr);
    CHECK(focus.move(tree, FocusMove::Next));
    CHECK(focus.id() == "a"); // the heading is not a stop
    REQUIRE(focus.focused(tree));
    CHECK(focus.focused(tree)->id == "a");
    CHECK(focus.move(tree, FocusMove::Next));
    CHECK(focus.id() == "b");
    focus.move(tree, FocusMove::Next);
    CHECK(focus.move(tree, FocusMove::Next));
    CHECK(focus.id() == "a");
    CHECK(focus.move(tree, FocusMove::Previous));
    CHECK(focus.id() == "c");

    focus.clear();
    CHECK(focus.move(tree, FocusMove::Previous));
    CHECK(focus.id() == "c");
}

TEST_CASE("disabled and inert elements are skipped", "[focus]")
{
    UiTree tree;
    tree.begin_frame("step");
    tree.add(button("behind"));
    tree.begin_modal();
    tree.add(button("a"));
    auto disabled = button("disabled");
    disabled.enabled = false;
    tree.add(disabled);
    tree.add({ .id = "text", .role = Role::Text, .label = "Lisez" });
    tree.add(button("b"));

    Focus focus;
    focus.move(tree, FocusMove::Next);
    CHECK(focus.id() == "a");
    focus.move(tree, FocusMove::Next);
    CHECK(focus.id() == "b");
    focus.move(tree, FocusMove::Next);
    CHECK(focus.id() == "a");
}

TEST_CASE("a screen with nothing to reach keeps no focus", "[focus]")
{
    UiTree tree;
    tree.begin_frame("empty");
    tree.add({ .id = "text", .role = Role::Text, .label = "Patientez" });
    Focus focus;
    CHECK_FALSE(focus.move(tree, FocusMove::Next));
    CHECK_FALSE(focus.move(tree, FocusMove::Down));
    CHECK(focus.id().empty());
}

TEST_CASE("a single element stays focused when Next wraps onto it", "[focus]")
{
    UiTree tree;
    tree.begin_frame("receipt");
    tree.add(button("only"));
    Focus focus;
    CHECK(focus.move(tree, FocusMove::Next));
    CHECK_FALSE(focus.move(tree, FocusMove::Next));
    CHECK(focus.id() == "only");
}

TEST_CASE("arrows move across a grid of two columns", "[focus]")
{
    auto tree = grid();
    Focus focus;
    CHECK(focus.move(tree, FocusMove::Right)); // from nothing: the first element
    CHECK(focus.id() == "card.00");
    CHECK(focus.move(tree, FocusMove::Right));
    CHECK(focus.id() == "card.01");
    CHECK(focus.move(tree, FocusMove::Down));
    CHECK(focus.id() == "card.11");
    CHECK(focus.move(tree, FocusMove::Down));
    CHECK(focus.id() == "card.21");
    CHECK(focus.move(tree, FocusMove::Left));
    CHECK(focus.id() == "card.20");
    CHECK(focus.move(tree, FocusMove::Up));
    CHECK(focus.id() == "card.10");
}

TEST_CASE("an arrow with nothing that way keeps the focus", "[focus]")
{
    auto tree = grid();
    Focus focus;
    focus.set("card.00");
    CHECK_FALSE(focus.move(tree, FocusMove::Up));
    CHECK_FALSE(focus.move(tree, FocusMove::Left));
    CHECK(focus.id() == "card.00");
    focus.set("card.21");
    CHECK_FALSE(focus.move(tree, FocusMove::Down));
    CHECK_FALSE(focus.move(tree, FocusMove::Right));
    CHECK(focus.id() == "card.21");
}

TEST_CASE("an arrow prefers its own column over a nearer diagonal", "[focus]")
{
    UiTree tree;
    tree.begin_frame("step");
    tree.add(button("top", { 0, 0, 200, 100 }));
    tree.add(button("diagonal", { 150, 110, 200, 100 }));
    tree.add(button("below", { 0, 240, 200, 100 }));
    Focus focus;
    focus.set("top");
    CHECK(focus.move(tree, FocusMove::Down));
    CHECK(focus.id() == "below");
}

TEST_CASE("a wide button under the grid is reached from either column", "[focus]")
{
    auto tree = grid();
    tree.add(button("common.back", { 0, 440, 420, 100 }));
    Focus focus;
    focus.set("card.21");
    CHECK(focus.move(tree, FocusMove::Down));
    CHECK(focus.id() == "common.back");
    CHECK(focus.move(tree, FocusMove::Up));
    CHECK(focus.id() == "card.20"); // equally near: the first in reading order
}

TEST_CASE("a focus whose element vanished is cleared", "[focus]")
{
    auto tree = grid();
    Focus focus;
    focus.set("card.11");
    focus.follow(tree);
    CHECK(focus.id() == "card.11");

    tree.begin_frame("catalog");
    tree.add(button("card.00"));
    focus.follow(tree);
    CHECK(focus.id().empty());
}

TEST_CASE("a new screen starts without focus even where an id repeats", "[focus]")
{
    UiTree tree;
    tree.begin_frame("intro");
    tree.add(button("common.back"));
    Focus focus;
    focus.move(tree, FocusMove::Next);
    focus.follow(tree);
    CHECK(focus.id() == "common.back");

    tree.begin_frame("step");
    tree.add(button("common.back"));
    focus.follow(tree);
    CHECK(focus.id().empty());
}

TEST_CASE("a modal dialog takes the focus and gives it up when it closes", "[focus]")
{
    auto tree = grid();
    Focus focus;
    focus.set("card.11");
    focus.follow(tree);

    tree = grid();
    tree.begin_modal();
    tree.add({ .id = "inactivity.title", .role = Role::Heading, .label = "Êtes-vous toujours là ?" });
    tree.add(button("inactivity.more_time", { 100, 200, 200, 100 }));
    tree.add(button("inactivity.finish", { 100, 320, 200, 100 }));
    tree.add({ .id = "inactivity", .role = Role::Dialog, .label = "Êtes-vous toujours là ?" });
    focus.follow(tree);
    CHECK(focus.id() == "inactivity.more_time");

    // Behind the dialog nothing can be reached, by order or by arrow.
    CHECK(focus.move(tree, FocusMove::Next));
    CHECK(focus.id() == "inactivity.finish");
    CHECK(focus.move(tree, FocusMove::Next));
    CHECK(focus.id() == "inactivity.more_time");
    CHECK_FALSE(focus.move(tree, FocusMove::Up));

    tree = grid();
    focus.follow(tree);
    CHECK(focus.id().empty());
}

TEST_CASE("without a focus a dialog does not take one", "[focus]")
{
    // Someone using the touch screen gets no focus ring: the first key press lands in the dialog anyway.
    auto tree = grid();
    tree.begin_modal();
    tree.add(button("inactivity.more_time"));
    tree.add({ .id = "inactivity", .role = Role::Dialog, .label = "Êtes-vous toujours là ?" });
    Focus focus;
    focus.follow(tree);
    CHECK(focus.id().empty());
    CHECK(focus.move(tree, FocusMove::Down));
    CHECK(focus.id() == "inactivity.more_time");
}
