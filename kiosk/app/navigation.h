// Moving without touch: the focus ring over the frame's semantic tree (Tab, arrows, the EZ-Access keys),
// Enter on the focused element, and a new screen that starts with no focus.
#pragma once
#include "kiosk/app/input.h"
#include "kiosk/core/focus.h"
#include "kiosk/core/tap.h"
#include "kiosk/core/ui_tree.h"

#include <string>
#include <vector>

namespace guichet::app {

class Navigation {
public:
    struct Keys {
        bool back = false; // Escape or the Back key: the App decides what it closes
        bool help = false; // F1 or the Help key: the help is shown and the screen read again
    };
    Keys handle(const std::vector<Input::NavKey>&, const UiTree&);
    // Where a finger went down or lifted this frame. A tap acts on what the finger touched, resolved
    // against `shown`, the last frame drawn (the one the citizen sees), not against this frame's layout,
    // which may move under the finger (Dear ImGui wants the press and the release over the same item in
    // its own layouts).
    void pointer(const std::optional<ImVec2>& down, const std::optional<ImVec2>& up, const UiTree& shown);

    Focus& focus() { return m_focus; }
    const Focus& focus() const { return m_focus; }
    // What this frame's widgets must do: activate that id (Enter), show the help.
    const std::string& activate_id() const { return m_activate; }
    // The element a tap acted on this frame (empty: none).
    const std::string& tap_id() const { return m_tapped; }
    bool help_requested() const { return m_help; }
    // After the frame: the activation acted once. A new screen (its key changed) starts with no focus,
    // so the first key press lands at its top, where its reading starts too.
    void frame_done(const std::string& screen_key);

private:
    Focus m_focus;
    std::string m_activate;
    TapTracker m_taps;
    std::string m_tapped;
    bool m_help = false;
    std::string m_screen_key;
};

}
