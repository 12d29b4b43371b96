// A per-client rate limit in memory: a token bucket for each client address (IPv6 by its /64, which one
// subscriber usually holds whole), in a bounded map. Per hub instance: behind a load balancer each
// instance counts its own share, which the documentation says.
#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace guichet::sync::hub {

struct RateRule {
    double per_minute = 10; // refill
    double burst = 20;      // bucket size
    size_t max_clients = 10000; // the map's bound; the least recently seen client is forgotten first
};

// The key an address is counted under: IPv4 as is, IPv6 by its first 64 bits ("2001:db8:1:2::/64"),
// an IPv4-mapped IPv6 address as its IPv4; anything unparsable as itself.
std::string client_key(std::string_view address);

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    explicit RateLimiter(RateRule rule = {});

    // Takes one token for `address`: 0 when the request may go, otherwise the seconds after which one
    // will be there (the Retry-After).
    int take(std::string_view address, Clock::time_point now = Clock::now());
    size_t clients() const;

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    void make_room(Clock::time_point now);

    RateRule m_rule;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Bucket> m_buckets;
};

}
