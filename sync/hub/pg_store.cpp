// The hub's PostgreSQL engine: a pool of libpq connections, versioned schema steps, and storage whose
// exactly-once rests on the database's unique keys (INSERT ... ON CONFLICT DO NOTHING), not on a lock.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

#include "sync/clock_text.h"
#include "sync/hub/store_rules.h"

#include <libpq-fe.h>

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include <poll.h>

namespace guichet::sync::hub {
using namespace pg;
namespace {

// Never edit a step that has shipped: add one. Pending steps run in one transaction (PostgreSQL's DDL
// is transactional) holding an advisory lock, so two hubs starting at once migrate once.
// Text that is ordered (times, names) uses the "C" collation: byte order, as in SQLite, whatever the
// database's locale.
constexpr std::string_view migrations[] = {
    R"sql(
CREATE TABLE kiosks (
    name text COLLATE "C" PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    enrolled_at text NOT NULL
);
CREATE SEQUENCE submission_arrival;
CREATE TABLE submissions (
    seq bigint NOT NULL DEFAULT nextval('submission_arrival'),
    id text PRIMARY KEY,
    kiosk text COLLATE "C" NOT NULL REFERENCES kiosks(name),
    procedure text NOT NULL,
    version bigint NOT NULL,
    created_at text NOT NULL,
    received_at text COLLATE "C" NOT NULL,
    sealed bytea NOT NULL,
    sealed_hash bytea NOT NULL
);
CREATE INDEX submissions_by_arrival ON submissions(received_at, seq);
CREATE TABLE heartbeats (
    kiosk text COLLATE "C" PRIMARY KEY REFERENCES kiosks(name),
    last_seen text NOT NULL,
    app_version text NOT NULL,
    pack_version text NOT NULL,
    queued bigint NOT NULL,
    sent bigint NOT NULL,
    quarantined bigint NOT NULL,
    oldest_queued_age_s bigint,
    disk_free_bytes bigint,
    last_error text NOT NULL
);
)sql",
    // Export cursors: the transaction that stored each row. Every row of a transaction older than the
    // oldest one still open is committed (or was never there), so an export up to that horizon misses
    // nothing that commits later. Existing rows take this step's own transaction id.
    R"sql(
ALTER TABLE submissions ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX submissions_by_commit ON submissions(tx, seq);
-- Sealed bytes are random: PostgreSQL's attempt to compress each one above 2 KB only costs time.
ALTER TABLE submissions ALTER COLUMN sealed SET STORAGE EXTERNAL;
)sql",    // Issue 17, the back office (see the SQLite engine's step 4, which this mirrors).
    R"sql(
CREATE TABLE agents (
    name text COLLATE "C" PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('agent', 'supervisor')),
    all_procedures integer NOT NULL DEFAULT 0,
    password_hash text NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    retry_at text COLLATE "C" NOT NULL DEFAULT '',
    disabled_at text,
    created_at text NOT NULL,
    last_sign_in text
);
CREATE TABLE agent_procedures (
    agent text COLLATE "C" NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
    procedure text COLLATE "C" NOT NULL,
    PRIMARY KEY (agent, procedure)
);
CREATE TABLE sessions (
    id_hash bytea PRIMARY KEY,
    agent text COLLATE "C" NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
    csrf bytea NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    last_seen text COLLATE "C" NOT NULL,
    expires_at text COLLATE "C" NOT NULL
);
CREATE INDEX sessions_by_agent ON sessions(agent);
CREATE TABLE audit (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at text COLLATE "C" NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text COLLATE "C" NOT NULL DEFAULT '',
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_target ON audit(target, seq);
ALTER TABLE submissions ADD COLUMN receipt text COLLATE "C";
ALTER TABLE submissions ADD COLUMN state text COLLATE "C" NOT NULL DEFAULT 'received';
ALTER TABLE submissions ADD COLUMN state_at text COLLATE "C";
ALTER TABLE submissions ADD COLUMN final_at text COLLATE "C";
ALTER TABLE submissions ADD COLUMN message text NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN handler text;
ALTER TABLE submissions ADD COLUMN rev bigint NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN kiosk_rev bigint NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN purged_at text COLLATE "C";
ALTER TABLE submissions ALTER COLUMN procedure TYPE text COLLATE "C";
CREATE INDEX submissions_inbox ON submissions(procedure, received_at, seq);
CREATE INDEX submissions_inbox_state ON submissions(procedure, state, received_at, seq);
CREATE INDEX submissions_inbox_kiosk ON submissions(procedure, kiosk, received_at, seq);
CREATE INDEX submissions_by_receipt ON submissions(receipt) WHERE receipt IS NOT NULL;
CREATE INDEX submissions_to_notify ON submissions(kiosk) WHERE kiosk_rev < rev;
CREATE INDEX submissions_to_purge ON submissions(final_at) WHERE final_at IS NOT NULL AND purged_at IS NULL;
CREATE TABLE state_history (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL,
    at text COLLATE "C" NOT NULL,
    agent text NOT NULL,
    from_state text NOT NULL,
    to_state text NOT NULL
);
CREATE INDEX state_history_by_id ON state_history(id, seq);
CREATE TABLE processing_delays (
    procedure text COLLATE "C" NOT NULL,
    final_day text COLLATE "C" NOT NULL,
    delay_s bigint NOT NULL,
    final_state text NOT NULL
);
CREATE INDEX processing_delays_by_day ON processing_delays(final_day, procedure);
CREATE TABLE ratings (
    kiosk text COLLATE "C" NOT NULL,
    day text COLLATE "C" NOT NULL,
    procedure text COLLATE "C" NOT NULL,
    score integer NOT NULL CHECK (score BETWEEN 1 AND 3),
    count bigint NOT NULL,
    PRIMARY KEY (kiosk, day, procedure, score)
);
CREATE TABLE procedure_definitions (
    procedure text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    definition text NOT NULL,
    retention_days integer,
    PRIMARY KEY (procedure, version)
);
CREATE TABLE purge_runs (
    day text COLLATE "C" PRIMARY KEY,
    at text NOT NULL,
    purged bigint NOT NULL,
    forgotten bigint NOT NULL
);
)sql",
    // Issue 17, kiosk tokens (the SQLite engine's step 5).
    R"sql(
