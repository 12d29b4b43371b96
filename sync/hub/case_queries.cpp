// The inbox's SQL (see case_queries.h). Only the filters that are set go into the text: a planner
// given "($2 IS NULL OR state = $2)" cannot pick the index of the filter, and the point of these
// queries is that a page costs the same on the first row and the millionth.
#include "sync/hub/case_queries.h"

#include "sync/clock_text.h"

#include <algorithm>

namespace guichet::sync::hub::cases {
namespace {

class Builder {
public:
    // A new parameter's placeholder.
    std::string add(SqlValue value)
    {
        m_text.params.push_back(std::move(value));
        return "$" + std::to_string(m_text.params.size());
    }
    std::string& sql() { return m_text.sql; }
    SqlText take() { return std::move(m_text); }

private:
    SqlText m_text;
};

// WHERE for the query's filters (no cursor). The procedure comes first: every inbox index starts with it.
std::string filters(Builder& builder, const InboxQuery& query)
{
    // With a receipt code the receipt's index finds the one row: the procedure is then written so that no
    // index can use it, else SQLite (no statistics) walked the procedure's whole inbox index in order
    // and filtered on the code, 110-270 ms at 50,000 rows of that procedure (bench_office_inbox).
    std::string where = (query.receipt ? "s.procedure || '' = " : "s.procedure = ") + builder.add(query.procedure);
    if (query.state)
        where += " AND s.state = " + builder.add(std::string(name_of(*query.state)));
    if (query.kiosk)
        where += " AND s.kiosk = " + builder.add(*query.kiosk);
    if (query.receipt)
        where += " AND s.receipt = " + builder.add(*query.receipt);
    if (query.from)
        where += " AND s.received_at >= " + builder.add(*query.from);
    if (query.to)
        where += " AND s.received_at < " + builder.add(*query.to);
    return where;
}

// Rows strictly older (or newer) than the key. The lone bound on received_at keeps the condition an
// index range on both engines; the OR then settles rows of the same instant by seq.
std::string beyond(Builder& builder, Direction direction, const std::pair<std::string, int64_t>& key)
{
    auto at = builder.add(key.first);
    auto seq = builder.add(key.second);
    if (direction == Direction::Older)
        return " AND s.received_at <= " + at + " AND (s.received_at < " + at + " OR s.seq < " + seq + ")";
    return " AND s.received_at >= " + at + " AND (s.received_at > " + at + " OR s.seq > " + seq + ")";
}

std::string order(Direction direction)
{
    return direction == Direction::Older ? " ORDER BY s.received_at DESC, s.seq DESC" : " ORDER BY s.received_at ASC, s.seq ASC";
}

}

const std::string_view case_columns = "s.id, s.kiosk, s.procedure, s.version, s.created_at, s.received_at, s.sealed, "
                                      "s.receipt, s.state, s.message, s.handler, s.state_at, s.final_at, s.purged_at, s.rev, s.seq";

SqlText export_page(const InboxQuery& query)
{
    Builder builder;
    auto where = filters(builder, query);
    if (query.after)
        where += beyond(builder, Direction::Older, *query.after);
    auto limit = static_cast<int64_t>(std::clamp<size_t>(query.limit, 1, max_inbox_limit)) + 1;
    builder.sql() = "SELECT " + std::string(case_columns) + " FROM submissions s WHERE " + where + order(Direction::Older)
        + " LIMIT " + builder.add(limit);
    return builder.take();
}

SqlText inbox_page(const InboxQuery& query, Direction direction)
{
    Builder builder;
    auto where = filters(builder, query);
    if (direction == Direction::Older && query.after)
        where += beyond(builder, Direction::Older, *query.after);
    if (direction == Direction::Newer && query.before)
        where += beyond(builder, Direction::Newer, *query.before);
    auto limit = static_cast<int64_t>(std::clamp<size_t>(query.limit, 1, max_inbox_limit)) + 1;
    builder.sql() = "SELECT s.seq, s.id, s.receipt, s.procedure, s.kiosk, s.received_at, s.state, s.state_at, "
                    "CASE WHEN s.purged_at IS NULL THEN 0 ELSE 1 END, "
                    "coalesce((SELECT h.place FROM heartbeats h WHERE h.kiosk = s.kiosk), '') FROM submissions s WHERE "
        + where + order(direction) + " LIMIT " + builder.add(limit);
    return builder.take();
}

SqlText inbox_exists_beyond(const InboxQuery& query, Direction direction, const std::pair<std::string, int64_t>& key)
{
    Builder builder;
    // Two statements: the placeholders must be numbered in the order they appear in the text.
    auto where = filters(builder, query);
    where += beyond(builder, direction, key);
    builder.sql() = "SELECT 1 FROM submissions s WHERE " + where + order(direction) + " LIMIT 1";
    return builder.take();
}

SqlText inbox_count(const InboxQuery& query)
{
    Builder builder;
    auto where = filters(builder, query);
    builder.sql() = "SELECT count(*) FROM (SELECT 1 FROM submissions s WHERE " + where + " LIMIT "
        + builder.add(inbox_count_cap) + ") capped";
    return builder.take();
}

bool transition_allowed(CaseState from, CaseState to)
{
    if (from == CaseState::Received && to == CaseState::InProgress)
        return true;
    return (from == CaseState::Received || from == CaseState::InProgress) && is_final(to);
}

Result<int64_t> delay_seconds(std::string_view received_at, std::string_view now)
{
    auto from = parse_rfc3339(received_at);
    if (!from)
        return std::unexpected(from.error());
    auto to = parse_rfc3339(now);
    if (!to)
        return std::unexpected(to.error());
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*to - *from).count();
    return std::max<int64_t>(0, seconds);
}

}
