// Turns SDL events — from the real devices or from the headless driver, the same events either way —
// into Dear ImGui input. Touch and mouse both become the pointer; touch leaves no hover behind.
#pragma once
#include <SDL.h>
#include <imgui.h>

#include <deque>

namespace guichet::app {

class Input {
public:
    Input();

    void push(const SDL_Event& event) { m_pending.push_back(event); }
    bool pending() const { return !m_pending.empty(); }

    struct FrameInput {
        bool user_input = false; // a touch, click, key or text: someone is here
        bool quit = false;
    };
    // Feeds this frame's events to `io`. A press and its release never land in the same frame (Dear
    // ImGui 1.86 would miss the click), so events after a button or key change wait for the next frame.
    FrameInput apply(ImGuiIO& io);

    static void configure(ImGuiIO& io);

private:
    std::deque<SDL_Event> m_pending;
    bool m_touch_released = false;
};

}
