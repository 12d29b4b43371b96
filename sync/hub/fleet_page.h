// The fleet page (/office/flotte, for signed-in supervisors, office_supervisor.cpp): one table of every
// enrolled kiosk and its latest heartbeat, in French, inside the back office's layout. Everything a kiosk
// sent is escaped. Kiosks not seen for longer than `stale_after_s` are marked in words, not by colour.
#pragma once
#include "kiosk/core/result.h"
#include "sync/clock_text.h"
#include "sync/hub/store.h"
#include "sync/protocol.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync::hub {

inline constexpr int64_t default_stale_after_s = 3600;

// "90s", "30m", "1h", "2d" or a number of seconds; from 1 s to 30 days.
Result<int64_t> parse_duration_s(std::string_view);

struct FleetPageOptions {
    TimePoint now;
    int64_t stale_after_s = default_stale_after_s;
    std::string hub_version;
};

// The page's <main> content (its <h1>, a summary, the table), for office_html.h's page().
std::string render_fleet_section(std::vector<KioskStatus> rows, const FleetPageOptions&);

// "45 s", "12 min", "3 h 5 min", "2 j"
std::string duration_text(int64_t seconds);
// "1,5 Go", "830 Mo": decimal units, as disks are sold
std::string bytes_text(int64_t bytes);

}
