// The hub's PostgreSQL engine: what supervisors chart (store.h): rating counts and processing delays by
// day, folded into ISO weeks by stats.h.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

#include "sync/hub/stats.h"

namespace guichet::sync::hub {
using namespace pg;

Result<std::vector<RatingWeek>> PgStore::rating_weeks(std::string_view from_day, std::string_view to_day)
{
    auto connection = lease();
    if (!connection)
        return std::unexpected(connection.error());
    auto result = exec(connection->get(),
        "SELECT procedure, day, score, sum(count) FROM ratings WHERE day >= $1 AND day < $2 GROUP BY procedure, day, score",
        { from_day, to_day });
    if (!result)
        return std::unexpected(result.error());
    std::vector<RatingDay> days;
    auto* rows = result->get();
    for (int i = 0; i < PQntuples(rows); ++i)
        days.push_back({ text(rows, i, 0), text(rows, i, 1), static_cast<int>(int64(rows, i, 2)), int64(rows, i, 3) });
    return fold_rating_days(days);
}

Result<std::vector<DelaySample>> PgStore::delays(std::string_view from_day, std::string_view to_day)
{
    auto connection = lease();
    if (!connection)
        return std::unexpected(connection.error());
    auto result = exec(connection->get(),
        "SELECT procedure, final_day, delay_s, final_state FROM processing_delays "
        "WHERE final_day >= $1 AND final_day < $2 ORDER BY procedure, final_day",
        { from_day, to_day });
    if (!result)
        return std::unexpected(result.error());
    std::vector<DelaySample> samples;
    auto* rows = result->get();
    for (int i = 0; i < PQntuples(rows); ++i)
        samples.push_back({ text(rows, i, 0), iso_week(text(rows, i, 1)).value_or(""), int64(rows, i, 2),
            case_state_from(text(rows, i, 3)).value_or(CaseState::Done) });
    return samples;
}

}
