// [SECTION] schema  [SECTION] enqueue  [SECTION] upload states  [SECTION] look-ups
#include "sync/outbox.h"

#include "sync/clock_text.h"
#include "sync/receipt.h"

#include <sodium.h>


namespace guichet::sync {
namespace {

// [SECTION] schema
// Each entry is one migration; never edit a released one, append a new one.
constexpr std::string_view migrations[] = {
    R"sql(
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,               -- UUID v4: the hub's idempotency key
    receipt TEXT NOT NULL UNIQUE,      -- ABC-DEF-GHK, what the citizen keeps
    procedure TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,       -- unix seconds, kiosk clock
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'quarantined')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at INTEGER,
    sealed BLOB,                       -- crypto_box_seal output; NULL once purged after acknowledgement
    sealed_size INTEGER NOT NULL
) STRICT;
CREATE INDEX submissions_due ON submissions (state, next_attempt_at);
)sql",
    // The one-tap "was it easy?" after a receipt: counts per day, never linked to a submission.
    R"sql(
CREATE TABLE ratings (
    day TEXT NOT NULL,                 -- YYYY-MM-DD, kiosk clock
    procedure TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 3),
    count INTEGER NOT NULL,
    PRIMARY KEY (day, procedure, score)
) STRICT;
)sql",
    // Issue 17: the processing state the hub sends back for each submission, kept with the metadata
    // (the sealed bytes' purge leaves the row), and the revision last acknowledged to the hub.
    R"sql(
ALTER TABLE submissions ADD COLUMN hub_state TEXT;             -- received | in_progress | done | incomplete
ALTER TABLE submissions ADD COLUMN hub_message TEXT;           -- the agent's message for the citizen
ALTER TABLE submissions ADD COLUMN hub_state_at TEXT;          -- RFC 3339, the hub's clock
ALTER TABLE submissions ADD COLUMN hub_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN hub_acked_rev INTEGER NOT NULL DEFAULT 0;
CREATE INDEX submissions_to_ack ON submissions (id) WHERE hub_rev > hub_acked_rev;
)sql",
    // Issue 17: what the hub tells about itself in its heartbeat answers (status_url: where a receipt's
    // QR code links to), one value per name, kept across restarts so the first receipt after a boot
    // already has its link.
    R"sql(
CREATE TABLE hub_facts (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
)sql",
};

// update_each() binds each id to ?9, whatever the other parameters are.
constexpr int update_id_parameter = 9;

constexpr std::string_view entry_columns = "id, receipt, procedure, version, state, attempts, created_at, next_attempt_at, "
                                           "sent_at, last_error, sealed IS NOT NULL, hub_state, hub_message, hub_state_at, hub_rev";

ItemState state_from_name(std::string_view name)
{
    if (name == "sent")
        return ItemState::Sent;
    if (name == "quarantined")
        return ItemState::Quarantined;
    return ItemState::Queued;
}

// Wipes a string's buffer, then empties it (sodium_memzero cannot be optimized away).
void wipe(std::string& text)
{
    sodium_memzero(text.data(), text.capacity());
    text.clear();
}

}

std::string_view state_name(ItemState state)
{
    switch (state) {
    case ItemState::Queued:
        return "queued";
    case ItemState::Sent:
        return "sent";
    case ItemState::Quarantined:
        return "quarantined";
    }
    return "queued";
}

std::string_view receipt_state(const QueueEntry& entry)
{
    if (entry.state == ItemState::Queued)
        return "queued";
    if (entry.state == ItemState::Quarantined)
        return "quarantined";
    if (entry.hub_state && protocol::is_state_name(*entry.hub_state))
        return *entry.hub_state;
    return "received";
}

std::string_view receipt_state_french(std::string_view state)
{
    if (state == "queued")
        return "en attente d'envoi";
    if (state == "quarantined")
        return "bloquée sur la borne";
    if (state == "in_progress")
        return "en cours";
    if (state == "done")
        return "traitée";
    if (state == "incomplete")
        return "incomplète";
    return "reçue";
}

