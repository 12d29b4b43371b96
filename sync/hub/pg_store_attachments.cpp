// The PostgreSQL engine's documents (issue 18): a submission's manifest of sealed pages, chunks
// appended with the page's row locked (two hubs receiving the same page's chunks take turns), and the
// pages read back for the back office.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

#include "sync/hub/store_rules.h"

namespace guichet::sync::hub {
using namespace pg;
namespace {

Result<std::vector<PageState>> pages_of(PGconn* connection, std::string_view id)
{
    auto rows = exec(connection, "SELECT n, size, sha256, received FROM submission_pages WHERE id = $1 ORDER BY n", { id });
    if (!rows)
        return std::unexpected(rows.error());
    std::vector<PageState> pages;
    for (int row = 0; row < PQntuples(rows->get()); ++row)
        pages.push_back({ static_cast<int>(int64(rows->get(), row, 0)), int64(rows->get(), row, 1), text(rows->get(), row, 2),
            int64(rows->get(), row, 3) });
    return pages;
}

Result<std::vector<uint8_t>> page_bytes(PGconn* connection, std::string_view id, int n)
{
    auto rows = exec(connection, "SELECT data FROM page_chunks WHERE id = $1 AND n = $2 ORDER BY at_byte", { id, int64_t(n) });
    if (!rows)
        return std::unexpected(rows.error());
    std::vector<uint8_t> whole;
    for (int row = 0; row < PQntuples(rows->get()); ++row) {
        auto chunk = pg::bytes(rows->get(), row, 0);
        whole.insert(whole.end(), chunk.begin(), chunk.end());
    }
    return whole;
}

}

Result<void> PgStore::insert_manifest(PGconn* connection, const protocol::Item& item)
{
    for (auto& page : item.attachments) {
        auto done = exec(connection, "INSERT INTO submission_pages (id, n, size, sha256) VALUES ($1, $2, $3, $4)",
            { item.id, int64_t(page.n), page.size, page.sha256 });
        if (!done)
            return std::unexpected(done.error());
    }
    return {};
}

Result<ChunkReply> PgStore::append_chunk(std::string_view kiosk, std::string_view id, int n, int64_t offset,
    std::span<const uint8_t> bytes)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());
    // Another kiosk's submission answers like an unknown one: a token never learns what others sent.
    auto found = exec(connection,
        "SELECT p.size, p.sha256, p.received FROM submission_pages p JOIN submissions s ON s.id = p.id "
        "WHERE p.id = $1 AND p.n = $2 AND s.kiosk = $3 FOR UPDATE OF p",
        { id, int64_t(n), kiosk });
    if (!found)
        return std::unexpected(found.error());
    if (PQntuples(found->get()) == 0)
        return ChunkReply { ChunkOutcome::UnknownPage };
    PageState page { n, int64(found->get(), 0, 0), text(found->get(), 0, 1), int64(found->get(), 0, 2) };

    auto step = rules::plan_chunk(page, offset, bytes.size());
    ChunkReply reply { step.outcome, page.received };
    if (step.outcome != ChunkOutcome::Accepted)
        return reply;
    if (step.take > 0) {
        auto added = exec(connection, "INSERT INTO page_chunks (id, n, at_byte, data) VALUES ($1, $2, $3, $4)",
            { id, int64_t(n), page.received, bytes.subspan(step.skip, step.take) });
        if (!added)
            return std::unexpected(added.error());
        page.received += static_cast<int64_t>(step.take);
        // The page is whole: it counts as received only once its hash matches; otherwise it is dropped
        // so the kiosk sends it again from 0.
        if (page.complete()) {
            auto whole = page_bytes(connection, id, n);
            if (!whole)
                return std::unexpected(whole.error());
            if (!rules::page_matches(*whole, page.sha256)) {
                auto dropped = exec(connection, "DELETE FROM page_chunks WHERE id = $1 AND n = $2", { id, int64_t(n) });
                if (!dropped)
                    return std::unexpected(dropped.error());
                page.received = 0;
                reply.outcome = ChunkOutcome::HashMismatch;
            }
        }
        auto grown = exec(connection, "UPDATE submission_pages SET received = $1 WHERE id = $2 AND n = $3",
            { page.received, id, int64_t(n) });
        if (!grown)
            return std::unexpected(grown.error());
        reply.received = page.received;
    }
    auto missing = exec(connection, "SELECT count(*) FROM submission_pages WHERE id = $1 AND received < size", { id });
    if (!missing)
        return std::unexpected(missing.error());
    reply.submission_complete = int64(missing->get(), 0, 0) == 0;
    // The kiosk moves on once it reads the answer: the chunk must be durable before it does.
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return reply;
}

Result<std::vector<PageState>> PgStore::attachment_pages(std::string_view id)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    return pages_of(lease->get(), id);
}

Result<std::optional<std::vector<uint8_t>>> PgStore::attachment_bytes(std::string_view id, int n)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    // One snapshot, so the page's count and its chunks agree.
    PgTransaction transaction(connection);
    if (auto done = exec_plain(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !done)
        return std::unexpected(done.error());
    auto pages = pages_of(connection, id);
    if (!pages)
        return std::unexpected(pages.error());
    std::optional<std::vector<uint8_t>> bytes;
    for (auto& page : *pages)
        if (page.n == n && page.complete()) {
            auto whole = page_bytes(connection, id, n);
            if (!whole)
                return std::unexpected(whole.error());
            bytes = std::move(*whole);
        }
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return bytes;
}

}
