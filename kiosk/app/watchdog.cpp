// The systemd readiness and watchdog notifications of the live loop (see watchdog.h).
#include "kiosk/app/watchdog.h"

#include <systemd/sd-daemon.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace guichet::app {

namespace {

std::optional<uint64_t> number_from_environment(const char* name)
{
    const char* text = std::getenv(name);
    if (!text || !*text)
        return std::nullopt;
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text, text + std::strlen(text), value);
    if (error != std::errc() || *end != '\0')
        return std::nullopt;
    return value;
}

// sd_watchdog_enabled() refuses a WATCHDOG_PID other than ours. systemd names the unit's main process
// there, which is cage when cage runs the kiosk; the unit's NotifyAccess=all lets our pings count.
uint64_t watchdog_usec()
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0)
        return usec;
    auto pid = number_from_environment("WATCHDOG_PID");
    auto interval = number_from_environment("WATCHDOG_USEC");
    if (pid && interval && *pid == static_cast<uint64_t>(getppid()))
        return *interval;
    return 0;
}

}

Watchdog::Watchdog()
    : m_period(std::chrono::microseconds(watchdog_usec() / 2))
{
}

void Watchdog::ready()
{
    sd_notify(0, "READY=1");
    if (enabled())
        ping();
}

void Watchdog::ping_if_due()
{
    if (enabled() && std::chrono::steady_clock::now() - m_last_ping >= m_period)
        ping();
}

std::optional<Millis> Watchdog::time_to_next_ping() const
{
    if (!enabled())
        return std::nullopt;
    auto left = m_last_ping + m_period - std::chrono::steady_clock::now();
    return std::max(Millis(0), std::chrono::ceil<Millis>(left));
}

void Watchdog::ping()
{
    sd_notify(0, "WATCHDOG=1");
    m_last_ping = std::chrono::steady_clock::now();
}

}
