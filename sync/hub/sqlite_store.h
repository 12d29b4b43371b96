// The hub's SQLite engine: one file in WAL mode with synchronous=FULL, for a hub on one machine (the
// default). Its schema steps are numbered by PRAGMA user_version.
#pragma once
#include "sync/hub/store.h"
#include "sync/sqlite.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

namespace guichet::sync::hub {

class SqliteStore final : public Store {
public:
    // Opens (creating if needed) the database and brings its schema up to date.
    static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path);

    Result<std::string> enroll(std::string_view name) override;
    Result<std::optional<std::string>> authenticate(std::string_view token) override;
    Result<protocol::BatchResponse> store_batch(std::string_view kiosk, const protocol::Batch& batch) override;
    Result<void> record_heartbeat(std::string_view kiosk, const protocol::Heartbeat& heartbeat) override;
    Result<std::optional<protocol::Heartbeat>> latest_heartbeat(std::string_view kiosk) override;
    Result<std::vector<KioskStatus>> kiosks() override;
    Result<void> for_each_submission(const std::optional<std::string>& since,
        const std::function<void(const SubmissionRecord&)>& visit) override;
    Result<std::string> for_each_submission_after(const std::optional<std::string>& cursor,
        const std::function<void(const SubmissionRecord&)>& visit) override;
    Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> token_hashes() override;
    Result<void> import_kiosks(std::span<const KioskRecord> kiosks) override;
    Result<size_t> import_submissions(std::span<const SubmissionRecord> submissions) override;

    // ---- The back office (issue 17), one file per group: sqlite_store_{agents,cases,feed,ops}.cpp.
    // agents, sessions, audit:

    // cases:

    // kiosk feed:
    Result<std::vector<KioskStateUpdate>> pending_states(std::string_view kiosk, size_t limit) override;
    Result<void> ack_states(std::string_view kiosk, std::span<const StateAck> acks) override;
    Result<void> record_ratings(std::string_view kiosk, std::span<const RatingCount> ratings) override;

    // operations:


private:
    struct PendingBatch {
        std::string_view kiosk;
        const protocol::Batch* batch;
        std::optional<Result<protocol::BatchResponse>> answer;
    };
    explicit SqliteStore(Database db);
    std::vector<Result<protocol::BatchResponse>> write_group(const std::vector<PendingBatch*>& group);
    Result<protocol::BatchResponse> insert_batch(Statement& lookup, Statement& insert, std::string_view kiosk,
        const protocol::Batch& batch, const std::string& received_at);
    // Called with m_mutex held.
    Result<void> upsert_heartbeat(std::string_view kiosk, const std::string& last_seen,
        const protocol::Heartbeat& heartbeat, bool only_if_newer);
    // One connection shared by the server threads: the mutex keeps each transaction whole.
    std::mutex m_mutex;
    Database m_db;
    // Batches waiting for the next group commit (see store_batch).
    std::mutex m_queue_mutex;
    std::condition_variable m_answered;
    std::vector<PendingBatch*> m_queue;
    bool m_writing = false;
};

}
