// One direction of one connection between "left the link" and "written to the peer": each chunk waits for
// its latency (and, if lost, a retransmission timeout) and never overtakes the chunk before it.
#pragma once
#include "proxy_clock.h"

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace guichet::tools {

class DelayLine {
public:
    explicit DelayLine(Duration delay = Duration::zero())
        : m_delay(delay)
    {
    }

    // Queues bytes that left the link at `departed`; `hold_back` is the extra wait of a lost chunk. Returns
    // when the chunk may be written: TCP delivers in order, so a held-back chunk holds back those after it.
    TimePoint push(std::span<const char> bytes, TimePoint departed, Duration hold_back = Duration::zero());

    bool empty() const { return m_chunks.empty(); }
    size_t queued_bytes() const { return m_queued; }
    std::optional<TimePoint> next_release() const;
    bool front_due(TimePoint now) const;
    std::span<const char> front_unsent() const;
    void consume(size_t bytes); // marks bytes of the front chunk written

    // Keeps only the first `bytes` still queued and drops the rest (a response cut short).
    void keep_first(size_t bytes);
    void clear() { keep_first(0); }

private:
    struct Chunk {
        std::vector<char> bytes;
        TimePoint release;
        size_t sent = 0;
    };
    Duration m_delay;
    std::deque<Chunk> m_chunks;
    TimePoint m_last_release {};
    size_t m_queued = 0;
};

}
