// Drawing and recording the kiosk widgets.
#include "screens/ui.h"

#include "screens/icons.h"

#include <imgui_internal.h> // IM_PI

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace guichet::screens {

bool has_focus(const Ui& ui, std::string_view id) { return !ui.focus_id.empty() && ui.focus_id == id; }

bool activated_by_key(const Ui& ui, std::string_view id) { return !ui.activate_id.empty() && ui.activate_id == id; }

bool activated(const Ui& ui, std::string_view id) { return activated_by_key(ui, id) || (!ui.tap_id.empty() && ui.tap_id == id); }

ImU32 Ui::color(std::string_view token) const
{
    auto c = theme[token];
    return IM_COL32(c.r, c.g, c.b, c.a);
}

namespace {

struct Line {
    const char* begin;
    const char* end;
    bool ellipsis = false; // the text goes on, but the block may take no more lines: "…" follows
};

float measure(ImFont* font, const char* begin, const char* end)
{
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, begin, end).x;
}

constexpr std::string_view ellipsis = "\xE2\x80\xA6"; // …

// The width of the character at `cursor`, which moves past it: Dear ImGui's own advance, as
// CalcTextSizeA adds it up, so a line measured piece by piece is as wide as measured whole.
float advance(ImFont* font, const char*& cursor, const char* end)
{
    unsigned int c = static_cast<unsigned char>(*cursor);
    if (c < 0x80)
        ++cursor;
    else
        cursor += ImTextCharFromUtf8(&c, cursor, end);
    if (c == '\r')
        return 0;
    int index = static_cast<int>(c);
    return index < font->IndexAdvanceX.Size ? font->IndexAdvanceX[index] : font->FallbackAdvanceX;
}

// The end of the piece of text a line may break after: a word, or a part of a word up to its hyphen
// ("Saint-" "Remy-" "en-Bouzemont").
const char* piece_end(const char* cursor, const char* end)
{
    while (cursor < end && *cursor != ' ' && *cursor != '-')
        ++cursor;
    if (cursor < end && *cursor == '-')
        ++cursor;
    return cursor;
}

// `line` shortened so that it and "…" after it fit `width`.
Line ellipsized(ImFont* font, Line line, float width)
{
    float room = width - measure(font, ellipsis.data(), ellipsis.data() + ellipsis.size());
    const char* fits = line.begin;
    float used = 0;
    for (const char* c = line.begin; c < line.end;) {
        used += advance(font, c, line.end);
        if (used > room)
            break;
        fits = c;
    }
    while (fits > line.begin && fits[-1] == ' ')
        --fits;
    return { line.begin, fits, true };
}

// Splits `text` into at most `max_lines` lines (0: as many as the display holds) no wider than `width` in
// `font`, between words or after a hyphen. Only a piece wider than a whole line is cut, at the last character that fits
// (never inside a character). When text is left over, the last line ends with "…".
// One pass over the characters a line shows, each measured once: the work grows with the text's length,
// and stops at the last line drawn, however long the rest (a place name of a million characters costs
// what two lines cost).
std::vector<Line> wrap(ImFont* font, std::string_view text, float width, int max_lines = 0)
{
    // Never more lines than the display holds: a text longer than that could not be read whole anyway,
    // and its layout would cost the frame for nothing.
    float display = ImGui::GetIO().DisplaySize.y;
    int display_lines = display > 0 ? std::max(1, static_cast<int>(display / (font->FontSize * 1.25f))) : 0;
    if (display_lines > 0 && (max_lines <= 0 || max_lines > display_lines))
        max_lines = display_lines;
    std::vector<Line> lines;
    const char* cursor = text.data();
    const char* end = text.data() + text.size();
    while (cursor < end) {
        if (max_lines > 0 && static_cast<int>(lines.size()) == max_lines) {
            lines.back() = ellipsized(font, lines.back(), width);
            break;
        }
        const char* breakable = nullptr; // the last place the line may end: before spaces, after a hyphen
        float used = 0;
        const char* c = cursor;
        const char* line_end = nullptr;
        while (c < end && *c != '\n') {
            if (*c == ' ' && c > cursor && c[-1] != ' ')
                breakable = c;
            const char* next = c;
            used += advance(font, next, end);
            if (used > width) {
                if (*c == ' ') // the spaces between two pieces: the line ends before them
                    line_end = breakable ? breakable : c;
                else if (breakable)
                    line_end = breakable;
                else // one piece wider than the line: as many characters as fit, one at least
                    line_end = c == cursor ? next : c;
                break;
            }
            if (*c == '-')
                breakable = next;
            c = next;
        }
        if (!line_end) { // the paragraph ends on this line; spaces at its end are not drawn
            line_end = c;
            while (line_end > cursor && line_end[-1] == ' ')
                --line_end;
        }
        lines.push_back({ cursor, line_end });
        cursor = line_end;
        while (cursor < end && *cursor == ' ')
            ++cursor;
        if (cursor < end && *cursor == '\n')
            ++cursor;
    }
    return lines;
}

float text_block_height(ImFont* font, const std::vector<Line>& lines)
{
    return static_cast<float>(lines.size()) * font->FontSize * 1.25f;
}

void draw_line(ImDrawList* draw, ImFont* font, ImVec2 at, ImU32 color, const Line& line)
{
    draw->AddText(font, font->FontSize, at, color, line.begin, line.end);
    if (line.ellipsis)
        draw->AddText(font, font->FontSize, ImVec2(at.x + measure(font, line.begin, line.end), at.y), color, ellipsis.data(),
            ellipsis.data() + ellipsis.size());
}

float line_width(ImFont* font, const Line& line)
{
    float width = measure(font, line.begin, line.end);
    return line.ellipsis ? width + measure(font, ellipsis.data(), ellipsis.data() + ellipsis.size()) : width;
}

// Draws wrapped text at the cursor, advances the layout, and returns its rectangle.
Rect draw_text_block(ImFont* font, std::string_view text, float width, Align align, ImU32 color, int max_lines = 0)
{
    if (width <= 0)
        width = ImGui::GetContentRegionAvail().x;
    auto lines = wrap(font, text, width, max_lines);
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float line_height = font->FontSize * 1.25f;
    auto* draw = ImGui::GetWindowDrawList();
    for (size_t i = 0; i < lines.size(); ++i) {
        float x = align == Align::Center ? origin.x + (width - line_width(font, lines[i])) / 2 : origin.x;
        float y = origin.y + static_cast<float>(i) * line_height + (line_height - font->FontSize) / 2;
        draw_line(draw, font, ImVec2(x, y), color, lines[i]);
    }
    ImVec2 size(width, text_block_height(font, lines));
    ImGui::Dummy(size);
    return { origin.x, origin.y, size.x, size.y };
}

void record_text(Ui& ui, std::string_view id, Role role, std::string_view text, Rect rect)
{
    UiNode node;
    node.id = id;
    node.role = role;
    node.label = text;
    node.rect = rect;
    ui.tree.add(std::move(node));
}

float button_padding(const Ui& ui) { return ui.px(28); }

// A compact button (a secondary action in a row that must stay low) takes the body size, not the bold one.
ImFont* button_font(const Ui& ui, const ButtonSpec& spec) { return spec.compact ? ui.fonts.body : ui.fonts.button; }

float vertical_padding(const Ui& ui, const ButtonSpec& spec) { return ui.px(spec.compact ? 10 : 20); }

float font_size_of(const Ui& ui, const ButtonSpec& spec) { return button_font(ui, spec)->FontSize; }

float label_width(const Ui& ui, const ButtonSpec& spec)
{
    ImFont* font = button_font(ui, spec);
    return measure(font, spec.label.data(), spec.label.data() + spec.label.size());
}

// Room for the tick of a chosen option. Options reserve it chosen or not, so choosing one never
// re-wraps its label or changes its height.
float tick_space(const Ui& ui, const ButtonSpec& spec)
{
    bool option = spec.selected || spec.role == Role::Choice || spec.role == Role::Toggle;
    return option ? font_size_of(ui, spec) * 0.8f : 0;
}

float resolved_width(const Ui& ui, const ButtonSpec& spec)
{
    return spec.width > 0 ? spec.width : label_width(ui, spec) + 2 * button_padding(ui) + ui.px(16);
}

}

