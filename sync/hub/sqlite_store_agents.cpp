// The hub's SQLite engine: the back office's agents, sessions and audit log (store.h). Each call holds
// the connection's mutex, so a read-modify-write (a wrong password's count and wait) is one step.
#include "sync/hub/sqlite_store.h"

#include "sync/clock_text.h"
#include "sync/hub/agent_rules.h"
#include "sync/hub/store_rules.h"

#include <map>

namespace guichet::sync::hub {
namespace {

constexpr std::string_view agent_columns = "name, role, all_procedures, failures, retry_at, disabled_at, created_at, last_sign_in";

AgentRecord agent_at(const Statement& row)
{
    AgentRecord agent;
    agent.name = row.text(0);
    agent.role = agent_role_from(row.text(1)).value_or(AgentRole::Agent);
    agent.all_procedures = row.int64(2) != 0;
    agent.failures = static_cast<int>(row.int64(3));
    agent.retry_at = row.text(4);
    if (!row.is_null(5))
        agent.disabled_at = row.text(5);
    agent.created_at = row.text(6);
    if (!row.is_null(7))
        agent.last_sign_in = row.text(7);
    return agent;
}

Result<std::vector<std::string>> procedures_of(Database& db, std::string_view name)
{
    auto query = db.prepare("SELECT procedure FROM agent_procedures WHERE agent = ? ORDER BY procedure");
    if (!query)
        return std::unexpected(query.error());
    std::vector<std::string> procedures;
    auto done = query->bind(1, name).each_row([&](const Statement& row) {
        procedures.push_back(row.text(0));
        return true;
    });
    if (!done)
        return std::unexpected(done.error());
    return procedures;
}

Result<void> set_procedures(Database& db, std::string_view name, const std::vector<std::string>& procedures)
{
    auto clear = db.prepare("DELETE FROM agent_procedures WHERE agent = ?");
    if (!clear)
        return std::unexpected(clear.error());
    if (auto done = clear->bind(1, name).run(); !done)
        return done;
    auto insert = db.prepare("INSERT OR IGNORE INTO agent_procedures (agent, procedure) VALUES (?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    for (auto& procedure : procedures)
        if (auto done = insert->bind(1, name).bind(2, procedure).run(); !done)
            return done;
    return {};
}

Result<bool> agent_exists(Database& db, std::string_view name)
{
    auto query = db.prepare("SELECT 1 FROM agents WHERE name = ?");
    if (!query)
        return std::unexpected(query.error());
    return query->bind(1, name).step();
}

}

Result<void> SqliteStore::add_agent(const AgentRecord& agent, std::string_view password_hash)
{
    if (!is_valid_agent_name(agent.name))
        return fail("the agent name '" + agent.name.substr(0, 80) + "' is not valid: use 1 to 64 lower-case letters, digits, '.' or '-', starting with a letter or digit");
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto exists = agent_exists(m_db, agent.name);
    if (!exists)
        return std::unexpected(exists.error());
    if (*exists)
        return fail("an agent named '" + agent.name + "' already exists");
    auto insert = m_db.prepare("INSERT INTO agents (name, role, all_procedures, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    auto created_at = agent.created_at.empty() ? now_rfc3339() : agent.created_at;
    if (auto done = insert->bind(1, agent.name)
                        .bind(2, name_of(agent.role))
                        .bind(3, int64_t { agent.all_procedures })
                        .bind(4, password_hash)
                        .bind(5, created_at)
                        .bind(6, agent.disabled_at)
                        .run();
        !done)
        return done;
    if (auto done = set_procedures(m_db, agent.name, agent.procedures); !done)
        return done;
    return transaction->commit();
}

Result<std::vector<AgentRecord>> SqliteStore::list_agents()
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT " + std::string(agent_columns) + " FROM agents ORDER BY name");
    if (!query)
        return std::unexpected(query.error());
    std::vector<AgentRecord> agents;
    if (auto done = query->each_row([&](const Statement& row) {
            agents.push_back(agent_at(row));
            return true;
        });
        !done)
        return std::unexpected(done.error());
    auto scopes = m_db.prepare("SELECT agent, procedure FROM agent_procedures ORDER BY agent, procedure");
    if (!scopes)
        return std::unexpected(scopes.error());
    std::map<std::string, std::vector<std::string>> by_agent;
    if (auto done = scopes->each_row([&](const Statement& row) {
            by_agent[row.text(0)].push_back(row.text(1));
            return true;
        });
        !done)
        return std::unexpected(done.error());
    for (auto& agent : agents)
        agent.procedures = std::move(by_agent[agent.name]);
    return agents;
}

Result<std::optional<std::pair<AgentRecord, std::string>>> SqliteStore::agent_with_hash(std::string_view name)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT " + std::string(agent_columns) + ", password_hash FROM agents WHERE name = ?");
    if (!query)
        return std::unexpected(query.error());
    auto row = query->bind(1, name).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<std::pair<AgentRecord, std::string>>();
    auto agent = agent_at(*query);
    auto hash = query->text(8);
    auto procedures = procedures_of(m_db, name);
    if (!procedures)
        return std::unexpected(procedures.error());
    agent.procedures = std::move(*procedures);
    return std::optional(std::pair { std::move(agent), std::move(hash) });
}

Result<void> SqliteStore::update_agent(std::string_view name, const AgentUpdate& update)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto exists = agent_exists(m_db, name);
    if (!exists)
        return std::unexpected(exists.error());
    if (!*exists)
        return fail("there is no agent named '" + std::string(name.substr(0, 80)) + "'");
    auto set = [&](std::string_view sql, auto&& bind) -> Result<void> {
        auto statement = m_db.prepare(sql);
        if (!statement)
            return std::unexpected(statement.error());
        bind(*statement);
        return statement->run();
    };
    if (update.role)
        if (auto done = set("UPDATE agents SET role = ?1 WHERE name = ?2", [&](Statement& s) { s.bind(1, name_of(*update.role)).bind(2, name); }); !done)
            return done;
    if (update.all_procedures)
        if (auto done = set("UPDATE agents SET all_procedures = ?1 WHERE name = ?2",
                [&](Statement& s) { s.bind(1, int64_t { *update.all_procedures }).bind(2, name); });
            !done)
            return done;
    if (update.procedures)
        if (auto done = set_procedures(m_db, name, *update.procedures); !done)
            return done;
    if (update.password_hash)
        if (auto done = set("UPDATE agents SET password_hash = ?1 WHERE name = ?2", [&](Statement& s) { s.bind(1, *update.password_hash).bind(2, name); });
            !done)
            return done;
    if (update.disabled_at)
        if (auto done = set("UPDATE agents SET disabled_at = ?1 WHERE name = ?2", [&](Statement& s) { s.bind(1, *update.disabled_at).bind(2, name); });
            !done)
            return done;
    if (update.clear_lockout)
        if (auto done = set("UPDATE agents SET failures = 0, retry_at = '' WHERE name = ?1", [&](Statement& s) { s.bind(1, name); }); !done)
            return done;
    return transaction->commit();
}

