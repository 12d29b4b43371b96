// The on-screen keyboard and its text field in real frames: taps through the app's input translation,
// French letters and capitals, UTF-8 editing, key sizes in portrait and landscape, physical typing.
#include "screens/keyboard.h"

#include "widget_harness.h"

#include <catch2/catch.hpp>

#include <algorithm>
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
    float keyboard_width = 0; // 0: the column's
    float keyboard_room = 0;  // as a step screen limits it on a short display
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
            ui.keyboard_room = keyboard_room;
            changed = screens::widgets::keyboard(ui, "name.keyboard", layout, value,
                          keyboard_width > 0 ? keyboard_width : width, french_labels, max_characters)
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

// The tops of the keyboard's rows, top to bottom.
std::vector<float> row_tops(const std::vector<const UiNode*>& keys)
{
    std::vector<float> tops;
    for (auto* key : keys)
        tops.push_back(key->rect.y);
    std::sort(tops.begin(), tops.end());
    tops.erase(std::unique(tops.begin(), tops.end()), tops.end());
    return tops;
}

float right_of(const UiNode* node) { return node->rect.x + node->rect.w; }

// Keys as big as a finger needs, none over another.
void check_keys_apart(const std::vector<const UiNode*>& keys)
{
    for (size_t i = 0; i < keys.size(); ++i) {
        INFO(keys[i]->id << " " << keys[i]->rect.w << "x" << keys[i]->rect.h);
        CHECK(keys[i]->rect.w >= 64);
        CHECK(keys[i]->rect.h >= 64);
        for (size_t j = i + 1; j < keys.size(); ++j) {
            INFO("and " << keys[j]->id);
            CHECK_FALSE(overlap(keys[i]->rect, keys[j]->rect));
        }
    }
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

TEST_CASE("a short landscape screen folds the digits into a pad beside the letters", "[ui][keyboard]")
{
    // Large text on a landscape display: six rows of keys would have to be lower than they like (96 px),
    // down to the touch target or not even that.
    auto width = GENERATE(1332.0f, 1420.0f, 1500.0f);
    auto room = GENERATE(5 * 64 + 4 * 10.0f, 6 * 68 + 5 * 10.0f);
    INFO("keyboard " << width << " px wide in " << room);
    WidgetHarness harness(HarnessOptions { .size = { 1920, 1080 }, .text_scale = 1.5f });
    KeyboardScreen screen;
    screen.layout = screens::KeyboardLayout::Text;
    screen.keyboard_width = width;
    screen.keyboard_room = room;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    auto keys = keys_of(harness.tree());
    CHECK(keys.size() == 10 + 14 + 10 + 10 + 9 + 3);
    CHECK(row_tops(keys).size() == 5);
    check_keys_apart(keys);
    CHECK(keys.front()->rect.h == std::floor((room - 4 * 10) / 5)); // taller than six rows could be
    UiTree scratch;
    screens::Ui measure { scratch, harness.theme(), harness.fonts(), harness.unit(), harness.text_scale() };
    measure.keyboard_room = screen.keyboard_room;
    float height = screens::widgets::keyboard_height(measure, screen.layout, width);
    CHECK(height <= screen.keyboard_room);
    auto tops = row_tops(keys);
    CHECK(tops.back() + keys.back()->rect.h - tops.front() == Approx(height).margin(1));

    // 7 8 9 right of "a z e r t y u i o p", 0 under 1 2 3 and as wide, every row as wide as the accents.
    auto key = [&](std::string_view name) {
        auto* node = harness.tree().find_by_id(std::string("name.keyboard.key.") + std::string(name));
        REQUIRE(node);
        return node;
    };
    CHECK(key("7")->rect.y == key("p")->rect.y);
    CHECK(key("7")->rect.x > right_of(key("p")) + key("p")->rect.w / 2); // a key's width apart, not touching
    CHECK(key("4")->rect.y == key("m")->rect.y);
    CHECK(key("1")->rect.y == key("backspace")->rect.y);
    CHECK(key("0")->rect.y == key("space")->rect.y);
    CHECK(key("0")->rect.x == key("1")->rect.x);
    for (auto name : { "9", "6", "3", "0" })
        CHECK(right_of(key(name)) == Approx(right_of(key("œ"))).margin(1));
    CHECK(key("a")->rect.x == Approx(key("é")->rect.x).margin(1));
    CHECK(key("7")->rect.x == key("4")->rect.x);

    harness.tap("name.keyboard.key.7", draw);
    harness.tap("name.keyboard.key.0", draw);
    harness.tap("name.keyboard.key.b", draw);
    CHECK(screen.value == "70b");
}

TEST_CASE("the code and e-mail keyboards fold too", "[ui][keyboard]")
{
    struct Case {
        screens::KeyboardLayout layout;
        size_t rows;
    };
    auto fold = GENERATE(Case { screens::KeyboardLayout::Code, 4 }, Case { screens::KeyboardLayout::Email, 5 });
    WidgetHarness harness(HarnessOptions { .size = { 1920, 1080 }, .text_scale = 1.5f });
    KeyboardScreen screen;
    screen.layout = fold.layout;
    screen.keyboard_width = 1332;
    screen.keyboard_room = 300;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    auto keys = keys_of(harness.tree());
    CHECK(row_tops(keys).size() == fold.rows);
    check_keys_apart(keys);
    auto& tree = harness.tree();
    CHECK(tree.find_by_id("name.keyboard.key.7")->rect.y == tree.find_by_id("name.keyboard.key.p")->rect.y);
    CHECK(tree.find_by_id("name.keyboard.key.7")->rect.x > tree.find_by_id("name.keyboard.key.p")->rect.x);
    CHECK(tree.find_by_id("name.keyboard.key.0")->rect.y == tree.find_by_id("name.keyboard.key.space")->rect.y);
}

TEST_CASE("the digits stay on top while the keyboard has room", "[ui][keyboard]")
{
    // No limit, or one that six rows of keys as high as they like still fit (96 px at this text size).
    auto room = GENERATE(0.0f, 6 * 96 + 5 * 10.0f);
    INFO("room " << room);
    WidgetHarness harness(HarnessOptions { .size = { 1920, 1080 }, .text_scale = 1.5f });
    KeyboardScreen screen;
    screen.layout = screens::KeyboardLayout::Text;
    screen.keyboard_width = 1332;
    screen.keyboard_room = room;
    auto draw = screen.draw(harness);
    harness.settle(draw);

    auto keys = keys_of(harness.tree());
    auto tops = row_tops(keys);
    CHECK(tops.size() == 6);
    check_keys_apart(keys);
    auto& tree = harness.tree();
    CHECK(tree.find_by_id("name.keyboard.key.1")->rect.y == tops.front());
    CHECK(tree.find_by_id("name.keyboard.key.7")->rect.y == tops.front());
    CHECK(tree.find_by_id("name.keyboard.key.0")->rect.y == tops.front());
    CHECK(tree.find_by_id("name.keyboard.key.é")->rect.y == tops[1]);
}

TEST_CASE("word key labels stay inside the smallest keys in every language", "[ui][keyboard]")
{
    struct Language {
        std::string_view code;
        screens::KeyboardLabels labels;
    };
    // assets/strings/*.json, "keyboard.*"
    const Language languages[] = {
        { "fr", french_labels },
        { "en", { "Delete", "Clear all", "Capitals", "Space" } },
        { "pt", { "Apagar", "Apagar tudo", "Maiúsculas", "Espaço" } },
        { "es", { "Borrar", "Borrar todo", "Mayúsculas", "Espacio" } },
    };
    auto text_scale = GENERATE(1.0f, 1.25f, 1.5f);
    WidgetHarness harness(HarnessOptions { .size = { 1920, 1080 }, .text_scale = text_scale });
    UiTree scratch;
    screens::Ui ui { scratch, harness.theme(), harness.fonts(), harness.unit(), harness.text_scale() };
    // The smallest keys laid out: one unit as wide as the touch target, as low as it. Backspace spans two
    // units, the other word keys three, and the capitals key has its tick while it is on.
    using screens::detail::KeyMark;
    for (auto& language : languages) {
        struct WordKey {
            std::string_view label;
            float units;
            KeyMark mark;
        };
        auto& labels = language.labels;
        for (auto word : { WordKey { labels.backspace, 2, KeyMark::None }, WordKey { labels.clear, 3, KeyMark::None },
                 WordKey { labels.shift, 3, KeyMark::None }, WordKey { labels.shift, 3, KeyMark::Tick },
                 WordKey { labels.space, 3, KeyMark::None } }) {
            ImVec2 key(word.units * 64 + (word.units - 1) * 10, 64);
            auto fitted = screens::detail::fit_word_label(ui, word.label, key, word.mark);
            ImVec2 extent = screens::detail::label_extent(fitted);
            INFO(language.code << " \"" << word.label << "\" x" << text_scale << (word.mark == KeyMark::Tick ? " ticked" : "")
                               << ": " << fitted.lines.size() << " line(s) at " << fitted.size << " px, "
                               << extent.x << "x" << extent.y << " in " << key.x << "x" << key.y);
            CHECK(extent.x + fitted.mark <= key.x - 2 * 10);
            CHECK(extent.y <= key.y - 2 * 4);
            CHECK(fitted.size >= std::round(harness.fonts().small->FontSize * 0.6f));
        }
    }
    // Where a font fits at its own size (normal text, keys of 88 px), nothing is drawn smaller.
    if (text_scale == 1.0f) {
        auto fitted = screens::detail::fit_word_label(ui, "Tout effacer", ImVec2(3 * 97 + 20, 88));
        CHECK(fitted.size == fitted.font->FontSize);
    }
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
