// The engine-independent part of the hub's store: choosing the engine from `--db`, tokens, hashes and
// the duplicate/conflict judgement both engines share.
#include "sync/hub/store.h"

#include "sync/clock_text.h"

#include "sync/hub/pg_store.h"
#include "sync/hub/sqlite_store.h"
#include "sync/hub/store_rules.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace guichet::sync::hub {

bool is_valid_kiosk_name(std::string_view name)
{
    return protocol::is_plain_name(name);
}

bool is_postgresql_url(std::string_view where)
{
    return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

Result<std::optional<std::string>> Store::authenticate(std::string_view token)
{
    auto check = check_token(token, now_rfc3339());
    if (!check)
        return std::unexpected(check.error());
    if (check->state == TokenState::Valid || check->state == TokenState::ValidPrevious)
        return std::optional(check->kiosk);
    return std::optional<std::string>();
}

Result<std::unique_ptr<Store>> Store::open(std::string_view where)
{
    if (is_postgresql_url(where)) {
        auto store = PgStore::open(std::string(where));
        if (!store)
            return std::unexpected(store.error());
        return std::unique_ptr<Store>(std::move(*store));
    }
    auto store = SqliteStore::open(std::filesystem::path(std::string(where)));
    if (!store)
        return std::unexpected(store.error());
    return std::unique_ptr<Store>(std::move(*store));
}

Result<CopyCount> copy_store(Store& from, Store& to, size_t chunk)
{
    auto statuses = from.kiosks();
    if (!statuses)
        return std::unexpected(statuses.error());
    auto hashes = from.token_hashes();
    if (!hashes)
        return std::unexpected(hashes.error());
    std::map<std::string, std::vector<uint8_t>> hash_of_kiosk(hashes->begin(), hashes->end());
    std::vector<KioskRecord> kiosks;
    for (auto& status : *statuses) {
        auto hash = hash_of_kiosk.find(status.name);
        if (hash == hash_of_kiosk.end())
            return fail("the kiosk '" + status.name + "' has no token hash in the source");
        kiosks.push_back({ std::move(status), hash->second });
    }
    if (auto done = to.import_kiosks(kiosks); !done)
        return std::unexpected(done.error());

    CopyCount count { kiosks.size(), 0, 0 };
    std::vector<SubmissionRecord> pending;
    std::optional<Error> failure;
    auto flush = [&] {
        auto added = to.import_submissions(pending);
        if (!added)
            failure = added.error();
        else
            count.added += *added;
        pending.clear();
    };
    auto read = from.for_each_submission(std::nullopt, [&](const SubmissionRecord& record) {
        if (failure)
            return;
        pending.push_back(record);
        ++count.submissions;
        if (pending.size() >= chunk)
            flush();
    });
    if (!read)
        return std::unexpected(read.error());
    if (!failure && !pending.empty())
        flush();
    if (failure)
        return std::unexpected(*failure);
    return count;
}

namespace rules {

ChunkStep plan_chunk(const PageState& page, int64_t offset, size_t length)
{
    auto end = offset + static_cast<int64_t>(length);
    if (offset < 0 || end > page.size)
        return { ChunkOutcome::PastSize };
    if (offset > page.received)
        return { ChunkOutcome::Ahead };
    if (end <= page.received)
        return { ChunkOutcome::Accepted }; // a retry of a chunk already held
    // A chunk that overlaps what the hub holds (a retry after a lost answer with another chunk size):
    // only its tail past `received` is new.
    auto skip = static_cast<size_t>(page.received - offset);
    return { ChunkOutcome::Accepted, skip, length - skip };
}

bool page_matches(std::span<const uint8_t> sealed, std::string_view sha256_hex)
{
    return protocol::sha256_hex(sealed) == sha256_hex;
}

Hash hash_of(std::span<const uint8_t> bytes)
{
    static_assert(std::tuple_size_v<Hash> == crypto_generichash_BYTES);
    Hash hash {};
    crypto_generichash(hash.data(), hash.size(), bytes.data(), bytes.size(), nullptr, 0);
    return hash;
}

Hash hash_of(std::string_view text)
{
    return hash_of(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Result<void> init_crypto()
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    return {};
}

std::string new_token()
{
    std::array<uint8_t, 32> secret {};
    randombytes_buf(secret.data(), secret.size());
    std::string token(sodium_base64_ENCODED_LEN(secret.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(token.data(), token.size(), secret.data(), secret.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token.resize(token.size() - 1); // the terminating NUL
    sodium_memzero(secret.data(), secret.size());
    return token;
}

bool same_hash(std::span<const uint8_t> stored, const Hash& presented)
{
    return stored.size() == presented.size() && sodium_memcmp(stored.data(), presented.data(), presented.size()) == 0;
}

protocol::ItemResult judge_existing(const StoredItem& stored, std::string_view kiosk, const protocol::Item& item,
    const Hash& sealed_hash)
{
    using protocol::Status;
    if (stored.kiosk != kiosk)
        return { item.id, Status::Conflict, "this id is already stored for another kiosk" };
    if (stored.sealed_hash.size() != sealed_hash.size()
        || !std::equal(sealed_hash.begin(), sealed_hash.end(), stored.sealed_hash.begin()))
        return { item.id, Status::Conflict, "this id is already stored with other sealed bytes" };
    if (stored.procedure != item.procedure || stored.version != item.version || stored.created_at != item.created_at)
        return { item.id, Status::Conflict, "this id is already stored with another procedure, version or creation time" };
    return { item.id, Status::Duplicate, {} };
}

Result<uint64_t> parse_cursor(std::string_view cursor, std::string_view engine)
{
    auto colon = cursor.find(':');
    auto kind = cursor.substr(0, colon), digits = cursor.substr(colon == std::string_view::npos ? cursor.size() : colon + 1);
    auto shown = std::string(cursor.substr(0, 40));
    uint64_t position = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), position);
    if ((kind != "sqlite" && kind != "pg") || digits.empty() || error != std::errc() || end != digits.data() + digits.size())
        return fail("the export cursor '" + shown + "' is not one guichet-hub wrote");
    if (kind != engine)
        return fail("the export cursor '" + shown + "' is from a " + std::string(kind == "pg" ? "PostgreSQL" : "SQLite")
            + " hub database, not this one: after moving a hub, export once with --since, then start a new cursor");
    return position;
}

Error cursor_ahead(std::string_view cursor)
{
    return Error { "the export cursor '" + std::string(cursor.substr(0, 40))
        + "' is ahead of this database (another database's, or this one was restored from a backup): export once "
          "with --since, then start a new cursor" };
}

std::string make_cursor(std::string_view engine, uint64_t position) { return std::string(engine) + ":" + std::to_string(position); }

Result<void> judge_import(const StoredItem& stored, const SubmissionRecord& record, const Hash& sealed_hash)
{
    protocol::Item item { record.id, record.procedure, record.version, record.created_at, {} };
    auto judged = judge_existing(stored, record.kiosk, item, sealed_hash);
    if (judged.status != protocol::Status::Duplicate)
        return fail("the submission '" + record.id + "' is already in the target with other content: " + judged.reason);
    return {};
}

}

}
