// The hub's SQLite engine: the back office's feed calls (store.h): the states a kiosk is owed, its
// acknowledgements, and its rating counts.
#include "sync/hub/sqlite_store.h"

#include <algorithm>

namespace guichet::sync::hub {

Result<std::vector<KioskStateUpdate>> SqliteStore::pending_states(std::string_view kiosk, size_t limit)
{
    std::lock_guard lock(m_mutex);
    // The condition repeats the partial index's (submissions_to_notify), so only owed rows are read.
    auto query = m_db.prepare("SELECT id, state, message, coalesce(state_at, ''), rev FROM submissions "
                              "WHERE kiosk = ? AND kiosk_rev < rev ORDER BY seq LIMIT ?");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, kiosk).bind(2, static_cast<int64_t>(limit));
    std::vector<KioskStateUpdate> states;
    auto rows = query->each_row([&](const Statement& row) {
        states.push_back({ row.text(0), case_state_from(row.text(1)).value_or(CaseState::Received), row.text(2), row.text(3),
            row.int64(4) });
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return states;
}

Result<void> SqliteStore::ack_states(std::string_view kiosk, std::span<const StateAck> acks)
{
    if (acks.empty())
        return {};
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    // Never backwards (an old acknowledgement arriving late), never past rev (a kiosk cannot skip a
    // state it was not sent), and only for this kiosk's own submissions.
    auto update = m_db.prepare("UPDATE submissions SET kiosk_rev = max(kiosk_rev, min(?, rev)) "
                               "WHERE kiosk = ? AND id = ? AND kiosk_rev < min(?, rev)");
    if (!update)
        return std::unexpected(update.error());
    for (auto& ack : acks) {
        if (auto done = update->bind(1, ack.rev).bind(2, kiosk).bind(3, ack.id).bind(4, ack.rev).run(); !done)
            return done;
    }
    return transaction->commit();
}

Result<void> SqliteStore::record_ratings(std::string_view kiosk, std::span<const RatingCount> ratings)
{
    if (ratings.empty())
        return {};
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    // The kiosk reports absolute counts: the latest report replaces, so a repeated one changes nothing.
    auto upsert = m_db.prepare("INSERT INTO ratings (kiosk, day, procedure, score, count) VALUES (?, ?, ?, ?, ?) "
                               "ON CONFLICT (kiosk, day, procedure, score) DO UPDATE SET count = excluded.count");
    if (!upsert)
        return std::unexpected(upsert.error());
    for (auto& rating : ratings) {
        if (rating.score < 1 || rating.score > 3 || rating.count < 0)
            return fail("a rating count needs a score of 1 to 3 and a count of 0 or more");
        auto done = upsert->bind(1, kiosk)
                        .bind(2, rating.day)
                        .bind(3, rating.procedure)
                        .bind(4, static_cast<int64_t>(rating.score))
                        .bind(5, rating.count)
                        .run();
        if (!done)
            return done;
    }
    return transaction->commit();
}

}
