// The bandwidth of one direction of the emulated link. All connections share one pacer per direction, so
// two downloads together get the rate that one gets alone: a link is one pipe.
#pragma once
#include "proxy_clock.h"

#include <cstddef>
#include <cstdint>

namespace guichet::tools {

class LinkPacer {
public:
    explicit LinkPacer(uint64_t kbps); // 0 = unlimited

    bool limited() const { return m_bits_per_second != 0; }
    Duration transmit_time(size_t bytes) const;

    // The proxy reads a chunk off a socket only when the link will be free soon, so data waits in the
    // sender's kernel buffers (real back-pressure) instead of piling up in the proxy.
    bool can_send(TimePoint now) const;
    TimePoint opens_at() const;

    // Books `bytes` on the link and returns when their last bit has left: chunks go back to back, and an
    // idle link earns no credit, so a burst after a pause is paced like any other.
    TimePoint commit(TimePoint now, size_t bytes);

private:
    uint64_t m_bits_per_second;
    Duration m_horizon;
    TimePoint m_free_at {};
};

}
