// The hub's SQLite store: enrolled kiosks (only a hash of each token), the submissions they delivered
// (sealed, never opened here), and each kiosk's latest heartbeat. Safe to share between server threads.
#pragma once
#include "kiosk/core/result.h"
#include "sync/protocol.h"
#include "sync/sqlite.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync::hub {

// One stored submission, as `export` prints it.
struct SubmissionRecord {
    std::string id;
    std::string kiosk;
    std::string procedure;
    int64_t version = 0;
    std::string created_at;
    std::string received_at;
    std::vector<uint8_t> sealed;
};

struct KioskStatus {
    std::string name;
    std::string enrolled_at;
    std::optional<std::string> last_seen; // the latest heartbeat's arrival, if any
};

// Kiosk names are what a technician types and reads in logs: lower-case letters, digits and '-'.
bool is_valid_kiosk_name(std::string_view);

class Store {
public:
    // Opens (creating if needed) the database in WAL mode with synchronous=FULL and brings its schema
    // up to date.
    static Result<Store> open(const std::filesystem::path& path);

    // Creates the kiosk and returns its fresh token: 32 random bytes, URL-safe base64 without padding.
    // The token is not kept; only its hash is.
    Result<std::string> enroll(std::string_view name);

    // The kiosk whose token this is, or nullopt for an unknown token.
    Result<std::optional<std::string>> authenticate(std::string_view token);

    // Stores every item of the batch in one transaction, committed before this returns, and says per
    // item whether it was stored, a duplicate (same id, same bytes) or a conflict; the batch's rejected
    // items (see protocol::decode_batch) are answered after them. A batch may hold no storable item.
    Result<protocol::BatchResponse> store_batch(std::string_view kiosk, const protocol::Batch& batch);

    // Keeps only the latest heartbeat of each kiosk, with the time it arrived.
    Result<void> record_heartbeat(std::string_view kiosk, const protocol::Heartbeat& heartbeat);
    Result<std::optional<protocol::Heartbeat>> latest_heartbeat(std::string_view kiosk);

    Result<std::vector<KioskStatus>> kiosks();

    // Calls `visit` for each submission received at or after `since` (an RFC 3339 time in the stored
    // form, see clock_text.h), in the order they arrived.
    Result<void> for_each_submission(const std::optional<std::string>& since,
        const std::function<void(const SubmissionRecord&)>& visit);

private:
    explicit Store(Database db);
    // One connection shared by the server threads: the mutex keeps each transaction whole.
    std::unique_ptr<std::mutex> m_mutex;
    Database m_db;
};

}
