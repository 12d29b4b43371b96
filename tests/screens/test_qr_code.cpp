// The receipt's QR code, rendered by the software renderer, saved as a PNG and read back by zbarimg as a
// phone would read it; in both themes, since the code must stay dark on light whatever the theme.
#include "screens/qr_code.h"

#include "widget_harness.h"
#include "../zbar_decode.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>

using namespace guichet;
using guichet::test::HarnessOptions;
using guichet::test::WidgetHarness;

namespace {

WidgetHarness::Draw receipt(std::string_view code, float size, bool& drawn)
{
    return [code, size, &drawn](screens::Ui& ui) {
        ImGui::SetCursorScreenPos(ImVec2(ui.px(120.5f), ui.px(200.25f))); // off the pixel grid on purpose
        drawn = screens::widgets::qr_code(ui, "receipt.qr", code, size, "Code du reçu, à photographier");
    };
}

}

TEST_CASE("a receipt code drawn as a QR code reads back with zbarimg", "[ui][qr]")
{
    const std::string code = "GUICHET:ABC-DEF-GHK";
    for (auto [theme, size] : { std::pair { "default", 360.0f }, std::pair { "high-contrast", 301.7f } }) {
        INFO(theme << " " << size);
        WidgetHarness harness(HarnessOptions { .theme = theme });
        bool drawn = false;
        harness.settle(receipt(code, size, drawn));
        REQUIRE(drawn);
        auto png = harness.screenshot(std::string("qr_code_") + theme + ".png");
        CHECK(guichet::test::zbar_decode(png) == code);

        // Crisp: inside its square there is only pure black and pure white, no blended edge.
        auto* node = harness.tree().find_by_id("receipt.qr");
        REQUIRE(node);
        auto pixels = harness.pixels();
        int grey = 0, dark = 0;
        for (int y = static_cast<int>(node->rect.y); y < static_cast<int>(node->rect.y + node->rect.h); ++y)
            for (int x = static_cast<int>(node->rect.x); x < static_cast<int>(node->rect.x + node->rect.w); ++x) {
                const uint8_t* p = &pixels[(static_cast<size_t>(y) * 1080 + static_cast<size_t>(x)) * 4];
                bool black = p[0] == 0 && p[1] == 0 && p[2] == 0;
                bool white = p[0] == 255 && p[1] == 255 && p[2] == 255;
                grey += !black && !white;
                dark += black;
            }
        CHECK(grey == 0);
        CHECK(dark > 0);
    }
}

TEST_CASE("the QR code is recorded as an image with its text alternative", "[ui][qr]")
{
    WidgetHarness harness;
    bool drawn = false;
    harness.settle(receipt("GUICHET:ABC-DEF-GHK", 360.6f, drawn));
    REQUIRE(drawn);
    auto* node = harness.tree().find_by_id("receipt.qr");
    REQUIRE(node);
    CHECK(node->role == Role::Image);
    CHECK(node->label == "Code du reçu, à photographier");
    CHECK(node->value == "GUICHET:ABC-DEF-GHK");
    CHECK_FALSE(node->interactive());
    // Whole pixels, at most as big as asked.
    CHECK(node->rect.x == 120);
    CHECK(node->rect.y == 200);
    CHECK(node->rect.w == 360);
    CHECK(node->rect.h == 360);
}

TEST_CASE("nothing is drawn for text that cannot be a QR code", "[ui][qr]")
{
    WidgetHarness harness;
    bool drawn = true;
    harness.settle(receipt("", 360, drawn));
    CHECK_FALSE(drawn);
    CHECK_FALSE(harness.tree().find_by_id("receipt.qr"));

    // Too small for one pixel per module.
    harness.settle(receipt("GUICHET:ABC-DEF-GHK", 20, drawn));
    CHECK_FALSE(drawn);
    CHECK(harness.tree().nodes().empty());
}
