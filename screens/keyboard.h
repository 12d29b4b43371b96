// The on-screen keyboard and the text field it types into. French AZERTY with the accented letters a
// French speaker needs, apostrophe and hyphen, or a numeric keypad for digit fields; big keys,
// backspace and clear. A physical keyboard types into the same field.
#pragma once
#include "screens/ui.h"

#include <string>
#include <string_view>
#include <vector>

namespace guichet::screens {

enum class KeyboardLayout {
    Letters, // AZERTY, accents, ' and -, space: names
    Text,    // the same with a row of digits: addresses, free text, codes (NIR, IBAN)
    Email,   // the same as Text with @ . _ in place of the apostrophe
    Code,    // digits and letters without accents: NIR, IBAN (shorter, so the screen keeps its room)
    Digits,  // 0-9 keypad
};

// The labels of the keys that are words, in the session's language.
struct KeyboardLabels {
    std::string_view backspace; // "Effacer"
    std::string_view clear;     // "Tout effacer"
    std::string_view shift;     // "Majuscules"
    std::string_view space;     // "Espace"
};

// The number of code points in UTF-8 `text`: what `max_characters` counts.
size_t code_points(std::string_view text);

// How the keys set their labels; here for the tests, which check that every language's labels stay inside
// the smallest keys the kiosk lays out.
namespace detail {

// A mark beside a key's label: the tick of the capitals key while it is on.
enum class KeyMark {
    None,
    Tick,
};

// `font` drawn at `size` pixels (its own size, or smaller when no font fits the key), on one line or two.
struct KeyLabel {
    ImFont* font = nullptr;
    float size = 0;
    std::vector<std::string_view> lines;
    float mark = 0; // the width the mark and its gap take left of the text
};

// The width and height of the label's text.
ImVec2 label_extent(const KeyLabel&);

// How a word key (Effacer, Espace…) `key` pixels big sets `label`: the largest setting that keeps 10 px
// from the key's sides, beside the mark, and 10 px, or at least 4, from its top and bottom.
KeyLabel fit_word_label(const Ui&, std::string_view label, ImVec2 key, KeyMark = KeyMark::None);

}

namespace widgets {

// A one-line text box showing `value` with a caret. Recorded as Role::TextField with its label and
// value. While `active` is true it takes what a physical keyboard types (characters, Backspace), shows a
// caret and a thicker frame in the focus colour. A value longer than the box shows its end.
// Returns true when `value` changed this frame.
bool text_field(Ui&, std::string_view id, std::string_view label, std::string& value, float width, bool active,
    size_t max_characters = 200);

// Draws the keyboard `width` wide at the cursor and applies a tapped key to `value` (UTF-8).
// Each key is recorded as Role::Key, id "<id>.key.<name>", labelled with what it types: names are the
// letters and digits themselves ("e", "é"), "apostrophe", "hyphen", "space", "backspace", "clear" and
// "shift". The capitals key stays on until pressed again (recorded as selected) and is off each time the
// keyboard appears; it capitalises the accented letters too (É, Œ). When its height is limited
// (`Ui::keyboard_room`) so that the keys would have to be lower than they like, a landscape keyboard folds
// its row of digits into a numeric pad at the right of the letters, one row less; the keys keep their ids.
// Returns true when `value` changed this frame.
bool keyboard(Ui&, std::string_view id, KeyboardLayout, std::string& value, float width, const KeyboardLabels&,
    size_t max_characters = 200);

// The height `keyboard` will take at this width.
float keyboard_height(const Ui&, KeyboardLayout, float width);

}

}
