// Taps resolved against the frames the citizen saw: a layout that moves between the press and the
// release does not lose the tap; sliding off, a new screen or a dialog does.
#include "kiosk/core/tap.h"

#include <catch2/catch.hpp>

using namespace guichet;

namespace {

// The receipt's Finish button at `top`, under a line of text.
UiTree receipt(float top)
{
    UiTree tree;
    tree.begin_frame("receipt");
    tree.add({ .id = "receipt.sending", .role = Role::Text, .label = "Elle part maintenant", .rect = { 100, top - 60, 800, 50 } });
    tree.add({ .id = "receipt.finish", .role = Role::Button, .label = "Terminer", .rect = { 300, top, 400, 64 } });
    return tree;
}

}

TEST_CASE("the control under a point is the reachable one drawn last", "[tap]")
{
    auto tree = receipt(500);
    REQUIRE(control_at(tree, 500, 530));
    CHECK(control_at(tree, 500, 530)->id == "receipt.finish");
    CHECK_FALSE(control_at(tree, 500, 460)); // text is not a control
    CHECK_FALSE(control_at(tree, 500, 564)); // the rectangle's far edge is outside it

    tree.begin_modal();
    tree.add({ .id = "dialog.ok", .role = Role::Button, .label = "OK", .rect = { 400, 510, 200, 40 } });
    REQUIRE(control_at(tree, 500, 530));
    CHECK(control_at(tree, 500, 530)->id == "dialog.ok");
    CHECK_FALSE(control_at(tree, 320, 530)); // Finish is behind the dialog now
}

TEST_CASE("a tap acts on the control the finger went down on, though the layout moved before it lifted", "[tap]")
{
    TapTracker taps;
    // Down near Finish's top edge; the next frame moves Finish 40 pixels down: the finger is no longer
    // on it as drawn now, but it was on it as the citizen saw it.
    taps.press(500, 505, receipt(500));
    auto tapped = taps.release(500, 505, receipt(540));
    REQUIRE(tapped);
    CHECK(*tapped == "receipt.finish");

    // Moved 16 pixels, the finger still on it either way.
    taps.press(500, 530, receipt(500));
    CHECK(taps.release(500, 530, receipt(516)) == std::optional<std::string>("receipt.finish"));

    // The finger follows the button it pressed, wherever it lifts inside it.
    taps.press(500, 505, receipt(500));
    CHECK(taps.release(500, 600, receipt(560)) == std::optional<std::string>("receipt.finish"));
}

TEST_CASE("a finger that slides off, a screen that changes or a dialog that opens taps nothing", "[tap]")
{
    TapTracker taps;
    taps.press(500, 530, receipt(500));
    CHECK_FALSE(taps.release(500, 700, receipt(500))); // slid off

    taps.press(500, 460, receipt(500)); // on text: nothing to tap
    CHECK_FALSE(taps.release(500, 530, receipt(500)));

    taps.press(500, 530, receipt(500));
    UiTree welcome;
    welcome.begin_frame("welcome");
    welcome.add({ .id = "welcome.start", .role = Role::Button, .label = "Commencer", .rect = { 300, 500, 400, 64 } });
    CHECK_FALSE(taps.release(500, 530, welcome)); // Finish is gone

    taps.press(500, 530, receipt(500));
    auto behind = receipt(500);
    behind.begin_modal();
    CHECK_FALSE(taps.release(500, 530, behind)); // the inactivity warning came over it

    CHECK_FALSE(taps.release(500, 530, receipt(500))); // a release without a press
}
