// Store conformance (both engines), documents (issue 18): a batch item's manifest of sealed pages is
// kept with it; chunks are appended by the rules of docs/sync-protocol.md (idempotent per offset, a gap
// answered with what is held, a page checked against its SHA-256 once whole and dropped when it does
// not match, only the owning kiosk's); the purge drops the pages with the sealed payload.
#include "store_conformance.h"

#include "sync/hub/store.h"
#include "sync/protocol.h"

#include <sodium.h>

#include <catch2/catch.hpp>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::TempDir;
using namespace guichet::test::conformance;

namespace {

std::vector<uint8_t> page_of(size_t size, uint8_t seed)
{
    std::vector<uint8_t> page(size);
    for (size_t i = 0; i < size; ++i)
        page[i] = static_cast<uint8_t>(seed + i * 7);
    return page;
}

std::span<const uint8_t> slice(const std::vector<uint8_t>& bytes, size_t from, size_t length)
{
    return std::span<const uint8_t>(bytes).subspan(from, length);
}

// A submission of `kiosk` announcing `pages`, stored.
protocol::Item submit_with_pages(Store& store, const std::string& kiosk, const std::vector<std::vector<uint8_t>>& pages)
{
    protocol::Item item { test::new_uuid(), "acte-naissance", 1, "2026-01-01T09:00:00Z", bytes_of("sealed payload") };
    for (size_t n = 0; n < pages.size(); ++n)
        item.attachments.push_back({ static_cast<int>(n), static_cast<int64_t>(pages[n].size()), protocol::sha256_hex(pages[n]) });
    auto stored = store.store_batch(kiosk, protocol::Batch { kiosk, { item }, {} });
    REQUIRE(stored);
    REQUIRE(stored->results.at(0).status == protocol::Status::Stored);
    return item;
}

ChunkReply append(Store& store, const std::string& kiosk, const std::string& id, int n, int64_t offset, std::span<const uint8_t> bytes)
{
    auto reply = store.append_chunk(kiosk, id, n, offset, bytes);
    INFO((reply ? std::string() : reply.error().message));
    REQUIRE(reply);
    return *reply;
}

}

TEST_CASE("Store conformance: a page arrives in chunks, is checked, and completes its submission", "[hub][store][pg][attachments]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-01"));
    auto first = page_of(1000, 1);
    auto second = page_of(300, 2);
    auto item = submit_with_pages(*store, "mairie-01", { first, second });

    auto pages = store->attachment_pages(item.id);
    REQUIRE(pages);
    REQUIRE(pages->size() == 2);
    CHECK((*pages)[0].size == 1000);
    CHECK((*pages)[0].received == 0);
    CHECK((*pages)[1].sha256 == protocol::sha256_hex(second));
    CHECK(*store->attachment_bytes(item.id, 0) == std::nullopt);

    // Page 0 in three chunks.
    auto reply = append(*store, "mairie-01", item.id, 0, 0, slice(first, 0, 400));
    CHECK(reply.outcome == ChunkOutcome::Accepted);
    CHECK(reply.received == 400);
    CHECK_FALSE(reply.submission_complete);
    reply = append(*store, "mairie-01", item.id, 0, 400, slice(first, 400, 400));
    CHECK(reply.received == 800);
    // The same chunk again (the answer was lost): the same answer, nothing written twice.
    reply = append(*store, "mairie-01", item.id, 0, 400, slice(first, 400, 400));
    CHECK(reply.outcome == ChunkOutcome::Accepted);
    CHECK(reply.received == 800);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM page_chunks WHERE id = '" + item.id + "'") == 2);
    // A gap: the hub says where to resume.
    reply = append(*store, "mairie-01", item.id, 0, 900, slice(first, 900, 100));
    CHECK(reply.outcome == ChunkOutcome::Ahead);
    CHECK(reply.received == 800);
    // Past the announced size.
    reply = append(*store, "mairie-01", item.id, 0, 800, slice(page_of(201, 0), 0, 201));
    CHECK(reply.outcome == ChunkOutcome::PastSize);
    // An overlapping chunk (a retry with another chunk size): only its tail is taken.
    reply = append(*store, "mairie-01", item.id, 0, 700, slice(first, 700, 300));
    CHECK(reply.outcome == ChunkOutcome::Accepted);
    CHECK(reply.received == 1000);
    CHECK_FALSE(reply.submission_complete); // page 1 is still missing
    CHECK(*store->attachment_bytes(item.id, 0) == first);

    reply = append(*store, "mairie-01", item.id, 1, 0, slice(second, 0, 300));
    CHECK(reply.received == 300);
    CHECK(reply.submission_complete);
    pages = store->attachment_pages(item.id);
    REQUIRE(pages);
    CHECK(((*pages)[0].complete() && (*pages)[1].complete()));
    CHECK(*store->attachment_bytes(item.id, 1) == second);
    // A repeat once complete still answers complete.
    reply = append(*store, "mairie-01", item.id, 1, 0, slice(second, 0, 300));
    CHECK(reply.outcome == ChunkOutcome::Accepted);
    CHECK(reply.submission_complete);
}

