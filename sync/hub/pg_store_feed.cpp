// The hub's PostgreSQL engine: the back office's feed calls (store.h): the states a kiosk is owed, its
// acknowledgements, and its rating counts.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

namespace guichet::sync::hub {
using namespace pg;

Result<std::vector<KioskStateUpdate>> PgStore::pending_states(std::string_view kiosk, size_t limit)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    // The condition repeats the partial index's (submissions_to_notify), so only owed rows are read.
    auto rows = exec(lease->get(),
        "SELECT id, state, message, coalesce(state_at, ''), rev FROM submissions "
        "WHERE kiosk = $1 AND kiosk_rev < rev ORDER BY seq LIMIT $2",
        { kiosk, static_cast<int64_t>(limit) });
    if (!rows)
        return std::unexpected(rows.error());
    std::vector<KioskStateUpdate> states;
    auto* result = rows->get();
    for (int row = 0; row < PQntuples(result); ++row)
        states.push_back({ text(result, row, 0), case_state_from(text(result, row, 1)).value_or(CaseState::Received),
            text(result, row, 2), text(result, row, 3), int64(result, row, 4) });
    return states;
}

Result<void> PgStore::ack_states(std::string_view kiosk, std::span<const StateAck> acks)
{
    if (acks.empty())
        return {};
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PgTransaction transaction(lease->get());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    // Never backwards (an old acknowledgement arriving late), never past rev (a kiosk cannot skip a
    // state it was not sent), and only for this kiosk's own submissions.
    for (auto& ack : acks) {
        auto done = exec(lease->get(),
            "UPDATE submissions SET kiosk_rev = LEAST($1::bigint, rev) "
            "WHERE kiosk = $2 AND id = $3 AND kiosk_rev < LEAST($1::bigint, rev)",
            { ack.rev, kiosk, ack.id });
        if (!done)
            return std::unexpected(done.error());
    }
    return transaction.commit();
}

Result<void> PgStore::record_ratings(std::string_view kiosk, std::span<const RatingCount> ratings)
{
    if (ratings.empty())
        return {};
    for (auto& rating : ratings) {
        if (rating.score < 1 || rating.score > 3 || rating.count < 0)
            return fail("a rating count needs a score of 1 to 3 and a count of 0 or more");
    }
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PgTransaction transaction(lease->get());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    // The kiosk reports absolute counts: the latest report replaces, so a repeated one changes nothing.
    for (auto& rating : ratings) {
        auto done = exec(lease->get(),
            "INSERT INTO ratings (kiosk, day, procedure, score, count) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (kiosk, day, procedure, score) DO UPDATE SET count = excluded.count",
            { kiosk, rating.day, rating.procedure, static_cast<int64_t>(rating.score), rating.count });
        if (!done)
            return std::unexpected(done.error());
    }
    return transaction.commit();
}

}
