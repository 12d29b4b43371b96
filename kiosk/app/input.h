// Turns SDL events — from the real devices or from the headless driver, the same events either way —
// into Dear ImGui input. Touch and mouse both become the pointer; touch leaves no hover behind.
#pragma once
#include "kiosk/core/config.h"
#include "kiosk/core/result.h"

#include <SDL.h>
#include <imgui.h>

#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace guichet::app {

class Input {
public:
    Input();

    void push(const SDL_Event& event)
    {
        // A quit request (SIGTERM, SIGINT) is seen at once, not after the taps and keys queued before it,
        // which are applied one change a frame.
        m_quit = m_quit || event.type == SDL_QUIT;
        m_pending.push_back(event);
    }
    bool pending() const { return !m_pending.empty(); }
    bool quit_requested() const { return m_quit; }

    // Keys that navigate without touch: a keyboard's Tab, arrows, Enter, Escape and F1, and the
    // EZ-Access keys of a kiosk keypad (up, down, enter, back, help) mapped in the configuration.
    enum class NavKey {
        Next,
        Previous,
        Up,
        Down,
        Left,
        Right,
        Activate,
        Back,
        Help,
    };
    struct FrameInput {
        bool user_input = false; // a touch, click, key or text: someone is here
        bool touched = false;    // a finger or the mouse went down: speech stops at once
        bool quit = false;
        bool staff_keys = false; // Ctrl+Alt+S: the staff entry
        std::vector<NavKey> keys;
        // Where a finger (or the left mouse button) went down or lifted this frame, in display pixels;
        // the app resolves the tap against the frames the citizen saw (kiosk/core/tap.h).
        std::optional<ImVec2> pointer_down, pointer_up;
    };
    // The EZ-Access keys of a kiosk keypad, as the configuration names them (SDL key names, e.g.
    // "Keypad 8"); fails naming the key that is not one.
    Result<void> map_keys(const KeysSection&);
    // Feeds this frame's events to `io`. A press and its release never land in the same frame (Dear
    // ImGui 1.86 would miss the click), so events after a button or key change wait for the next frame.
    FrameInput apply(ImGuiIO& io);

    static void configure(ImGuiIO& io);

private:
    std::optional<NavKey> nav_key(SDL_Keycode, bool shift) const;

    std::deque<SDL_Event> m_pending;
    std::map<SDL_Keycode, NavKey> m_extra_keys;
    bool m_touch_released = false;
    bool m_quit = false;
};

}