std::string rfc3339_utc(int64_t unix_seconds)
{
    return format_rfc3339(TimePoint(std::chrono::seconds(unix_seconds)), Precision::Seconds);
}

Result<PublicKey> parse_public_key(std::string_view base64)
{
    auto bytes = protocol::base64_decode(base64);
    if (!bytes || bytes->size() != crypto_box_PUBLICKEYBYTES)
        return fail("the submission public key must be 32 bytes in base64 (from 'guichet-hub keygen')");
    PublicKey key;
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
}

Result<std::unique_ptr<Outbox>> Outbox::open(const OutboxSettings& settings)
{
    if (sodium_init() < 0)
        return fail("libsodium cannot initialise");
    if (settings.path.has_parent_path()) {
        std::error_code error;
        std::filesystem::create_directories(settings.path.parent_path(), error);
    }
    auto db = Database::open(settings.path, Durability::Full);
    if (!db)
        return std::unexpected(db.error());
    if (auto migrated = db->migrate(migrations); !migrated)
        return fail("the outbox '" + settings.path.string() + "': " + migrated.error().message);
    return std::unique_ptr<Outbox>(new Outbox(settings, std::move(*db)));
}

// [SECTION] enqueue

Result<Receipt> Outbox::enqueue(NewSubmission& submission, int64_t now)
{
    // The answers are wiped on every path out of here, stored or not.
    struct WipeOnExit {
        std::string& text;
        ~WipeOnExit() { wipe(text); }
    } wipe_answers { submission.answers_json };

    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return fail("cannot store the submission: " + transaction.error().message);
    // The code is sealed with the answers (the back office checks it against the envelope), so it is
    // drawn before sealing: a code already used (one chance in 2^40) is drawn again first.
    Receipt receipt { new_uuid(), new_receipt_code(), now };
    auto taken = m_db.prepare("SELECT 1 FROM submissions WHERE receipt = ?");
    if (!taken)
        return std::unexpected(taken.error());
    for (int attempt = 0;; ++attempt) {
        auto found = taken->bind(1, receipt.code).step();
        if (!found)
            return fail("cannot store the submission: " + found.error().message);
        taken->reset();
        if (!*found)
            break;
        if (attempt >= 3)
            return fail("cannot store the submission: no free receipt code");
        receipt.code = new_receipt_code();
    }

    protocol::SealedPayload payload { receipt.id, m_settings.kiosk, submission.procedure, submission.version,
        rfc3339_utc(now), submission.assisted, std::move(submission.answers_json), protocol::wire_receipt(receipt.code) };
    auto plaintext = protocol::encode(payload);
    wipe(payload.answers_json);
    if (!plaintext)
        return std::unexpected(plaintext.error());

    std::vector<uint8_t> sealed(crypto_box_SEALBYTES + plaintext->size());
    int sealed_ok = crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(plaintext->data()),
        plaintext->size(), m_settings.submission_key.data());
    wipe(*plaintext);
    if (sealed_ok != 0)
        return fail("cannot seal the submission");
    if (sealed.size() > protocol::max_sealed_bytes)
        return fail("the submission is too large to send (" + std::to_string(sealed.size()) + " bytes sealed)");

    auto insert = m_db.prepare("INSERT INTO submissions (id, receipt, procedure, version, created_at, state, "
                               "next_attempt_at, sealed, sealed_size) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    insert->bind(1, receipt.id).bind(2, receipt.code).bind(3, submission.procedure).bind(4, submission.version);
    insert->bind(5, now).bind(6, now).bind(7, std::span<const uint8_t>(sealed)).bind(8, static_cast<int64_t>(sealed.size()));
    if (auto done = insert->run(); !done)
        return fail("cannot store the submission: " + done.error().message);
    if (auto committed = transaction->commit(); !committed)
        return fail("cannot store the submission: " + committed.error().message);
    return receipt;
}

// [SECTION] upload states

