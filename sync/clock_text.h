// RFC 3339 timestamps as the hub and the kiosk write and read them: UTC, fixed width, so that text order is time
// order and `export --since` can compare stored strings directly.
#pragma once
#include "kiosk/core/result.h"

#include <chrono>
#include <string>
#include <string_view>

namespace guichet::sync {

// Milliseconds, not the system clock's nanoseconds, whose 64 bits end in the year 2262.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

enum class Precision {
    Seconds,      // 2024-05-01T09:30:00Z, for people and the health endpoint
    Milliseconds, // 2024-05-01T09:30:00.123Z, for stored times, which must order well
};

std::string format_rfc3339(TimePoint, Precision = Precision::Milliseconds);
std::string now_rfc3339(Precision = Precision::Milliseconds);

// Accepts `YYYY-MM-DD` alone or followed by `THH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`.
Result<TimePoint> parse_rfc3339(std::string_view text);

}
