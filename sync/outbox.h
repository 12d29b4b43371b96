// The offline outbox: submissions sealed to the administration's key and kept in SQLite (WAL,
// synchronous=FULL) until the hub acknowledges them. A receipt exists only once its COMMIT returned.
// The kiosk cannot read back what it sealed; metadata (receipt, state, times) stays for look-ups.
// Thread-safe: the screens enqueue on the main thread while the uploader works on its own.
#pragma once
#include "kiosk/core/result.h"
#include "sync/protocol.h"
#include "sync/sqlite.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync {

using PublicKey = std::array<uint8_t, 32>; // X25519 (crypto_box_PUBLICKEYBYTES)
Result<PublicKey> parse_public_key(std::string_view base64);

enum class ItemState {
    Queued,
    Sent,
    Quarantined,
};
std::string_view state_name(ItemState);

struct OutboxSettings {
    std::filesystem::path path;
    std::string kiosk;
    PublicKey submission_key {};
    int64_t retention_s = 30 * 24 * 3600; // sealed bytes are kept this long after the hub's acknowledgement
};

// What the citizen submits. The answers are wiped from this object by enqueue(), whatever happens.
struct NewSubmission {
    std::string procedure;
    int64_t version = 0;
    bool assisted = false;
    std::string answers_json; // a JSON object
    // The scanned pages (JPEG), in the order the answers list them (issue 18): each is sealed on its own
    // and stored in the same transaction as the answers. Wiped by enqueue() too.
    std::vector<std::vector<uint8_t>> pages;
};

struct Receipt {
    std::string id;   // UUID, the hub's idempotency key
    std::string code; // what the citizen keeps: ABC-DEF-GHK
    int64_t created_at = 0;
};

// One row of metadata: never the contents.
struct QueueEntry {
    std::string id;
    std::string receipt;
    std::string procedure;
    int64_t version = 0;
    ItemState state = ItemState::Queued;
    int64_t attempts = 0;
    int64_t created_at = 0;
    int64_t next_attempt_at = 0;
    std::optional<int64_t> sent_at;
    std::string last_error;
    bool sealed_kept = true;
    // What the hub said of it (issue 17): nullopt until the hub sent a state.
    std::optional<std::string> hub_state; // received | in_progress | done | incomplete
    std::string hub_message;
    std::string hub_state_at; // RFC 3339, the hub's clock
    int64_t hub_rev = 0;
    // Its scanned pages (issue 18): how many, and how many the hub has received whole and checked.
    int64_t pages_total = 0;
    int64_t pages_sent = 0;
};

// What a mediator may tell the citizen of a receipt: "queued" (not yet sent), "quarantined" (held on the
// kiosk), or the hub's state: "received" (also for a sent submission the hub said nothing of yet),
// "in_progress", "done", "incomplete".
std::string_view receipt_state(const QueueEntry&);
// The French words for it, as guichetctl prints them: "en attente d'envoi", "reçue", "en cours",
// "traitée", "incomplète", "bloquée sur la borne".
std::string_view receipt_state_french(std::string_view state);
// "2/3 pièces envoyées" (issue 18): how many of its scanned pages the hub has; empty without pages.
std::string pages_progress_french(const QueueEntry&);

// How many citizens found a procedure easy (3), so-so (2) or hard (1) on a day: what the heartbeat
// carries to the hub, as it carries it.
using RatingCount = protocol::RatingCount;

struct OutboxCounts {
    int64_t queued = 0;
    int64_t sent = 0;
    int64_t quarantined = 0;
    std::optional<int64_t> oldest_queued_created_at;
    int64_t pages_pending = 0; // scanned pages not yet all at the hub (issue 18)
};

// A piece of a sealed page for the uploader to send next (issue 18): `bytes` start at `offset`, what the
// hub acknowledged of the page so far.
struct PendingChunk {
    std::string id; // the submission
    int n = 0;
    int64_t offset = 0;
    int64_t size = 0; // the whole sealed page
    std::vector<uint8_t> bytes;
};

// A page whose hash the hub refused this many times in a row is held, its error kept for the technician,
// until a requeue (guichetctl retry): something on the kiosk is corrupting it.
inline constexpr int max_page_refusals = 5;

class Outbox {
public:
    static Result<std::unique_ptr<Outbox>> open(const OutboxSettings&);

