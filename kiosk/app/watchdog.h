// Tells systemd that the kiosk is up (READY=1) and that its live loop still turns (WATCHDOG=1), so the
// service manager restarts a frozen UI. Outside systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once
#include "kiosk/core/clock.h"

#include <chrono>
#include <optional>

namespace guichet::app {

class Watchdog {
public:
    // Reads WATCHDOG_USEC and WATCHDOG_PID as systemd sets them for the unit's main process. Under the
    // cage compositor that main process is cage, our parent: its watchdog is ours to feed too.
    Watchdog();

    // READY=1, once the first interactive frame is on screen; also the first WATCHDOG=1.
    void ready();
    // WATCHDOG=1 when half the watchdog interval has passed since the last ping.
    void ping_if_due();
    // How long the live loop may sleep before the next ping is due; nullopt without a watchdog. The
    // loop wakes for it about twice per interval, never more: an idle kiosk stays idle.
    std::optional<Millis> time_to_next_ping() const;
    bool enabled() const { return m_period.count() > 0; }

private:
    void ping();

    std::chrono::steady_clock::duration m_period {}; // half of WATCHDOG_USEC; zero: no watchdog
    std::chrono::steady_clock::time_point m_last_ping {};
};

}
