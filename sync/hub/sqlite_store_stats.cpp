// The hub's SQLite engine: what supervisors chart (store.h): rating counts and processing delays by day,
// folded into ISO weeks by stats.h.
#include "sync/hub/sqlite_store.h"

#include "sync/hub/stats.h"

namespace guichet::sync::hub {

Result<std::vector<RatingWeek>> SqliteStore::rating_weeks(std::string_view from_day, std::string_view to_day)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT procedure, day, score, sum(count) FROM ratings WHERE day >= ?1 AND day < ?2 "
                              "GROUP BY procedure, day, score");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, from_day).bind(2, to_day);
    std::vector<RatingDay> days;
    auto rows = query->each_row([&](const Statement& row) {
        days.push_back({ row.text(0), row.text(1), static_cast<int>(row.int64(2)), row.int64(3) });
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return fold_rating_days(days);
}

Result<std::vector<DelaySample>> SqliteStore::delays(std::string_view from_day, std::string_view to_day)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT procedure, final_day, delay_s, final_state FROM processing_delays "
                              "WHERE final_day >= ?1 AND final_day < ?2 ORDER BY procedure, final_day");
    if (!query)
        return std::unexpected(query.error());
    query->bind(1, from_day).bind(2, to_day);
    std::vector<DelaySample> samples;
    auto rows = query->each_row([&](const Statement& row) {
        samples.push_back({ row.text(0), iso_week(row.text(1)).value_or(""), row.int64(2),
            case_state_from(row.text(3)).value_or(CaseState::Done) });
        return true;
    });
    if (!rows)
        return std::unexpected(rows.error());
    return samples;
}

}
