// The on-screen keyboard and its text field in real frames: taps through the app's input translation,
// French letters and capitals, UTF-8 editing, key sizes in portrait and landscape, physical typing.
#include "screens/keyboard.h"

#include "widget_harness.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace guichet;
using guichet::test::HarnessOptions;
using guichet::test::WidgetHarness;

namespace {

constexpr screens::KeyboardLabels french_labels { "Effacer", "Tout effacer", "Majuscules", "Espace" };

// A screen's worth of widgets: a question, the field, the keyboard below it.
struct KeyboardScreen {
    screens::KeyboardLayout layout = screens::KeyboardLayout::Letters;
    std::string value;
    size_t max_characters = 200;
    bool field_active = true;
    bool show_keyboard = true;
    bool changed = false;

    WidgetHarness::Draw draw(WidgetHarness& harness)
    {
        return [this, &harness](screens::Ui& ui) {
            float width = harness.column_width();
            ImGui::SetCursorScreenPos(ImVec2(harness.column_left(), ui.px(64)));
            screens::widgets::heading(ui, "name.question", "Quel est votre nom ?", width);
            ImGui::SetCursorScreenPos(ImVec2(harness.column_left(), ImGui::GetCursorScreenPos().y + ui.px(24)));
            changed = screens::widgets::text_field(ui, "name.field", "Votre nom", value, width, field_active,
                          max_characters)
                || changed;
            if (!show_keyboard)
                return;
            ImGui::SetCursorScreenPos(ImVec2(harness.column_left(), ImGui::GetCursorScreenPos().y + ui.px(32)));
            changed = screens::widgets::keyboard(ui, "name.keyboard", layout, value, width, french_labels, max_characters)
                || changed;
        };
    }
};

std::vector<const UiNode*> keys_of(const UiTree& tree)
{
    std::vector<const UiNode*> keys;
    for (auto& node : tree.nodes())
        if (node.role == Role::Key)
            keys.push_back(&node);
    return keys;
}

bool overlap(const Rect& a, const Rect& b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

}

TEST_CASE("the letters keyboard types accented letters and capitals", "[ui][keyboard]")
{
    WidgetHarness harness;
    KeyboardScreen screen;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    harness.tap("name.keyboard.key.é", draw);
    CHECK(screen.value == "é");
    CHECK(harness.tree().find_by_id("name.keyboard.key.e")->label == "e");
    CHECK_FALSE(harness.tree().find_by_id("name.keyboard.key.shift")->selected);

    harness.tap("name.keyboard.key.shift", draw);
    auto* shift = harness.tree().find_by_id("name.keyboard.key.shift");
    CHECK(shift->selected);
    CHECK(shift->label == "Majuscules");
    // The keys show what they type.
    CHECK(harness.tree().find_by_id("name.keyboard.key.e")->label == "E");
    CHECK(harness.tree().find_by_id("name.keyboard.key.œ")->label == "Œ");

    // The capitals stay on for every letter until the key is pressed again.
    harness.tap("name.keyboard.key.e", draw);
    harness.tap("name.keyboard.key.é", draw);
    harness.tap("name.keyboard.key.œ", draw);
    harness.tap("name.keyboard.key.ç", draw);
    CHECK(screen.value == "éEÉŒÇ");
    harness.tap("name.keyboard.key.hyphen", draw);
    harness.tap("name.keyboard.key.apostrophe", draw);
    CHECK(screen.value == "éEÉŒÇ-’");

    harness.tap("name.keyboard.key.shift", draw);
    CHECK_FALSE(harness.tree().find_by_id("name.keyboard.key.shift")->selected);
    harness.tap("name.keyboard.key.œ", draw);
    harness.tap("name.keyboard.key.space", draw);
    harness.tap("name.keyboard.key.a", draw);
    CHECK(screen.value == "éEÉŒÇ-’œ a");

    // The field shows what was typed.
    auto* field = harness.tree().find_by_id("name.field");
    REQUIRE(field);
    CHECK(field->role == Role::TextField);
    CHECK(field->label == "Votre nom");
    CHECK(field->value == "éEÉŒÇ-’œ a");
}

TEST_CASE("backspace removes one whole character and clear empties the field", "[ui][keyboard]")
{
    WidgetHarness harness;
    KeyboardScreen screen;
    screen.value = "aœ’é";
    auto draw = screen.draw(harness);
    harness.settle(draw);

    CHECK(harness.tree().find_by_id("name.keyboard.key.backspace")->label == "Effacer");
    harness.tap("name.keyboard.key.backspace", draw);
    CHECK(screen.value == "aœ’");
    harness.tap("name.keyboard.key.backspace", draw); // three bytes
    CHECK(screen.value == "aœ");
    harness.tap("name.keyboard.key.backspace", draw);
    CHECK(screen.value == "a");

    screen.value = "Jean-Noël";
    screen.changed = false;
    harness.tap("name.keyboard.key.clear", draw);
    CHECK(screen.value.empty());
    CHECK(screen.changed);
    CHECK(harness.tree().find_by_id("name.keyboard.key.clear")->label == "Tout effacer");

    screen.changed = false; // nothing left to remove: nothing changes
    harness.tap("name.keyboard.key.backspace", draw);
    harness.tap("name.keyboard.key.clear", draw);
    CHECK(screen.value.empty());
    CHECK_FALSE(screen.changed);
}

TEST_CASE("max_characters stops the keyboard and the physical keyboard", "[ui][keyboard]")
{
    WidgetHarness harness;
    KeyboardScreen screen;
    screen.max_characters = 3;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    for (int i = 0; i < 4; ++i)
        harness.tap("name.keyboard.key.é", draw);
    CHECK(screen.value == "ééé"); // three characters, six bytes
    CHECK(screens::code_points(screen.value) == 3);
    harness.type("x", draw);
    harness.tap("name.keyboard.key.space", draw);
    CHECK(screen.value == "ééé");

    harness.tap("name.keyboard.key.backspace", draw);
    harness.type("ab", draw); // only one more fits
    CHECK(screen.value == "ééa");
}

TEST_CASE("the digits keypad types digits", "[ui][keyboard]")
{
    WidgetHarness harness;
    KeyboardScreen screen;
    screen.layout = screens::KeyboardLayout::Digits;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    // Ten digits, clear and backspace: nothing else.
    auto keys = keys_of(harness.tree());
    CHECK(keys.size() == 12);
    CHECK_FALSE(harness.tree().find_by_id("name.keyboard.key.a"));
    CHECK_FALSE(harness.tree().find_by_id("name.keyboard.key.shift"));

    for (auto digit : { "3", "1", "0", "0", "9" })
        harness.tap(std::string("name.keyboard.key.") + digit, draw);
    CHECK(screen.value == "31009");
    CHECK(harness.tree().find_by_id("name.keyboard.key.7")->label == "7");
    harness.tap("name.keyboard.key.backspace", draw);
    CHECK(screen.value == "3100");
    harness.tap("name.keyboard.key.clear", draw);
    CHECK(screen.value.empty());

    // 1 2 3 on the top row, clear 0 backspace on the bottom one, like a telephone.
    auto* one = harness.tree().find_by_id("name.keyboard.key.1");
    auto* three = harness.tree().find_by_id("name.keyboard.key.3");
    auto* zero = harness.tree().find_by_id("name.keyboard.key.0");
    auto* clear = harness.tree().find_by_id("name.keyboard.key.clear");
    auto* backspace = harness.tree().find_by_id("name.keyboard.key.backspace");
    CHECK(one->rect.y == three->rect.y);
    CHECK(one->rect.x < three->rect.x);
    CHECK(zero->rect.y > one->rect.y);
    CHECK(clear->rect.y == zero->rect.y);
    CHECK(clear->rect.x < zero->rect.x);
    CHECK(backspace->rect.x > zero->rect.x);
}

TEST_CASE("keys are big and never overlap in portrait and landscape", "[ui][keyboard]")
{
    struct Case {
        app::Size size;
        float text_scale;
    };
    auto layout = GENERATE(screens::KeyboardLayout::Letters, screens::KeyboardLayout::Digits);
    auto setup = GENERATE(Case { { 1080, 1920 }, 1.0f }, Case { { 1920, 1080 }, 1.0f }, Case { { 1080, 1920 }, 1.5f },
        Case { { 1920, 1080 }, 1.5f });
    INFO((layout == screens::KeyboardLayout::Letters ? "letters " : "digits ")
        << setup.size.width << "x" << setup.size.height << " text x" << setup.text_scale);
    WidgetHarness harness(HarnessOptions { .size = setup.size, .text_scale = setup.text_scale });
    KeyboardScreen screen;
    screen.layout = layout;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    auto keys = keys_of(harness.tree());
    CHECK(keys.size() == (layout == screens::KeyboardLayout::Letters ? 14 + 10 + 10 + 9 + 3 : 12));
    float left = FLT_MAX, right = 0, top = FLT_MAX, bottom = 0;
    for (auto* key : keys) {
        INFO(key->id << " " << key->rect.w << "x" << key->rect.h);
        CHECK(key->rect.w >= 64);
        CHECK(key->rect.h >= 80);
        left = std::min(left, key->rect.x);
        right = std::max(right, key->rect.x + key->rect.w);
        top = std::min(top, key->rect.y);
        bottom = std::max(bottom, key->rect.y + key->rect.h);
    }
    for (size_t i = 0; i < keys.size(); ++i)
        for (size_t j = i + 1; j < keys.size(); ++j) {
            INFO(keys[i]->id << " and " << keys[j]->id);
            CHECK_FALSE(overlap(keys[i]->rect, keys[j]->rect));
        }
    // Inside the column, no wider than a hand spans, and as tall as announced.
    CHECK(left >= harness.column_left());
    CHECK(right <= harness.column_left() + harness.column_width() + 1);
    CHECK(right - left <= 1500);
    UiTree scratch;
    screens::Ui measure { scratch, harness.theme(), harness.fonts(), harness.unit(), harness.text_scale() };
    float height = screens::widgets::keyboard_height(measure, layout, harness.column_width());
    CHECK(bottom - top == Approx(height).margin(1));

    // The text field is as big as a key row or more.
    auto* field = harness.tree().find_by_id("name.field");
    REQUIRE(field);
    CHECK(field->rect.h >= 96);
}

TEST_CASE("the capitals key is off each time the keyboard appears", "[ui][keyboard]")
{
    WidgetHarness harness;
    KeyboardScreen screen;
    auto draw = screen.draw(harness);
    harness.settle(draw);
    harness.tap("name.keyboard.key.shift", draw);
    CHECK(harness.tree().find_by_id("name.keyboard.key.shift")->selected);

    screen.show_keyboard = false;
    harness.settle(draw);
    CHECK_FALSE(harness.tree().find_by_id("name.keyboard.key.shift"));
    screen.show_keyboard = true;
    harness.settle(draw);
    CHECK_FALSE(harness.tree().find_by_id("name.keyboard.key.shift")->selected);
    harness.tap("name.keyboard.key.e", draw);
    CHECK(screen.value == "e");
}

TEST_CASE("the text field takes physical typing only while it is active", "[ui][keyboard]")
{
    WidgetHarness harness;
    KeyboardScreen screen;
    screen.show_keyboard = false;
    screen.field_active = false;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    harness.type("Zoé", draw);
    harness.press_key(SDL_SCANCODE_BACKSPACE, draw);
    CHECK(screen.value.empty());
    CHECK_FALSE(screen.changed);
    CHECK_FALSE(harness.tree().find_by_id("name.field")->focused);

    screen.field_active = true;
    harness.type("Zoé", draw);
    CHECK(screen.value == "Zoé");
    CHECK(screen.changed);
    CHECK(harness.tree().find_by_id("name.field")->value == "Zoé");
    CHECK(harness.tree().find_by_id("name.field")->focused);
    harness.press_key(SDL_SCANCODE_BACKSPACE, draw);
    CHECK(screen.value == "Zo");

    // Control characters (a tab, a newline) have no place in a one-line field.
    harness.type("\të\n", draw);
    CHECK(screen.value == "Zoë");
}

TEST_CASE("the keyboard renders readably in portrait and landscape", "[ui][keyboard]")
{
    for (auto [size, theme, name] : { std::tuple { app::Size { 1080, 1920 }, "default", "keyboard_portrait.png" },
             std::tuple { app::Size { 1920, 1080 }, "default", "keyboard_landscape.png" },
             std::tuple { app::Size { 1080, 1920 }, "high-contrast", "keyboard_high_contrast.png" } }) {
        WidgetHarness harness(HarnessOptions { .size = size, .theme = theme });
        KeyboardScreen screen;
        // Longer than the portrait field: it shows the end, where the citizen types.
        screen.value = "Jean-François d’Aubigné de la Tour du Pin Montmorency-Laval et Beaumont";
        auto draw = screen.draw(harness);
        harness.settle(draw);
        harness.tap("name.keyboard.key.shift", draw);
        auto path = harness.screenshot(name);
        CHECK(std::filesystem::file_size(path) > 0);
    }
    WidgetHarness harness;
    KeyboardScreen screen;
    screen.layout = screens::KeyboardLayout::Digits;
    screen.value = "75011";
    auto draw = screen.draw(harness);
    harness.settle(draw);
    CHECK(std::filesystem::file_size(harness.screenshot("keyboard_digits.png")) > 0);
}
