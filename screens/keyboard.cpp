// The on-screen keyboard and the text field it types into: key layouts, key drawing, UTF-8 editing.
// [SECTION] editing  [SECTION] layout  [SECTION] labels  [SECTION] widgets
#include "screens/keyboard.h"

#include <imgui_internal.h> // ImTextCharToUtf8, ImTextCharFromUtf8

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <vector>

namespace guichet::screens {
namespace {

// [SECTION] editing

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Removes the last code point, all of its bytes. Returns false when there was nothing to remove.
bool pop_code_point(std::string& value)
{
    if (value.empty())
        return false;
    size_t last = value.size() - 1;
    while (last > 0 && is_continuation(value[last]))
        --last;
    value.erase(last);
    return true;
}

// Appends `text` unless the value would then hold more than `max_characters` code points.
bool append_limited(std::string& value, std::string_view text, size_t max_characters)
{
    if (text.empty() || code_points(value) + code_points(text) > max_characters)
        return false;
    value += text;
    return true;
}

// What a physical keyboard may send that has no place in a one-line field: controls, halves of
// characters Dear ImGui could not represent (it turns them into U+FFFD), invisible separators.
bool is_typable(unsigned int c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return false;
    if ((c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFD || c == 0xFEFF || c == 0x2028 || c == 0x2029)
        return false;
    return true;
}

// [SECTION] layout

enum class KeyKind {
    Character,
    Shift,
    Space,
    Backspace,
    Clear,
};

struct KeyDef {
    std::string_view name;  // the end of the node's id
    std::string_view lower; // what it types; for a word key, nothing
    std::string_view upper; // what it types with the capitals on
    KeyKind kind = KeyKind::Character;
    float units = 1; // width in key widths, the gaps it spans included
};

constexpr KeyDef accent_keys[] = {
    { "é", "é", "É" }, { "è", "è", "È" }, { "ê", "ê", "Ê" }, { "ë", "ë", "Ë" }, { "à", "à", "À" },
    { "â", "â", "Â" }, { "ç", "ç", "Ç" }, { "ù", "ù", "Ù" }, { "û", "û", "Û" }, { "ü", "ü", "Ü" },
    { "î", "î", "Î" }, { "ï", "ï", "Ï" }, { "ô", "ô", "Ô" }, { "œ", "œ", "Œ" },
};
constexpr KeyDef top_keys[] = {
    { "a", "a", "A" }, { "z", "z", "Z" }, { "e", "e", "E" }, { "r", "r", "R" }, { "t", "t", "T" },
    { "y", "y", "Y" }, { "u", "u", "U" }, { "i", "i", "I" }, { "o", "o", "O" }, { "p", "p", "P" },
};
constexpr KeyDef middle_keys[] = {
    { "q", "q", "Q" }, { "s", "s", "S" }, { "d", "d", "D" }, { "f", "f", "F" }, { "g", "g", "G" },
    { "h", "h", "H" }, { "j", "j", "J" }, { "k", "k", "K" }, { "l", "l", "L" }, { "m", "m", "M" },
};
// The typographic apostrophe, as French text is printed; the name checks accept both forms.
constexpr KeyDef bottom_keys[] = {
    { "w", "w", "W" }, { "x", "x", "X" }, { "c", "c", "C" }, { "v", "v", "V" }, { "b", "b", "B" },
    { "n", "n", "N" }, { "apostrophe", "’", "’" }, { "hyphen", "-", "-" },
    { "backspace", "", "", KeyKind::Backspace, 2 },
};
// Addresses have numbers, e-mail addresses have @ and dots: those layouts carry a row of digits, and
// the e-mail one its own punctuation where the apostrophe was.
constexpr KeyDef number_keys[] = {
    { "1", "1", "1" }, { "2", "2", "2" }, { "3", "3", "3" }, { "4", "4", "4" }, { "5", "5", "5" },
    { "6", "6", "6" }, { "7", "7", "7" }, { "8", "8", "8" }, { "9", "9", "9" }, { "0", "0", "0" },
};
constexpr KeyDef email_bottom_keys[] = {
    { "w", "w", "W" }, { "x", "x", "X" }, { "c", "c", "C" }, { "v", "v", "V" }, { "b", "b", "B" },
    { "n", "n", "N" }, { "at", "@", "@" }, { "dot", ".", "." }, { "underscore", "_", "_" }, { "hyphen", "-", "-" },
    { "backspace", "", "", KeyKind::Backspace, 2 },
};
constexpr KeyDef word_keys[] = {
    { "shift", "", "", KeyKind::Shift, 3 },
    { "space", " ", " ", KeyKind::Space, 4 },
    { "clear", "", "", KeyKind::Clear, 3 },
};
constexpr KeyDef digit_rows[][3] = {
    { { "1", "1", "1" }, { "2", "2", "2" }, { "3", "3", "3" } },
    { { "4", "4", "4" }, { "5", "5", "5" }, { "6", "6", "6" } },
    { { "7", "7", "7" }, { "8", "8", "8" }, { "9", "9", "9" } },
    { { "clear", "", "", KeyKind::Clear }, { "0", "0", "0" }, { "backspace", "", "", KeyKind::Backspace } },
};
// On a short screen the row of digits folds into a block at the right of the letters, like a computer's
// numeric pad: three rows of three and a wide 0 beside the four bottom rows, one row less in all.
constexpr KeyDef pad_keys[] = {
    { "7", "7", "7" }, { "8", "8", "8" }, { "9", "9", "9" }, { "4", "4", "4" }, { "5", "5", "5" },
    { "6", "6", "6" }, { "1", "1", "1" }, { "2", "2", "2" }, { "3", "3", "3" },
    { "0", "0", "0", KeyKind::Character, 3 },
};

struct PlacedKey {
    const KeyDef* def = nullptr;
    ImVec2 min, max; // whole pixels from the keyboard's origin
};

struct KeyboardGeometry {
    std::vector<PlacedKey> keys;
    float height = 0;
    ImFont* character_font = nullptr;
};

float row_units(std::span<const KeyDef> row)
{
    float units = 0;
    for (auto& key : row)
        units += key.units;
    return units;
}

// One row of keys; in a folded layout the bottom rows also carry their part of the numeric pad.
struct Row {
    std::span<const KeyDef> keys;
    std::span<const KeyDef> pad;
};

struct KeyRows {
    std::vector<Row> rows;
    float letters_units = 0; // folded: the block the letter rows are centred in, as wide as the widest

    // A folded row spans the letters' block, a gap of one key and the pad.
    float units(const Row& row) const
    {
        return row.pad.empty() ? row_units(row.keys) : letters_units + 1 + row_units(row.pad);
    }
};

struct KeyMetrics {
    float width = 0; // of a one-unit key
    float height = 0;
    float gap = 0;
};

// Keys lower than they would like when the screen is short (large text on a landscape display), but
// never below the 64-pixel touch target.
float fitted_key_height(const Ui& ui, float key_height, size_t rows, float gap)
{
    if (ui.keyboard_room <= 0 || rows == 0)
        return key_height;
    float fit = std::floor((ui.keyboard_room - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
    return std::max(ui.px(64), std::min(key_height, fit));
}

// Whether `rows` rows of keys `key_height` high fit the keyboard's room, if it has one.
bool rows_fit(const Ui& ui, size_t rows, float key_height, float gap)
{
    float height = static_cast<float>(rows) * key_height + static_cast<float>(rows - 1) * gap;
    return ui.keyboard_room <= 0 || height <= ui.keyboard_room;
}

// Puts `keys` side by side from `x`.
void place_keys(KeyboardGeometry& geometry, std::span<const KeyDef> keys, float x, float y, const KeyMetrics& key)
{
    for (auto& def : keys) {
        float w = def.units * key.width + (def.units - 1) * key.gap;
        geometry.keys.push_back({ &def, ImVec2(std::round(x), std::round(y)),
            ImVec2(std::round(x + w), std::round(y + key.height)) });
        x += w + key.gap;
    }
}

// Rows are centred; every key of one unit has the same width, so the columns line up. A folded row
// centres its letters in the letters' block and starts the pad one key's width after it, so the pad's
// columns line up too.
KeyboardGeometry place(const KeyRows& rows, float width, const KeyMetrics& key)
{
    KeyboardGeometry geometry;
    float pitch = key.width + key.gap;
    float y = 0;
    for (auto& row : rows.rows) {
        float units = rows.units(row);
        float x = (width - units * key.width - (units - 1) * key.gap) / 2;
        float indent = row.pad.empty() ? 0 : (rows.letters_units - row_units(row.keys)) / 2 * pitch;
        place_keys(geometry, row.keys, x + indent, y, key);
        place_keys(geometry, row.pad, x + (rows.letters_units + 1) * pitch, y, key);
        y += key.height + key.gap;
    }
    geometry.height = std::round(y - key.gap);
    return geometry;
}

KeyRows letter_rows(KeyboardLayout layout, bool accents_in_one_row)
{
    std::span<const KeyDef> accents(accent_keys);
    KeyRows rows;
    if (layout != KeyboardLayout::Letters)
        rows.rows.push_back({ number_keys });
    if (layout == KeyboardLayout::Code) {
        // no accents in a code
    } else if (accents_in_one_row) {
        rows.rows.push_back({ accents });
    } else {
        rows.rows.push_back({ accents.first(7) });
        rows.rows.push_back({ accents.subspan(7) });
    }
    rows.rows.insert(rows.rows.end(), { { top_keys }, { middle_keys } });
    rows.rows.push_back({ layout == KeyboardLayout::Email ? std::span<const KeyDef>(email_bottom_keys)
                                                          : std::span<const KeyDef>(bottom_keys) });
    rows.rows.push_back({ word_keys });
    return rows;
}

// Moves the row of digits (the first) into the numeric pad beside the four bottom rows.
KeyRows fold_digits(KeyRows rows)
{
    rows.rows.erase(rows.rows.begin());
    std::span<const KeyDef> pad(pad_keys);
    auto bottom = std::span(rows.rows).last(4);
    for (size_t i = 0; i < bottom.size(); ++i) {
        bottom[i].pad = i < 3 ? pad.subspan(3 * i, 3) : pad.subspan(9);
        rows.letters_units = std::max(rows.letters_units, row_units(bottom[i].keys));
    }
    return rows;
}

KeyboardGeometry letters_geometry(const Ui& ui, KeyboardLayout layout, float width)
{
    float gap = ui.px(10);
    float key_height = std::max(ui.px(88), std::round(ui.fonts.button->FontSize * 1.45f));
    // The accents take one row when their keys stay wide enough (landscape), two rows of seven otherwise.
    bool landscape = (width - 13 * gap) / 14 >= ui.px(80);
    auto rows = letter_rows(layout, landscape);
    // When the keys would have to be lower than they like, the digits fold beside the letters: one row
    // less leaves them taller. Only in landscape, where the folded rows, 14 keys wide (16 for e-mail),
    // keep the keys wider than the 64-pixel touch target.
    if (layout != KeyboardLayout::Letters && landscape && !rows_fit(ui, rows.rows.size(), key_height, gap))
        rows = fold_digits(std::move(rows));
    // Wide enough for the widest row, and no wider than a hand spans comfortably.
    float key_width = ui.px(120);
    for (auto& row : rows.rows) {
        float units = rows.units(row);
        key_width = std::min(key_width, (width - (units - 1) * gap) / units);
    }
    key_height = fitted_key_height(ui, key_height, rows.rows.size(), gap);
    auto geometry = place(rows, width, { std::floor(key_width), key_height, gap });
    geometry.character_font = ui.fonts.button;
    return geometry;
}

KeyboardGeometry digits_geometry(const Ui& ui, float width)
{
    float gap = ui.px(14);
    float key_height = std::max(ui.px(112), std::round(ui.fonts.title->FontSize * 1.3f));
    float key_width = std::min(ui.px(220), (width - 2 * gap) / 3);
    KeyRows rows;
    for (auto& row : digit_rows)
        rows.rows.push_back({ row });
    key_height = fitted_key_height(ui, key_height, rows.rows.size(), gap);
    auto geometry = place(rows, width, { std::floor(key_width), key_height, gap });
    geometry.character_font = ui.fonts.title;
    return geometry;
}

KeyboardGeometry geometry_for(const Ui& ui, KeyboardLayout layout, float width)
{
    return layout == KeyboardLayout::Digits ? digits_geometry(ui, width) : letters_geometry(ui, layout, width);
}

// [SECTION] labels

float text_width(ImFont* font, float size, std::string_view text)
{
    return font->CalcTextSizeA(size, FLT_MAX, 0, text.data(), text.data() + text.size()).x;
}

float text_width(ImFont* font, std::string_view text) { return text_width(font, font->FontSize, text); }

// Splits at the space that makes the wider of the two lines narrowest ("Tout | effacer").
std::vector<std::string_view> two_lines(ImFont* font, float size, std::string_view label)
{
    std::vector<std::string_view> best { label };
    float best_width = FLT_MAX;
    for (size_t space = label.find(' '); space != std::string_view::npos; space = label.find(' ', space + 1)) {
        auto first = label.substr(0, space), second = label.substr(space + 1);
        float widest = std::max(text_width(font, size, first), text_width(font, size, second));
        if (widest < best_width) {
            best = { first, second };
            best_width = widest;
        }
    }
    return best;
}

float tick_size(const Ui& ui) { return ui.fonts.button->FontSize * 0.6f; }
float tick_gap(const Ui& ui) { return ui.px(16); }

// `label` in `font` drawn at `size` inside `box`: on one line, or else split in two.
std::optional<detail::KeyLabel> set_label(ImFont* font, float size, std::string_view label, ImVec2 box)
{
    auto inside = [box](const detail::KeyLabel& set) {
        ImVec2 extent = detail::label_extent(set);
        return extent.x <= box.x && extent.y <= box.y;
    };
    detail::KeyLabel set { font, size, { label } };
    if (inside(set))
        return set;
    set.lines = two_lines(font, size, label);
    if (set.lines.size() == 2 && inside(set))
        return set;
    return std::nullopt;
}

// The smallest a label is drawn: smaller than the smallest font, but not much.
float least_size(ImFont* font) { return std::round(font->FontSize * 0.6f); }

// The largest setting of `label` in a box `padded` big, or `tight` (less padding above and below). The
// fonts at their own sizes first, from the largest; then the last, smallest, font drawn smaller: large
// text on a short screen lowers the keys to the touch target, and no font's own size fits there.
std::optional<detail::KeyLabel> largest_fit(std::span<ImFont* const> fonts, std::string_view label, ImVec2 padded,
    ImVec2 tight)
{
    for (ImVec2 box : { padded, tight })
        for (ImFont* font : fonts)
            if (auto set = set_label(font, font->FontSize, label, box))
                return set;
    ImFont* smallest = fonts.back();
    for (float size = std::ceil(smallest->FontSize) - 1; size >= least_size(smallest); --size)
        if (auto set = set_label(smallest, size, label, tight))
            return set;
    return std::nullopt;
}

// How a key `key` big sets `label`, beside its mark. The text keeps 10 px from the sides and 10 px, or at
// least 4, from the top and bottom. Should nothing fit, the smallest setting, overflowing.
detail::KeyLabel fit_label(const Ui& ui, std::span<ImFont* const> fonts, std::string_view label, ImVec2 key,
    detail::KeyMark mark)
{
    float mark_width = mark == detail::KeyMark::Tick ? tick_size(ui) + tick_gap(ui) : 0;
    float width = key.x - 2 * ui.px(10) - mark_width;
    auto set = largest_fit(fonts, label, ImVec2(width, key.y - 2 * ui.px(10)), ImVec2(width, key.y - 2 * ui.px(4)));
    ImFont* smallest = fonts.back();
    auto fitted = set.value_or(detail::KeyLabel { smallest, least_size(smallest),
        two_lines(smallest, least_size(smallest), label) });
    fitted.mark = mark_width;
    return fitted;
}

float line_height(const detail::KeyLabel& label) { return label.size * 1.1f; }

void draw_label(ImDrawList* draw, const detail::KeyLabel& label, ImVec2 center, ImU32 color)
{
    float y = std::round(center.y - line_height(label) * static_cast<float>(label.lines.size()) / 2
        + (line_height(label) - label.size) / 2);
    for (auto line : label.lines) {
        float x = std::round(center.x - text_width(label.font, label.size, line) / 2);
        draw->AddText(label.font, label.size, ImVec2(x, y), color, line.data(), line.data() + line.size());
        y += line_height(label);
    }
}

std::string_view word_label(const KeyDef& key, const KeyboardLabels& labels)
{
    switch (key.kind) {
    case KeyKind::Shift:
        return labels.shift;
    case KeyKind::Space:
        return labels.space;
    case KeyKind::Backspace:
        return labels.backspace;
    case KeyKind::Clear:
        return labels.clear;
    case KeyKind::Character:
        break;
    }
    return {};
}

struct KeyLook {
    std::string_view label;
    bool selected = false; // the capitals key while it is on
};

// Draws one key and records it. Returns true on the frame it is tapped.
bool draw_key(Ui& ui, std::string_view keyboard_id, const PlacedKey& key, ImVec2 origin, ImFont* character_font,
    const KeyLook& look)
{
    ImVec2 min(origin.x + key.min.x, origin.y + key.min.y);
    ImVec2 max(origin.x + key.max.x, origin.y + key.max.y);
    ImGui::SetCursorScreenPos(min);
    ImGui::PushID(key.def->name.data(), key.def->name.data() + key.def->name.size());
    std::string node_id = std::string(keyboard_id) + ".key." + std::string(key.def->name);
    ImGui::InvisibleButton("##key", ImVec2(max.x - min.x, max.y - min.y)); // the press look; the tap is the app's
    bool tapped = activated(ui, node_id);
    bool pressed = ImGui::IsItemActive();
    bool focused = has_focus(ui, node_id);
    ImGui::PopID();

    // A pressed key turns the primary colour under the finger, so the citizen sees which key they hit.
    std::string_view fill = "surface", text = "on_surface";
    if (pressed) {
        fill = "primary";
        text = "on_primary";
    } else if (look.selected) {
        fill = "selected";
        text = "on_selected";
    }
    auto* draw = ImGui::GetWindowDrawList();
    float rounding = ui.px(12);
    if (focused)
        fill_frame(draw, min, max, ui.color("focus"), ui.color(fill), rounding, ui.px(6));
    else if (look.selected || pressed)
        fill_rounded_rect(draw, min, max, ui.color(fill), rounding);
    else
        fill_frame(draw, min, max, ui.color("border"), ui.color(fill), rounding, ui.px(2));

    ImVec2 center((min.x + max.x) / 2, (min.y + max.y) / 2);
    ImVec2 size(max.x - min.x, max.y - min.y);
    // Not by colour alone (WCAG 1.4.1): the capitals key that is on carries a tick, like a chosen option.
    auto mark = look.selected ? detail::KeyMark::Tick : detail::KeyMark::None;
    ImFont* fonts[] = { character_font, ui.fonts.button, ui.fonts.body, ui.fonts.small };
    auto fitted = key.def->kind == KeyKind::Character ? fit_label(ui, fonts, look.label, size, mark)
                                                      : detail::fit_word_label(ui, look.label, size, mark);
    center.x += fitted.mark / 2;
    if (look.selected) {
        float tick = tick_size(ui);
        ImVec2 at(center.x - detail::label_extent(fitted).x / 2 - tick_gap(ui) - tick, center.y);
        ImVec2 points[] = { at, ImVec2(at.x + tick * 0.38f, at.y + tick * 0.4f), ImVec2(at.x + tick, at.y - tick * 0.5f) };
        draw->AddPolyline(points, 3, ui.color(text), ImDrawFlags_None, ui.px(6) * ui.text_scale);
    }
    draw_label(draw, fitted, center, ui.color(text));

    UiNode node;
    node.id = std::string(keyboard_id) + ".key." + std::string(key.def->name);
    node.role = Role::Key;
    node.label = look.label;
    node.rect = { min.x, min.y, max.x - min.x, max.y - min.y };
    node.selected = look.selected;
    node.focused = focused;
    ui.tree.add(std::move(node));
    return tapped;
}

// The capitals key stays on until it is pressed again, and starts off each time the keyboard appears,
// so one citizen's choice never greets the next. Dear ImGui keeps it with the window, by the keyboard's id.
class ShiftState {
public:
    ShiftState()
        : m_storage(ImGui::GetStateStorage())
        , m_on(ImGui::GetID("shift"))
        , m_seen(ImGui::GetID("seen"))
    {
        int frame = ImGui::GetFrameCount();
        int last_seen = m_storage->GetInt(m_seen, -2);
        if (last_seen != frame && last_seen != frame - 1)
            m_storage->SetBool(m_on, false);
        m_storage->SetInt(m_seen, frame);
    }

    bool on() const { return m_storage->GetBool(m_on, false); }
    void toggle() { m_storage->SetBool(m_on, !on()); }

private:
    ImGuiStorage* m_storage;
    ImGuiID m_on;
    ImGuiID m_seen;
};

// Twice the text's height (and never under 104 px): room around the text without taking a keyboard row's height.
float field_height(const Ui& ui) { return std::max(ui.px(104), std::round(ui.fonts.body->FontSize * 2.0f)); }

}

size_t code_points(std::string_view text)
{
    return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

namespace detail {

ImVec2 label_extent(const KeyLabel& label)
{
    float width = 0;
    for (auto line : label.lines)
        width = std::max(width, text_width(label.font, label.size, line));
    return ImVec2(width, line_height(label) * static_cast<float>(label.lines.size()));
}

KeyLabel fit_word_label(const Ui& ui, std::string_view label, ImVec2 key, KeyMark mark)
{
    ImFont* fonts[] = { ui.fonts.button, ui.fonts.body, ui.fonts.small };
    return fit_label(ui, fonts, label, key, mark);
}

}

namespace widgets {

// [SECTION] widgets

bool text_field(Ui& ui, std::string_view id, std::string_view label, std::string& value, float width, bool active,
    size_t max_characters)
{
    bool changed = false;
    if (active) {
        ImGuiIO& io = ImGui::GetIO();
        for (ImWchar c : io.InputQueueCharacters) {
            if (!is_typable(c))
                continue;
            char utf8[5];
            changed = append_limited(value, ImTextCharToUtf8(utf8, c), max_characters) || changed;
        }
        io.InputQueueCharacters.resize(0); // taken: nothing else types them again
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)))
            changed = pop_code_point(value) || changed;
    }

    ImVec2 cursor = ImGui::GetCursorScreenPos();
    ImVec2 origin(std::floor(cursor.x), std::floor(cursor.y));
    ImVec2 size(std::round(width), field_height(ui));
    ImVec2 max(origin.x + size.x, origin.y + size.y);
    ImGui::SetCursorScreenPos(origin);
    ImGui::PushID(id.data(), id.data() + id.size());
    ImGui::InvisibleButton("##field", size); // a tap lands on the field, not on what lies behind it
    bool focused = has_focus(ui, id);
    ImGui::PopID();

    // The field being typed into has a thicker frame in the focus colour.
    auto* draw = ImGui::GetWindowDrawList();
    fill_frame(draw, origin, max, ui.color(active ? "focus" : "border"), ui.color("surface"), ui.px(14),
        active ? ui.px(6) : ui.px(3));

    ImFont* font = ui.fonts.body;
    float padding = ui.px(28);
    float caret_width = std::max(2.0f, std::round(ui.px(4) * ui.text_scale));
    float available = size.x - 2 * padding - caret_width - ui.px(4);
    // A value longer than the box shows its end, where the citizen is typing, after an ellipsis.
    std::string_view shown = value;
    std::string_view ellipsis;
    if (text_width(font, shown) > available) {
        ellipsis = "…";
        available -= text_width(font, ellipsis);
        while (!shown.empty() && text_width(font, shown) > available) {
            unsigned int c = 0;
            shown.remove_prefix(static_cast<size_t>(ImTextCharFromUtf8(&c, shown.data(), shown.data() + shown.size())));
        }
    }
    float x = origin.x + padding;
    float center_y = origin.y + size.y / 2;
    float y = std::round(center_y - font->FontSize / 2);
    ImU32 text_color = ui.color("on_surface");
    draw->PushClipRect(origin, max, true);
    if (!ellipsis.empty()) {
        draw->AddText(font, font->FontSize, ImVec2(x, y), ui.color("text_muted"), ellipsis.data(),
            ellipsis.data() + ellipsis.size());
        x += text_width(font, ellipsis);
    }
    draw->AddText(font, font->FontSize, ImVec2(x, y), text_color, shown.data(), shown.data() + shown.size());
    if (active) {
        float caret_x = std::round(x + text_width(font, shown) + ui.px(4));
        float half = std::round(font->FontSize * 0.6f);
        draw->AddRectFilled(ImVec2(caret_x, center_y - half), ImVec2(caret_x + caret_width, center_y + half), text_color);
    }
    draw->PopClipRect();

    UiNode node;
    node.id = id;
    node.role = Role::TextField;
    node.label = label;
    node.value = value;
    node.rect = { origin.x, origin.y, size.x, size.y };
    node.focused = active || focused; // the field that takes the typing has the keyboard's focus
    ui.tree.add(std::move(node));
    return changed;
}

bool keyboard(Ui& ui, std::string_view id, KeyboardLayout layout, std::string& value, float width,
    const KeyboardLabels& labels, size_t max_characters)
{
    auto geometry = geometry_for(ui, layout, width);
    ImVec2 cursor = ImGui::GetCursorScreenPos();
    ImVec2 origin(std::floor(cursor.x), std::floor(cursor.y));

    ImGui::PushID(id.data(), id.data() + id.size());
    ShiftState shift;
    bool capitals = layout != KeyboardLayout::Digits && shift.on();
    const KeyDef* tapped = nullptr;
    for (auto& key : geometry.keys) {
        KeyLook look;
        if (key.def->kind == KeyKind::Character)
            look.label = capitals ? key.def->upper : key.def->lower;
        else
            look.label = word_label(*key.def, labels);
        look.selected = key.def->kind == KeyKind::Shift && capitals;
        if (draw_key(ui, id, key, origin, geometry.character_font, look))
            tapped = key.def;
    }
    ImGui::PopID();
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(width, geometry.height));

    if (!tapped)
        return false;
    switch (tapped->kind) {
    case KeyKind::Shift:
        shift.toggle();
        return false;
    case KeyKind::Backspace:
        return pop_code_point(value);
    case KeyKind::Clear: {
        bool had_text = !value.empty();
        value.clear();
        return had_text;
    }
    case KeyKind::Character:
    case KeyKind::Space:
        break;
    }
    return append_limited(value, capitals ? tapped->upper : tapped->lower, max_characters);
}

float keyboard_height(const Ui& ui, KeyboardLayout layout, float width) { return geometry_for(ui, layout, width).height; }

}

}
