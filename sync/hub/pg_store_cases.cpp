// The hub's PostgreSQL engine: the back office's cases calls (store.h).
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

#include "sync/hub/case_queries.h"

#include <algorithm>

namespace guichet::sync::hub {
namespace {

std::vector<pg::Param> params_of(const cases::SqlText& text)
{
    std::vector<pg::Param> params;
    params.reserve(text.params.size());
    for (auto& value : text.params) {
        if (auto* number = std::get_if<int64_t>(&value))
            params.emplace_back(*number);
        else
            params.emplace_back(std::get<std::string>(value));
    }
    return params;
}

Result<pg::ResultPtr> run(PGconn* connection, const cases::SqlText& text)
{
    return pg::exec(connection, text.sql.c_str(), params_of(text));
}

std::optional<std::string> optional_text(const PGresult* result, int row, int column)
{
    if (pg::is_null(result, row, column))
        return std::nullopt;
    return pg::text(result, row, column);
}

// A row of cases::case_columns.
CaseRecord case_at(const PGresult* rows, int row)
{
    CaseRecord record;
    record.submission = SubmissionRecord { pg::text(rows, row, 0), pg::text(rows, row, 1), pg::text(rows, row, 2),
        pg::int64(rows, row, 3), pg::text(rows, row, 4), pg::text(rows, row, 5), pg::bytes(rows, row, 6) };
    record.receipt = optional_text(rows, row, 7).value_or("");
    record.state = case_state_from(pg::text(rows, row, 8)).value_or(CaseState::Received);
    record.message = pg::text(rows, row, 9);
    record.handler = optional_text(rows, row, 10);
    record.state_at = optional_text(rows, row, 11);
    record.final_at = optional_text(rows, row, 12);
    record.purged_at = optional_text(rows, row, 13);
    record.rev = pg::int64(rows, row, 14);
    return record;
}

InboxRow inbox_row(const PGresult* result, int row)
{
    InboxRow out;
    out.seq = pg::int64(result, row, 0);
    out.id = pg::text(result, row, 1);
    out.receipt = optional_text(result, row, 2).value_or("");
    out.procedure = pg::text(result, row, 3);
    out.kiosk = pg::text(result, row, 4);
    out.received_at = pg::text(result, row, 5);
    out.state = case_state_from(pg::text(result, row, 6)).value_or(CaseState::Received);
    out.state_at = optional_text(result, row, 7);
    out.purged = pg::int64(result, row, 8) != 0;
    out.place = pg::text(result, row, 9);
    return out;
}

}

Result<InboxPage> PgStore::inbox(const InboxQuery& query)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    // One snapshot for the page, its neighbour test and its count.
    pg::PgTransaction transaction(connection);
    if (auto done = pg::exec_plain(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !done)
        return std::unexpected(done.error());
    bool backwards = query.before && !query.after;
    auto direction = backwards ? cases::Direction::Newer : cases::Direction::Older;
    auto result = run(connection, cases::inbox_page(query, direction));
    if (!result)
        return std::unexpected(result.error());
    InboxPage page;
    for (int row = 0; row < PQntuples(result->get()); ++row)
        page.rows.push_back(inbox_row(result->get(), row));
    size_t limit = std::clamp<size_t>(query.limit, 1, cases::max_inbox_limit);
    bool more = page.rows.size() > limit;
    if (more)
        page.rows.pop_back();
    if (backwards)
        std::reverse(page.rows.begin(), page.rows.end());
    auto cursor = backwards ? query.before : query.after;
    std::optional<std::pair<std::string, int64_t>> edge;
    if (!page.rows.empty()) {
        auto& row = backwards ? page.rows.back() : page.rows.front();
        edge = std::pair(row.received_at, row.seq);
    } else if (cursor) {
        edge = cursor;
    }
    bool other = false;
    if (edge) {
        auto found = run(connection, cases::inbox_exists_beyond(query, backwards ? cases::Direction::Older : cases::Direction::Newer, *edge));
        if (!found)
            return std::unexpected(found.error());
        other = PQntuples(found->get()) > 0;
    }
    page.has_next = backwards ? other : more;
    page.has_previous = backwards ? more : other;
    auto count = run(connection, cases::inbox_count(query));
    if (!count)
        return std::unexpected(count.error());
    page.count_capped = pg::int64(count->get(), 0, 0);
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return page;
}

Result<std::optional<CaseRecord>> PgStore::case_record(std::string_view id)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto sql = "SELECT " + std::string(cases::case_columns) + " FROM submissions s WHERE s.id = $1";
    auto result = pg::exec(lease->get(), sql.c_str(), { id });
    if (!result)
        return std::unexpected(result.error());
    if (PQntuples(result->get()) == 0)
        return std::optional<CaseRecord>();
    return std::optional(case_at(result->get(), 0));
}

