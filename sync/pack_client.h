// The kiosk's content-pack updates from the hub (sync protocol v1): the channel's signed manifest
// with If-None-Match, then only the files whose hash the cache lacks, each checked for size and hash
// before PackStore stages and switches. Same link rules as the uploader (sync/curl_link.h).
// check_and_update() blocks: call it from a worker thread; last_report() may be read from any thread.
#pragma once
#include "sync/curl_link.h"
#include "sync/pack_store.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace guichet::sync::pack {

struct PackClientSettings {
    std::string hub_url; // e.g. https://hub.example.org (no trailing /v1)
    std::string token;   // the kiosk's bearer token
    LinkLimits link;
};

enum class UpdateOutcome {
    UpToDate,  // the hub offers the active pack (or answered 304)
    Installed, // a newer pack was verified, staged and switched on
    NoPack,    // the hub has nothing on this kiosk's channel
    Refused,   // the offered pack was refused (see refusal and reason); the active pack stays
    Failed,    // the hub could not be asked (network, token, server error); try again later
};
std::string_view outcome_name(UpdateOutcome);

// What one check did, for the technician's screen, guichetctl and the tests.
struct UpdateReport {
    int64_t checked_at = 0; // unix seconds
    UpdateOutcome outcome = UpdateOutcome::Failed;
    std::optional<Refusal> refusal;
    std::string reason;                  // one line; empty when all went well
    int64_t active_version = 0;          // after the check; 0: the built-in assets
    std::optional<int64_t> offered_version;
    int requests = 0;
    int files_downloaded = 0;
    uint64_t body_bytes = 0;             // response bodies received: the manifest and the files
    uint64_t bytes_transferred = 0;      // as curl counts them: requests, response headers and bodies
};

class PackClient {
public:
    using Clock = std::function<int64_t()>; // unix seconds
    PackClient(PackStore& store, PackClientSettings settings, Clock clock = {});
    ~PackClient();
    PackClient(const PackClient&) = delete;
    PackClient& operator=(const PackClient&) = delete;

    // One check; a second caller waits for the first to finish.
    UpdateReport check_and_update();
    std::optional<UpdateReport> last_report() const;

private:
    struct Transfer;
    Transfer get(const std::string& path, const std::string& if_none_match,
        const std::function<bool(const char*, size_t)>& sink);
    UpdateReport run(UpdateReport report);

    PackStore& m_store;
    PackClientSettings m_settings;
    Clock m_clock;
    void* m_curl = nullptr; // CURL*, one handle so the manifest and the files share a connection
    std::mutex m_run_mutex;
    mutable std::mutex m_report_mutex;
    std::optional<UpdateReport> m_last;
};

}
