// The hub's SQLite engine: the back office's cases calls (store.h). Reads go through a second
// connection (read_with), writes through the store's one writing connection under its mutex.
#include "sync/hub/sqlite_store.h"

#include "sync/hub/case_queries.h"

#include <sqlite3.h>

#include <algorithm>

namespace guichet::sync::hub {
namespace {

Result<Statement> prepared(Database& db, const cases::SqlText& text)
{
    auto statement = db.prepare(text.sql);
    if (!statement)
        return std::unexpected(statement.error());
    for (size_t i = 0; i < text.params.size(); ++i) {
        int index = static_cast<int>(i) + 1;
        if (auto* number = std::get_if<int64_t>(&text.params[i]))
            statement->bind(index, *number);
        else
            statement->bind(index, std::string_view(std::get<std::string>(text.params[i])));
    }
    return statement;
}

InboxRow inbox_row(const Statement& row)
{
    InboxRow out;
    out.seq = row.int64(0);
    out.id = row.text(1);
    if (!row.is_null(2))
        out.receipt = row.text(2);
    out.procedure = row.text(3);
    out.kiosk = row.text(4);
    out.received_at = row.text(5);
    out.state = case_state_from(row.text(6)).value_or(CaseState::Received);
    if (!row.is_null(7))
        out.state_at = row.text(7);
    out.purged = row.int64(8) != 0;
    out.place = row.text(9);
    return out;
}

Result<std::vector<InboxRow>> run_page(Database& db, const cases::SqlText& text)
{
    auto statement = prepared(db, text);
    if (!statement)
        return std::unexpected(statement.error());
    std::vector<InboxRow> rows;
    auto done = statement->each_row([&](const Statement& row) {
        rows.push_back(inbox_row(row));
        return true;
    });
    if (!done)
        return std::unexpected(done.error());
    return rows;
}

Result<bool> any_row(Database& db, const cases::SqlText& text)
{
    auto statement = prepared(db, text);
    if (!statement)
        return std::unexpected(statement.error());
    return statement->step();
}

std::optional<std::string> optional_text(const Statement& row, int column)
{
    if (row.is_null(column))
        return std::nullopt;
    return row.text(column);
}

// A row of cases::case_columns.
CaseRecord case_at(const Statement& row)
{
    CaseRecord found;
    found.submission = SubmissionRecord { row.text(0), row.text(1), row.text(2), row.int64(3), row.text(4), row.text(5), row.blob(6) };
    found.receipt = optional_text(row, 7).value_or("");
    found.state = case_state_from(row.text(8)).value_or(CaseState::Received);
    found.message = row.text(9);
    found.handler = optional_text(row, 10);
    found.state_at = optional_text(row, 11);
    found.final_at = optional_text(row, 12);
    found.purged_at = optional_text(row, 13);
    found.rev = row.int64(14);
    return found;
}

}

Result<void> SqliteStore::read_with(const std::function<Result<void>(Database&)>& read)
{
    std::unique_lock lock(m_read_mutex);
    if (!m_read_db) {
        const char* path = sqlite3_db_filename(m_db.handle(), "main");
        // An in-memory database has no second connection to open: read on the writer, under its lock.
        if (!path || !*path) {
            lock.unlock();
            std::lock_guard writer(m_mutex);
            return read(m_db);
        }
        auto opened = Database::open(path, Durability::Full);
        if (!opened)
            return std::unexpected(opened.error());
        // This connection only reads: a write through it would bypass the writer's mutex.
        if (auto done = opened->exec("PRAGMA query_only = ON"); !done)
            return done;
        m_read_db = std::move(*opened);
    }
    // One read transaction, so a page, its neighbour test and its count see the same commit.
    if (auto begun = m_read_db->exec("BEGIN"); !begun)
        return begun;
    auto done = read(*m_read_db);
    auto ended = m_read_db->exec(done ? "COMMIT" : "ROLLBACK");
    if (!done)
        return done;
    return ended;
}

Result<InboxPage> SqliteStore::inbox(const InboxQuery& query)
{
    InboxPage page;
    auto done = read_with([&](Database& db) -> Result<void> {
        bool backwards = query.before && !query.after;
        auto direction = backwards ? cases::Direction::Newer : cases::Direction::Older;
        auto rows = run_page(db, cases::inbox_page(query, direction));
        if (!rows)
            return std::unexpected(rows.error());
        size_t limit = std::clamp<size_t>(query.limit, 1, cases::max_inbox_limit);
        bool more = rows->size() > limit;
        if (more)
            rows->pop_back();
        if (backwards)
            std::reverse(rows->begin(), rows->end());
        page.rows = std::move(*rows);
        // The other direction: beyond the page's first row, or the cursor itself when the page is empty.
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
            auto found = any_row(db, cases::inbox_exists_beyond(query, backwards ? cases::Direction::Older : cases::Direction::Newer, *edge));
            if (!found)
                return std::unexpected(found.error());
            other = *found;
        }
        page.has_next = backwards ? other : more;
        page.has_previous = backwards ? more : other;
        auto count = prepared(db, cases::inbox_count(query));
        if (!count)
            return std::unexpected(count.error());
        auto counted = count->step();
        if (!counted)
            return std::unexpected(counted.error());
        page.count_capped = count->int64(0);
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return page;
}

Result<std::optional<CaseRecord>> SqliteStore::case_record(std::string_view id)
{
    std::optional<CaseRecord> record;
    auto done = read_with([&](Database& db) -> Result<void> {
        auto query = db.prepare("SELECT " + std::string(cases::case_columns) + " FROM submissions s WHERE s.id = ?");
        if (!query)
            return std::unexpected(query.error());
        auto row = query->bind(1, id).step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            return {};
        auto found = case_at(*query);
        record = std::move(found);
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return record;
}

Result<CasePage> SqliteStore::cases_for_export(const InboxQuery& query)
{
    CasePage page;
    std::vector<int64_t> seqs;
    auto done = read_with([&](Database& db) -> Result<void> {
        auto statement = prepared(db, cases::export_page(query));
        if (!statement)
            return std::unexpected(statement.error());
        return statement->each_row([&](const Statement& row) {
            page.cases.push_back(case_at(row));
            seqs.push_back(row.int64(15));
            return true;
        });
    });
    if (!done)
        return std::unexpected(done.error());
    size_t limit = std::clamp<size_t>(query.limit, 1, cases::max_inbox_limit);
    if (page.cases.size() > limit) {
        page.cases.pop_back();
        page.next = std::pair(page.cases.back().submission.received_at, seqs[limit - 1]);
    }
    return page;
}

Result<TransitionOutcome> SqliteStore::set_state(const Transition& transition)
{
    if (transition.message.size() > max_state_message_bytes)
        return fail("the message for the citizen is " + std::to_string(transition.message.size())
            + " bytes long; at most " + std::to_string(max_state_message_bytes) + " are kept");
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto current = m_db.prepare("SELECT state, rev, procedure, received_at FROM submissions WHERE id = ?");
    if (!current)
        return std::unexpected(current.error());
    auto found = current->bind(1, transition.id).step();
    if (!found)
        return std::unexpected(found.error());
    if (!*found)
        return TransitionOutcome::NotFound;
    auto from = case_state_from(current->text(0));
    int64_t rev = current->int64(1);
    auto procedure = current->text(2);
    auto received_at = current->text(3);
    current->reset();
    if (rev != transition.expected_rev)
        return TransitionOutcome::Stale;
    if (!from || !cases::transition_allowed(*from, transition.to))
        return TransitionOutcome::Forbidden;
    bool final = is_final(transition.to);
    auto update = m_db.prepare("UPDATE submissions SET state = ?1, state_at = ?2, handler = ?3, message = ?4, rev = rev + 1, "
                               "final_at = CASE WHEN ?5 THEN ?2 ELSE final_at END WHERE id = ?6 AND rev = ?7");
    if (!update)
        return std::unexpected(update.error());
    auto updated = update->bind(1, name_of(transition.to))
                       .bind(2, transition.now)
                       .bind(3, transition.agent)
                       .bind(4, transition.message)
                       .bind(5, int64_t(final ? 1 : 0))
                       .bind(6, transition.id)
                       .bind(7, transition.expected_rev)
                       .run();
    if (!updated)
        return std::unexpected(updated.error());
    if (m_db.changes() != 1)
        return TransitionOutcome::Stale;
    auto history = m_db.prepare("INSERT INTO state_history (id, at, agent, from_state, to_state) VALUES (?, ?, ?, ?, ?)");
    if (!history)
        return std::unexpected(history.error());
    if (auto done = history->bind(1, transition.id).bind(2, transition.now).bind(3, transition.agent).bind(4, name_of(*from)).bind(5, name_of(transition.to)).run(); !done)
        return std::unexpected(done.error());
    if (final) {
        auto delay = cases::delay_seconds(received_at, transition.now);
        if (!delay)
            return std::unexpected(delay.error());
        auto insert = m_db.prepare("INSERT INTO processing_delays (procedure, final_day, delay_s, final_state) VALUES (?, ?, ?, ?)");
        if (!insert)
            return std::unexpected(insert.error());
        if (auto done = insert->bind(1, procedure).bind(2, transition.now.substr(0, 10)).bind(3, *delay).bind(4, name_of(transition.to)).run(); !done)
            return std::unexpected(done.error());
    }
    if (auto done = transaction->commit(); !done)
        return std::unexpected(done.error());
    return TransitionOutcome::Done;
}

Result<std::vector<StateChange>> SqliteStore::state_history(std::string_view id)
{
    std::vector<StateChange> changes;
    auto done = read_with([&](Database& db) -> Result<void> {
        auto query = db.prepare("SELECT at, agent, from_state, to_state FROM state_history WHERE id = ? ORDER BY seq");
        if (!query)
            return std::unexpected(query.error());
        query->bind(1, id);
        return query->each_row([&](const Statement& row) {
            changes.push_back(StateChange { row.text(0), row.text(1), case_state_from(row.text(2)).value_or(CaseState::Received),
                case_state_from(row.text(3)).value_or(CaseState::Received) });
            return true;
        });
    });
    if (!done)
        return std::unexpected(done.error());
    return changes;
}

Result<void> SqliteStore::remember_procedure(std::string_view id, int64_t version, std::string_view definition_json,
    std::optional<int> retention_days)
{
    std::lock_guard lock(m_mutex);
    auto insert = m_db.prepare("INSERT INTO procedure_definitions (procedure, version, definition, retention_days) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT (procedure, version) DO NOTHING");
    if (!insert)
        return std::unexpected(insert.error());
    std::optional<int64_t> days;
    if (retention_days)
        days = *retention_days;
    return insert->bind(1, id).bind(2, version).bind(3, definition_json).bind(4, days).run();
}

Result<std::optional<std::string>> SqliteStore::procedure_definition(std::string_view id, int64_t version)
{
    std::optional<std::string> definition;
    auto done = read_with([&](Database& db) -> Result<void> {
        auto query = db.prepare("SELECT definition FROM procedure_definitions WHERE procedure = ? AND version = ?");
        if (!query)
            return std::unexpected(query.error());
        auto row = query->bind(1, id).bind(2, version).step();
        if (!row)
            return std::unexpected(row.error());
        if (*row)
            definition = query->text(0);
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return definition;
}

}
