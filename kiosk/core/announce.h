// What speech says, built from the frame's semantic tree and localized through the UI strings:
// an element when the focus reaches it, and a screen when the citizen arrives on it.
#pragma once
#include "kiosk/core/i18n.h"
#include "kiosk/core/ui_tree.h"

#include <string>
#include <string_view>

namespace guichet {

// The element's role, label and state, e.g. "Bouton, Suivant" or "Choix 2 sur 4, Marié, sélectionné".
// A choice's position counts the consecutive choices of its group (ids sharing the part before the last
// '.') in `tree`. A button with a value says the value instead of its label.
std::string describe(const UiTree& tree, const UiNode& node, std::string_view language, const Strings& strings);

// The reachable headings and texts in order, joined as sentences, then the choices offered, if any.
std::string screen_summary(const UiTree& tree);

}
