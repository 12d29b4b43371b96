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
    Result<void> add_agent(const AgentRecord& agent, std::string_view password_hash) override;
    Result<std::vector<AgentRecord>> list_agents() override;
    Result<std::optional<std::pair<AgentRecord, std::string>>> agent_with_hash(std::string_view name) override;
    Result<void> update_agent(std::string_view name, const AgentUpdate& update) override;
    Result<AgentRecord> record_sign_in_failure(std::string_view name, std::string_view now, const LockoutRules& rules) override;
    Result<void> record_sign_in_success(std::string_view name, std::string_view now) override;
    Result<void> create_session(std::span<const uint8_t, 32> id_hash, std::string_view agent, std::span<const uint8_t, 32> csrf,
        std::string_view now, std::string_view expires_at) override;
    Result<std::optional<SessionView>> session(std::span<const uint8_t, 32> id_hash, std::string_view now, int64_t idle_s) override;
    Result<void> end_session(std::span<const uint8_t, 32> id_hash) override;
    Result<int64_t> end_sessions_of(std::string_view agent) override;
    Result<void> audit(const AuditEvent& event) override;
    Result<std::vector<AuditEvent>> audit_log(std::optional<int64_t> before_seq, size_t limit,
        const std::optional<std::string>& target) override;

    // cases:
    Result<InboxPage> inbox(const InboxQuery& query) override;
    Result<std::optional<CaseRecord>> case_record(std::string_view id) override;
    Result<TransitionOutcome> set_state(const Transition& transition) override;
    Result<std::vector<StateChange>> state_history(std::string_view id) override;
    Result<void> remember_procedure(std::string_view id, int64_t version, std::string_view definition_json,
        std::optional<int> retention_days) override;
    Result<std::optional<std::string>> procedure_definition(std::string_view id, int64_t version) override;
    Result<CasePage> cases_for_export(const InboxQuery& query) override;

private:
    // The office reads on a second connection (opened on first use, sqlite_store_cases.cpp): in WAL
    // mode a reader sees the last commit without waiting behind the group commit's fsync on m_db.
    Result<void> read_with(const std::function<Result<void>(Database&)>& read);
    std::mutex m_read_mutex;
    std::optional<Database> m_read_db;

public:

    // kiosk feed:
    Result<std::vector<KioskStateUpdate>> pending_states(std::string_view kiosk, size_t limit) override;
    Result<void> ack_states(std::string_view kiosk, std::span<const StateAck> acks) override;
    Result<void> record_ratings(std::string_view kiosk, std::span<const RatingCount> ratings) override;

    // operations:
    Result<TokenCheck> check_token(std::string_view token, std::string_view now) override;
    Result<void> revoke_kiosk(std::string_view name, std::string_view now) override;
    Result<std::string> rotate_token(std::string_view name, std::string_view now, int64_t grace_s) override;
    Result<std::vector<KioskTokenInfo>> kiosk_tokens() override;
    Result<PurgeCount> purge(const PurgePolicy& policy, std::string_view now) override;
    Result<std::optional<CaseState>> public_status(std::string_view receipt) override;

    // documents (issue 18, *_store_attachments.cpp):
    Result<ChunkReply> append_chunk(std::string_view kiosk, std::string_view id, int n, int64_t offset,
        std::span<const uint8_t> bytes) override;
    Result<std::vector<PageState>> attachment_pages(std::string_view id) override;
    Result<std::optional<std::vector<uint8_t>>> attachment_bytes(std::string_view id, int n) override;

    // statistics (*_store_stats.cpp):
    Result<std::vector<RatingWeek>> rating_weeks(std::string_view from_day, std::string_view to_day) override;
    Result<std::vector<DelaySample>> delays(std::string_view from_day, std::string_view to_day) override;

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
    // Called with m_mutex held, inside the batch's transaction (sqlite_store_attachments.cpp).
    Result<void> insert_manifest(const protocol::Item& item);
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
