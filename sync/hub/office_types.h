// What the back office (issue 17) keeps in the hub's store: agents and their sessions, the audit log,
// the state of each submission as agents process it, the states and ratings that travel back and forth
// with kiosks, retention, and kiosk tokens that can be revoked or rotated. Plain values; the Store
// (store.h) reads and writes them, on either engine.
#pragma once
#include "sync/protocol.h"

#include "kiosk/core/lockout.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::sync::hub {

enum class AgentRole { Agent, Supervisor };
// Wrong passwords in a row: waits of 1, 2, 4 … 256 s, then 15 minutes from the tenth on (the kiosk's
// staff PIN rules, kiosk/core/lockout.h, with a longer run before the lockout).
inline constexpr LockoutRules agent_lockout { .lockout_after = 10, .lockout_s = 900 };
// Agent names: [a-z0-9][a-z0-9.-]{0,63}, what an administrator types and the audit log shows.
bool is_valid_agent_name(std::string_view);
std::string_view name_of(AgentRole);                       // "agent", "supervisor"
std::optional<AgentRole> agent_role_from(std::string_view); // nullopt for anything else

// A submission's processing state. Names on the wire and in the database: received, in_progress, done,
// incomplete. Done and Incomplete are final: the retention and the delay clocks start there.
enum class CaseState { Received, InProgress, Done, Incomplete };
std::string_view name_of(CaseState);
std::optional<CaseState> case_state_from(std::string_view);
inline bool is_final(CaseState state) { return state == CaseState::Done || state == CaseState::Incomplete; }

struct AgentRecord {
    std::string name;
    AgentRole role = AgentRole::Agent;
    bool all_procedures = false;          // --procedures '*'
    std::vector<std::string> procedures;  // sorted, when not all
    int failures = 0;                     // wrong passwords since the last good one
    std::string retry_at;                 // RFC 3339; '' = may try now
    std::optional<std::string> disabled_at;
    std::string created_at;
    std::optional<std::string> last_sign_in;
};

// What changes on an agent (agent disable | reset); unset fields stay.
struct AgentUpdate {
    std::optional<AgentRole> role;
    std::optional<bool> all_procedures;
    std::optional<std::vector<std::string>> procedures;
    std::optional<std::string> password_hash;
    std::optional<std::optional<std::string>> disabled_at; // set: disable at; nullopt inside: enable
    bool clear_lockout = false;
};

// A signed-in agent, as each request sees it.
struct SessionView {
    std::string agent;
    AgentRole role = AgentRole::Agent;
    bool all_procedures = false;
    std::vector<std::string> procedures;
    std::array<uint8_t, 32> csrf {};
    std::string expires_at;
};

// Who did what, when, on what: never contents (no answers, no messages, no receipt codes).
struct AuditEvent {
    int64_t seq = 0;
    std::string at;
    std::string actor;  // "agent:NAME" | "cli" | "hub"
    std::string action; // sign-in, sign-in-refused, view, open, state, export, purge, agent-add, ...
    std::string target; // a submission id, agent or kiosk name, procedure id
    std::string detail; // counts and state names only
};

// The inbox of one procedure, newest first, by keyset pages on (received_at, seq).
struct InboxQuery {
    std::string procedure;
    std::optional<CaseState> state;
    std::optional<std::string> kiosk;
    std::optional<std::string> from, to; // received_at in [from, to)
    std::optional<std::string> receipt;  // normalized receipt code
    std::optional<std::pair<std::string, int64_t>> after;  // rows older than this key
    std::optional<std::pair<std::string, int64_t>> before; // rows newer than this key
    size_t limit = 50;
};

struct InboxRow {
    int64_t seq = 0;
    std::string id, receipt, procedure, kiosk, place, received_at;
    CaseState state = CaseState::Received;
    std::optional<std::string> state_at;
    bool purged = false;
};

struct InboxPage {
    std::vector<InboxRow> rows;
    bool has_next = false;
    bool has_previous = false;
    int64_t count_capped = 0; // at most inbox_count_cap
};
constexpr int64_t inbox_count_cap = 10001;

// A state change an agent asks for; applied only if the submission is still at `expected_rev`.
struct Transition {
    std::string id, agent, now;
    CaseState to = CaseState::InProgress;
    std::string message; // for the citizen, at most max_state_message_bytes
    int64_t expected_rev = 0;
};
constexpr size_t max_state_message_bytes = 1000;
enum class TransitionOutcome { Done, Stale, NotFound, Forbidden };

struct StateChange {
    std::string at, agent;
    CaseState from = CaseState::Received, to = CaseState::Received;
};

// A state the hub owes a kiosk, and the kiosk's acknowledgement of it.
struct KioskStateUpdate {
    std::string id;
    CaseState state = CaseState::Received;
    std::string message, at;
    int64_t rev = 0;
};
// The kiosk's acknowledgements and rating counts are the protocol's own (sync/protocol.h): the hub
// stores what the heartbeat carries, as it carries it.
using StateAck = protocol::StateAck;
// Per kiosk, day, procedure and score (1 to 3): absolute counts, so a repeated report changes nothing.
using RatingCount = protocol::RatingCount;
struct RatingWeek {
    std::string procedure, week; // ISO week "2026-W49"
    std::array<int64_t, 3> counts {};
};
struct DelaySample {
    std::string procedure, week;
    int64_t delay_s = 0;
    CaseState final_state = CaseState::Done;
};

// Retention: sealed payloads are deleted retention_days after the final state; the receipt's state is
// kept for the status page keep_status_days after that, then the row is forgotten.
struct PurgePolicy {
    std::map<std::string, int> retention_days; // per procedure
    int default_retention_days = 90;
    int keep_status_days = 365;
};
struct PurgeCount {
    bool ran_today_already = false;
    int64_t purged = 0;    // sealed payloads deleted
    int64_t forgotten = 0; // rows deleted
};

enum class TokenState { Valid, ValidPrevious, Unknown, Revoked, Expired };
struct TokenCheck {
    TokenState state = TokenState::Unknown;
    std::string kiosk; // empty when Unknown
};
// A kiosk's token as `guichet-hub kiosk list` shows it.
struct KioskTokenInfo {
    std::string name;
    std::string enrolled_at;
    std::optional<std::string> revoked_at;
    std::optional<std::string> previous_valid_until; // the previous token's end of grace, after a rotation
};

}
