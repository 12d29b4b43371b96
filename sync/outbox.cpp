// [SECTION] schema  [SECTION] enqueue  [SECTION] upload states  [SECTION] look-ups
#include "sync/outbox.h"

#include "sync/clock_text.h"
#include "sync/receipt.h"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>


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
    // Issue 18: a submission's scanned pages, each sealed on its own, sent in chunks after the submission.
    // `acked` is what the hub said it holds, so a restart resumes at the last acknowledged chunk.
    R"sql(
CREATE TABLE attachments (
    submission TEXT NOT NULL REFERENCES submissions (id),
    n INTEGER NOT NULL,                -- 0, 1, … as the sealed answers list the pages
    sealed BLOB,                       -- crypto_box_seal of the JPEG; NULL once purged with the submission's
    size INTEGER NOT NULL,             -- sealed bytes
    sha256 TEXT NOT NULL,              -- lower-case hex of the sealed bytes
    acked INTEGER NOT NULL DEFAULT 0,  -- bytes the hub acknowledged
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    failures INTEGER NOT NULL DEFAULT 0, -- hash refusals (422) in a row; held for the technician at 5
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (submission, n)
) STRICT;
CREATE INDEX attachments_pending ON attachments (done, submission);
)sql",
};

// update_each() binds each id to ?9, whatever the other parameters are.
constexpr int update_id_parameter = 9;

constexpr std::string_view entry_columns = "id, receipt, procedure, version, state, attempts, created_at, next_attempt_at, "
                                           "sent_at, last_error, sealed IS NOT NULL, hub_state, hub_message, hub_state_at, hub_rev, "
                                           "(SELECT COUNT(*) FROM attachments a WHERE a.submission = submissions.id), "
                                           "(SELECT COUNT(*) FROM attachments a WHERE a.submission = submissions.id AND a.done = 1)";

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

void wipe(std::vector<std::vector<uint8_t>>& pages)
{
    for (auto& page : pages)
        sodium_memzero(page.data(), page.capacity());
    pages.clear();
}

// A write refused for want of room: SQLite's SQLITE_FULL, or the OS's "no space" / "file too large" /
// "quota" behind an I/O error. The technician then knows to free the disk, not to look for a bug.
bool disk_full(const Database& db)
{
    int code = sqlite3_errcode(db.handle()) & 0xff;
    int system = sqlite3_system_errno(db.handle());
    return code == SQLITE_FULL || (code == SQLITE_IOERR && (system == ENOSPC || system == EFBIG || system == EDQUOT));
}