ALTER TABLE kiosks ADD COLUMN revoked_at text;
ALTER TABLE kiosks ADD COLUMN previous_token_hash bytea UNIQUE;
ALTER TABLE kiosks ADD COLUMN previous_valid_until text COLLATE "C";
)sql",
    // Issue 17: each kiosk's place (the SQLite engine's step 6) and the purge's forgetting index.
    R"sql(
ALTER TABLE heartbeats ADD COLUMN place text NOT NULL DEFAULT '';
CREATE INDEX submissions_to_forget ON submissions(purged_at) WHERE purged_at IS NOT NULL;
)sql",
    // Issue 18, documents (the SQLite engine's step 7): each submission's manifest of sealed pages and
    // the pages' bytes, one row per chunk; triggers drop them when the purge empties the sealed payload
    // or forgets the submission.
    R"sql(
CREATE TABLE submission_pages (
    id text NOT NULL,
    n integer NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    received bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (id, n)
);
CREATE TABLE page_chunks (
    id text NOT NULL,
    n integer NOT NULL,
    at_byte bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (id, n, at_byte)
);
-- Sealed bytes are random: compressing them only costs time.
ALTER TABLE page_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE FUNCTION drop_submission_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM page_chunks WHERE id = OLD.id;
    DELETE FROM submission_pages WHERE id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER submission_pages_purged AFTER UPDATE OF purged_at ON submissions
    FOR EACH ROW WHEN (NEW.purged_at IS NOT NULL) EXECUTE FUNCTION drop_submission_pages();
