// The hub's SQLite engine: schema steps, enrollment, token lookup and idempotent storage of submissions.
#include "sync/hub/sqlite_store.h"

#include "sync/clock_text.h"
#include "sync/hub/store_rules.h"

namespace guichet::sync::hub {
namespace {

// Never edit a step that has shipped: add one. Each runs once, in its own transaction.
constexpr std::string_view migrations[] = {
    R"sql(
CREATE TABLE kiosks (
    name TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL,
    enrolled_at TEXT NOT NULL
);
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    kiosk TEXT NOT NULL REFERENCES kiosks(name),
    procedure TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    sealed BLOB NOT NULL,
    sealed_hash BLOB NOT NULL
);
CREATE INDEX submissions_by_arrival ON submissions(received_at);
CREATE TABLE heartbeats (
    kiosk TEXT PRIMARY KEY REFERENCES kiosks(name),
    last_seen TEXT NOT NULL,
    app_version TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    queued INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    oldest_queued_age_s INTEGER,
    disk_free_bytes INTEGER,
    last_error TEXT NOT NULL
);
)sql",
    // Issue 16: a token is found by its hash through an index, not by comparing every kiosk's.
    R"sql(
CREATE UNIQUE INDEX kiosks_by_token ON kiosks(token_hash);
)sql",
    // Issue 16: a number per submission that is never reused (AUTOINCREMENT), in commit order (SQLite
    // has one writer at a time), for export cursors. The existing rows keep their rowid as number.
    R"sql(
CREATE TABLE submissions_numbered (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kiosk TEXT NOT NULL REFERENCES kiosks(name),
    procedure TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    sealed BLOB NOT NULL,
    sealed_hash BLOB NOT NULL
);
INSERT INTO submissions_numbered (seq, id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash)
    SELECT rowid, id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash FROM submissions ORDER BY rowid;
DROP TABLE submissions;
ALTER TABLE submissions_numbered RENAME TO submissions;
CREATE INDEX submissions_by_arrival ON submissions(received_at);
)sql",    // Issue 17, the back office: agents, their sessions (kept by a hash of the cookie's secret), the
    // audit log, each submission's processing state and receipt code, the states owed to kiosks, the
    // figures supervisors chart (which survive the purge), and every procedure definition seen.
    R"sql(
CREATE TABLE agents (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    all_procedures INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at TEXT NOT NULL DEFAULT '',
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    last_sign_in TEXT
);
CREATE TABLE agent_procedures (
    agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
    procedure TEXT NOT NULL,
    PRIMARY KEY (agent, procedure)
);
CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY,
    agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
    csrf BLOB NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_agent ON sessions(agent);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_target ON audit(target, seq);
ALTER TABLE submissions ADD COLUMN receipt TEXT;
ALTER TABLE submissions ADD COLUMN state TEXT NOT NULL DEFAULT 'received';
ALTER TABLE submissions ADD COLUMN state_at TEXT;
ALTER TABLE submissions ADD COLUMN final_at TEXT;
ALTER TABLE submissions ADD COLUMN message TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN handler TEXT;
ALTER TABLE submissions ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN kiosk_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN purged_at TEXT;
CREATE INDEX submissions_inbox ON submissions(procedure, received_at, seq);
CREATE INDEX submissions_inbox_state ON submissions(procedure, state, received_at, seq);
CREATE INDEX submissions_inbox_kiosk ON submissions(procedure, kiosk, received_at, seq);
CREATE INDEX submissions_by_receipt ON submissions(receipt) WHERE receipt IS NOT NULL;
CREATE INDEX submissions_to_notify ON submissions(kiosk) WHERE kiosk_rev < rev;
CREATE INDEX submissions_to_purge ON submissions(final_at) WHERE final_at IS NOT NULL AND purged_at IS NULL;
CREATE TABLE state_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    agent TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL
);
CREATE INDEX state_history_by_id ON state_history(id, seq);
CREATE TABLE processing_delays (
    procedure TEXT NOT NULL,
    final_day TEXT NOT NULL,
    delay_s INTEGER NOT NULL,
    final_state TEXT NOT NULL
);
CREATE INDEX processing_delays_by_day ON processing_delays(final_day, procedure);
CREATE TABLE ratings (
    kiosk TEXT NOT NULL,
    day TEXT NOT NULL,
    procedure TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 3),
    count INTEGER NOT NULL,
    PRIMARY KEY (kiosk, day, procedure, score)
);
CREATE TABLE procedure_definitions (
    procedure TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    retention_days INTEGER,
    PRIMARY KEY (procedure, version)
);
CREATE TABLE purge_runs (
    day TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    purged INTEGER NOT NULL,
    forgotten INTEGER NOT NULL
);
)sql",
    // Issue 17, kiosk tokens: a revoked kiosk is refused with the reason, and a rotated token leaves
    // the previous one valid for a grace period.
    R"sql(
