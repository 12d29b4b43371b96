// The on-screen keyboard and the text field it types into. French AZERTY with the accented letters a
// French speaker needs, apostrophe and hyphen, or a numeric keypad for digit fields; big keys,
// backspace and clear. A physical keyboard types into the same field.
#pragma once
#include "screens/ui.h"

#include <string>
#include <string_view>

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
// keyboard appears; it capitalises the accented letters too (É, Œ).
// Returns true when `value` changed this frame.
bool keyboard(Ui&, std::string_view id, KeyboardLayout, std::string& value, float width, const KeyboardLabels&,
    size_t max_characters = 200);

// The height `keyboard` will take at this width.
float keyboard_height(const Ui&, KeyboardLayout, float width);

}

}