CREATE TRIGGER submission_pages_forgotten AFTER DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION drop_submission_pages();
)sql",
    // Issue 19: the receipt printer's state from each kiosk's heartbeat (the SQLite engine's step 8).
    R"sql(
ALTER TABLE heartbeats ADD COLUMN printer text NOT NULL DEFAULT '';
)sql",
};

// pg_advisory_xact_lock's key for schema changes: "guichet" in ASCII.
constexpr const char* migration_lock = "SELECT pg_advisory_xact_lock(29113321341412724)";

// A statement that takes longer fails, so a slow database makes the hub answer 503 instead of holding
// a worker indefinitely; the kiosk retries later.
constexpr const char* session_settings = "SET statement_timeout = '15s'; SET lock_timeout = '10s'; SET client_min_messages = warning; "
                                         "SET idle_in_transaction_session_timeout = '60s'";

// The heartbeat whose rules::heartbeat_columns start at column `first` of `row`.
protocol::Heartbeat heartbeat_at(const PGresult* result, int row, int first, std::string_view kiosk)
{
    protocol::Heartbeat heartbeat;
    heartbeat.kiosk = std::string(kiosk);
    heartbeat.app_version = text(result, row, first);
    heartbeat.pack_version = text(result, row, first + 1);
    heartbeat.queued = int64(result, row, first + 2);
    heartbeat.sent = int64(result, row, first + 3);
    heartbeat.quarantined = int64(result, row, first + 4);
    if (!is_null(result, row, first + 5))
        heartbeat.oldest_queued_age_s = int64(result, row, first + 5);
    if (!is_null(result, row, first + 6))
        heartbeat.disk_free_bytes = int64(result, row, first + 6);
    heartbeat.last_error = text(result, row, first + 7);
    heartbeat.place = text(result, row, first + 8);
    heartbeat.printer = text(result, row, first + 9);
    return heartbeat;
}

// rules::heartbeat_upsert on `connection`.
Result<void> upsert_heartbeat(PGconn* connection, std::string_view kiosk, const std::string& last_seen,
    const protocol::Heartbeat& heartbeat, bool only_if_newer)
{
    auto sql = std::string(rules::heartbeat_upsert) + (only_if_newer ? std::string(rules::heartbeat_only_if_newer) : "");
    auto done = exec(connection, sql.c_str(),
        { kiosk, last_seen, heartbeat.app_version, heartbeat.pack_version, heartbeat.queued, heartbeat.sent,
            heartbeat.quarantined, heartbeat.oldest_queued_age_s, heartbeat.disk_free_bytes, heartbeat.last_error, heartbeat.place, heartbeat.printer });
    if (!done)
        return std::unexpected(done.error());
    return {};
}

// Runs a query whose first columns are id, kiosk, procedure, version, created_at, received_at, sealed and
// receipt, and calls `visit` on each row as it arrives (single-row mode), so an export of millions does
// not sit in memory.
Result<void> stream_submissions(PGconn* connection, const char* sql, const std::vector<Param>& params,
    const std::function<void(const SubmissionRecord&)>& visit)
{
    auto prepared = prepare(params);
    if (!PQsendQueryParams(connection, sql, static_cast<int>(params.size()), nullptr, prepared.values.data(),
            prepared.lengths.data(), prepared.formats.data(), 0))
        return std::unexpected(pg_error(connection, "export"));
    PQsetSingleRowMode(connection);
    std::optional<Error> failure;
    while (PGresult* raw = PQgetResult(connection)) {
        ResultPtr result(raw, &PQclear);
        auto status = PQresultStatus(raw);
        if (status == PGRES_SINGLE_TUPLE) {
            if (!failure)
                visit(SubmissionRecord { text(raw, 0, 0), text(raw, 0, 1), text(raw, 0, 2), int64(raw, 0, 3),
                    text(raw, 0, 4), text(raw, 0, 5), bytes(raw, 0, 6), text(raw, 0, 7) });
        } else if (status != PGRES_TUPLES_OK && !failure) {
            failure = pg_error(connection, "export");
        }
    }
    if (failure)
        return std::unexpected(*failure);
    return {};
}

