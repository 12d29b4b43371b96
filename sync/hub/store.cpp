// The hub's schema, enrollment, token checks and idempotent storage of submissions.
#include "sync/hub/store.h"

#include "sync/clock_text.h"

#include <sodium.h>

#include <array>

namespace guichet::sync::hub {
namespace {

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
};

constexpr size_t token_bytes = 32;
using Hash = std::array<uint8_t, crypto_generichash_BYTES>;

Hash hash_of(std::span<const uint8_t> bytes)
{
    Hash hash {};
    crypto_generichash(hash.data(), hash.size(), bytes.data(), bytes.size(), nullptr, 0);
    return hash;
}

Hash hash_of(std::string_view text)
{
    return hash_of(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Error with_context(std::string_view what, const Error& error) { return Error { std::string(what) + ": " + error.message }; }

}

bool is_valid_kiosk_name(std::string_view name)
{
    return protocol::is_plain_name(name);
}

Store::Store(Database db)
    : m_mutex(std::make_unique<std::mutex>())
    , m_db(std::move(db))
{
}

Result<Store> Store::open(const std::filesystem::path& path)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    auto db = Database::open(path, Durability::Full);
    if (!db)
        return std::unexpected(db.error());
    if (auto done = db->migrate(migrations); !done)
        return std::unexpected(with_context("cannot prepare the hub database '" + path.string() + "'", done.error()));
    return Store(std::move(*db));
}

Result<std::string> Store::enroll(std::string_view name)
{
    if (!is_valid_kiosk_name(name))
        return fail("the kiosk name '" + std::string(name.substr(0, 80))
            + "' is not valid: use 1 to 64 lower-case letters, digits or '-'");
    std::array<uint8_t, token_bytes> secret {};
    randombytes_buf(secret.data(), secret.size());
    std::string token(sodium_base64_ENCODED_LEN(secret.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(token.data(), token.size(), secret.data(), secret.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token.resize(token.size() - 1); // the terminating NUL
    sodium_memzero(secret.data(), secret.size());
    auto hash = hash_of(std::string_view(token));

    std::lock_guard lock(*m_mutex);
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

Result<std::optional<std::string>> Store::authenticate(std::string_view token)
{
    // A real token is 43 characters; refusing odd lengths early costs nothing and tells nothing.
    if (token.empty() || token.size() > 128)
        return std::optional<std::string>();
    auto presented = hash_of(token);
    std::lock_guard lock(*m_mutex);
    auto query = m_db.prepare("SELECT name, token_hash FROM kiosks");
    if (!query)
        return std::unexpected(query.error());
    // Every stored hash is compared, in constant time, so the answer's timing says nothing about
    // which kiosk or how many bytes matched. A fleet is hundreds of kiosks, so this stays cheap.
    std::optional<std::string> match;
    auto rows = query->each_row([&](const Statement& row) {
        auto stored = row.blob(1);
        if (stored.size() == presented.size() && sodium_memcmp(stored.data(), presented.data(), presented.size()) == 0)
            match = row.text(0);
        return true; // go on past a match: every hash is compared
    });
    if (!rows)
        return std::unexpected(rows.error());
    return match;
}

Result<protocol::BatchResponse> Store::store_batch(std::string_view kiosk, const protocol::Batch& batch)
{
    using protocol::Status;
    auto received_at = now_rfc3339();
    std::lock_guard lock(*m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto lookup = m_db.prepare("SELECT kiosk, procedure, version, created_at, sealed_hash FROM submissions WHERE id = ?");
    auto insert = m_db.prepare("INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, "
                               "sealed_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!lookup)
        return std::unexpected(lookup.error());
    if (!insert)
        return std::unexpected(insert.error());

    protocol::BatchResponse response;
    response.results.reserve(batch.items.size() + batch.rejected.size());
    for (auto& item : batch.items) {
        auto hash = hash_of(std::span<const uint8_t>(item.sealed));
        auto found = lookup->bind(1, item.id).step();
        if (!found)
            return std::unexpected(found.error());
        if (*found) {
            protocol::ItemResult result { item.id, Status::Duplicate, {} };
            auto stored_hash = lookup->blob(4);
            if (lookup->text(0) != kiosk) {
                result = { item.id, Status::Conflict, "this id is already stored for another kiosk" };
            } else if (stored_hash.size() != hash.size() || !std::equal(hash.begin(), hash.end(), stored_hash.begin())) {
                result = { item.id, Status::Conflict, "this id is already stored with other sealed bytes" };
            } else if (lookup->text(1) != item.procedure || lookup->int64(2) != item.version
                || lookup->text(3) != item.created_at) {
                result = { item.id, Status::Conflict,
                    "this id is already stored with another procedure, version or creation time" };
            }
            lookup->reset();
            response.results.push_back(std::move(result));
            continue;
        }
        lookup->reset();
        auto done = insert->bind(1, item.id)
                        .bind(2, kiosk)
                        .bind(3, item.procedure)
                        .bind(4, item.version)
                        .bind(5, item.created_at)
                        .bind(6, received_at)
                        .bind(7, std::span<const uint8_t>(item.sealed))
                        .bind(8, std::span<const uint8_t>(hash))
                        .run();
        if (!done)
            return std::unexpected(done.error());
        response.results.push_back({ item.id, Status::Stored, {} });
    }
    // The kiosk deletes its copy once it reads "stored": the commit must be durable before we answer.
    if (auto done = transaction->commit(); !done)
        return std::unexpected(done.error());
    // Items the decoder refused are answered too, so the kiosk quarantines them and nothing else.
    response.results.insert(response.results.end(), batch.rejected.begin(), batch.rejected.end());
    return response;
}

Result<void> Store::record_heartbeat(std::string_view kiosk, const protocol::Heartbeat& heartbeat)
{
    std::lock_guard lock(*m_mutex);
    auto upsert = m_db.prepare(
        "INSERT INTO heartbeats (kiosk, last_seen, app_version, pack_version, queued, sent, quarantined, "
        "oldest_queued_age_s, disk_free_bytes, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(kiosk) DO UPDATE SET last_seen = excluded.last_seen, app_version = excluded.app_version, "
        "pack_version = excluded.pack_version, queued = excluded.queued, sent = excluded.sent, "
        "quarantined = excluded.quarantined, oldest_queued_age_s = excluded.oldest_queued_age_s, "
        "disk_free_bytes = excluded.disk_free_bytes, last_error = excluded.last_error");
    if (!upsert)
        return std::unexpected(upsert.error());
    return upsert->bind(1, kiosk)
        .bind(2, now_rfc3339())
        .bind(3, heartbeat.app_version)
        .bind(4, heartbeat.pack_version)
        .bind(5, heartbeat.queued)
        .bind(6, heartbeat.sent)
        .bind(7, heartbeat.quarantined)
        .bind(8, heartbeat.oldest_queued_age_s)
        .bind(9, heartbeat.disk_free_bytes)
        .bind(10, heartbeat.last_error)
        .run();
}

Result<std::optional<protocol::Heartbeat>> Store::latest_heartbeat(std::string_view kiosk)
{
    std::lock_guard lock(*m_mutex);
    auto query = m_db.prepare("SELECT app_version, pack_version, queued, sent, quarantined, oldest_queued_age_s, "
                              "disk_free_bytes, last_error FROM heartbeats WHERE kiosk = ?");
    if (!query)
        return std::unexpected(query.error());
    auto row = query->bind(1, kiosk).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<protocol::Heartbeat>();
    protocol::Heartbeat heartbeat;
    heartbeat.kiosk = std::string(kiosk);
    heartbeat.app_version = query->text(0);
    heartbeat.pack_version = query->text(1);
    heartbeat.queued = query->int64(2);
    heartbeat.sent = query->int64(3);
    heartbeat.quarantined = query->int64(4);
    if (!query->is_null(5))
        heartbeat.oldest_queued_age_s = query->int64(5);
    if (!query->is_null(6))
        heartbeat.disk_free_bytes = query->int64(6);
    heartbeat.last_error = query->text(7);
    return std::optional(std::move(heartbeat));
}

Result<std::vector<KioskStatus>> Store::kiosks()
{
    std::lock_guard lock(*m_mutex);
    auto query = m_db.prepare("SELECT k.name, k.enrolled_at, h.last_seen FROM kiosks k "
                              "LEFT JOIN heartbeats h ON h.kiosk = k.name ORDER BY k.name");
    if (!query)
        return std::unexpected(query.error());
    std::vector<KioskStatus> all;
    auto rows = query->each_row([&](const Statement& row) {
        KioskStatus status { row.text(0), row.text(1), std::nullopt };
        if (!row.is_null(2))
            status.last_seen = row.text(2);
        all.push_back(std::move(status));
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return all;
}

Result<void> Store::for_each_submission(const std::optional<std::string>& since,
    const std::function<void(const SubmissionRecord&)>& visit)
{
    std::lock_guard lock(*m_mutex);
    auto query = m_db.prepare("SELECT id, kiosk, procedure, version, created_at, received_at, sealed FROM submissions "
                              "WHERE ?1 IS NULL OR received_at >= ?1 ORDER BY received_at, rowid");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, since);
    auto rows = query->each_row([&](const Statement& row) {
        visit(SubmissionRecord { row.text(0), row.text(1), row.text(2), row.int64(3), row.text(4), row.text(5), row.blob(6) });
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return {};
}

}
