// Token buckets per client address.
#include "sync/hub/rate_limit.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace guichet::sync::hub {

std::string client_key(std::string_view address)
{
    std::string text(address.substr(0, 64));
    in6_addr v6 {};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        static constexpr uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (std::memcmp(v6.s6_addr, mapped, sizeof mapped) == 0) {
            char v4[INET_ADDRSTRLEN] = {};
            inet_ntop(AF_INET, v6.s6_addr + 12, v4, sizeof v4);
            return v4;
        }
        std::memset(v6.s6_addr + 8, 0, 8);
        char prefix[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, &v6, prefix, sizeof prefix);
        return std::string(prefix) + "/64";
    }
    return text;
}

RateLimiter::RateLimiter(RateRule rule)
    : m_rule(rule)
{
}

int RateLimiter::take(std::string_view address, Clock::time_point now)
{
    auto key = client_key(address);
    std::lock_guard lock(m_mutex);
    auto found = m_buckets.find(key);
    if (found == m_buckets.end()) {
        make_room(now);
        found = m_buckets.emplace(std::move(key), Bucket { m_rule.burst, now }).first;
    }
    auto& bucket = found->second;
    double elapsed_min = std::chrono::duration<double, std::ratio<60>>(now - bucket.updated).count();
    if (elapsed_min > 0)
        bucket.tokens = std::min(m_rule.burst, bucket.tokens + elapsed_min * m_rule.per_minute);
    bucket.updated = std::max(bucket.updated, now);
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
    }
    double wait_s = (1 - bucket.tokens) * 60 / m_rule.per_minute;
    return std::max(1, static_cast<int>(std::ceil(wait_s)));
}

size_t RateLimiter::clients() const
{
    std::lock_guard lock(m_mutex);
    return m_buckets.size();
}

// Called with the mutex held, before a new client is added to a full map: clients whose bucket has
// refilled are the same as new ones and go first; if none has, the least recently seen goes.
void RateLimiter::make_room(Clock::time_point now)
{
    if (m_buckets.size() < m_rule.max_clients)
        return;
    auto refill = std::chrono::duration<double, std::ratio<60>>(m_rule.burst / m_rule.per_minute);
    std::erase_if(m_buckets, [&](auto& entry) { return now - entry.second.updated >= refill; });
    if (m_buckets.size() < m_rule.max_clients)
        return;
    auto oldest = std::min_element(m_buckets.begin(), m_buckets.end(),
        [](auto& a, auto& b) { return a.second.updated < b.second.updated; });
    m_buckets.erase(oldest);
}

}