// What is stored under `id`, which an insert just found taken, for the duplicate/conflict judgement.
Result<rules::StoredItem> read_back(PGconn* connection, const std::string& id)
{
    auto existing = exec(connection, "SELECT kiosk, procedure, version, created_at, sealed_hash FROM submissions WHERE id = $1", { id });
    if (!existing)
        return std::unexpected(existing.error());
    if (PQntuples(existing->get()) != 1)
        return fail("PostgreSQL: the submission '" + id + "' conflicted but cannot be read back");
    auto* row = existing->get();
    return rules::StoredItem { text(row, 0, 0), text(row, 0, 1), int64(row, 0, 2), text(row, 0, 3), bytes(row, 0, 4) };
}

}

PgStore::PgStore(std::string url)
    : m_url(std::move(url))
{
}

PgStore::~PgStore()
{
    for (auto* connection : m_idle)
        PQfinish(connection);
}

void PgStore::give_back(PGconn* connection)
{
    std::lock_guard lock(m_mutex);
    m_idle.push_back(connection);
}

Result<PgStore::Lease> PgStore::lease()
{
    for (;;) {
        PGconn* pooled = nullptr;
        {
            std::lock_guard lock(m_mutex);
            if (m_idle.empty())
                break;
            pooled = m_idle.back();
            m_idle.pop_back();
        }
        // An idle connection has nothing to say; one whose socket is readable was closed by the server
        // (it restarted or ended the session), so it would only fail the next request with a 503.
        pollfd socket { PQsocket(pooled), POLLIN, 0 };
        if (socket.fd >= 0 && poll(&socket, 1, 0) == 0)
            return Lease(*this, pooled);
        PQfinish(pooled);
    }
    // The URL's own settings win; these only fill what it leaves out: a bounded connection time, and
    // keepalives so a vanished server is noticed.
    const char* keys[] = { "dbname", "connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
        "application_name", nullptr };
    const char* values[] = { m_url.c_str(), "5", "30", "10", "3", "guichet-hub", nullptr };
    // expand_dbname: the first "dbname" is the whole URL; keys after it do not override what it sets.
    PGconn* connection = PQconnectdbParams(keys, values, 1);
    Lease lease(*this, connection);
    if (!connection)
        return fail("PostgreSQL: out of memory");
    if (PQstatus(connection) != CONNECTION_OK)
        return std::unexpected(pg_error(connection, "cannot connect"));
    if (auto done = exec_plain(connection, session_settings); !done)
        return std::unexpected(done.error());
    return lease;
}

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url)
{
    if (auto ready = rules::init_crypto(); !ready)
        return std::unexpected(ready.error());
    std::unique_ptr<PgStore> store(new PgStore(url));
    auto lease = store->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());
    if (auto done = exec_plain(connection, migration_lock); !done)
        return std::unexpected(done.error());
    if (auto done = exec_plain(connection, "CREATE TABLE IF NOT EXISTS hub_schema_steps (step integer PRIMARY KEY, "
                                           "applied_at timestamptz NOT NULL DEFAULT now())");
        !done)
        return std::unexpected(done.error());
    auto current = exec(connection, "SELECT coalesce(max(step), 0) FROM hub_schema_steps");
    if (!current)
        return std::unexpected(current.error());
    auto version = int64(current->get(), 0, 0);
    auto known = static_cast<int64_t>(std::size(migrations));
    if (version > known)
        return fail("the hub database is at schema step " + std::to_string(version) + ", newer than this guichet-hub ("
            + std::to_string(known) + "): use a newer guichet-hub");
    for (auto step = version + 1; step <= known; ++step) {
        if (auto done = exec_plain(connection, std::string(migrations[step - 1]).c_str()); !done)
            return std::unexpected(done.error());
        if (auto done = exec(connection, "INSERT INTO hub_schema_steps (step) VALUES ($1)", { step }); !done)
            return std::unexpected(done.error());
    }
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return store;
}

