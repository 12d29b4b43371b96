// The hub's PostgreSQL engine (libpq), for a hub that outgrows one machine: several stateless
// `guichet-hub serve` on one database behave as one hub, because everything that must happen once
// (a submission id stored once, a kiosk name enrolled once) is a unique key the database enforces.
#pragma once
#include "sync/hub/store.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct pg_conn;

namespace guichet::sync::hub {

class PgStore final : public Store {
public:
    // Connects to the database the postgresql:// URL names and brings its schema up to date, under an
    // advisory lock so hubs starting together migrate once. A schema from a newer hub is refused.
    static Result<std::unique_ptr<PgStore>> open(const std::string& url);
    ~PgStore() override;

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

    // ---- The back office (issue 17), one file per group: pg_store_{agents,cases,feed,ops}.cpp.
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

    // The connections a server thread borrows, one per call: each call's transaction is on one
    // connection, and a broken connection (the server restarted) is dropped instead of returned.
    class Lease;

private:
    // Inside store_batch's transaction (pg_store_attachments.cpp).
    static Result<void> insert_manifest(pg_conn* connection, const protocol::Item& item);
    explicit PgStore(std::string url);
    Result<Lease> lease();
    void give_back(pg_conn* connection);

    std::string m_url;
    std::mutex m_mutex;
    std::vector<pg_conn*> m_idle;
};

}
