// What screens and the technician CLI may know of the outbox: counts and times, never contents.
// Filled by the uploader's worker thread and read as a copied snapshot on the main thread.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace guichet::sync {

struct SyncStatus {
    int64_t queued = 0;
    int64_t sent = 0;
    int64_t quarantined = 0;
    std::optional<int64_t> oldest_queued_age_s;
    std::optional<int64_t> last_success_unix;
    std::string last_error; // a technician's message, never citizen data
};

}