Result<std::string> PgStore::enroll(std::string_view name)
{
    if (!is_valid_kiosk_name(name))
        return fail("the kiosk name '" + std::string(name.substr(0, 80))
            + "' is not valid: use 1 to 64 lower-case letters, digits or '-'");
    auto token = rules::new_token();
    auto hash = rules::hash_of(std::string_view(token));
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto inserted = exec(lease->get(),
        "INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        { name, std::span<const uint8_t>(hash), now_rfc3339() });
    if (!inserted)
        return std::unexpected(inserted.error());
    if (std::string_view(PQcmdTuples(inserted->get())) != "1")
        return fail("a kiosk named '" + std::string(name) + "' is already enrolled");
    return token;
}

Result<protocol::BatchResponse> PgStore::store_batch(std::string_view kiosk, const protocol::Batch& batch)
{
    auto received_at = now_rfc3339();
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());

    // Items are inserted in id order, so two hubs storing overlapping batches take their row locks in
    // the same order and cannot deadlock; the answers keep the batch's order. A stable sort keeps an id
    // repeated in one batch in its order: the first is stored, the next is judged against it.
    std::vector<size_t> order(batch.items.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return batch.items[a].id < batch.items[b].id; });

    // Export order is (received_at, seq): the batch's positions get increasing numbers before the
    // rows are inserted in id order, so a batch is exported in the order the kiosk sent it.
    std::vector<int64_t> arrival;
    if (!batch.items.empty()) {
        auto numbers = exec(connection, "SELECT nextval('submission_arrival') FROM generate_series(1, $1)",
            { static_cast<int64_t>(batch.items.size()) });
        if (!numbers)
            return std::unexpected(numbers.error());
        for (int row = 0; row < PQntuples(numbers->get()); ++row)
            arrival.push_back(int64(numbers->get(), row, 0));
        if (arrival.size() != batch.items.size())
            return fail("PostgreSQL: could not number the batch's items");
        std::sort(arrival.begin(), arrival.end());
    }

    // One statement inserts the whole batch, in id order (the VALUES rows are inserted in the order
    // written), so a batch costs a few round trips, not one per item. ON CONFLICT waits for another
    // hub's uncommitted insert of the same id, then does nothing if it committed (and inserts if it
    // rolled back): the unique key decides, once. RETURNING names the ids this statement stored.
    std::vector<protocol::ItemResult> results(batch.items.size());
    std::vector<rules::Hash> hashes(batch.items.size());
    std::vector<size_t> unanswered;
    if (!batch.items.empty()) {
        std::string sql = "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, "
                          "sealed_hash, seq, receipt) VALUES ";
        std::vector<Param> params;
        params.reserve(order.size() * 10);
        for (auto index : order) {
            auto& item = batch.items[index];
            hashes[index] = rules::hash_of(std::span<const uint8_t>(item.sealed));
            auto first = params.size() + 1;
            sql += params.empty() ? "(" : ", (";
            for (size_t column = 0; column < 10; ++column)
                sql += (column ? ", $" : "$") + std::to_string(first + column);
            sql += ")";
            for (Param param : { Param(item.id), Param(kiosk), Param(item.procedure), Param(item.version),
                     Param(item.created_at), Param(received_at), Param(std::span<const uint8_t>(item.sealed)),
                     Param(std::span<const uint8_t>(hashes[index])), Param(arrival[index]), Param(item.receipt) })
                params.push_back(std::move(param));
        }
        sql += " ON CONFLICT (id) DO NOTHING RETURNING id";
        auto inserted = exec(connection, sql.c_str(), params);
        if (!inserted)
            return std::unexpected(inserted.error());
        std::unordered_set<std::string> stored;
        for (int row = 0; row < PQntuples(inserted->get()); ++row)
            stored.insert(text(inserted->get(), row, 0));
        // The first of an id repeated in the batch is the one stored; the others are judged below.
        for (auto index : order) {
            auto& item = batch.items[index];
            if (stored.erase(item.id)) {
                results[index] = { item.id, protocol::Status::Stored, {} };
                // Its manifest of sealed pages, in the same transaction (a duplicate keeps the first's).
                if (auto kept = insert_manifest(connection, item); !kept)
                    return std::unexpected(kept.error());
            } else
                unanswered.push_back(index);
        }
    }
    // Ids already stored (a kiosk's retry, or another kiosk's clash) are read back and judged.
    for (auto index : unanswered) {
        auto& item = batch.items[index];
        auto stored = read_back(connection, item.id);
        if (!stored)
            return std::unexpected(stored.error());
        results[index] = rules::judge_existing(*stored, kiosk, item, hashes[index]);
    }
    // The kiosk deletes its copy once it reads "stored": the commit must be durable before we answer.
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    protocol::BatchResponse response;
    response.results = std::move(results);
    response.results.insert(response.results.end(), batch.rejected.begin(), batch.rejected.end());
    return response;
}

