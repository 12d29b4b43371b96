// The operations commands of guichet-hub: `kiosk list|revoke|rotate` and `purge`, and what `serve` needs
// for retention (the purge thread) and the test clock. cli.cpp parses; these act.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/procedure_catalog.h"
#include "sync/hub/retention.h"

#include <filesystem>
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

// serve's procedures, read once before the server starts (procedure_catalog.h): the files of
// `--procedures DIR` (a broken file is an error, as for the purge) and those the pack depot of `--packs`
// publishes (a depot's problems are warnings written to `err`: a new depot has no channel yet). Null
// when neither is given.
Result<std::shared_ptr<const ProcedureCatalog>> serve_catalog(const std::optional<std::string>& procedures,
    const std::optional<std::filesystem::path>& packs, std::ostream& err);

// serve's retention options, read before the server starts: `--clock-file` (test hooks only),
// the catalog of serve_catalog (each procedure's retention_days), `--keep-status-days N`.
struct ServeRetention {
    HubClock clock;
    PurgePolicy policy;
};
Result<ServeRetention> serve_retention(const std::optional<std::string>& clock_file,
    const ProcedureCatalog* procedures, const std::optional<std::string>& keep_status_days);

}