TEST_CASE("Store conformance: a page that does not match its hash is dropped and sent again", "[hub][store][pg][attachments]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-01"));
    auto page = page_of(500, 3);
    auto item = submit_with_pages(*store, "mairie-01", { page });
    auto damaged = page;
    damaged[499] ^= 0xff;
    CHECK(append(*store, "mairie-01", item.id, 0, 0, slice(damaged, 0, 250)).received == 250);
    auto reply = append(*store, "mairie-01", item.id, 0, 250, slice(damaged, 250, 250));
    CHECK(reply.outcome == ChunkOutcome::HashMismatch);
    CHECK(reply.received == 0);
    CHECK_FALSE(reply.submission_complete);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM page_chunks WHERE id = '" + item.id + "'") == 0);
    CHECK(store->attachment_pages(item.id)->at(0).received == 0);
    reply = append(*store, "mairie-01", item.id, 0, 0, slice(page, 0, 500));
    CHECK(reply.outcome == ChunkOutcome::Accepted);
    CHECK(reply.submission_complete);
    CHECK(*store->attachment_bytes(item.id, 0) == page);
}

TEST_CASE("Store conformance: only the kiosk that sent a submission sends its pages, and only those announced", "[hub][store][pg][attachments]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-01"));
    REQUIRE(store->enroll("mairie-02"));
    auto page = page_of(100, 4);
    auto item = submit_with_pages(*store, "mairie-01", { page });
    CHECK(append(*store, "mairie-02", item.id, 0, 0, slice(page, 0, 100)).outcome == ChunkOutcome::UnknownPage);
    CHECK(append(*store, "mairie-01", item.id, 1, 0, slice(page, 0, 100)).outcome == ChunkOutcome::UnknownPage);
    CHECK(append(*store, "mairie-01", test::new_uuid(), 0, 0, slice(page, 0, 100)).outcome == ChunkOutcome::UnknownPage);
    CHECK(store->attachment_pages(item.id)->at(0).received == 0);

    // A submission without documents (an older kiosk) has no pages, and is complete as it is.
    protocol::Item plain { test::new_uuid(), "acte-naissance", 1, "2026-01-01T09:00:00Z", bytes_of("plain") };
    REQUIRE(store->store_batch("mairie-01", protocol::Batch { "mairie-01", { plain }, {} }));
    CHECK(store->attachment_pages(plain.id)->empty());

    // A duplicate keeps the first manifest: a retried batch with another manifest changes nothing.
    auto retried = item;
    retried.attachments.push_back({ 1, 50, std::string(64, 'a') });
    auto again = store->store_batch("mairie-01", protocol::Batch { "mairie-01", { retried }, {} });
    REQUIRE(again);
    CHECK(again->results.at(0).status == protocol::Status::Duplicate);
    CHECK(store->attachment_pages(item.id)->size() == 1);
}

TEST_CASE("Store conformance: the purge drops a submission's pages with its sealed payload", "[hub][store][pg][attachments]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-01"));
    auto page = page_of(100, 5);
    auto item = submit_with_pages(*store, "mairie-01", { page });
    auto kept = submit_with_pages(*store, "mairie-01", { page });
    REQUIRE(append(*store, "mairie-01", item.id, 0, 0, slice(page, 0, 100)).submission_complete);
    REQUIRE(append(*store, "mairie-01", kept.id, 0, 0, slice(page, 0, 100)).submission_complete);
    direct_sql(engine, where,
        "UPDATE submissions SET state = 'done', state_at = '2026-01-01T12:00:00.000Z', final_at = '2026-01-01T12:00:00.000Z' "
        "WHERE id = '" + item.id + "'");
    PurgePolicy policy;
    policy.default_retention_days = 10;
    policy.keep_status_days = 30;
    auto count = store->purge(policy, "2026-01-20T00:00:00.000Z");
    REQUIRE(count);
    CHECK(count->purged == 1);
    CHECK(store->attachment_pages(item.id)->empty());
    CHECK(*store->attachment_bytes(item.id, 0) == std::nullopt);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM page_chunks WHERE id = '" + item.id + "'") == 0);
    // A late chunk of a purged submission finds nothing.
    CHECK(append(*store, "mairie-01", item.id, 0, 0, slice(page, 0, 100)).outcome == ChunkOutcome::UnknownPage);
    // The other submission, still open, keeps its page.
    CHECK(*store->attachment_bytes(kept.id, 0) == page);
    // Forgetting a submission (its row deleted) drops what would be left too.
    direct_sql(engine, where, "DELETE FROM submissions WHERE id = '" + kept.id + "'");
    CHECK(store->attachment_pages(kept.id)->empty());
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM page_chunks") == 0);
}