Result<void> PgStore::record_heartbeat(std::string_view kiosk, const protocol::Heartbeat& heartbeat)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    return upsert_heartbeat(lease->get(), kiosk, now_rfc3339(), heartbeat, false);
}

Result<std::optional<protocol::Heartbeat>> PgStore::latest_heartbeat(std::string_view kiosk)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto found = exec(lease->get(),
        ("SELECT " + std::string(rules::heartbeat_columns) + " FROM heartbeats h WHERE h.kiosk = $1").c_str(), { kiosk });
    if (!found)
        return std::unexpected(found.error());
    if (PQntuples(found->get()) == 0)
        return std::optional<protocol::Heartbeat>();
    return std::optional(heartbeat_at(found->get(), 0, 0, kiosk));
}

Result<std::vector<KioskStatus>> PgStore::kiosks()
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto found = exec(lease->get(),
        ("SELECT k.name, k.enrolled_at, h.last_seen, " + std::string(rules::heartbeat_columns)
            + " FROM kiosks k LEFT JOIN heartbeats h ON h.kiosk = k.name ORDER BY k.name")
            .c_str());
    if (!found)
        return std::unexpected(found.error());
    std::vector<KioskStatus> all;
    auto* rows = found->get();
    for (int row = 0; row < PQntuples(rows); ++row) {
        KioskStatus status { text(rows, row, 0), text(rows, row, 1), std::nullopt, std::nullopt };
        if (!is_null(rows, row, 2)) {
            status.last_seen = text(rows, row, 2);
            status.heartbeat = heartbeat_at(rows, row, 3, status.name);
        }
        all.push_back(std::move(status));
    }
    return all;
}

Result<void> PgStore::for_each_submission(const std::optional<std::string>& since,
    const std::function<void(const SubmissionRecord&)>& visit)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    return stream_submissions(lease->get(),
        "SELECT id, kiosk, procedure, version, created_at, received_at, sealed, coalesce(receipt, '') FROM submissions "
        "WHERE $1::text IS NULL OR received_at >= $1::text ORDER BY received_at, seq",
        { Param(since) }, visit);
}

