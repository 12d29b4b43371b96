// The live, event-driven loop of a kiosk: waits for input or a timer, renders a few frames, sleeps
// again, so an idle kiosk uses no CPU; tells systemd the kiosk is up (READY=1 after the first frame)
// and still turning (WATCHDOG=1).
#pragma once
#include "kiosk/app/display.h"
#include "kiosk/app/input.h"
#include "kiosk/core/clock.h"

#include <functional>
#include <optional>

namespace guichet::app {

class LiveLoop {
public:
    struct Hooks {
        std::function<void()> frame;                      // render and present one frame
        std::function<std::optional<Millis>()> next_timer; // nullopt: sleep until input
        std::function<bool()> quit;
    };
    LiveLoop(Display& display, Input& input, const Clock& clock)
        : m_display(display)
        , m_input(input)
        , m_clock(clock)
    {
    }
    void run(const Hooks&);

private:
    void wait_for_input_or(std::optional<Millis> timeout);

    Display& m_display;
    Input& m_input;
    const Clock& m_clock;
};

}
