// Moving without touch: the focus ring over the frame's semantic tree (Tab, arrows, the EZ-Access keys),
// Enter on the focused element, and a new screen that starts with no focus.
#pragma once
#include "kiosk/app/input.h"
#include "kiosk/core/focus.h"
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

    Focus& focus() { return m_focus; }
    const Focus& focus() const { return m_focus; }
    // What this frame's widgets must do: activate that id (Enter), show the help.
    const std::string& activate_id() const { return m_activate; }
    bool help_requested() const { return m_help; }
    // After the frame: the activation acted once. A new screen (its key changed) starts with no focus,
    // so the first key press lands at its top, where its reading starts too.
    void frame_done(const std::string& screen_key);

private:
    Focus m_focus;
    std::string m_activate;
    bool m_help = false;
    std::string m_screen_key;
};

}