void fill_rounded_rect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float rounding)
{
    float r = std::min({ rounding, (max.x - min.x) / 2, (max.y - min.y) / 2 });
    if (r < 1) {
        draw->AddRectFilled(min, max, color);
        return;
    }
    // The software rasterizer scans each triangle's bounding box, so one fan over the whole shape costs
    // its area once per edge segment. Three plain rectangles and four small corner fans cost it once.
    // The rectangles reach one pixel under the corners, where the corners' anti-aliased edges blend
    // into them: without that overlap the background shows through as a faint line.
    draw->AddRectFilled(ImVec2(min.x + r - 1, min.y), ImVec2(max.x - r + 1, max.y), color);
    draw->AddRectFilled(ImVec2(min.x, min.y + r - 1), ImVec2(min.x + r, max.y - r + 1), color);
    draw->AddRectFilled(ImVec2(max.x - r, min.y + r - 1), ImVec2(max.x, max.y - r + 1), color);
    const struct {
        ImVec2 center;
        float start;
    } corners[] = {
        { ImVec2(min.x + r, min.y + r), IM_PI },
        { ImVec2(max.x - r, min.y + r), 1.5f * IM_PI },
        { ImVec2(max.x - r, max.y - r), 0.0f },
        { ImVec2(min.x + r, max.y - r), 0.5f * IM_PI },
    };
    for (auto& corner : corners) {
        draw->PathLineTo(corner.center);
        draw->PathArcTo(corner.center, r, corner.start, corner.start + 0.5f * IM_PI);
        draw->PathFillConvex(color);
    }
}

