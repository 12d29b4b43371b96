// Which element a tap acts on. A press and its release are two frames apart, and the layout may move
// between them (a status line that grows, a new line of text): the tap is resolved against the frames the
// citizen saw, not against a layout computed after the finger lifted.
#pragma once
#include "kiosk/core/ui_tree.h"

#include <optional>
#include <string>

namespace guichet {

// The reachable control under a point: interactive, enabled, not behind a dialog; the one drawn last
// when two share the point. Null when there is none.
const UiNode* control_at(const UiTree& shown, float x, float y);

class TapTracker {
public:
    // The finger (or the mouse button) went down at (x, y) while `shown` was on the screen.
    void press(float x, float y, const UiTree& shown);
    // It lifted at (x, y) while `shown` is on the screen. Returns the id of the element tapped: the one
    // the finger went down on, when it is still shown and reachable and the finger lifted inside it, as it
    // was drawn when the finger went down or as it is drawn now. A finger that slid off it taps nothing.
    std::optional<std::string> release(float x, float y, const UiTree& shown);

private:
    std::optional<std::string> m_pressed; // the id under the finger when it went down
    Rect m_pressed_rect;                  // where that element was then
};

}