Result<AgentRecord> SqliteStore::record_sign_in_failure(std::string_view name, std::string_view now, const LockoutRules& rules)
{
    auto when = agent_rules::parse_now(now);
    if (!when)
        return std::unexpected(when.error());
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    auto count = m_db.prepare("UPDATE agents SET failures = failures + 1 WHERE name = ? RETURNING failures");
    if (!count)
        return std::unexpected(count.error());
    auto row = count->bind(1, name).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail("there is no agent named '" + std::string(name.substr(0, 80)) + "'");
    auto failures = static_cast<int>(count->int64(0));
    count->reset();
    auto retry = m_db.prepare("UPDATE agents SET retry_at = ? WHERE name = ?");
    if (!retry)
        return std::unexpected(retry.error());
    if (auto done = retry->bind(1, agent_rules::retry_at(*when, failures, rules)).bind(2, name).run(); !done)
        return std::unexpected(done.error());
    auto read = m_db.prepare("SELECT " + std::string(agent_columns) + " FROM agents WHERE name = ?");
    if (!read)
        return std::unexpected(read.error());
    auto found = read->bind(1, name).step();
    if (!found)
        return std::unexpected(found.error());
    auto agent = agent_at(*read);
    read->reset();
    auto procedures = procedures_of(m_db, name);
    if (!procedures)
        return std::unexpected(procedures.error());
    agent.procedures = std::move(*procedures);
    if (auto done = transaction->commit(); !done)
        return std::unexpected(done.error());
    return agent;
}

Result<void> SqliteStore::record_sign_in_success(std::string_view name, std::string_view now)
{
    std::lock_guard lock(m_mutex);
    auto update = m_db.prepare("UPDATE agents SET failures = 0, retry_at = '', last_sign_in = ? WHERE name = ?");
    if (!update)
        return std::unexpected(update.error());
    return update->bind(1, now).bind(2, name).run();
}

Result<void> SqliteStore::create_session(std::span<const uint8_t, 32> id_hash, std::string_view agent, std::span<const uint8_t, 32> csrf,
    std::string_view now, std::string_view expires_at)
{
    std::lock_guard lock(m_mutex);
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return std::unexpected(transaction.error());
    // Sessions past their absolute end go when a new one starts: the table stays the size of a shift.
    auto sweep = m_db.prepare("DELETE FROM sessions WHERE expires_at <= ?");
    if (!sweep)
        return std::unexpected(sweep.error());
    if (auto done = sweep->bind(1, now).run(); !done)
        return done;
    auto insert = m_db.prepare("INSERT INTO sessions (id_hash, agent, csrf, created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    if (auto done = insert->bind(1, std::span<const uint8_t>(id_hash))
                        .bind(2, agent)
                        .bind(3, std::span<const uint8_t>(csrf))
                        .bind(4, now)
                        .bind(5, now)
                        .bind(6, expires_at)
                        .run();
        !done)
        return done;
    return transaction->commit();
}

