// The hub's store: one interface for everything the hub keeps (enrolled kiosks with only a hash of each
// token, the submissions they delivered, sealed and never opened here, each kiosk's latest heartbeat),
// with two engines behind it: SQLite (sqlite_store.h, the default) and PostgreSQL (pg_store.h).
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/office_types.h"
#include "sync/protocol.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
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
    std::string receipt; // the receipt code the kiosk sent (9 characters), empty when none
};

// One submission as the back office sees it: the stored record (sealed empty once purged) and its
// processing state.
struct CaseRecord {
    SubmissionRecord submission;
    std::string receipt; // normalized; empty from kiosks that did not send one
    CaseState state = CaseState::Received;
    std::string message;
    std::optional<std::string> handler, state_at, final_at, purged_at;
    int64_t rev = 0;
};

// One page of cases_for_export.
struct CasePage {
    std::vector<CaseRecord> cases;
    std::optional<std::pair<std::string, int64_t>> next; // (received_at, seq) of the last case, when more follow
};

struct KioskStatus {
    std::string name;
    std::string enrolled_at;
    std::optional<std::string> last_seen; // the latest heartbeat's arrival, if any
    std::optional<protocol::Heartbeat> heartbeat; // and that heartbeat
};

// A kiosk as a copy to another engine needs it: its token's hash (never the token), so the kiosk keeps
// working with the token it has.
struct KioskRecord {
    KioskStatus status;
    std::vector<uint8_t> token_hash;
};

// Documents (issue 18): one sealed page a submission's manifest announced, and how much of it arrived.
// A page is complete when received == size: the hub only lets received reach size once the page's
// SHA-256 matched the manifest's (a mismatch drops the page's bytes, received back to 0).
struct PageState {
    int n = 0;
    int64_t size = 0;
    std::string sha256; // lower-case hex of the sealed bytes
    int64_t received = 0;
    bool complete() const { return received == size; }
};

// What append_chunk did, as the route answers it (docs/sync-protocol.md).
enum class ChunkOutcome {
    Accepted,     // 200: appended, or already held (nothing written)
    UnknownPage,  // 404: no such submission of this kiosk, or n not in its manifest
    Ahead,        // 409: offset past what the hub holds; `received` says where to resume
    PastSize,     // 400: the chunk would end past the page's announced size
    HashMismatch, // 422: the whole page did not match its SHA-256; its bytes were dropped
};
struct ChunkReply {
    ChunkOutcome outcome = ChunkOutcome::Accepted;
    int64_t received = 0;
    bool submission_complete = false; // every page of the submission complete
};

// Kiosk names are what a technician types and reads in logs: lower-case letters, digits and '-'.
bool is_valid_kiosk_name(std::string_view);

// A `--db` value names a PostgreSQL database when it is a postgresql:// or postgres:// URL; anything
// else is the path of a SQLite file.
bool is_postgresql_url(std::string_view where);

// Every method is safe to call from several server threads at once. A failed call (the database is
// down, slow past its timeout, or refused the change) changed nothing that a caller was told about:
// store_batch returns an answer only once its transaction is committed.
class Store {
public:
    virtual ~Store() = default;

    // Opens the SQLite file or the PostgreSQL database `where` names (see is_postgresql_url) and brings
    // its schema up to date; a database from a newer hub is refused.
    static Result<std::unique_ptr<Store>> open(std::string_view where);

    // Creates the kiosk and returns its fresh token: 32 random bytes, URL-safe base64 without padding.
    // The token is not kept; only its hash is.
    virtual Result<std::string> enroll(std::string_view name) = 0;

    // The kiosk whose token this is (check_token on the system clock: its current token, or the previous
    // one within its grace), or nullopt for an unknown, revoked or expired token.
    Result<std::optional<std::string>> authenticate(std::string_view token);

    // Stores every item of the batch in one transaction, committed before this returns, and says per
    // item whether it was stored, a duplicate (same id, same bytes) or a conflict; the batch's rejected
    // items (see protocol::decode_batch) are answered after them. A batch may hold no storable item.
    virtual Result<protocol::BatchResponse> store_batch(std::string_view kiosk, const protocol::Batch& batch) = 0;