ALTER TABLE kiosks ADD COLUMN revoked_at TEXT;
ALTER TABLE kiosks ADD COLUMN previous_token_hash BLOB;
ALTER TABLE kiosks ADD COLUMN previous_valid_until TEXT;
CREATE UNIQUE INDEX kiosks_by_previous_token ON kiosks(previous_token_hash);
)sql",
    // Issue 17: where each kiosk stands (its heartbeat's place), for the inbox and the fleet; the purge's
    // second step (forgetting, keep-status-days after the purge) finds its rows by an index.
    R"sql(
ALTER TABLE heartbeats ADD COLUMN place TEXT NOT NULL DEFAULT '';
CREATE INDEX submissions_to_forget ON submissions(purged_at) WHERE purged_at IS NOT NULL;
)sql",
    // Issue 18, documents: each submission's manifest of sealed pages (what the kiosk announced, and how
    // much of each page arrived) and the pages' bytes, one row per chunk as it came, so appending never
    // rewrites what is held. The retention purge and the forgetting drop a submission's pages with its
    // sealed payload: triggers, so no path that purges can forget them.
    R"sql(
CREATE TABLE submission_pages (
    id TEXT NOT NULL,
    n INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (id, n)
);
CREATE TABLE page_chunks (
    id TEXT NOT NULL,
    n INTEGER NOT NULL,
    at_byte INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (id, n, at_byte)
);
CREATE TRIGGER submission_pages_purged AFTER UPDATE OF purged_at ON submissions WHEN NEW.purged_at IS NOT NULL
BEGIN
    DELETE FROM page_chunks WHERE id = NEW.id;
    DELETE FROM submission_pages WHERE id = NEW.id;
END;
CREATE TRIGGER submission_pages_forgotten AFTER DELETE ON submissions
BEGIN
    DELETE FROM page_chunks WHERE id = OLD.id;
    DELETE FROM submission_pages WHERE id = OLD.id;
END;
)sql",
    // Issue 19: the receipt printer's state from each kiosk's heartbeat ("ready", "no_paper", …), for the fleet.
    R"sql(
ALTER TABLE heartbeats ADD COLUMN printer TEXT NOT NULL DEFAULT '';
)sql",
};

// The heartbeat whose rules::heartbeat_columns start at column `first` of `row`.
protocol::Heartbeat heartbeat_at(const Statement& row, int first, std::string_view kiosk)
{
    protocol::Heartbeat heartbeat;
    heartbeat.kiosk = std::string(kiosk);
    heartbeat.app_version = row.text(first);
    heartbeat.pack_version = row.text(first + 1);
    heartbeat.queued = row.int64(first + 2);
    heartbeat.sent = row.int64(first + 3);
    heartbeat.quarantined = row.int64(first + 4);
    if (!row.is_null(first + 5))
        heartbeat.oldest_queued_age_s = row.int64(first + 5);
    if (!row.is_null(first + 6))
        heartbeat.disk_free_bytes = row.int64(first + 6);
    heartbeat.last_error = row.text(first + 7);
    heartbeat.place = row.text(first + 8);
    heartbeat.printer = row.text(first + 9);
    return heartbeat;
}

Error with_context(std::string_view what, const Error& error) { return Error { std::string(what) + ": " + error.message }; }

}

SqliteStore::SqliteStore(Database db)
    : m_db(std::move(db))
{
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path)
{
    if (auto ready = rules::init_crypto(); !ready)
        return std::unexpected(ready.error());
    auto db = Database::open(path, Durability::Full);
    if (!db)
        return std::unexpected(db.error());
    if (auto done = db->migrate(migrations); !done)
        return std::unexpected(with_context("cannot prepare the hub database '" + path.string() + "'", done.error()));
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db)));
}

