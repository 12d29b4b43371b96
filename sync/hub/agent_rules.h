// What both store engines compute the same way for agents and sessions: the next sign-in time after a
// wrong password, and when a session has been idle too long or should note it was seen. Internal to the
// engines' *_store_agents.cpp files.
#pragma once
#include "kiosk/core/lockout.h"
#include "kiosk/core/result.h"
#include "sync/clock_text.h"
#include "sync/hub/office_types.h"

#include <chrono>
#include <string>
#include <string_view>

namespace guichet::sync::hub::agent_rules {

// Sessions note their last request at most once a minute: a page's dozen requests cost one write.
inline constexpr int64_t touch_every_s = 60;

inline Result<TimePoint> parse_now(std::string_view now)
{
    auto parsed = parse_rfc3339(now);
    if (!parsed)
        return fail("'now' is not an RFC 3339 time: " + parsed.error().message);
    return *parsed;
}

// retry_at after the failures-th wrong password in a row.
inline std::string retry_at(TimePoint now, int failures, const LockoutRules& rules)
{
    return format_rfc3339(now + std::chrono::seconds(wait_after_failures(failures, rules)));
}

// now - seconds, in the stored form: times at or before it are that old.
inline std::string seconds_before(TimePoint now, int64_t seconds) { return format_rfc3339(now - std::chrono::seconds(seconds)); }

inline std::string text_of(AgentRole role) { return std::string(name_of(role)); }

}
