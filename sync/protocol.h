// Sync protocol v1 between kiosk and hub (DESIGN.md): the JSON bodies, their limits, and strict
// parsing on both sides. A body that does not match is an error with a reason, never a crash.
#pragma once
#include "kiosk/core/result.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync::protocol {

inline constexpr std::string_view version_prefix = "/v1";

// Limits the hub enforces and the kiosk's batches respect.
inline constexpr size_t max_body_bytes = 8 * 1024 * 1024;
inline constexpr size_t max_items_per_batch = 500;
inline constexpr size_t max_sealed_bytes = 1024 * 1024; // one submission, sealed, before base64
// Every JSON body is checked against these while it is scanned, before any tree is built: a body of
// 8 MB of '[' would otherwise cost some 300 MB of nested arrays. A batch nests 3 deep and holds about
// 6 values per item; a sealed payload's answers nest a little deeper.
inline constexpr size_t max_json_depth = 32;
inline constexpr size_t max_json_values = 100'000;

// Documents (issue 18): a submission's scanned pages travel after it, each sealed on its own
// (crypto_box_seal of the page's JPEG), in chunks: PUT /v1/submissions/{id}/attachments/{n}?offset=O
// (docs/sync-protocol.md).
inline constexpr size_t max_attachments = 20;                  // pages of one submission
inline constexpr size_t max_attachment_bytes = 2 * 1024 * 1024; // one sealed page
inline constexpr size_t max_chunk_bytes = 256 * 1024;           // one PUT's body

// A sealed page the batch item announces: the hub expects exactly these and checks each one's size and
// SHA-256 (lower-case hex, of the sealed bytes) once it has all of it.
struct Attachment {
    int n = 0;         // 0, 1, … in the order of the pages in the sealed payload
    int64_t size = 0;  // sealed bytes
    std::string sha256;
};

// The hub's answer to a chunk: how many bytes of the page it holds, and whether every page of the
// submission has now arrived.
struct ChunkAnswer {
    int64_t received = 0;
    bool submission_complete = false;
};
std::string encode(const ChunkAnswer&);
Result<ChunkAnswer> decode_chunk_answer(std::string_view body);
// "/v1/submissions/ID/attachments/N?offset=O"
std::string attachment_target(std::string_view id, int n, int64_t offset);

struct Item {
    std::string id;        // UUID v4, the idempotency key
    std::string procedure; // procedure id
    int64_t version = 0;   // procedure version
    std::string created_at; // RFC 3339 UTC, from the kiosk's clock
    std::vector<uint8_t> sealed; // crypto_box_seal output; base64 on the wire
    // The citizen's receipt code, normalized without dashes ("ABCDEFGHK"), so the back office can find
    // the submission by it. Optional: kiosks before issue 17 do not send it.
    std::optional<std::string> receipt;
    // The sealed pages that follow it (issue 18); empty for a submission without documents, and from
    // kiosks before issue 18.
    std::vector<Attachment> attachments;
};

// A receipt code as the protocol carries it: the 9 characters of normalize_receipt_code (sync/receipt.h)
// without dashes; nullopt when it is not a valid code, or the training code 000-000-000.
std::optional<std::string> wire_receipt(std::string_view typed);

enum class Status {
    Stored,
    Duplicate, // same id, same bytes: already stored; success for the kiosk
    Conflict,  // same id, other bytes: the kiosk quarantines it
    Rejected,  // malformed item: the kiosk quarantines it
};

std::string_view status_name(Status);
std::optional<Status> status_from_name(std::string_view);

struct ItemResult {
    std::string id;
    Status status = Status::Stored;
    std::string reason;
};

struct Batch {
    std::string kiosk;
    std::vector<Item> items;
    // Items decode_batch refused one by one (a bad UUID, base64, field): answered `rejected` with the
    // reason, while the others are stored. Never sent by a kiosk; empty after encode/decode of a good batch.
    std::vector<ItemResult> rejected;
};

// A processing state the hub sends back to the kiosk that delivered the submission (issue 17):
// received, in_progress, done or incomplete, the agent's message for the citizen, when, and the
// submission's revision (each state change adds one), so a kiosk applies each change once, in order.
struct StateUpdate {
    std::string id;
    std::string state;
    std::string message;
    std::string at; // RFC 3339 UTC
    int64_t rev = 0;
};
inline constexpr size_t max_states_per_answer = 200;
bool is_state_name(std::string_view);