Result<std::string> SqliteStore::enroll(std::string_view name)
{
    if (!is_valid_kiosk_name(name))
        return fail("the kiosk name '" + std::string(name.substr(0, 80))
            + "' is not valid: use 1 to 64 lower-case letters, digits or '-'");
    auto token = rules::new_token();
    auto hash = rules::hash_of(std::string_view(token));

    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto existing = m_db.prepare("SELECT 1 FROM kiosks WHERE name = ?");
    if (!existing)
        return std::unexpected(existing.error());
    auto found = existing->bind(1, name).step();
    if (!found)
        return std::unexpected(found.error());
    if (*found)
        return fail("a kiosk named '" + std::string(name) + "' is already enrolled");
    auto insert = m_db.prepare("INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES (?, ?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    if (auto done = insert->bind(1, name).bind(2, std::span<const uint8_t>(hash)).bind(3, now_rfc3339()).run(); !done)
        return std::unexpected(done.error());
    if (auto done = transaction->commit(); !done)
        return std::unexpected(done.error());
    return token;
}

// Group commit: a batch joins the queue; whichever caller finds no group being written takes the
// whole queue and writes it in one transaction, so batches arriving together share one WAL sync (the
// cost that dominates: one writer, synchronous=FULL). Each batch has its own savepoint, so a batch
// whose statements fail is answered with that error alone; a failed COMMIT fails every batch of the
// group, none of which is then answered `stored`.
Result<protocol::BatchResponse> SqliteStore::store_batch(std::string_view kiosk, const protocol::Batch& batch)
{
    PendingBatch mine { kiosk, &batch, std::nullopt };
    std::unique_lock queue(m_queue_mutex);
    m_queue.push_back(&mine);
    while (!mine.answer) {
        if (m_writing) {
            m_answered.wait(queue);
            continue;
        }
        m_writing = true;
        auto group = std::exchange(m_queue, {});
        queue.unlock();
        auto answers = write_group(group);
        queue.lock();
        // Answers are handed over under the queue's lock, which the waiting callers read them under.
        for (size_t i = 0; i < group.size(); ++i)
            group[i]->answer = std::move(answers[i]);
        m_writing = false;
        m_answered.notify_all();
    }
    return std::move(*mine.answer);
}

std::vector<Result<protocol::BatchResponse>> SqliteStore::write_group(const std::vector<PendingBatch*>& group)
{
    std::vector<Result<protocol::BatchResponse>> answers(group.size());
    auto fail_all = [&](const Error& error) {
        for (auto& answer : answers)
            answer = std::unexpected(error);
        return answers;
    };
    // The time is taken once the lock is held, so on one hub arrival times follow commit order.
    std::lock_guard lock(m_mutex);
    auto received_at = now_rfc3339();
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return fail_all(transaction.error());
    auto lookup = m_db.prepare("SELECT kiosk, procedure, version, created_at, sealed_hash FROM submissions WHERE id = ?");
    auto insert = m_db.prepare("INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, "
                               "sealed_hash, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!lookup)
        return fail_all(lookup.error());
    if (!insert)
        return fail_all(insert.error());
    for (size_t i = 0; i < group.size(); ++i) {
        if (auto done = m_db.exec("SAVEPOINT batch"); !done)
            return fail_all(done.error());
        answers[i] = insert_batch(*lookup, *insert, group[i]->kiosk, *group[i]->batch, received_at);
        if (!answers[i]) {
            lookup->reset();
            insert->reset();
            if (auto undone = m_db.exec("ROLLBACK TO batch"); !undone)
                return fail_all(undone.error());
        }
        if (auto done = m_db.exec("RELEASE batch"); !done)
            return fail_all(done.error());
    }
    // The kiosk deletes its copy once it reads "stored": the commit must be durable before we answer.
    if (auto done = transaction->commit(); !done)
        return fail_all(done.error());
    return answers;
}

Result<protocol::BatchResponse> SqliteStore::insert_batch(Statement& lookup, Statement& insert, std::string_view kiosk,
    const protocol::Batch& batch, const std::string& received_at)
{
    protocol::BatchResponse response;
    response.results.reserve(batch.items.size() + batch.rejected.size());
    for (auto& item : batch.items) {
        auto hash = rules::hash_of(std::span<const uint8_t>(item.sealed));
        auto found = lookup.bind(1, item.id).step();
        if (!found)
            return std::unexpected(found.error());
        if (*found) {
            rules::StoredItem stored { lookup.text(0), lookup.text(1), lookup.int64(2), lookup.text(3), lookup.blob(4) };
            lookup.reset();
            response.results.push_back(rules::judge_existing(stored, kiosk, item, hash));
            continue;
        }
        lookup.reset();
        auto done = insert.bind(1, item.id)
                        .bind(2, kiosk)
                        .bind(3, item.procedure)
                        .bind(4, item.version)
                        .bind(5, item.created_at)
                        .bind(6, received_at)
                        .bind(7, std::span<const uint8_t>(item.sealed))
                        .bind(8, std::span<const uint8_t>(hash))
                        .bind(9, item.receipt)
                        .run();
        if (!done)
            return std::unexpected(done.error());
        if (auto kept = insert_manifest(item); !kept)
            return std::unexpected(kept.error());
        response.results.push_back({ item.id, protocol::Status::Stored, {} });
    }
    // Items the decoder refused are answered too, so the kiosk quarantines them and nothing else.
    response.results.insert(response.results.end(), batch.rejected.begin(), batch.rejected.end());
    return response;
}

Result<void> SqliteStore::record_heartbeat(std::string_view kiosk, const protocol::Heartbeat& heartbeat)
{
    std::lock_guard lock(m_mutex);
    return upsert_heartbeat(kiosk, now_rfc3339(), heartbeat, false);
}

Result<void> SqliteStore::upsert_heartbeat(std::string_view kiosk, const std::string& last_seen,
    const protocol::Heartbeat& heartbeat, bool only_if_newer)
{
    auto upsert = m_db.prepare(std::string(rules::heartbeat_upsert) + (only_if_newer ? std::string(rules::heartbeat_only_if_newer) : ""));
    if (!upsert)
        return std::unexpected(upsert.error());
    return upsert->bind(1, kiosk)
        .bind(2, last_seen)
        .bind(3, heartbeat.app_version)
        .bind(4, heartbeat.pack_version)
        .bind(5, heartbeat.queued)
        .bind(6, heartbeat.sent)
        .bind(7, heartbeat.quarantined)
        .bind(8, heartbeat.oldest_queued_age_s)
        .bind(9, heartbeat.disk_free_bytes)
        .bind(10, heartbeat.last_error)
        .bind(11, heartbeat.place)
        .bind(12, heartbeat.printer)
        .run();
}

Result<std::optional<protocol::Heartbeat>> SqliteStore::latest_heartbeat(std::string_view kiosk)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT " + std::string(rules::heartbeat_columns) + " FROM heartbeats h WHERE h.kiosk = ?");
    if (!query)
        return std::unexpected(query.error());
    auto row = query->bind(1, kiosk).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<protocol::Heartbeat>();
    return std::optional(heartbeat_at(*query, 0, kiosk));
}

Result<std::vector<KioskStatus>> SqliteStore::kiosks()
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT k.name, k.enrolled_at, h.last_seen, " + std::string(rules::heartbeat_columns)
        + " FROM kiosks k LEFT JOIN heartbeats h ON h.kiosk = k.name ORDER BY k.name");
    if (!query)
        return std::unexpected(query.error());
    std::vector<KioskStatus> all;
    auto rows = query->each_row([&](const Statement& row) {
        KioskStatus status { row.text(0), row.text(1), std::nullopt, std::nullopt };
        if (!row.is_null(2)) {
            status.last_seen = row.text(2);
            status.heartbeat = heartbeat_at(row, 3, status.name);
        }
        all.push_back(std::move(status));
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return all;
}

Result<void> SqliteStore::for_each_submission(const std::optional<std::string>& since,
    const std::function<void(const SubmissionRecord&)>& visit)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT id, kiosk, procedure, version, created_at, received_at, sealed, coalesce(receipt, '') "
                              "FROM submissions WHERE ?1 IS NULL OR received_at >= ?1 ORDER BY received_at, rowid");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, since);
    auto rows = query->each_row([&](const Statement& row) {
        visit(SubmissionRecord { row.text(0), row.text(1), row.text(2), row.int64(3), row.text(4), row.text(5), row.blob(6),
            row.text(7) });
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return {};
}

Result<std::string> SqliteStore::for_each_submission_after(const std::optional<std::string>& cursor,
    const std::function<void(const SubmissionRecord&)>& visit)
{
    uint64_t after = 0;
    if (cursor) {
        auto position = rules::parse_cursor(*cursor, "sqlite");
        if (!position)
            return std::unexpected(position.error());
        after = *position;
    }
    std::lock_guard lock(m_mutex);
    // AUTOINCREMENT keeps the highest number ever given in sqlite_sequence, deletions or not.
    auto highest = m_db.prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'submissions'");
    if (!highest)
        return std::unexpected(highest.error());
    if (auto row = highest->step(); !row)
        return std::unexpected(row.error());
    if (after > static_cast<uint64_t>(highest->int64(0)))
        return std::unexpected(rules::cursor_ahead(*cursor));
    auto query = m_db.prepare("SELECT id, kiosk, procedure, version, created_at, received_at, sealed, seq, coalesce(receipt, '') FROM submissions "
                              "WHERE seq > ? ORDER BY seq");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, static_cast<int64_t>(after));
    auto rows = query->each_row([&](const Statement& row) {
        visit(SubmissionRecord { row.text(0), row.text(1), row.text(2), row.int64(3), row.text(4), row.text(5), row.blob(6),
            row.text(8) });
        after = static_cast<uint64_t>(row.int64(7));
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return rules::make_cursor("sqlite", after);
}

Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> SqliteStore::token_hashes()
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT name, token_hash FROM kiosks ORDER BY name");
    if (!query)
        return std::unexpected(query.error());
    std::vector<std::pair<std::string, std::vector<uint8_t>>> all;
    auto rows = query->each_row([&](const Statement& row) {
        all.emplace_back(row.text(0), row.blob(1));
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return all;
}

Result<void> SqliteStore::import_kiosks(std::span<const KioskRecord> kiosks)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto existing = m_db.prepare("SELECT token_hash FROM kiosks WHERE name = ?");
    auto insert = m_db.prepare("INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES (?, ?, ?)");
    if (!existing)
        return std::unexpected(existing.error());
    if (!insert)
        return std::unexpected(insert.error());
    for (auto& kiosk : kiosks) {
        auto found = existing->bind(1, kiosk.status.name).step();
        if (!found)
            return std::unexpected(found.error());
        bool here = *found;
        bool same = here && existing->blob(0) == kiosk.token_hash;
        existing->reset();
        if (here && !same)
            return fail("the kiosk '" + kiosk.status.name + "' is already enrolled here with another token");
        if (!here) {
            auto done = insert->bind(1, kiosk.status.name)
                            .bind(2, std::span<const uint8_t>(kiosk.token_hash))
                            .bind(3, kiosk.status.enrolled_at)
                            .run();
            if (!done)
                return std::unexpected(done.error());
        }
        if (kiosk.status.heartbeat && kiosk.status.last_seen)
            if (auto done = upsert_heartbeat(kiosk.status.name, *kiosk.status.last_seen, *kiosk.status.heartbeat, true); !done)
                return std::unexpected(done.error());
    }
    return transaction->commit();
}

Result<size_t> SqliteStore::import_submissions(std::span<const SubmissionRecord> submissions)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto lookup = m_db.prepare("SELECT kiosk, procedure, version, created_at, sealed_hash FROM submissions WHERE id = ?");
    auto insert = m_db.prepare("INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, "
                               "sealed_hash, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))");
    if (!lookup)
        return std::unexpected(lookup.error());
    if (!insert)
        return std::unexpected(insert.error());
    size_t added = 0;
    for (auto& record : submissions) {
        auto hash = rules::hash_of(std::span<const uint8_t>(record.sealed));
        auto found = lookup->bind(1, record.id).step();
        if (!found)
            return std::unexpected(found.error());
        if (*found) {
            rules::StoredItem stored { lookup->text(0), lookup->text(1), lookup->int64(2), lookup->text(3), lookup->blob(4) };
            lookup->reset();
            if (auto judged = rules::judge_import(stored, record, hash); !judged)
                return std::unexpected(judged.error());
            continue;
        }
        lookup->reset();
        auto done = insert->bind(1, record.id)
                        .bind(2, record.kiosk)
                        .bind(3, record.procedure)
                        .bind(4, record.version)
                        .bind(5, record.created_at)
                        .bind(6, record.received_at)
                        .bind(7, std::span<const uint8_t>(record.sealed))
                        .bind(8, std::span<const uint8_t>(hash))
                        .bind(9, record.receipt)
                        .run();
        if (!done)
            return std::unexpected(done.error());
        ++added;
    }
    if (auto done = transaction->commit(); !done)
        return std::unexpected(done.error());
    return added;
}

}
