// What both store engines must do the same way: tokens and their hashes, and the judgement of an item
// whose id is already stored (duplicate or conflict). Engines only differ in how they reach the rows.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/store.h"
#include "sync/protocol.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync::hub::rules {

// BLAKE2b-256 (crypto_generichash), for tokens and sealed bytes alike.
using Hash = std::array<uint8_t, 32>;

Hash hash_of(std::span<const uint8_t> bytes);
Hash hash_of(std::string_view text);

// libsodium is ready (engines call it before anything else).
Result<void> init_crypto();

// A fresh token: 32 random bytes, URL-safe base64 without padding (43 characters).
std::string new_token();

// Tokens longer than this are refused before hashing: a real one is 43 characters.
constexpr size_t max_token_length = 128;

// Tokens are looked up by their hash in an indexed (unique) column. The index walk compares bytes
// with ordinary, early-exit comparisons, so its timing may depend on how many leading bytes of the
// presented token's hash match some stored hash; but a hash of a 256-bit random secret cannot be
// steered, so that says nothing about any token. The row found is then compared again in constant
// time (sodium_memcmp) before it is believed.
bool same_hash(std::span<const uint8_t> stored, const Hash& presented);

// A token that matched a kiosk's previous token (after a rotation): refused with the kiosk's
// revocation, else valid until `valid_until` (stored form; none: already expired), at `now`.
inline TokenCheck previous_token_check(std::string kiosk, bool revoked, const std::optional<std::string>& valid_until, std::string_view now)
{
    if (revoked)
        return { TokenState::Revoked, std::move(kiosk) };
    bool in_grace = valid_until && now < *valid_until;
    return { in_grace ? TokenState::ValidPrevious : TokenState::Expired, std::move(kiosk) };
}

// What is stored under an id, as far as the judgement needs it.
struct StoredItem {
    std::string kiosk;
    std::string procedure;
    int64_t version = 0;
    std::string created_at;
    std::vector<uint8_t> sealed_hash;
};

// The answer for `item` from `kiosk` when `stored` already holds its id: duplicate when everything is
// the same, else a conflict with its reason. The stored row is never changed.
protocol::ItemResult judge_existing(const StoredItem& stored, std::string_view kiosk, const protocol::Item& item,
    const Hash& sealed_hash);

// Documents (issue 18): what a chunk of `length` bytes at `offset` does to `page` (its size and what
// it holds). Accepted with take == 0 is a chunk already held; otherwise bytes [skip, skip + take) of the
// chunk are appended at page.received.
struct ChunkStep {
    ChunkOutcome outcome = ChunkOutcome::Accepted;
    size_t skip = 0;
    size_t take = 0;
};
ChunkStep plan_chunk(const PageState& page, int64_t offset, size_t length);
// The sealed page's SHA-256 is the manifest's (lower-case hex).
bool page_matches(std::span<const uint8_t> sealed, std::string_view sha256_hex);

// Keeps a kiosk's latest heartbeat: $1 the kiosk, $2 when it arrived, $3 to $12 the heartbeat's values in
// heartbeat_columns' order. Both engines take this text ($N is SQLite's named parameter N, numbered in
// order). A copy between engines only replaces an older heartbeat: append heartbeat_only_if_newer.
constexpr std::string_view heartbeat_upsert
    = "INSERT INTO heartbeats (kiosk, last_seen, app_version, pack_version, queued, sent, quarantined, "
      "oldest_queued_age_s, disk_free_bytes, last_error, place, printer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
      "ON CONFLICT (kiosk) DO UPDATE SET last_seen = excluded.last_seen, app_version = excluded.app_version, "
      "pack_version = excluded.pack_version, queued = excluded.queued, sent = excluded.sent, "
      "quarantined = excluded.quarantined, oldest_queued_age_s = excluded.oldest_queued_age_s, "
      "disk_free_bytes = excluded.disk_free_bytes, last_error = excluded.last_error, place = excluded.place, printer = excluded.printer";
constexpr std::string_view heartbeat_only_if_newer = " WHERE excluded.last_seen > heartbeats.last_seen";

// An imported submission whose id is already stored: fine when it is the same submission (a copy run
// again), an error naming the id when it is another.
Result<void> judge_import(const StoredItem& stored, const SubmissionRecord& record, const Hash& sealed_hash);

// A cursor of for_each_submission_after: "ENGINE:N" with N a whole number, for that engine; the error
// says what is wrong with it.
Result<uint64_t> parse_cursor(std::string_view cursor, std::string_view engine);
std::string make_cursor(std::string_view engine, uint64_t position);
// A cursor past anything this database has numbered: it comes from another database, or this one was
// restored from an older backup. Exporting after it would print nothing, silently, for a long time.
Error cursor_ahead(std::string_view cursor);

// A heartbeat's columns in the `heartbeats` table (aliased `h`), in the order both engines read them.
constexpr std::string_view heartbeat_columns = "h.app_version, h.pack_version, h.queued, h.sent, h.quarantined, "
                                               "h.oldest_queued_age_s, h.disk_free_bytes, h.last_error, h.place, h.printer";

}
