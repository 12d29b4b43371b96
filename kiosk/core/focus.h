// Navigation without touch: which element of the frame's semantic tree has the focus, and how the
// EZ-Access keys (up, down) and a keyboard's Tab, Shift-Tab and arrows move it (DESIGN.md).
#pragma once
#include "kiosk/core/ui_tree.h"

#include <string>

namespace guichet {

enum class FocusMove {
    Next,     // reading order, wrapping around: Tab, EZ-Access down
    Previous, // Shift-Tab, EZ-Access up
    Up,       // the arrows go to the nearest element in that direction on the screen
    Down,
    Left,
    Right,
};

// Holds the focused element by id, so it survives the tree being rebuilt every frame.
class Focus {
public:
    // Moves the focus among the reachable elements (interactive, enabled, not behind a dialog).
    // Returns false when the focus did not change: nothing reachable, or no element that way.
    bool move(const UiTree& tree, FocusMove direction);

    // Call after each frame. A focus whose element is gone or unreachable is dropped, except that when a
    // modal dialog has opened the focus lands on the dialog's first element, so a blind user is in it.
    void follow(const UiTree& tree);

    // The focused element in this frame, or null.
    const UiNode* focused(const UiTree& tree) const;

    const std::string& id() const { return m_id; }
    void clear();
    void set(std::string id);

private:
    std::string m_id;     // empty: no focus
    std::string m_screen; // the screen the focus belongs to; empty until the next follow()
};

}
