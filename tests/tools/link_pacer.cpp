// Pacing arithmetic of the emulated link; see link_pacer.h.
#include "link_pacer.h"

#include <algorithm>

namespace guichet::tools {

namespace {

// One Ethernet-sized segment: the unit the proxy reads when it paces or drops.
constexpr size_t segment_bytes = 1460;

}

LinkPacer::LinkPacer(uint64_t kbps)
    : m_bits_per_second(kbps * 1000)
    , m_horizon(std::chrono::milliseconds(10))
{
    // Reading ahead by at least one segment keeps the pipe full at low rates; 10 ms keeps the number of
    // wake-ups low at high rates. Neither changes when data leaves: commit() does that.
    if (limited())
        m_horizon = std::max(m_horizon, transmit_time(segment_bytes));
}

Duration LinkPacer::transmit_time(size_t bytes) const
{
    if (!limited())
        return Duration::zero();
    auto nanoseconds = static_cast<long double>(bytes) * 8.0L * 1e9L / static_cast<long double>(m_bits_per_second);
    return std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(static_cast<int64_t>(nanoseconds)));
}

bool LinkPacer::can_send(TimePoint now) const
{
    return !limited() || m_free_at <= now + m_horizon;
}

TimePoint LinkPacer::opens_at() const
{
    return m_free_at - m_horizon;
}

TimePoint LinkPacer::commit(TimePoint now, size_t bytes)
{
    if (!limited())
        return now;
    m_free_at = std::max(now, m_free_at) + transmit_time(bytes);
    return m_free_at;
}

}