Result<CasePage> PgStore::cases_for_export(const InboxQuery& query)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto result = run(lease->get(), cases::export_page(query));
    if (!result)
        return std::unexpected(result.error());
    CasePage page;
    auto* rows = result->get();
    size_t limit = std::clamp<size_t>(query.limit, 1, cases::max_inbox_limit);
    for (int row = 0; row < PQntuples(rows) && page.cases.size() < limit; ++row)
        page.cases.push_back(case_at(rows, row));
    if (static_cast<size_t>(PQntuples(rows)) > limit)
        page.next = std::pair(page.cases.back().submission.received_at, pg::int64(rows, static_cast<int>(limit) - 1, 15));
    return page;
}

Result<TransitionOutcome> PgStore::set_state(const Transition& transition)
{
    if (transition.message.size() > max_state_message_bytes)
        return fail("the message for the citizen is " + std::to_string(transition.message.size())
            + " bytes long; at most " + std::to_string(max_state_message_bytes) + " are kept");
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    pg::PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());
    // FOR UPDATE: two agents acting at once are serialised here; the second then sees the new rev.
    auto current = pg::exec(connection, "SELECT state, rev, procedure, received_at FROM submissions WHERE id = $1 FOR UPDATE",
        { transition.id });
    if (!current)
        return std::unexpected(current.error());
    if (PQntuples(current->get()) == 0)
        return TransitionOutcome::NotFound;
    auto from = case_state_from(pg::text(current->get(), 0, 0));
    int64_t rev = pg::int64(current->get(), 0, 1);
    auto procedure = pg::text(current->get(), 0, 2);
    auto received_at = pg::text(current->get(), 0, 3);
    if (rev != transition.expected_rev)
        return TransitionOutcome::Stale;
    if (!from || !cases::transition_allowed(*from, transition.to))
        return TransitionOutcome::Forbidden;
    bool final = is_final(transition.to);
    auto updated = pg::exec(connection,
        "UPDATE submissions SET state = $1, state_at = $2, handler = $3, message = $4, rev = rev + 1, "
        "final_at = CASE WHEN $5 THEN $2 ELSE final_at END WHERE id = $6 AND rev = $7",
        { name_of(transition.to), transition.now, transition.agent, transition.message, final ? "true" : "false",
            transition.id, transition.expected_rev });
    if (!updated)
        return std::unexpected(updated.error());
    if (std::string_view(PQcmdTuples(updated->get())) != "1")
        return TransitionOutcome::Stale;
    auto history = pg::exec(connection, "INSERT INTO state_history (id, at, agent, from_state, to_state) VALUES ($1, $2, $3, $4, $5)",
        { transition.id, transition.now, transition.agent, name_of(*from), name_of(transition.to) });
    if (!history)
        return std::unexpected(history.error());
    if (final) {
        auto delay = cases::delay_seconds(received_at, transition.now);
        if (!delay)
            return std::unexpected(delay.error());
        auto inserted = pg::exec(connection,
            "INSERT INTO processing_delays (procedure, final_day, delay_s, final_state) VALUES ($1, $2, $3, $4)",
            { procedure, transition.now.substr(0, 10), *delay, name_of(transition.to) });
        if (!inserted)
            return std::unexpected(inserted.error());
    }
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return TransitionOutcome::Done;
}

Result<std::vector<StateChange>> PgStore::state_history(std::string_view id)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto result = pg::exec(lease->get(), "SELECT at, agent, from_state, to_state FROM state_history WHERE id = $1 ORDER BY seq", { id });
    if (!result)
        return std::unexpected(result.error());
    std::vector<StateChange> changes;
    auto* rows = result->get();
    for (int row = 0; row < PQntuples(rows); ++row)
        changes.push_back(StateChange { pg::text(rows, row, 0), pg::text(rows, row, 1),
            case_state_from(pg::text(rows, row, 2)).value_or(CaseState::Received),
            case_state_from(pg::text(rows, row, 3)).value_or(CaseState::Received) });
    return changes;
}

Result<void> PgStore::remember_procedure(std::string_view id, int64_t version, std::string_view definition_json,
    std::optional<int> retention_days)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    std::optional<int64_t> days;
    if (retention_days)
        days = *retention_days;
    auto done = pg::exec(lease->get(),
        "INSERT INTO procedure_definitions (procedure, version, definition, retention_days) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (procedure, version) DO NOTHING",
        { id, version, definition_json, days });
    if (!done)
        return std::unexpected(done.error());
    return {};
}

Result<std::optional<std::string>> PgStore::procedure_definition(std::string_view id, int64_t version)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto result = pg::exec(lease->get(), "SELECT definition FROM procedure_definitions WHERE procedure = $1 AND version = $2",
        { id, version });
    if (!result)
        return std::unexpected(result.error());
    if (PQntuples(result->get()) == 0)
        return std::optional<std::string>();
    return std::optional(pg::text(result->get(), 0, 0));
}

}