Error store_error(const Database& db, const Error& error)
{
    if (disk_full(db) || error.message.find("database or disk is full") != std::string::npos)
        return { "cannot store the submission: the kiosk's disk is full (" + error.message + ")" };
    return { "cannot store the submission: " + error.message };
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

std::string pages_progress_french(const QueueEntry& entry)
{
    if (entry.pages_total <= 0)
        return {};
    return std::to_string(entry.pages_sent) + "/" + std::to_string(entry.pages_total)
        + (entry.pages_total == 1 ? " pièce envoyée" : " pièces envoyées");
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
    // The answers and the scanned pages are wiped on every path out of here, stored or not.
    struct WipeOnExit {
        std::string& text;
        std::vector<std::vector<uint8_t>>& pages;
        ~WipeOnExit()
        {
            wipe(text);
            wipe(pages);
        }
    } wipe_answers { submission.answers_json, submission.pages };

    if (submission.pages.size() > protocol::max_attachments)
        return fail("the submission has too many pages to send (" + std::to_string(submission.pages.size())
            + ", at most " + std::to_string(protocol::max_attachments) + ")");
    // Each page is sealed on its own, to the same key, and its clear JPEG wiped at once: the kiosk never
    // holds more than one page in clear beyond what the screen still has.
    struct SealedPage {
        std::vector<uint8_t> sealed;
        std::string sha256;
    };
    std::vector<SealedPage> sealed_pages;
    for (size_t n = 0; n < submission.pages.size(); ++n) {
        auto& page = submission.pages[n];
        SealedPage sealed_page { std::vector<uint8_t>(crypto_box_SEALBYTES + page.size()), {} };
        int page_ok = crypto_box_seal(sealed_page.sealed.data(), page.data(), page.size(), m_settings.submission_key.data());
        sodium_memzero(page.data(), page.capacity());
        page.clear();
        if (page_ok != 0)
            return fail("cannot seal page " + std::to_string(n + 1) + " of the submission");
        if (sealed_page.sealed.size() > protocol::max_attachment_bytes)
            return fail("page " + std::to_string(n + 1) + " of the submission is too large to send ("
                + std::to_string(sealed_page.sealed.size()) + " bytes sealed, at most "
                + std::to_string(protocol::max_attachment_bytes) + ")");
        sealed_page.sha256 = protocol::sha256_hex(sealed_page.sealed);
        sealed_pages.push_back(std::move(sealed_page));
    }

    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(store_error(m_db, transaction.error()));
    // The code is sealed with the answers (the back office checks it against the envelope), so it is
    // drawn before sealing: a code already used (one chance in 2^40) is drawn again first.
    Receipt receipt { new_uuid(), new_receipt_code(), now };
    auto taken = m_db.prepare("SELECT 1 FROM submissions WHERE receipt = ?");
    if (!taken)
        return std::unexpected(taken.error());
    for (int attempt = 0;; ++attempt) {
        auto found = taken->bind(1, receipt.code).step();
        if (!found)
            return std::unexpected(store_error(m_db, found.error()));
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
        return std::unexpected(store_error(m_db, done.error()));
    // The pages in the same transaction: the receipt exists only once all of them are stored.
    if (!sealed_pages.empty()) {
        auto page_insert = m_db.prepare("INSERT INTO attachments (submission, n, sealed, size, sha256) VALUES (?, ?, ?, ?, ?)");
        if (!page_insert)
            return std::unexpected(page_insert.error());
        for (size_t n = 0; n < sealed_pages.size(); ++n) {
            auto& page = sealed_pages[n];
            page_insert->bind(1, receipt.id).bind(2, static_cast<int64_t>(n)).bind(3, std::span<const uint8_t>(page.sealed));
            page_insert->bind(4, static_cast<int64_t>(page.sealed.size())).bind(5, page.sha256);
            if (auto done = page_insert->run(); !done)
                return std::unexpected(store_error(m_db, done.error()));
        }
    }
    if (auto committed = transaction->commit(); !committed)
        return std::unexpected(store_error(m_db, committed.error()));
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
    // Each item announces its sealed pages (issue 18), so the hub knows what to wait for.
    auto manifest = m_db.prepare("SELECT n, size, sha256 FROM attachments WHERE submission = ? ORDER BY n");
    if (!manifest)
        return std::unexpected(manifest.error());
    for (auto& item : items) {
        manifest->bind(1, item.id);
        auto pages = manifest->each_row([&](const Statement& row) {
            item.attachments.push_back({ static_cast<int>(row.int64(0)), row.int64(1), row.text(2) });
            return true;
        });
        manifest->reset();
        if (!pages)
            return std::unexpected(pages.error());
    }
    return items;
}

Result<std::optional<int64_t>> Outbox::next_attempt_at()
{
    std::lock_guard lock(m_mutex);
    // Queued submissions, and the pages still to send of submissions the hub has.
    auto select = m_db.prepare("SELECT MIN(t) FROM (SELECT MIN(next_attempt_at) AS t FROM submissions WHERE state = 'queued' "
                               "UNION ALL SELECT MIN(a.next_attempt_at) FROM attachments a JOIN submissions s ON s.id = a.submission "
                               "WHERE s.state = 'sent' AND a.done = 0 AND a.sealed IS NOT NULL AND a.failures < "
        + std::to_string(max_page_refusals) + ")");
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
    if (m_db.changes() > 0)
        return true;
    // A submission the hub has, one of whose pages was held after repeated refusals: try its pages again.
    auto pages = m_db.prepare("UPDATE attachments SET failures = 0, next_attempt_at = ?1 WHERE done = 0 AND failures >= ?4 "
                              "AND submission IN (SELECT id FROM submissions WHERE (id = ?2 OR receipt = ?3) AND state = 'sent')");
    if (!pages)
        return std::unexpected(pages.error());
    pages->bind(1, now).bind(2, id_or_receipt).bind(3, receipt.value_or("")).bind(4, static_cast<int64_t>(max_page_refusals));
    if (auto done = pages->run(); !done)
        return std::unexpected(done.error());
    return m_db.changes() > 0;
}

// [SECTION] pages

Result<std::optional<PendingChunk>> Outbox::next_chunk(int64_t now, size_t max_bytes)
{
    std::lock_guard lock(m_mutex);
    // Pages go only once the hub has the submission (state 'sent'): it must know the manifest first.
    auto select = m_db.prepare("SELECT a.submission, a.n, a.acked, a.size, substr(a.sealed, a.acked + 1, ?) "
                               "FROM attachments a JOIN submissions s ON s.id = a.submission "
                               "WHERE s.state = 'sent' AND a.done = 0 AND a.sealed IS NOT NULL AND a.failures < ? "
                               "AND a.next_attempt_at <= ? ORDER BY s.sent_at, s.created_at, a.submission, a.n LIMIT 1");
    if (!select)
        return std::unexpected(select.error());
    select->bind(1, static_cast<int64_t>(std::max<size_t>(max_bytes, 1))).bind(2, static_cast<int64_t>(max_page_refusals)).bind(3, now);
    auto row = select->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<PendingChunk>();
    return std::optional<PendingChunk>(PendingChunk { select->text(0), static_cast<int>(select->int64(1)), select->int64(2),
        select->int64(3), select->blob(4) });
}

Result<void> Outbox::record_chunk(std::string_view id, int n, int64_t received, bool done)
{
    std::lock_guard lock(m_mutex);
    // A page done is done for good: a late answer about an earlier chunk does not reopen it.
    auto update = m_db.prepare("UPDATE attachments SET acked = max(0, min(?1, size)), done = ?2, "
                               "failures = CASE WHEN ?2 = 1 THEN 0 ELSE failures END, next_attempt_at = 0 "
                               "WHERE submission = ?3 AND n = ?4 AND done = 0");
    if (!update)
        return std::unexpected(update.error());
    return update->bind(1, received).bind(2, static_cast<int64_t>(done ? 1 : 0)).bind(3, id).bind(4, static_cast<int64_t>(n)).run();
}

Result<int64_t> Outbox::restart_page(std::string_view id, int n, std::string_view error)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto update = m_db.prepare("UPDATE attachments SET acked = 0, failures = failures + 1 WHERE submission = ? AND n = ? AND done = 0 "
                               "RETURNING failures");
    if (!update)
        return std::unexpected(update.error());
    auto row = update->bind(1, id).bind(2, static_cast<int64_t>(n)).step();
    if (!row)
        return std::unexpected(row.error());
    int64_t failures = *row ? update->int64(0) : 0;
    update->reset();
    auto keep = m_db.prepare("UPDATE submissions SET last_error = ? WHERE id = ?");
    if (!keep)
        return std::unexpected(keep.error());
    if (auto done = keep->bind(1, error).bind(2, id).run(); !done)
        return std::unexpected(done.error());
    if (auto committed = transaction->commit(); !committed)
        return std::unexpected(committed.error());
    return failures;
}

Result<void> Outbox::retry_page_later(std::string_view id, int n, int64_t when, std::string_view error)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto update = m_db.prepare("UPDATE attachments SET next_attempt_at = ? WHERE submission = ? AND n = ? AND done = 0");
    auto keep = m_db.prepare("UPDATE submissions SET last_error = ? WHERE id = ?");
    if (!update)
        return std::unexpected(update.error());
    if (!keep)
        return std::unexpected(keep.error());
    if (auto done = update->bind(1, when).bind(2, id).bind(3, static_cast<int64_t>(n)).run(); !done)
        return done;
    if (auto done = keep->bind(1, error).bind(2, id).run(); !done)
        return done;
    return transaction->commit();
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
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    // A submission whose pages are not all at the hub keeps its bytes and its pages': the hub needs them.
    constexpr std::string_view purgeable = "state = 'sent' AND sealed IS NOT NULL AND sent_at <= ?1 "
                                           "AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.submission = submissions.id AND a.done = 0)";
    auto pages = m_db.prepare("UPDATE attachments SET sealed = NULL WHERE sealed IS NOT NULL AND submission IN "
                              "(SELECT id FROM submissions WHERE " + std::string(purgeable) + ")");
    auto update = m_db.prepare("UPDATE submissions SET sealed = NULL WHERE " + std::string(purgeable));
    if (!pages)
        return std::unexpected(pages.error());
    if (!update)
        return std::unexpected(update.error());
    if (auto done = pages->bind(1, now - m_settings.retention_s).run(); !done)
        return std::unexpected(done.error());
    if (auto done = update->bind(1, now - m_settings.retention_s).run(); !done)
        return std::unexpected(done.error());
    int64_t purged = m_db.changes();
    if (auto committed = transaction->commit(); !committed)
        return std::unexpected(committed.error());
    return purged;
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
    auto pages = m_db.prepare("SELECT COUNT(*) FROM attachments WHERE done = 0 AND sealed IS NOT NULL");
    if (!pages)
        return std::unexpected(pages.error());
    auto page_row = pages->step();
    if (!page_row)
        return std::unexpected(page_row.error());
    counts.pages_pending = pages->int64(0);
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
        entry.pages_total = row.int64(15);
        entry.pages_sent = row.int64(16);
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