    // Seals the answers and stores the submission, its UUID and its receipt code in one transaction.
    Result<Receipt> enqueue(NewSubmission&, int64_t now);

    // Queued items whose next attempt is due, oldest first, as many as fit the limits (at least one).
    Result<std::vector<protocol::Item>> due(int64_t now, size_t max_items, size_t max_bytes);
    // The earliest next attempt among queued items.
    Result<std::optional<int64_t>> next_attempt_at();

    Result<void> mark_sent(std::span<const std::string> ids, int64_t now);
    Result<void> quarantine(std::string_view id, std::string_view reason);
    // A transient failure: try again at `when`; counts an attempt and keeps the error for the technician.
    Result<void> retry_later(std::span<const std::string> ids, int64_t when, std::string_view error);
    // A technician's retry of a quarantined item, or of a sent item's held pages. False when there is
    // no such item.
    Result<bool> requeue(std::string_view id_or_receipt, int64_t now);
    // The scanned pages (issue 18), sent after their submission. The next chunk (at most max_bytes) of a
    // page of a submission the hub already stored, whose next attempt has come; nullopt when none.
    Result<std::optional<PendingChunk>> next_chunk(int64_t now, size_t max_bytes);
    // What the hub holds of a page: `received` bytes; `done` once it has all of it and checked it.
    Result<void> record_chunk(std::string_view id, int n, int64_t received, bool done);
    // The hub refused the page's hash (422): it starts again from 0. Returns the refusals in a row; at
    // max_page_refusals the page is held and `error` stays for the technician.
    Result<int64_t> restart_page(std::string_view id, int n, std::string_view error);
    // The page cannot go now (the hub does not know it): try again at `when`, keep `error`.
    Result<void> retry_page_later(std::string_view id, int n, int64_t when, std::string_view error);

    // Deletes the sealed bytes of items acknowledged longer ago than the retention delay, with their
    // pages'; an item whose pages are not all at the hub keeps them.
    Result<int64_t> purge_acknowledged(int64_t now);

    Result<OutboxCounts> counts();
    // The satisfaction answers: a counter per day, procedure and score, unlinked to any submission.
    Result<void> record_rating(std::string_view procedure, int score, std::string_view day);
    Result<std::vector<RatingCount>> ratings();
    // The counts of `first_day` (YYYY-MM-DD) and after, newest days first, at most `limit`: what the
    // heartbeat reports.
    Result<std::vector<RatingCount>> ratings_since(std::string_view first_day, size_t limit);

    // States the hub sent back (issue 17). A state replaces the kiosk's only if its revision is newer,
    // so applying the same answer twice changes nothing. Returns how many rows changed; unknown ids
    // (a submission this kiosk no longer has) are skipped.
    Result<int64_t> apply_states(std::span<const protocol::StateUpdate> states);
    // Applied states the hub has not yet been told about; the next heartbeat carries them, and once the
    // hub accepted it, mark_acknowledged() records that.
    Result<std::vector<protocol::StateAck>> unacknowledged_states(size_t limit);
    Result<void> mark_acknowledged(std::span<const protocol::StateAck> acks);
    Result<std::vector<QueueEntry>> entries(size_t limit = 1000);
    Result<std::optional<QueueEntry>> find_by_receipt(std::string_view code);

    // The hub's public status page, "https://…/suivi/", as its last heartbeat answer gave it (empty: the
    // hub has no public address, or said none). The receipt's QR code links to it + the receipt code.
    Result<void> set_status_url(std::string_view url);
    Result<std::string> status_url();

    const OutboxSettings& settings() const { return m_settings; }

private:
    Outbox(OutboxSettings settings, Database db)
        : m_settings(std::move(settings))
        , m_db(std::move(db))
    {
    }
    Result<std::vector<QueueEntry>> select_entries(std::string_view where, std::string_view argument, size_t limit);
    // One UPDATE per id in one transaction; the SQL names the id ?9.
    Result<void> update_each(std::string_view sql, std::span<const std::string> ids,
        const std::function<void(Statement&)>& bind_others);

    OutboxSettings m_settings;
    std::mutex m_mutex; // one connection, used by the main thread and the uploader
    Database m_db;
};

std::string rfc3339_utc(int64_t unix_seconds);

}
