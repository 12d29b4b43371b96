// The fleet page (GET /): one HTML table of every enrolled kiosk and its latest heartbeat, for the
// technicians. Plain HTML and inline CSS only: no script, nothing fetched from elsewhere. Everything
// a kiosk sent is escaped. Kiosks not seen for longer than `stale_after_s` are marked in words.
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

// Who may read the fleet page. It holds no personal data, but it does map the fleet (names, versions,
// errors), so by default only the hub's own machine may read it (an SSH tunnel brings a technician there).
enum class FleetPageAccess {
    Loopback, // 127.0.0.0/8 and ::1 only (default)
    Anyone,   // every client that reaches the hub's port
    Off,      // 404
};
Result<FleetPageAccess> parse_fleet_page_access(std::string_view);
bool is_loopback_address(std::string_view remote_addr);

inline constexpr int64_t default_stale_after_s = 3600;

// "90s", "30m", "1h", "2d" or a number of seconds; from 1 s to 30 days.
Result<int64_t> parse_duration_s(std::string_view);

struct FleetPageOptions {
    TimePoint now;
    int64_t stale_after_s = default_stale_after_s;
    std::string hub_version;
};

std::string render_fleet_page(std::vector<KioskStatus> rows, const FleetPageOptions&);

std::string html_escape(std::string_view);
// "45 s", "12 min", "3 h 5 min", "2 days"
std::string duration_text(int64_t seconds);
// "1.5 GB", "830 MB": decimal units, as disks are sold
std::string bytes_text(int64_t bytes);

}