Result<std::string> PgStore::for_each_submission_after(const std::optional<std::string>& cursor,
    const std::function<void(const SubmissionRecord&)>& visit)
{
    uint64_t after = 0;
    if (cursor) {
        auto position = rules::parse_cursor(*cursor, "pg");
        if (!position)
            return std::unexpected(position.error());
        after = *position;
    }
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    // One snapshot for both statements: the horizon is the oldest transaction it sees as still open.
    PgTransaction transaction(connection);
    if (auto done = exec_plain(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !done)
        return std::unexpected(done.error());
    // Horizons only grow within one PostgreSQL cluster, and a row's transaction is older than the
    // snapshot's xmax; a cursor past the horizon, or rows past xmax, come from another cluster (a
    // pg_restore copies each row's tx as data), and the window below would skip them silently.
    auto horizon = exec(connection,
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, "
        "EXISTS (SELECT 1 FROM submissions WHERE tx >= pg_snapshot_xmax(pg_current_snapshot()))");
    if (!horizon)
        return std::unexpected(horizon.error());
    uint64_t until = std::stoull(text(horizon->get(), 0, 0));
    if (text(horizon->get(), 0, 1) == "t")
        return fail("this PostgreSQL database holds submissions numbered by another cluster (it was restored from a "
                    "dump): renumber them as docs/hub-operations.md says (Backups), then export once with --since "
                    "and start a new cursor");
    if (cursor && after > until)
        return std::unexpected(rules::cursor_ahead(*cursor));
    if (until > after) {
        auto done = stream_submissions(connection,
            "SELECT id, kiosk, procedure, version, created_at, received_at, sealed, coalesce(receipt, '') FROM submissions "
            "WHERE tx >= $1::text::xid8 AND tx < $2::text::xid8 ORDER BY tx, seq",
            { Param(std::to_string(after)), Param(std::to_string(until)) }, visit);
        if (!done)
            return std::unexpected(done.error());
    }
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return rules::make_cursor("pg", until);
}

Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> PgStore::token_hashes()
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto found = exec(lease->get(), "SELECT name, token_hash FROM kiosks ORDER BY name");
    if (!found)
        return std::unexpected(found.error());
    std::vector<std::pair<std::string, std::vector<uint8_t>>> all;
    for (int row = 0; row < PQntuples(found->get()); ++row)
        all.emplace_back(text(found->get(), row, 0), bytes(found->get(), row, 1));
    return all;
}

Result<void> PgStore::import_kiosks(std::span<const KioskRecord> kiosks)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());
    for (auto& kiosk : kiosks) {
        auto inserted = exec(connection,
            "INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            { kiosk.status.name, std::span<const uint8_t>(kiosk.token_hash), kiosk.status.enrolled_at });
        if (!inserted)
            return std::unexpected(inserted.error());
        if (std::string_view(PQcmdTuples(inserted->get())) != "1") {
            auto existing = exec(connection, "SELECT token_hash FROM kiosks WHERE name = $1", { kiosk.status.name });
            if (!existing)
                return std::unexpected(existing.error());
            if (PQntuples(existing->get()) != 1 || bytes(existing->get(), 0, 0) != kiosk.token_hash)
                return fail("the kiosk '" + kiosk.status.name + "' is already enrolled here with another token");
        }
        if (kiosk.status.heartbeat && kiosk.status.last_seen)
            if (auto done = upsert_heartbeat(connection, kiosk.status.name, *kiosk.status.last_seen, *kiosk.status.heartbeat, true);
                !done)
                return std::unexpected(done.error());
    }
    return transaction.commit();
}

Result<size_t> PgStore::import_submissions(std::span<const SubmissionRecord> submissions)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());
    // In the order given (the source's arrival order), so the sequence keeps it for export.
    size_t added = 0;
    for (auto& record : submissions) {
        auto hash = rules::hash_of(std::span<const uint8_t>(record.sealed));
        auto inserted = exec(connection,
            "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash, receipt) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, '')) ON CONFLICT (id) DO NOTHING",
            { record.id, record.kiosk, record.procedure, record.version, record.created_at, record.received_at,
                std::span<const uint8_t>(record.sealed), std::span<const uint8_t>(hash), record.receipt });
        if (!inserted)
            return std::unexpected(inserted.error());
        if (std::string_view(PQcmdTuples(inserted->get())) == "1") {
            ++added;
            continue;
        }
        auto stored = read_back(connection, record.id);
        if (!stored)
            return std::unexpected(stored.error());
        if (auto judged = rules::judge_import(*stored, record, hash); !judged)
            return std::unexpected(judged.error());
    }
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return added;
}

}