Result<std::vector<protocol::Item>> Outbox::due(int64_t now, size_t max_items, size_t max_bytes)
{
    std::lock_guard lock(m_mutex);
    auto select = m_db.prepare("SELECT id, procedure, version, created_at, sealed, receipt FROM submissions "
                               "WHERE state = 'queued' AND next_attempt_at <= ? AND sealed IS NOT NULL "
                               "ORDER BY next_attempt_at, created_at, rowid LIMIT ?");
    if (!select)
        return std::unexpected(select.error());
    select->bind(1, now).bind(2, static_cast<int64_t>(max_items));
    std::vector<protocol::Item> items;
    size_t bytes = 0;
    auto rows = select->each_row([&](const Statement& row) {
        protocol::Item item { row.text(0), row.text(1), row.int64(2), rfc3339_utc(row.int64(3)), row.blob(4),
            protocol::wire_receipt(row.text(5)) };
        if (!items.empty() && bytes + item.sealed.size() > max_bytes)
            return false;
        bytes += item.sealed.size();
        items.push_back(std::move(item));
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return items;
}

Result<std::optional<int64_t>> Outbox::next_attempt_at()
{
    std::lock_guard lock(m_mutex);
    auto select = m_db.prepare("SELECT MIN(next_attempt_at) FROM submissions WHERE state = 'queued'");
    if (!select)
        return std::unexpected(select.error());
    auto row = select->step();
    if (!row)
        return std::unexpected(row.error());
    if (select->is_null(0))
        return std::optional<int64_t>();
    return std::optional<int64_t>(select->int64(0));
}

Result<void> Outbox::update_each(std::string_view sql, std::span<const std::string> ids,
    const std::function<void(Statement&)>& bind_others)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto update = m_db.prepare(sql);
    if (!update)
        return std::unexpected(update.error());
    for (auto& id : ids) {
        bind_others(*update);
        if (auto done = update->bind(update_id_parameter, id).run(); !done)
            return done;
    }
    return transaction->commit();
}

Result<void> Outbox::mark_sent(std::span<const std::string> ids, int64_t now)
{
    return update_each("UPDATE submissions SET state = 'sent', sent_at = ?1, last_error = '' "
                       "WHERE id = ?9 AND state = 'queued'",
        ids, [now](Statement& update) { update.bind(1, now); });
}

Result<void> Outbox::quarantine(std::string_view id, std::string_view reason)
{
    std::lock_guard lock(m_mutex);
    auto update = m_db.prepare("UPDATE submissions SET state = 'quarantined', attempts = attempts + 1, last_error = ? "
                               "WHERE id = ? AND state = 'queued'");
    if (!update)
        return std::unexpected(update.error());
    return update->bind(1, reason).bind(2, id).run();
}

Result<void> Outbox::retry_later(std::span<const std::string> ids, int64_t when, std::string_view error)
{
    return update_each("UPDATE submissions SET attempts = attempts + 1, next_attempt_at = ?1, last_error = ?2 "
                       "WHERE id = ?9 AND state = 'queued'",
        ids, [when, error](Statement& update) { update.bind(1, when).bind(2, error); });
}

Result<bool> Outbox::requeue(std::string_view id_or_receipt, int64_t now)
{
    auto receipt = normalize_receipt_code(id_or_receipt);
    std::lock_guard lock(m_mutex);
    auto update = m_db.prepare("UPDATE submissions SET state = 'queued', next_attempt_at = ?, last_error = '' "
                               "WHERE (id = ? OR receipt = ?) AND state = 'quarantined' AND sealed IS NOT NULL");
    if (!update)
        return std::unexpected(update.error());
    if (auto done = update->bind(1, now).bind(2, id_or_receipt).bind(3, receipt.value_or("")).run(); !done)
        return std::unexpected(done.error());
    return m_db.changes() > 0;
}

Result<void> Outbox::record_rating(std::string_view procedure, int score, std::string_view day)
{
    if (score < 1 || score > 3)
        return fail("a rating is 1, 2 or 3");
    std::lock_guard lock(m_mutex);
    auto upsert = m_db.prepare("INSERT INTO ratings (day, procedure, score, count) VALUES (?, ?, ?, 1) "
                               "ON CONFLICT (day, procedure, score) DO UPDATE SET count = count + 1");
    if (!upsert)
        return std::unexpected(upsert.error());
    return upsert->bind(1, day).bind(2, procedure).bind(3, static_cast<int64_t>(score)).run();
}

Result<std::vector<RatingCount>> Outbox::ratings()
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT day, procedure, score, count FROM ratings ORDER BY day, procedure, score");
    if (!query)
        return std::unexpected(query.error());
    std::vector<RatingCount> counts;
    auto done = query->each_row([&](const Statement& row) {
        counts.push_back({ row.text(0), row.text(1), static_cast<int>(row.int64(2)), row.int64(3) });
        return true;
    });
    if (!done)
        return std::unexpected(done.error());
    return counts;
}