// The kiosk's acknowledgement that it applied a state up to `rev`.
struct StateAck {
    std::string id;
    int64_t rev = 0;
};
inline constexpr size_t max_state_acks = 1000;

// How many citizens found a procedure easy (3), so-so (2) or hard (1) on one day at this kiosk: absolute
// counts, so the hub's upsert of a repeated report changes nothing.
struct RatingCount {
    std::string day; // YYYY-MM-DD
    std::string procedure;
    int score = 0;
    int64_t count = 0;
};
inline constexpr size_t max_rating_counts = 2000;
inline constexpr size_t max_place_bytes = 320; // a heartbeat's place: 80 characters of UTF-8
inline constexpr int rating_days = 14; // the kiosk reports the last 14 days

struct BatchResponse {
    std::vector<ItemResult> results;
    std::vector<StateUpdate> states; // optional on the wire: hubs before issue 17 send none
};

// Kiosk health, without personal data.
struct Heartbeat {
    std::string kiosk;
    std::string app_version;
    std::string pack_version;
    int64_t queued = 0;
    int64_t sent = 0;
    int64_t quarantined = 0;
    std::optional<int64_t> oldest_queued_age_s;
    std::optional<int64_t> disk_free_bytes;
    std::string last_error;
    // Where the kiosk stands (its configuration's kiosk.place_name), shown beside its id at the hub;
    // optional, empty from kiosks older than issue 17.
    std::string place;
    // Issue 19, optional: the receipt printer's state ("ready", "no_paper", "offline", …, docs/printing.md);
    // empty when the kiosk has no printer or is older.
    std::string printer;
    // Issue 17, optional both ways: the rating counts of the last days, and the states applied since
    // the last heartbeat the hub accepted.
    std::vector<RatingCount> ratings;
    std::vector<StateAck> states_applied;
};

// What the hub answers a heartbeat.
struct HeartbeatAnswer {
    std::string status = "ok";
    std::string time;
    std::vector<StateUpdate> states;
    std::string status_url; // empty when the hub has no public address
};

// What the kiosk seals (crypto_box_seal to the administration's X25519 key) for one submission.
// The metadata is repeated inside, so whoever opens it can check that the envelope and the content
// belong together. `answers` is the procedure's answers object, as JSON text.
struct SealedPayload {
    std::string id;
    std::string kiosk;
    std::string procedure;
    int64_t version = 0;
    std::string created_at;
    bool assisted = false;
    std::string answers_json;
    // The receipt code (wire form, see wire_receipt), repeated so the opener can check it against the
    // envelope's; absent in payloads sealed before issue 17.
    std::optional<std::string> receipt;
};
// Fails when the answers are not a JSON object.
Result<std::string> encode(const SealedPayload&);
Result<SealedPayload> decode_sealed_payload(std::string_view plaintext);

std::string encode(const Batch&);
std::string encode(const BatchResponse&);
std::string encode(const Heartbeat&);
std::string encode(const HeartbeatAnswer&);

// Whole-body checks: JSON shape, size, depth and value count (before any tree is built), field types,
// UUID syntax, base64, limits. A body that is not a batch at all fails (the hub answers 400): not JSON,
// no kiosk, no items array, too many items, or an item that is not an object with a string 'id' (it
// could not be answered by id). Any other bad item lands in Batch::rejected with its reason, so one
// broken item never holds back the rest.
Result<Batch> decode_batch(std::string_view body);
Result<BatchResponse> decode_batch_response(std::string_view body);
Result<Heartbeat> decode_heartbeat(std::string_view body);
// Lenient with what it does not know: an old hub's {"status":"ok","time":…} decodes with no states, and
// a state entry that does not make sense is left out rather than failing the whole answer.
Result<HeartbeatAnswer> decode_heartbeat_answer(std::string_view body);

// What the technician reads when the hub refused the kiosk's token (HTTP 401 or 403): a hub of issue 17
// says why in its JSON body ("reason": "revoked" or "expired"); older hubs do not.
std::string describe_token_refusal(long http, std::string_view body);

bool is_uuid(std::string_view);
// A name a technician types and reads in logs (a kiosk, a pack channel): 1 to 64 lower-case letters,
// digits and '-'.
bool is_plain_name(std::string_view);
std::string base64_encode(const std::vector<uint8_t>&);
// SHA-256 in lower-case hex: how the attachments' manifest and the sealed answers name a page.
std::string sha256_hex(std::span<const uint8_t>);
Result<std::vector<uint8_t>> base64_decode(std::string_view);

}