Result<std::optional<SessionView>> SqliteStore::session(std::span<const uint8_t, 32> id_hash, std::string_view now, int64_t idle_s)
{
    auto when = agent_rules::parse_now(now);
    if (!when)
        return std::unexpected(when.error());
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT s.id_hash, s.agent, a.role, a.all_procedures, s.csrf, s.expires_at, s.last_seen "
                              "FROM sessions s JOIN agents a ON a.name = s.agent WHERE s.id_hash = ? AND a.disabled_at IS NULL");
    if (!query)
        return std::unexpected(query.error());
    auto row = query->bind(1, std::span<const uint8_t>(id_hash)).step();
    if (!row)
        return std::unexpected(row.error());
    rules::Hash presented {};
    std::copy(id_hash.begin(), id_hash.end(), presented.begin());
    if (!*row || !rules::same_hash(query->blob(0), presented))
        return std::optional<SessionView>();
    auto expires_at = query->text(5);
    auto last_seen = query->text(6);
    std::string now_text(now);
    if (expires_at <= now_text || last_seen <= agent_rules::seconds_before(*when, idle_s)) {
        query->reset();
        auto end = m_db.prepare("DELETE FROM sessions WHERE id_hash = ?");
        if (!end)
            return std::unexpected(end.error());
        if (auto done = end->bind(1, std::span<const uint8_t>(id_hash)).run(); !done)
            return std::unexpected(done.error());
        return std::optional<SessionView>();
    }
    SessionView view;
    view.agent = query->text(1);
    view.role = agent_role_from(query->text(2)).value_or(AgentRole::Agent);
    view.all_procedures = query->int64(3) != 0;
    auto csrf = query->blob(4);
    if (csrf.size() != view.csrf.size())
        return fail("a session's CSRF token is damaged in the database");
    std::copy(csrf.begin(), csrf.end(), view.csrf.begin());
    view.expires_at = expires_at;
    query->reset();
    if (last_seen <= agent_rules::seconds_before(*when, agent_rules::touch_every_s)) {
        auto touch = m_db.prepare("UPDATE sessions SET last_seen = ? WHERE id_hash = ?");
        if (!touch)
            return std::unexpected(touch.error());
        if (auto done = touch->bind(1, now).bind(2, std::span<const uint8_t>(id_hash)).run(); !done)
            return std::unexpected(done.error());
    }
    auto procedures = procedures_of(m_db, view.agent);
    if (!procedures)
        return std::unexpected(procedures.error());
    view.procedures = std::move(*procedures);
    return std::optional(std::move(view));
}

Result<void> SqliteStore::end_session(std::span<const uint8_t, 32> id_hash)
{
    std::lock_guard lock(m_mutex);
    auto end = m_db.prepare("DELETE FROM sessions WHERE id_hash = ?");
    if (!end)
        return std::unexpected(end.error());
    return end->bind(1, std::span<const uint8_t>(id_hash)).run();
}

Result<int64_t> SqliteStore::end_sessions_of(std::string_view agent)
{
    std::lock_guard lock(m_mutex);
    auto end = m_db.prepare("DELETE FROM sessions WHERE agent = ?");
    if (!end)
        return std::unexpected(end.error());
    if (auto done = end->bind(1, agent).run(); !done)
        return std::unexpected(done.error());
    return m_db.changes();
}

Result<void> SqliteStore::audit(const AuditEvent& event)
{
    std::lock_guard lock(m_mutex);
    auto insert = m_db.prepare("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)");
    if (!insert)
        return std::unexpected(insert.error());
    return insert->bind(1, event.at).bind(2, event.actor).bind(3, event.action).bind(4, event.target).bind(5, event.detail).run();
}

Result<std::vector<AuditEvent>> SqliteStore::audit_log(std::optional<int64_t> before_seq, size_t limit, const std::optional<std::string>& target)
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT seq, at, actor, action, target, detail FROM audit WHERE (?1 IS NULL OR seq < ?1) "
                              "AND (?2 IS NULL OR target = ?2) ORDER BY seq DESC LIMIT ?3");
    if (!query)
        return std::unexpected(query.error());
    std::vector<AuditEvent> events;
    auto done = query->bind(1, before_seq).bind(2, target).bind(3, static_cast<int64_t>(std::min<size_t>(limit, 1000))).each_row([&](const Statement& row) {
        events.push_back({ row.int64(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5) });
        return true;
    });
    if (!done)
        return std::unexpected(done.error());
    return events;
}

}