    // Documents (issue 18). store_batch keeps a stored item's manifest (its attachments) in the same
    // transaction; a duplicate keeps the first one's. append_chunk adds `bytes` at `offset` to page n of
    // submission `id`, if the submission is `kiosk`'s, per the rules of docs/sync-protocol.md, and commits
    // before it returns. attachment_pages lists a submission's pages (none for a submission without
    // documents, an unknown or a purged one); attachment_bytes is a complete page's sealed bytes, nullopt
    // while it is incomplete or unknown.
    virtual Result<ChunkReply> append_chunk(std::string_view kiosk, std::string_view id, int n, int64_t offset,
        std::span<const uint8_t> bytes) = 0;
    virtual Result<std::vector<PageState>> attachment_pages(std::string_view id) = 0;
    virtual Result<std::optional<std::vector<uint8_t>>> attachment_bytes(std::string_view id, int n) = 0;

    // Keeps only the latest heartbeat of each kiosk, with the time it arrived.
    virtual Result<void> record_heartbeat(std::string_view kiosk, const protocol::Heartbeat& heartbeat) = 0;
    virtual Result<std::optional<protocol::Heartbeat>> latest_heartbeat(std::string_view kiosk) = 0;

    // Every kiosk with its latest heartbeat, by name, in one query: the fleet page reads thousands.
    virtual Result<std::vector<KioskStatus>> kiosks() = 0;

    // Calls `visit` for each submission received at or after `since` (an RFC 3339 time in the stored
    // form, see clock_text.h), in the order they arrived.
    virtual Result<void> for_each_submission(const std::optional<std::string>& since,
        const std::function<void(const SubmissionRecord&)>& visit) = 0;

    // The export a consumer repeats (guichet-hub export --cursor): calls `visit` for each submission
    // committed after `cursor` (from the start without one), and returns the cursor to give next time.
    // Unlike arrival times, which several hubs take from their own clocks and which a slow transaction
    // commits late, a cursor misses nothing and repeats nothing across exports: a submission whose
    // transaction was still open is left for the next export. A cursor is the engine's ("sqlite:N",
    // "pg:N"); one from the other engine, or garbled, is an error.
    virtual Result<std::string> for_each_submission_after(const std::optional<std::string>& cursor,
        const std::function<void(const SubmissionRecord&)>& visit) = 0;

    // What copy_store moves from one engine to another. import_kiosks adds kiosks with their token
    // hashes and latest heartbeats (keeping when each arrived), in one transaction; a kiosk already
    // here with the same token hash is kept (its heartbeat replaced if the imported one is newer), with
    // another hash it is an error. import_submissions adds submissions with their arrival times, in
    // one transaction, and returns how many were new; an id already here with the same content is
    // skipped, with other content it is an error. Either fails whole.
    virtual Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> token_hashes() = 0;
    virtual Result<void> import_kiosks(std::span<const KioskRecord> kiosks) = 0;
    virtual Result<size_t> import_submissions(std::span<const SubmissionRecord> submissions) = 0;

    // ---- The back office (issue 17). Every time is RFC 3339 UTC in the stored form (clock_text.h) and
    // is passed in (`now`), so tests run them on a virtual clock.

