// The operations commands of guichet-hub: `kiosk list|revoke|rotate` and `purge`, and what `serve` needs
// for retention (the purge thread) and the test clock. cli.cpp parses; these act.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/retention.h"

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace guichet::sync::hub {

// `kiosk list`, `kiosk revoke NAME`, `kiosk rotate NAME [--grace D]` (default 7 days; 0 ends the old
// token at once). Returns an exit code (cli.h).
int kiosk_command(const std::string& sub, const std::optional<std::string>& name, const std::string& db,
    const std::optional<std::string>& grace, std::ostream& out, std::ostream& err);

// `purge --db DB [--procedures DIR] [--now RFC3339] [--keep-status-days N]`.
int purge_command(const std::string& db, const std::optional<std::string>& procedures, const std::optional<std::string>& now,
    const std::optional<std::string>& keep_status_days, std::ostream& err);

// serve's retention options, read before the server starts: `--clock-file` (test hooks only),
// `--procedures DIR`, `--keep-status-days N`.
struct ServeRetention {
    HubClock clock;
    PurgePolicy policy;
};
Result<ServeRetention> serve_retention(const std::optional<std::string>& clock_file,
    const std::optional<std::string>& procedures, const std::optional<std::string>& keep_status_days);

}
