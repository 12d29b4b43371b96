// The hub's PostgreSQL engine: the back office's feed calls (store.h): the states a kiosk is owed, its
// acknowledgements, and its rating counts.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

namespace guichet::sync::hub {
using namespace pg;
namespace {

// `sql` once per row of parameters, all in one transaction: every row lands, or none.
Result<void> exec_each(PGconn* connection, const char* sql, const std::vector<std::vector<Param>>& rows)
{
    PgTransaction transaction(connection);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    for (auto& params : rows)
        if (auto done = exec(connection, sql, params); !done)
            return std::unexpected(done.error());
    return transaction.commit();
}

}

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
    std::vector<std::vector<Param>> rows;
    for (auto& ack : acks)
        rows.push_back({ ack.rev, kiosk, ack.id });
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    // Never backwards (an old acknowledgement arriving late), never past rev (a kiosk cannot skip a
    // state it was not sent), and only for this kiosk's own submissions.
    return exec_each(lease->get(),
        "UPDATE submissions SET kiosk_rev = LEAST($1::bigint, rev) "
        "WHERE kiosk = $2 AND id = $3 AND kiosk_rev < LEAST($1::bigint, rev)",
        rows);
}

Result<void> PgStore::record_ratings(std::string_view kiosk, std::span<const RatingCount> ratings)
{
    if (ratings.empty())
        return {};
    std::vector<std::vector<Param>> rows;
    for (auto& rating : ratings) {
        if (rating.score < 1 || rating.score > 3 || rating.count < 0)
            return fail("a rating count needs a score of 1 to 3 and a count of 0 or more");
        rows.push_back({ kiosk, rating.day, rating.procedure, static_cast<int64_t>(rating.score), rating.count });
    }
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    // The kiosk reports absolute counts: the latest report replaces, so a repeated one changes nothing.
    return exec_each(lease->get(),
        "INSERT INTO ratings (kiosk, day, procedure, score, count) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (kiosk, day, procedure, score) DO UPDATE SET count = excluded.count",
        rows);
}

}