Result<std::vector<RatingCount>> Outbox::ratings_since(std::string_view first_day, size_t limit)
{
    std::lock_guard lock(m_mutex);
    // The newest days first, so a cut at `limit` drops the oldest counts.
    auto query = m_db.prepare("SELECT day, procedure, score, count FROM ratings WHERE day >= ? "
                              "ORDER BY day DESC, procedure, score LIMIT ?");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, first_day).bind(2, static_cast<int64_t>(limit));
    std::vector<RatingCount> counts;
    auto done = query->each_row([&](const Statement& row) {
        counts.push_back({ row.text(0), row.text(1), static_cast<int>(row.int64(2)), row.int64(3) });
        return true;
    });
    if (!done)
        return std::unexpected(done.error());
    return counts;
}

// [SECTION] hub states

Result<void> Outbox::set_status_url(std::string_view url)
{
    std::lock_guard lock(m_mutex);
    if (url.empty())
        return m_db.exec("DELETE FROM hub_facts WHERE name = 'status_url'");
    // Written only when it changed: every heartbeat answer repeats it.
    auto upsert = m_db.prepare("INSERT INTO hub_facts (name, value) VALUES ('status_url', ?) "
                               "ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE value != excluded.value");
    if (!upsert)
        return std::unexpected(upsert.error());
    return upsert->bind(1, url).run();
}

Result<std::string> Outbox::status_url()
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT value FROM hub_facts WHERE name = 'status_url'");
    if (!query)
        return std::unexpected(query.error());
    auto row = query->step();
    if (!row)
        return std::unexpected(row.error());
    return *row ? query->text(0) : std::string();
}

Result<int64_t> Outbox::apply_states(std::span<const protocol::StateUpdate> states)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    // Only a newer revision replaces what the kiosk has: an answer repeated or overtaken changes nothing.
    auto update = m_db.prepare("UPDATE submissions SET hub_state = ?, hub_message = ?, hub_state_at = ?, hub_rev = ? "
                               "WHERE id = ? AND hub_rev < ?");
    // A state the kiosk already has, sent again, means the hub missed the acknowledgement (the answer
    // to that heartbeat was lost): acknowledge it once more.
    auto again = m_db.prepare("UPDATE submissions SET hub_acked_rev = 0 WHERE id = ? AND hub_rev >= ? AND hub_acked_rev >= ?");
    if (!update)
        return std::unexpected(update.error());
    if (!again)
        return std::unexpected(again.error());
    int64_t applied = 0;
    for (auto& state : states) {
        if (!protocol::is_state_name(state.state))
            continue;
        if (auto done = again->bind(1, state.id).bind(2, state.rev).bind(3, state.rev).run(); !done)
            return std::unexpected(done.error());
        auto done = update->bind(1, state.state)
                        .bind(2, state.message)
                        .bind(3, state.at)
                        .bind(4, state.rev)
                        .bind(5, state.id)
                        .bind(6, state.rev)
                        .run();
        if (!done)
            return std::unexpected(done.error());
        applied += m_db.changes();
    }
    if (auto committed = transaction->commit(); !committed)
        return std::unexpected(committed.error());
    return applied;
}

