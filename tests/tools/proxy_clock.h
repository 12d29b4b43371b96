// The one clock of the fault proxy: monotonic, so pacing and delays survive wall-clock changes.
#pragma once
#include <chrono>

namespace guichet::tools {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

enum class Direction {
    Up,   // client -> target
    Down, // target -> client
};

}
