// The live loop (see live_loop.h).
#include "kiosk/app/live_loop.h"

#include "kiosk/app/watchdog.h"

#include <algorithm>
#include <cstdio>

namespace guichet::app {

void LiveLoop::run(const Hooks& hooks)
{
    auto [width, height] = m_display.size();
    std::fprintf(stderr, "guichet: %s %dx%d, renderer %s\n",
        m_display.kind() == DisplayKind::Window ? "window" : "headless", width, height, m_display.renderer_name());
    Watchdog watchdog;
    int frames_due = 2;
    bool announced_ready = false;
    SDL_Event event;
    while (!hooks.quit()) {
        if (frames_due == 0 && !m_input.pending()) {
            auto timeout = hooks.next_timer();
            if (auto ping = watchdog.time_to_next_ping(); ping && (!timeout || *ping < *timeout))
                timeout = ping;
            wait_for_input_or(timeout);
        }
        while (SDL_PollEvent(&event))
            m_input.push(event);
        if (hooks.quit())
            break; // a quit request (SIGTERM, SIGINT) that came while waiting: no frame more
        // After input a few frames let press and hover states settle; a timer needs one frame.
        frames_due = m_input.pending() ? std::max(frames_due, 3) : std::max(frames_due, 1);
        hooks.frame();
        if (!announced_ready) {
            watchdog.ready(); // the first interactive frame is on screen
            announced_ready = true;
        }
        watchdog.ping_if_due(); // a frozen loop stops pinging, and systemd restarts the kiosk
        --frames_due;
    }
}

void LiveLoop::wait_for_input_or(std::optional<Millis> timeout)
{
    if (m_display.kind() == DisplayKind::Window) {
        // Sleeps in the video driver until input arrives: an idle kiosk uses no CPU.
        SDL_Event event;
        if (SDL_WaitEventTimeout(&event, timeout ? static_cast<int>(timeout->count()) + 1 : -1))
            m_input.push(event);
        return;
    }
    // Headless has no input device, and SDL's own wait would poll every millisecond: sleep in long
    // slices until the timer is due or a quit request (SIGINT, SIGTERM) arrives.
    auto until = timeout ? m_clock.now() + *timeout : Millis::max();
    while (m_clock.now() < until) {
        SDL_PumpEvents();
        if (SDL_PeepEvents(nullptr, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0)
            return;
        auto left = until - m_clock.now();
        SDL_Delay(static_cast<Uint32>(std::clamp<int64_t>(left.count(), 1, 250)));
    }
}

}