    // Agents, sessions and the audit log. Sessions are kept by the hash of the cookie's secret.
    virtual Result<void> add_agent(const AgentRecord& agent, std::string_view password_hash) = 0;
    virtual Result<std::vector<AgentRecord>> list_agents() = 0;
    virtual Result<std::optional<std::pair<AgentRecord, std::string>>> agent_with_hash(std::string_view name) = 0;
    virtual Result<void> update_agent(std::string_view name, const AgentUpdate& update) = 0;
    // One atomic step: failures + 1 and retry_at = now + wait_after_failures(failures, rules); returns the
    // agent as it now is. Fails for an unknown name.
    virtual Result<AgentRecord> record_sign_in_failure(std::string_view name, std::string_view now, const LockoutRules& rules) = 0;
    virtual Result<void> record_sign_in_success(std::string_view name, std::string_view now) = 0;
    virtual Result<void> create_session(std::span<const uint8_t, 32> id_hash, std::string_view agent,
        std::span<const uint8_t, 32> csrf, std::string_view now, std::string_view expires_at) = 0;
    // The session if it exists, its agent is enabled, it has not passed expires_at and was seen within
    // idle_s; touches last_seen.
    virtual Result<std::optional<SessionView>> session(std::span<const uint8_t, 32> id_hash, std::string_view now, int64_t idle_s) = 0;
    virtual Result<void> end_session(std::span<const uint8_t, 32> id_hash) = 0;
    virtual Result<int64_t> end_sessions_of(std::string_view agent) = 0;
    virtual Result<void> audit(const AuditEvent& event) = 0;
    // Newest first; before_seq pages back; target filters.
    virtual Result<std::vector<AuditEvent>> audit_log(std::optional<int64_t> before_seq, size_t limit,
        const std::optional<std::string>& target) = 0;

    // Cases: the inbox, one submission with its state, state changes, the export, procedure definitions.
    virtual Result<InboxPage> inbox(const InboxQuery& query) = 0;
    virtual Result<std::optional<CaseRecord>> case_record(std::string_view id) = 0;
    virtual Result<TransitionOutcome> set_state(const Transition& transition) = 0;
    virtual Result<std::vector<StateChange>> state_history(std::string_view id) = 0;
    virtual Result<void> remember_procedure(std::string_view id, int64_t version, std::string_view definition_json,
        std::optional<int> retention_days) = 0;
    virtual Result<std::optional<std::string>> procedure_definition(std::string_view id, int64_t version) = 0;
    // Whole cases (sealed bytes included) for the browser's export: the inbox's filters, newest first
    // after query.after, at most query.limit (capped at 200); `next` is the following page's cursor.
    virtual Result<CasePage> cases_for_export(const InboxQuery& query) = 0;

    // What travels with kiosks: states owed to a kiosk (rev above what it acknowledged), its
    // acknowledgements, and its rating counts.
    virtual Result<std::vector<KioskStateUpdate>> pending_states(std::string_view kiosk, size_t limit) = 0;
    virtual Result<void> ack_states(std::string_view kiosk, std::span<const StateAck> acks) = 0;
    virtual Result<void> record_ratings(std::string_view kiosk, std::span<const RatingCount> ratings) = 0;

    // Operations: tokens that can be revoked and rotated, retention, the public status, statistics.
    virtual Result<TokenCheck> check_token(std::string_view token, std::string_view now) = 0;
    virtual Result<void> revoke_kiosk(std::string_view name, std::string_view now) = 0;
    // A new token for the kiosk (returned once); the old one keeps working until now + grace_s.
    virtual Result<std::string> rotate_token(std::string_view name, std::string_view now, int64_t grace_s) = 0;
    virtual Result<std::vector<KioskTokenInfo>> kiosk_tokens() = 0; // by name
    virtual Result<PurgeCount> purge(const PurgePolicy& policy, std::string_view now) = 0;
    // The state of the most recent submission with this receipt code; nullopt for unknown and forgotten alike.
    virtual Result<std::optional<CaseState>> public_status(std::string_view receipt) = 0;
    virtual Result<std::vector<RatingWeek>> rating_weeks(std::string_view from_day, std::string_view to_day) = 0;
    virtual Result<std::vector<DelaySample>> delays(std::string_view from_day, std::string_view to_day) = 0;
};

struct CopyCount {
    size_t kiosks = 0;
    size_t submissions = 0; // read from the source
    size_t added = 0;       // of which new in the target
};

// Copies every kiosk (token hash, latest heartbeat) and every submission (sealed bytes, arrival time,
// in arrival order) from `from` into `to`: SQLite to PostgreSQL when a hub outgrows one machine, or
// back. Submissions go in transactions of `chunk`, so an interrupted copy keeps what it committed and
// running it again adds only what is missing. The source is only read.
Result<CopyCount> copy_store(Store& from, Store& to, size_t chunk = 500);

}