void fill_frame(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 frame, ImU32 inside, float rounding, float thickness)
{
    fill_rounded_rect(draw, min, max, frame, rounding);
    fill_rounded_rect(draw, ImVec2(min.x + thickness, min.y + thickness), ImVec2(max.x - thickness, max.y - thickness),
        inside, std::max(0.0f, rounding - thickness));
}

namespace widgets {

void heading(Ui& ui, std::string_view id, std::string_view text, float width, Align align, bool compact, int max_lines)
{
    auto rect = draw_text_block(compact ? ui.fonts.button : ui.fonts.title, text, width, align, ui.color("text"), max_lines);
    record_text(ui, id, Role::Heading, text, rect);
}

void paragraph(Ui& ui, std::string_view id, std::string_view text, float width, Align align, std::string_view color_token,
    int max_lines)
{
    auto rect = draw_text_block(ui.fonts.body, text, width, align, ui.color(color_token), max_lines);
    record_text(ui, id, Role::Text, text, rect);
}

void caption(Ui& ui, std::string_view id, std::string_view text, float width, Align align, int max_lines)
{
    auto rect = draw_text_block(ui.fonts.small, text, width, align, ui.color("text_muted"), max_lines);
    record_text(ui, id, Role::Text, text, rect);
}

std::vector<std::string_view> text_lines(ImFont* font, std::string_view text, float width, int max_lines)
{
    std::vector<std::string_view> lines;
    for (auto line : wrap(font, text, width, max_lines))
        lines.emplace_back(line.begin, static_cast<size_t>(line.end - line.begin));
    return lines;
}

float text_height(ImFont* font, std::string_view text, float width, int max_lines)
{
    return text_block_height(font, wrap(font, text, width, max_lines));
}

float button_width(const Ui& ui, const ButtonSpec& spec) { return resolved_width(ui, spec); }

float narrowest_button(const Ui& ui, const ButtonSpec& spec)
{
    ImFont* font = button_font(ui, spec);
    float widest_piece = 0;
    const char* end = spec.label.data() + spec.label.size();
    for (const char* cursor = spec.label.data(); cursor < end;) {
        const char* piece = piece_end(cursor, end);
        widest_piece = std::max(widest_piece, measure(font, cursor, piece));
        cursor = piece;
        while (cursor < end && *cursor == ' ')
            ++cursor;
    }
    return widest_piece + 2 * button_padding(ui) + tick_space(ui, spec) + ui.px(8);
}

float button_height(const Ui& ui, const ButtonSpec& spec)
{
    float min_height = spec.min_height > 0 ? spec.min_height : ui.px(96); // well above 64 px at 1080p
    float inner = resolved_width(ui, spec) - 2 * button_padding(ui) - tick_space(ui, spec);
    auto lines = wrap(button_font(ui, spec), spec.label, inner);
    return std::max(min_height, text_block_height(button_font(ui, spec), lines) + 2 * vertical_padding(ui, spec));
}

bool button(Ui& ui, const ButtonSpec& spec)
{
    ImVec2 size(resolved_width(ui, spec), button_height(ui, spec));
    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::PushID(spec.id.data(), spec.id.data() + spec.id.size());
    // Dear ImGui's button gives the press look and keeps a tap from reaching what lies behind; whether
    // it acts is the app's tap, resolved against the frame the finger saw.
    ImGui::InvisibleButton("##button", size);
    bool activated = screens::activated(ui, spec.id);
    bool pressed = ImGui::IsItemActive();
    bool focused = has_focus(ui, spec.id);
    ImGui::PopID();

    std::string_view fill_token, text_token;
    if (spec.style == ButtonStyle::Primary) {
        fill_token = pressed ? "primary_pressed" : "primary";
        text_token = "on_primary";
    } else if (spec.selected) {
        fill_token = "selected";
        text_token = "on_selected";
    } else {
        fill_token = "surface";
        text_token = "on_surface";
    }
    auto* draw = ImGui::GetWindowDrawList();
    ImVec2 max(origin.x + size.x, origin.y + size.y);
    float rounding = ui.px(18);
    if (focused) {
        float ring = ui.px(8);
        fill_frame(draw, ImVec2(origin.x - 2 * ring, origin.y - 2 * ring), ImVec2(max.x + 2 * ring, max.y + 2 * ring),
            ui.color("focus"), ui.color("background"), rounding + 2 * ring, ring);
    }
    if (spec.style == ButtonStyle::Secondary && !spec.selected)
        fill_frame(draw, origin, max, ui.color("border"), ui.color(fill_token), rounding, ui.px(3));
    else
        fill_rounded_rect(draw, origin, max, ui.color(fill_token), rounding);
    if (pressed && spec.style == ButtonStyle::Secondary)
        fill_rounded_rect(draw, origin, max, IM_COL32(0, 0, 0, 40), rounding);

    if (spec.selected) {
        // Not by colour alone (WCAG 1.4.1): a chosen option also carries a tick.
        float tick = font_size_of(ui, spec) * 0.55f;
        ImVec2 at(origin.x + button_padding(ui), origin.y + size.y / 2);
        ImVec2 points[] = { ImVec2(at.x, at.y), ImVec2(at.x + tick * 0.38f, at.y + tick * 0.4f),
            ImVec2(at.x + tick, at.y - tick * 0.5f) };
        draw->AddPolyline(points, 3, ui.color(text_token), ImDrawFlags_None, ui.px(6) * ui.text_scale);
    }

    ImFont* font = button_font(ui, spec);
    float inner = size.x - 2 * button_padding(ui) - tick_space(ui, spec);
    auto lines = wrap(font, spec.label, inner);
    float line_height = font->FontSize * 1.25f;
    float y = origin.y + (size.y - text_block_height(font, lines)) / 2;
    for (auto& line : lines) {
        float width = line_width(font, line);
        // Centred in the room the tick leaves, so a long label never runs into the tick.
        float room_left = origin.x + button_padding(ui) + tick_space(ui, spec);
        draw_line(draw, font, ImVec2(room_left + (inner - width) / 2, y + (line_height - font->FontSize) / 2), ui.color(text_token),
            line);
        y += line_height;
    }

    UiNode node;
    node.id = spec.id;
    node.role = spec.role;
    node.label = spec.label;
    node.rect = { origin.x, origin.y, size.x, size.y };
    node.selected = spec.selected;
    node.focused = focused;
    node.value = spec.value;
    ui.tree.add(std::move(node));
    return activated;
}

void gap(Ui& ui, float design_pixels)
{
    ui.gap_total += ui.px(design_pixels);
    ImGui::Dummy(ImVec2(1, ui.px(design_pixels) * ui.gap_scale));
}

namespace {

// Where `button_row` puts its buttons: the grid, and the one height they share.
struct RowLayout {
    Grid grid;
    float height = 0;
    int rows = 1;
};

RowLayout row_layout(const Ui& ui, std::span<const ButtonSpec> buttons, float width)
{
    int count = static_cast<int>(buttons.size());
    // Never narrower than a label's longest word: a word is not cut in two.
    float min_width = ui.px(count > 2 ? 240 : 360);
    for (auto& spec : buttons)
        min_width = std::max(min_width, narrowest_button(ui, spec));
    RowLayout layout;
    layout.grid = grid_for(count, min_width, std::min(width, ui.px(count > 2 ? 1500 : count == 2 ? 1000 : 560)),
        ui.px(count > 4 ? 20 : 32));
    for (auto spec : buttons) {
        spec.width = layout.grid.item_width;
        layout.height = std::max(layout.height, button_height(ui, spec));
    }
    layout.rows = (count + layout.grid.columns - 1) / layout.grid.columns;
    return layout;
}

}

float button_row_height(const Ui& ui, std::span<const ButtonSpec> buttons, float width)
{
    auto layout = row_layout(ui, buttons, width);
    return static_cast<float>(layout.rows) * layout.height + static_cast<float>(layout.rows - 1) * ui.px(24) * ui.gap_scale;
}

int button_row(Ui& ui, std::span<ButtonSpec> buttons, float width)
{
    auto [grid, height, rows] = row_layout(ui, buttons, width);
    int count = static_cast<int>(buttons.size());
    float row_width = static_cast<float>(grid.columns) * grid.item_width + static_cast<float>(grid.columns - 1) * grid.gap;
    float left = ImGui::GetCursorPosX() + (width - row_width) / 2;
    int pressed = 0;
    for (int i = 0; i < count; ++i) {
        if (i % grid.columns != 0) {
            ImGui::SameLine(0, grid.gap);
        } else {
            if (i != 0)
                gap(ui, 24);
            ImGui::SetCursorPosX(left);
        }
        auto& spec = buttons[static_cast<size_t>(i)];
        spec.width = grid.item_width;
        spec.min_height = height;
        if (button(ui, spec))
            pressed = i + 1;
    }
    return pressed;
}

int button_pair(Ui& ui, ButtonSpec first, ButtonSpec second, float width)
{
    ButtonSpec buttons[] = { first, second };
    return button_row(ui, buttons, width);
}

namespace {

std::array<ButtonSpec, 2> pager_buttons(const PagerSpec& spec)
{
    return { ButtonSpec { .id = spec.previous_id, .label = spec.previous, .compact = spec.compact },
        ButtonSpec { .id = spec.next_id, .label = spec.next, .compact = spec.compact } };
}

// On one line, "Page 2 of 3" between the two buttons, when the column holds them at their labels'
// width: a line of height saved for the list above. Stacked otherwise.
struct PagerLayout {
    bool one_line = false;
    float button_width = 0, caption_width = 0, height = 0;
};

PagerLayout pager_layout(const Ui& ui, const PagerSpec& spec, float width)
{
    auto buttons = pager_buttons(spec);
    PagerLayout layout;
    layout.button_width = std::max(button_width(ui, buttons[0]), button_width(ui, buttons[1]));
    layout.caption_width = ui.px(300) * ui.text_scale; // "Page 12 of 23"
    layout.one_line = 2 * layout.button_width + layout.caption_width + 2 * ui.px(32) <= width;
    if (layout.one_line) {
        buttons[0].width = layout.button_width;
        layout.height = button_height(ui, buttons[0]);
    } else {
        layout.height = ui.fonts.small->FontSize * 1.25f + ui.px(12) * ui.gap_scale + button_row_height(ui, buttons, width);
    }
    return layout;
}

}

float pager_height(const Ui& ui, const PagerSpec& spec, float width) { return pager_layout(ui, spec, width).height; }

int pager(Ui& ui, const PagerSpec& spec, int page, int pages, float width)
{
    auto layout = pager_layout(ui, spec, width);
    auto buttons = pager_buttons(spec);
    int pressed = 0;
    if (layout.one_line) {
        float gap = ui.px(32);
        float left = ImGui::GetCursorPosX() + (width - 2 * layout.button_width - layout.caption_width - 2 * gap) / 2;
        float top = ImGui::GetCursorPosY();
        float x = left;
        for (int i = 0; i < 2; ++i) {
            ImGui::SetCursorPos(ImVec2(x, top));
            buttons[static_cast<size_t>(i)].width = layout.button_width;
            buttons[static_cast<size_t>(i)].min_height = layout.height;
            if (button(ui, buttons[static_cast<size_t>(i)]))
                pressed = i + 1;
            if (i == 0) {
                x += layout.button_width + gap;
                ImGui::SetCursorPos(ImVec2(x, top + (layout.height - ui.fonts.small->FontSize * 1.25f) / 2));
                caption(ui, spec.caption_id, spec.caption, layout.caption_width);
                x += layout.caption_width + gap;
            }
        }
        ImGui::SetCursorPos(ImVec2(left - (width - 2 * layout.button_width - layout.caption_width - 2 * gap) / 2, top + layout.height));
    } else {
        caption(ui, spec.caption_id, spec.caption, width);
        gap(ui, 12);
        pressed = button_row(ui, buttons, width);
    }
    if (pressed == 1)
        return page == 0 ? pages - 1 : page - 1;
    if (pressed == 2)
        return (page + 1) % pages;
    return page;
}

namespace {

struct CardLayout {
    float padding, icon, text_x, text_width;
    std::vector<Line> overline, title, summary;
    float height;
};

CardLayout card_layout(const Ui& ui, const CardSpec& spec)
{
    CardLayout layout;
    layout.padding = ui.px(28);
    layout.icon = ui.px(88) * ui.text_scale;
    layout.text_x = layout.padding * 2 + layout.icon;
    layout.text_width = spec.width - layout.text_x - layout.padding;
    // A card is one row of a list: a title that runs on cannot push the others off the page.
    layout.overline = wrap(ui.fonts.small, spec.overline, layout.text_width, 2);
    layout.title = wrap(ui.fonts.button, spec.title, layout.text_width, 3);
    layout.summary = wrap(ui.fonts.body, spec.summary, layout.text_width, 3);
    float text = text_block_height(ui.fonts.small, layout.overline) + text_block_height(ui.fonts.button, layout.title)
        + text_block_height(ui.fonts.body, layout.summary) + ui.px(8);
    layout.height = std::max({ spec.min_height, text + 2 * layout.padding, layout.icon + 2 * layout.padding });
    return layout;
}

float draw_lines(ImFont* font, const std::vector<Line>& lines, ImVec2 at, ImU32 color)
{
    float line_height = font->FontSize * 1.25f;
    auto* draw = ImGui::GetWindowDrawList();
    for (auto& line : lines) {
        draw_line(draw, font, ImVec2(at.x, at.y + (line_height - font->FontSize) / 2), color, line);
        at.y += line_height;
    }
    return text_block_height(font, lines);
}

}

float card_height(const Ui& ui, const CardSpec& spec) { return card_layout(ui, spec).height; }

bool card(Ui& ui, const CardSpec& spec)
{
    auto layout = card_layout(ui, spec);
    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 size(spec.width, layout.height);
    ImGui::PushID(spec.id.data(), spec.id.data() + spec.id.size());
    ImGui::InvisibleButton("##card", size); // the press look; the tap is the app's (see button)
    bool activated = screens::activated(ui, spec.id);
    bool pressed = ImGui::IsItemActive();
    bool focused = has_focus(ui, spec.id);
    ImGui::PopID();

    auto* draw = ImGui::GetWindowDrawList();
    ImVec2 max(origin.x + size.x, origin.y + size.y);
    float rounding = ui.px(18);
    if (focused) {
        float ring = ui.px(8);
        fill_frame(draw, ImVec2(origin.x - 2 * ring, origin.y - 2 * ring), ImVec2(max.x + 2 * ring, max.y + 2 * ring),
            ui.color("focus"), ui.color("background"), rounding + 2 * ring, ring);
    }
    fill_frame(draw, origin, max, ui.color("border"), ui.color("surface"), rounding, ui.px(3));
    if (pressed)
        fill_rounded_rect(draw, origin, max, IM_COL32(0, 0, 0, 40), rounding);
    draw_icon(draw, spec.icon, ImVec2(origin.x + layout.padding, origin.y + (size.y - layout.icon) / 2), layout.icon,
        ui.color("primary"), ui.color("surface"), ui.fonts.title);
    float text_height = text_block_height(ui.fonts.small, layout.overline) + text_block_height(ui.fonts.button, layout.title)
        + text_block_height(ui.fonts.body, layout.summary) + ui.px(8);
    ImVec2 at(origin.x + layout.text_x, origin.y + (size.y - text_height) / 2);
    at.y += draw_lines(ui.fonts.small, layout.overline, at, ui.color("text_muted"));
    at.y += draw_lines(ui.fonts.button, layout.title, at, ui.color("on_surface")) + ui.px(8);
    draw_lines(ui.fonts.body, layout.summary, at, ui.color("on_surface"));

    UiNode node;
    node.id = spec.id;
    node.role = Role::Button;
    node.label = spec.title;
    node.value = spec.summary;
    node.rect = { origin.x, origin.y, size.x, size.y };
    node.focused = focused;
    ui.tree.add(std::move(node));
    return activated;
}

}

std::vector<int> page_starts(std::span<const float> row_heights, float row_gap, float room, float pager_height)
{
    auto fill = [&](float page_room) {
        std::vector<int> starts { 0 };
        float used = 0; // on the current page, which holds at least its first row
        for (size_t row = 0; row < row_heights.size(); ++row) {
            bool first = starts.back() == static_cast<int>(row);
            float with_row = first ? row_heights[row] : used + row_gap + row_heights[row];
            if (!first && with_row > page_room) {
                starts.push_back(static_cast<int>(row));
                with_row = row_heights[row];
            }
            used = with_row;
        }
        return starts;
    };
    auto starts = fill(room);
    return starts.size() > 1 ? fill(room - pager_height) : starts;
}

Grid grid_for(int count, float min_width, float width, float gap)
{
    int columns = std::max(1, std::min(count, static_cast<int>((width + gap) / (min_width + gap))));
    // Balance the rows: 4 items in 3 columns look worse than 2 rows of 2.
    int rows = (count + columns - 1) / columns;
    columns = (count + rows - 1) / rows;
    float item_width = (width - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    return { columns, item_width, gap };
}

}