Result<std::vector<protocol::StateAck>> Outbox::unacknowledged_states(size_t limit)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT id, hub_rev FROM submissions WHERE hub_rev > hub_acked_rev LIMIT ?");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, static_cast<int64_t>(limit));
    std::vector<protocol::StateAck> acks;
    auto done = query->each_row([&](const Statement& row) {
        acks.push_back({ row.text(0), row.int64(1) });
        return true;
    });
    if (!done)
        return std::unexpected(done.error());
    return acks;
}

Result<void> Outbox::mark_acknowledged(std::span<const protocol::StateAck> acks)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto update = m_db.prepare("UPDATE submissions SET hub_acked_rev = max(hub_acked_rev, ?) WHERE id = ?");
    if (!update)
        return std::unexpected(update.error());
    for (auto& ack : acks) {
        if (auto done = update->bind(1, ack.rev).bind(2, ack.id).run(); !done)
            return done;
    }
    return transaction->commit();
}

Result<int64_t> Outbox::purge_acknowledged(int64_t now)
{
    std::lock_guard lock(m_mutex);
    auto update = m_db.prepare("UPDATE submissions SET sealed = NULL "
                               "WHERE state = 'sent' AND sealed IS NOT NULL AND sent_at <= ?");
    if (!update)
        return std::unexpected(update.error());
    if (auto done = update->bind(1, now - m_settings.retention_s).run(); !done)
        return std::unexpected(done.error());
    return m_db.changes();
}

// [SECTION] look-ups

Result<OutboxCounts> Outbox::counts()
{
    std::lock_guard lock(m_mutex);
    auto select = m_db.prepare("SELECT state, COUNT(*), MIN(created_at) FROM submissions GROUP BY state");
    if (!select)
        return std::unexpected(select.error());
    OutboxCounts counts;
    auto rows = select->each_row([&](const Statement& row) {
        auto state = state_from_name(row.text(0));
        int64_t count = row.int64(1);
        if (state == ItemState::Queued) {
            counts.queued = count;
            counts.oldest_queued_created_at = row.int64(2);
        } else if (state == ItemState::Sent) {
            counts.sent = count;
        } else {
            counts.quarantined = count;
        }
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return counts;
}

Result<std::vector<QueueEntry>> Outbox::select_entries(std::string_view where, std::string_view argument, size_t limit)
{
    std::lock_guard lock(m_mutex);
    auto select = m_db.prepare("SELECT " + std::string(entry_columns) + " FROM submissions " + std::string(where)
        + " ORDER BY created_at DESC, rowid DESC LIMIT ?");
    if (!select)
        return std::unexpected(select.error());
    int next = 1;
    if (!argument.empty())
        select->bind(next++, argument);
    select->bind(next, static_cast<int64_t>(limit));
    std::vector<QueueEntry> entries;
    auto rows = select->each_row([&](const Statement& row) {
        QueueEntry entry;
        entry.id = row.text(0);
        entry.receipt = row.text(1);
        entry.procedure = row.text(2);
        entry.version = row.int64(3);
        entry.state = state_from_name(row.text(4));
        entry.attempts = row.int64(5);
        entry.created_at = row.int64(6);
        entry.next_attempt_at = row.int64(7);
        if (!row.is_null(8))
            entry.sent_at = row.int64(8);
        entry.last_error = row.text(9);
        entry.sealed_kept = row.int64(10) != 0;
        if (!row.is_null(11))
            entry.hub_state = row.text(11);
        if (!row.is_null(12))
            entry.hub_message = row.text(12);
        if (!row.is_null(13))
            entry.hub_state_at = row.text(13);
        entry.hub_rev = row.int64(14);
        entries.push_back(std::move(entry));
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return entries;
}

Result<std::vector<QueueEntry>> Outbox::entries(size_t limit) { return select_entries("", "", limit); }

Result<std::optional<QueueEntry>> Outbox::find_by_receipt(std::string_view code)
{
    auto canonical = normalize_receipt_code(code);
    if (!canonical)
        return std::optional<QueueEntry>();
    auto found = select_entries("WHERE receipt = ?", *canonical, 1);
    if (!found)
        return std::unexpected(found.error());
    if (found->empty())
        return std::optional<QueueEntry>();
    return std::optional<QueueEntry>(std::move(found->front()));
}

}
