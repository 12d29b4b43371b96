// The SQLite engine's documents (issue 18): a submission's manifest of sealed pages, chunks appended
// under the writer's mutex in one transaction each, and the pages read back for the back office.
#include "sync/hub/sqlite_store.h"

#include "sync/hub/store_rules.h"

namespace guichet::sync::hub {
namespace {

Result<std::vector<PageState>> pages_of(Database& db, std::string_view id)
{
    auto query = db.prepare("SELECT n, size, sha256, received FROM submission_pages WHERE id = ? ORDER BY n");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, id);
    std::vector<PageState> pages;
    for (;;) {
        auto row = query->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        pages.push_back({ static_cast<int>(query->int64(0)), query->int64(1), query->text(2), query->int64(3) });
    }
    return pages;
}

Result<std::vector<uint8_t>> page_bytes(Database& db, std::string_view id, int n)
{
    auto query = db.prepare("SELECT data FROM page_chunks WHERE id = ? AND n = ? ORDER BY at_byte");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, id).bind(2, int64_t(n));
    std::vector<uint8_t> bytes;
    for (;;) {
        auto row = query->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        auto chunk = query->blob(0);
        bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    }
    return bytes;
}

}

Result<void> SqliteStore::insert_manifest(const protocol::Item& item)
{
    if (item.attachments.empty())
        return {};
    auto insert = m_db.prepare("INSERT INTO submission_pages (id, n, size, sha256) VALUES (?, ?, ?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    for (auto& page : item.attachments)
        if (auto done = insert->bind(1, item.id).bind(2, int64_t(page.n)).bind(3, page.size).bind(4, page.sha256).run(); !done)
            return done;
    return {};
}

Result<ChunkReply> SqliteStore::append_chunk(std::string_view kiosk, std::string_view id, int n, int64_t offset,
    std::span<const uint8_t> bytes)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    // Another kiosk's submission answers like an unknown one: a token never learns what others sent.
    auto find = m_db.prepare("SELECT p.size, p.sha256, p.received FROM submission_pages p JOIN submissions s ON s.id = p.id "
                             "WHERE p.id = ? AND p.n = ? AND s.kiosk = ?");
    if (!find)
        return std::unexpected(find.error());
    auto row = find->bind(1, id).bind(2, int64_t(n)).bind(3, kiosk).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return ChunkReply { ChunkOutcome::UnknownPage };
    PageState page { n, find->int64(0), find->text(1), find->int64(2) };
    find->reset();

    auto step = rules::plan_chunk(page, offset, bytes.size());
    ChunkReply reply { step.outcome, page.received };
    if (step.outcome != ChunkOutcome::Accepted)
        return reply;
    if (step.take > 0) {
        auto chunk = m_db.prepare("INSERT INTO page_chunks (id, n, at_byte, data) VALUES (?, ?, ?, ?)");
        auto grow = m_db.prepare("UPDATE submission_pages SET received = ? WHERE id = ? AND n = ?");
        if (!chunk)
            return std::unexpected(chunk.error());
        if (!grow)
            return std::unexpected(grow.error());
        if (auto done = chunk->bind(1, id).bind(2, int64_t(n)).bind(3, page.received).bind(4, bytes.subspan(step.skip, step.take)).run(); !done)
            return std::unexpected(done.error());
        page.received += static_cast<int64_t>(step.take);
        // The page is whole: it counts as received only once its hash matches; otherwise it is dropped
        // so the kiosk sends it again from 0.
        if (page.complete()) {
            auto whole = page_bytes(m_db, id, n);
            if (!whole)
                return std::unexpected(whole.error());
            if (!rules::page_matches(*whole, page.sha256)) {
                auto drop = m_db.prepare("DELETE FROM page_chunks WHERE id = ? AND n = ?");
                if (!drop)
                    return std::unexpected(drop.error());
                if (auto done = drop->bind(1, id).bind(2, int64_t(n)).run(); !done)
                    return std::unexpected(done.error());
                page.received = 0;
                reply.outcome = ChunkOutcome::HashMismatch;
            }
        }
        if (auto done = grow->bind(1, page.received).bind(2, id).bind(3, int64_t(n)).run(); !done)
            return std::unexpected(done.error());
        reply.received = page.received;
    }
    auto missing = m_db.prepare("SELECT count(*) FROM submission_pages WHERE id = ? AND received < size");
    if (!missing)
        return std::unexpected(missing.error());
    auto counted = missing->bind(1, id).step();
    if (!counted)
        return std::unexpected(counted.error());
    reply.submission_complete = missing->int64(0) == 0;
    missing->reset();
    // The kiosk moves on once it reads the answer: the chunk must be durable before it does.
    if (auto done = transaction->commit(); !done)
        return std::unexpected(done.error());
    return reply;
}

Result<std::vector<PageState>> SqliteStore::attachment_pages(std::string_view id)
{
    std::vector<PageState> pages;
    auto done = read_with([&](Database& db) -> Result<void> {
        auto found = pages_of(db, id);
        if (!found)
            return std::unexpected(found.error());
        pages = std::move(*found);
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return pages;
}

Result<std::optional<std::vector<uint8_t>>> SqliteStore::attachment_bytes(std::string_view id, int n)
{
    std::optional<std::vector<uint8_t>> bytes;
    auto done = read_with([&](Database& db) -> Result<void> {
        auto pages = pages_of(db, id);
        if (!pages)
            return std::unexpected(pages.error());
        for (auto& page : *pages)
            if (page.n == n && page.complete()) {
                auto whole = page_bytes(db, id, n);
                if (!whole)
                    return std::unexpected(whole.error());
                bytes = std::move(*whole);
            }
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return bytes;
}

}
