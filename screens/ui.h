// The kiosk widget set. Every element a screen shows goes through these functions, which draw it with
// Dear ImGui and record it in the frame's semantic tree (id, role, label, rectangle, state). An element
// drawn around them would be invisible to speech, to navigation without touch and to the tests.
#pragma once
#include "accessibility/theme.h"
#include "kiosk/core/ui_tree.h"
#include "screens/fonts.h"

#include <imgui.h>

#include <span>
#include <string_view>
#include <vector>

namespace guichet::screens {

// Spacing on a screen too short for its content squeezes down to this fraction of its size (Screen::draw).
constexpr float min_gap_scale = 0.2f;

// What the widgets need for one frame.
struct Ui {
    UiTree& tree;
    const Theme& theme;
    const FontSet& fonts;
    float unit = 1.0f;       // layout pixels per design pixel (1080 px on the display's short side)
    float text_scale = 1.0f; // the citizen's text size choice, already applied to the fonts
    float gap_scale = 1.0f;  // below 1 when the content must tighten its spacing to fit the display
    float gap_total = 0.0f;  // the spacing asked for so far this frame, before gap_scale
    float room = 0.0f;       // the height the screen's content may take (the display less the top bar)
    float keyboard_room = 0.0f; // the height the on-screen keyboard may take; 0: as tall as it likes
    // Navigation without touch (kiosk/core/focus.h): the element with the focus ring, and the one the
    // Enter key activates this frame (empty: none).
    std::string_view focus_id;
    std::string_view activate_id;
    // The element a tap acted on this frame, as the app resolved it against the frame the finger saw
    // (kiosk/core/tap.h); empty: none.
    std::string_view tap_id;
    bool help_requested = false; // the Help key (F1) was pressed this frame

    ImU32 color(std::string_view token) const;
    float px(float design_pixels) const { return design_pixels * unit; }
};

enum class Align {
    Left,
    Center,
};

enum class ButtonStyle {
    Primary,   // the one main action of a screen
    Secondary, // other actions, language and option choices
};

struct ButtonSpec {
    std::string_view id;
    std::string_view label;
    float width = 0;      // 0: as wide as the label needs
    float min_height = 0; // 0: the standard touch-target height
    ButtonStyle style = ButtonStyle::Secondary;
    Role role = Role::Button;
    bool selected = false;
    std::string_view value; // more for speech and tests, when the label alone is ambiguous ("Change")
    bool compact = false;   // the label in the body size with less padding, for a row that must stay low
};

// Whether the element `id` carries the focus ring, and whether the Enter key activated it this frame.
bool has_focus(const Ui&, std::string_view id);
bool activated_by_key(const Ui&, std::string_view id);
// Whether the Enter key or a tap activated it this frame. Controls act on this, not on Dear ImGui's click,
// which is lost when the layout moves between the press and the release.
bool activated(const Ui&, std::string_view id);

namespace widgets {

// Text. Wrapped to `width` (0: the rest of the line), recorded as one node. At most `max_lines` lines (0:
// as many as the display holds); the last ends with "…" when the text goes on. The node keeps the whole
// text, for the voice and the tests.
// `compact`: in the buttons' size, for a screen too short for the title's own (large text, a keyboard).
void heading(Ui&, std::string_view id, std::string_view text, float width, Align = Align::Center, bool compact = false,
    int max_lines = 0);
void paragraph(Ui&, std::string_view id, std::string_view text, float width, Align = Align::Center,
    std::string_view color_token = "text", int max_lines = 0);
void caption(Ui&, std::string_view id, std::string_view text, float width, Align = Align::Center, int max_lines = 0);

// The lines `text` wraps into in `font` at `width`, as every widget wraps it: between words or after a
// hyphen ("Saint-Remy-" "en-Bouzemont"); only a word wider than the whole line is cut. At most
// `max_lines` (0: as many as the display holds); the last is shortened to leave room for "…" when the
// text goes on. The work is linear in what the lines show, not in the text's length.
std::vector<std::string_view> text_lines(ImFont*, std::string_view text, float width, int max_lines = 0);
// The height those lines take, as heading, paragraph and caption draw them.
float text_height(ImFont*, std::string_view text, float width, int max_lines = 0);

// A large touch target with a centred, wrapped label. Returns true on the frame it is activated.
bool button(Ui&, const ButtonSpec&);
// The height `button` will take for this spec, so a row of buttons can share one height.
float button_height(const Ui&, const ButtonSpec&);
// The width it will take: `spec.width`, or what its label needs.
float button_width(const Ui&, const ButtonSpec&);
// The narrowest it can be without cutting its longest word.
float narrowest_button(const Ui&, const ButtonSpec&);

// Vertical space in design pixels.
void gap(Ui&, float design_pixels);

// Two buttons side by side (or stacked when the column is narrow), sharing one height, centred in
// `width`. Returns 1 when the first is activated, 2 for the second, 0 otherwise.
int button_pair(Ui&, ButtonSpec first, ButtonSpec second, float width);
// The same for any number of buttons, in balanced rows. Returns the 1-based index activated, or 0.
int button_row(Ui&, std::span<ButtonSpec> buttons, float width);
// The height `button_row` will take.
float button_row_height(const Ui&, std::span<const ButtonSpec> buttons, float width);

// "Page 2 of 3" and the two buttons that turn the page, round and round. Returns the page to show.
struct PagerSpec {
    std::string_view caption_id, caption;
    std::string_view previous_id, previous;
    std::string_view next_id, next;
    bool compact = false; // compact buttons (ButtonSpec::compact)
};
int pager(Ui&, const PagerSpec&, int page, int pages, float width);
float pager_height(const Ui&, const PagerSpec&, float width);

// A large card for a procedure: icon, a small line above the title, the title, a one-line summary.
// Recorded as a button labelled with the title, its summary as the value.
struct CardSpec {
    std::string_view id;
    std::string_view icon;
    std::string_view overline; // "Housing · About 5 min"
    std::string_view title;
    std::string_view summary;
    float width = 0;
    float min_height = 0;
};
bool card(Ui&, const CardSpec&);
float card_height(const Ui&, const CardSpec&);

}

// Shapes, for widgets and dialogs. A frame is drawn as two filled shapes, never as a thick outline:
// the software renderer leaves cracks in thick anti-aliased outlines.
void fill_rounded_rect(ImDrawList*, ImVec2 min, ImVec2 max, ImU32 color, float rounding);
void fill_frame(ImDrawList*, ImVec2 min, ImVec2 max, ImU32 frame, ImU32 inside, float rounding, float thickness);

// Splits rows of a list into pages no taller than `room`: the first row of each page. A page holds at
// least one row; when there is more than one page, each keeps `pager_height` for the page buttons.
std::vector<int> page_starts(std::span<const float> row_heights, float row_gap, float room, float pager_height);

// Lays out `count` equal items of at least `min_width` across `width`, in balanced rows.
struct Grid {
    int columns = 1;
    float item_width = 0;
    float gap = 0;
};
Grid grid_for(int count, float min_width, float width, float gap);

}
