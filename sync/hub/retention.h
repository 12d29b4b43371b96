// Retention on the hub: the purge policy read from the procedure files (each file's retention_days), and
// the thread of `serve` that runs the store's purge at start and then once each UTC day of the hub's
// clock. The store's purge_runs table makes it once per day whatever the number of hubs.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/store.h"

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace guichet::sync::hub {

class ProcedureCatalog; // procedure_catalog.h

// The policy of the procedure files in `dir` (or one file): each procedure's retention_days, the default
// for the others (and for files without the number). A folder with a broken file is an error: the
// hub must not guess how long to keep what that file's citizens were promised.
Result<PurgePolicy> purge_policy_from(const std::optional<std::filesystem::path>& dir, int keep_status_days = 365);
// The same from procedures already loaded (serve: one load feeds the purge and the back office's
// labels); each procedure's retention is its highest version's.
PurgePolicy purge_policy_from(const ProcedureCatalog& catalog, int keep_status_days = 365);

// One line for the log, in the hub's words.
std::string describe(const PurgeCount& count, std::string_view now);
// The audit log's detail of a purge: counts only ("purged=N forgotten=M").
std::string purge_detail(const PurgeCount& count);

class PurgeThread {
public:
    using Log = std::function<void(const std::string&)>;
    // Starts at once with a first purge, then looks at the clock every `poll` and purges when its UTC
    // day has changed: at most 24 h between purges plus `poll`. A virtual clock (tests) is polled often.
    PurgeThread(Store& store, PurgePolicy policy, HubClock clock, Log log, std::chrono::milliseconds poll);
    static std::chrono::milliseconds default_poll(const HubClock& clock);
    ~PurgeThread(); // stop()s
    PurgeThread(const PurgeThread&) = delete;
    PurgeThread& operator=(const PurgeThread&) = delete;

    // Wakes the thread and waits for it; a purge under way finishes its current step first.
    void stop();

private:
    void run();

    Store& m_store;
    PurgePolicy m_policy;
    HubClock m_clock;
    Log m_log;
    std::chrono::milliseconds m_poll;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

}
