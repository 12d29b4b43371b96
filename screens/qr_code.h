// A QR code drawn with the kiosk's widgets (libqrencode), for the receipt: the citizen can photograph
// their receipt code. Dark modules on a light quiet zone whatever the theme, so any phone reads it.
#pragma once
#include "screens/ui.h"

#include <string_view>

namespace guichet::screens::widgets {

// Draws `text` as a QR code `size` pixels square (quiet zone included) at the cursor, recorded as
// Role::Image with `description` as its text alternative. Draws nothing and returns false when the
// text cannot be encoded.
bool qr_code(Ui&, std::string_view id, std::string_view text, float size, std::string_view description);

}
