// The hub's PostgreSQL engine: the back office's agents, sessions and audit log (store.h). Several hubs
// share the database: a wrong password's count and wait are one transaction holding the agent's row lock,
// so concurrent failures on any hub each count once.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

#include "sync/clock_text.h"
#include "sync/hub/agent_rules.h"
#include "sync/hub/store_rules.h"

#include <map>

namespace guichet::sync::hub {
using namespace pg;
namespace {

constexpr const char* agent_columns = "name, role, all_procedures, failures, retry_at, disabled_at, created_at, last_sign_in";

AgentRecord agent_at(const PGresult* result, int row)
{
    AgentRecord agent;
    agent.name = text(result, row, 0);
    agent.role = agent_role_from(text(result, row, 1)).value_or(AgentRole::Agent);
    agent.all_procedures = int64(result, row, 2) != 0;
    agent.failures = static_cast<int>(int64(result, row, 3));
    agent.retry_at = text(result, row, 4);
    if (!is_null(result, row, 5))
        agent.disabled_at = text(result, row, 5);
    agent.created_at = text(result, row, 6);
    if (!is_null(result, row, 7))
        agent.last_sign_in = text(result, row, 7);
    return agent;
}

Result<std::vector<std::string>> procedures_of(PGconn* connection, std::string_view name)
{
    auto found = exec(connection, "SELECT procedure FROM agent_procedures WHERE agent = $1 ORDER BY procedure", { name });
    if (!found)
        return std::unexpected(found.error());
    std::vector<std::string> procedures;
    for (int row = 0; row < PQntuples(found->get()); ++row)
        procedures.push_back(text(found->get(), row, 0));
    return procedures;
}

Result<void> set_procedures(PGconn* connection, std::string_view name, const std::vector<std::string>& procedures)
{
    if (auto done = exec(connection, "DELETE FROM agent_procedures WHERE agent = $1", { name }); !done)
        return std::unexpected(done.error());
    for (auto& procedure : procedures)
        if (auto done = exec(connection, "INSERT INTO agent_procedures (agent, procedure) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                { name, procedure });
            !done)
            return std::unexpected(done.error());
    return {};
}

std::string affected(const ResultPtr& result) { return PQcmdTuples(result.get()); }

}

Result<void> PgStore::add_agent(const AgentRecord& agent, std::string_view password_hash)
{
    if (!is_valid_agent_name(agent.name))
        return fail("the agent name '" + agent.name.substr(0, 80) + "' is not valid: use 1 to 64 lower-case letters, digits, '.' or '-', starting with a letter or digit");
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return done;
    auto created_at = agent.created_at.empty() ? now_rfc3339() : agent.created_at;
    auto inserted = exec(connection,
        "INSERT INTO agents (name, role, all_procedures, password_hash, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (name) DO NOTHING",
        { agent.name, name_of(agent.role), int64_t { agent.all_procedures }, password_hash, created_at, agent.disabled_at });
    if (!inserted)
        return std::unexpected(inserted.error());
    if (affected(*inserted) != "1")
        return fail("an agent named '" + agent.name + "' already exists");
    if (auto done = set_procedures(connection, agent.name, agent.procedures); !done)
        return done;
    return transaction.commit();
}

Result<std::vector<AgentRecord>> PgStore::list_agents()
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto found = exec(lease->get(), (std::string("SELECT ") + agent_columns + " FROM agents ORDER BY name").c_str());
    if (!found)
        return std::unexpected(found.error());
    auto scopes = exec(lease->get(), "SELECT agent, procedure FROM agent_procedures ORDER BY agent, procedure");
    if (!scopes)
        return std::unexpected(scopes.error());
    std::map<std::string, std::vector<std::string>> by_agent;
    for (int row = 0; row < PQntuples(scopes->get()); ++row)
        by_agent[text(scopes->get(), row, 0)].push_back(text(scopes->get(), row, 1));
    std::vector<AgentRecord> agents;
    for (int row = 0; row < PQntuples(found->get()); ++row) {
        agents.push_back(agent_at(found->get(), row));
        agents.back().procedures = std::move(by_agent[agents.back().name]);
    }
    return agents;
}

Result<std::optional<std::pair<AgentRecord, std::string>>> PgStore::agent_with_hash(std::string_view name)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto found = exec(lease->get(), (std::string("SELECT ") + agent_columns + ", password_hash FROM agents WHERE name = $1").c_str(), { name });
    if (!found)
        return std::unexpected(found.error());
    if (PQntuples(found->get()) != 1)
        return std::optional<std::pair<AgentRecord, std::string>>();
    auto agent = agent_at(found->get(), 0);
    auto procedures = procedures_of(lease->get(), name);
    if (!procedures)
        return std::unexpected(procedures.error());
    agent.procedures = std::move(*procedures);
    return std::optional(std::pair { std::move(agent), text(found->get(), 0, 8) });
}

Result<void> PgStore::update_agent(std::string_view name, const AgentUpdate& update)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return done;
    auto locked = exec(connection, "SELECT 1 FROM agents WHERE name = $1 FOR UPDATE", { name });
    if (!locked)
        return std::unexpected(locked.error());
    if (PQntuples(locked->get()) != 1)
        return fail("there is no agent named '" + std::string(name.substr(0, 80)) + "'");
    auto run = [&](const char* sql, std::vector<Param> params) -> Result<void> {
        if (auto done = exec(connection, sql, params); !done)
            return std::unexpected(done.error());
        return {};
    };
    if (update.role)
        if (auto done = run("UPDATE agents SET role = $1 WHERE name = $2", { name_of(*update.role), name }); !done)
            return done;
    if (update.all_procedures)
        if (auto done = run("UPDATE agents SET all_procedures = $1 WHERE name = $2", { int64_t { *update.all_procedures }, name }); !done)
            return done;
    if (update.procedures)
        if (auto done = set_procedures(connection, name, *update.procedures); !done)
            return done;
    if (update.password_hash)
        if (auto done = run("UPDATE agents SET password_hash = $1 WHERE name = $2", { *update.password_hash, name }); !done)
            return done;
    if (update.disabled_at)
        if (auto done = run("UPDATE agents SET disabled_at = $1 WHERE name = $2", { *update.disabled_at, name }); !done)
            return done;
    if (update.clear_lockout)
        if (auto done = run("UPDATE agents SET failures = 0, retry_at = '' WHERE name = $1", { name }); !done)
            return done;
    return transaction.commit();
}

Result<AgentRecord> PgStore::record_sign_in_failure(std::string_view name, std::string_view now, const LockoutRules& rules)
{
    auto when = agent_rules::parse_now(now);
    if (!when)
        return std::unexpected(when.error());
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    PgTransaction transaction(connection);
    if (auto done = transaction.begin(); !done)
        return std::unexpected(done.error());
    // The UPDATE takes the row's lock until COMMIT: a concurrent failure waits, then counts on top.
    auto counted = exec(connection, "UPDATE agents SET failures = failures + 1 WHERE name = $1 RETURNING failures", { name });
    if (!counted)
        return std::unexpected(counted.error());
    if (PQntuples(counted->get()) != 1)
        return fail("there is no agent named '" + std::string(name.substr(0, 80)) + "'");
    auto failures = static_cast<int>(int64(counted->get(), 0, 0));
    auto updated = exec(connection, (std::string("UPDATE agents SET retry_at = $1 WHERE name = $2 RETURNING ") + agent_columns).c_str(),
        { agent_rules::retry_at(*when, failures, rules), name });
    if (!updated)
        return std::unexpected(updated.error());
    auto agent = agent_at(updated->get(), 0);
    auto procedures = procedures_of(connection, name);
    if (!procedures)
        return std::unexpected(procedures.error());
    agent.procedures = std::move(*procedures);
    if (auto done = transaction.commit(); !done)
        return std::unexpected(done.error());
    return agent;
}

Result<void> PgStore::record_sign_in_success(std::string_view name, std::string_view now)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    if (auto done = exec(lease->get(), "UPDATE agents SET failures = 0, retry_at = '', last_sign_in = $1 WHERE name = $2", { now, name }); !done)
        return std::unexpected(done.error());
    return {};
}

Result<void> PgStore::create_session(std::span<const uint8_t, 32> id_hash, std::string_view agent, std::span<const uint8_t, 32> csrf,
    std::string_view now, std::string_view expires_at)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    // Sessions past their absolute end go when a new one starts: the table stays the size of a shift.
    if (auto done = exec(connection, "DELETE FROM sessions WHERE expires_at <= $1", { now }); !done)
        return std::unexpected(done.error());
    if (auto done = exec(connection,
            "INSERT INTO sessions (id_hash, agent, csrf, created_at, last_seen, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
            { std::span<const uint8_t>(id_hash), agent, std::span<const uint8_t>(csrf), now, expires_at });
        !done)
        return std::unexpected(done.error());
    return {};
}

Result<std::optional<SessionView>> PgStore::session(std::span<const uint8_t, 32> id_hash, std::string_view now, int64_t idle_s)
{
    auto when = agent_rules::parse_now(now);
    if (!when)
        return std::unexpected(when.error());
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    PGconn* connection = lease->get();
    auto found = exec(connection,
        "SELECT s.id_hash, s.agent, a.role, a.all_procedures, s.csrf, s.expires_at, s.last_seen "
        "FROM sessions s JOIN agents a ON a.name = s.agent WHERE s.id_hash = $1 AND a.disabled_at IS NULL",
        { std::span<const uint8_t>(id_hash) });
    if (!found)
        return std::unexpected(found.error());
    rules::Hash presented {};
    std::copy(id_hash.begin(), id_hash.end(), presented.begin());
    const PGresult* row = found->get();
    if (PQntuples(row) != 1 || !rules::same_hash(bytes(row, 0, 0), presented))
        return std::optional<SessionView>();
    auto expires_at = text(row, 0, 5);
    auto last_seen = text(row, 0, 6);
    if (expires_at <= now || last_seen <= agent_rules::seconds_before(*when, idle_s)) {
        if (auto done = exec(connection, "DELETE FROM sessions WHERE id_hash = $1", { std::span<const uint8_t>(id_hash) }); !done)
            return std::unexpected(done.error());
        return std::optional<SessionView>();
    }
    SessionView view;
    view.agent = text(row, 0, 1);
    view.role = agent_role_from(text(row, 0, 2)).value_or(AgentRole::Agent);
    view.all_procedures = int64(row, 0, 3) != 0;
    auto csrf = bytes(row, 0, 4);
    if (csrf.size() != view.csrf.size())
        return fail("a session's CSRF token is damaged in the database");
    std::copy(csrf.begin(), csrf.end(), view.csrf.begin());
    view.expires_at = expires_at;
    if (last_seen <= agent_rules::seconds_before(*when, agent_rules::touch_every_s))
        if (auto done = exec(connection, "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $1",
                { now, std::span<const uint8_t>(id_hash) });
            !done)
            return std::unexpected(done.error());
    auto procedures = procedures_of(connection, view.agent);
    if (!procedures)
        return std::unexpected(procedures.error());
    view.procedures = std::move(*procedures);
    return std::optional(std::move(view));
}

Result<void> PgStore::end_session(std::span<const uint8_t, 32> id_hash)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    if (auto done = exec(lease->get(), "DELETE FROM sessions WHERE id_hash = $1", { std::span<const uint8_t>(id_hash) }); !done)
        return std::unexpected(done.error());
    return {};
}

Result<int64_t> PgStore::end_sessions_of(std::string_view agent)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto done = exec(lease->get(), "DELETE FROM sessions WHERE agent = $1", { agent });
    if (!done)
        return std::unexpected(done.error());
    return std::stoll(affected(*done));
}

Result<void> PgStore::audit(const AuditEvent& event)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    if (auto done = exec(lease->get(), "INSERT INTO audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            { event.at, event.actor, event.action, event.target, event.detail });
        !done)
        return std::unexpected(done.error());
    return {};
}

Result<std::vector<AuditEvent>> PgStore::audit_log(std::optional<int64_t> before_seq, size_t limit, const std::optional<std::string>& target)
{
    auto lease = this->lease();
    if (!lease)
        return std::unexpected(lease.error());
    auto found = exec(lease->get(),
        "SELECT seq, at, actor, action, target, detail FROM audit WHERE ($1::bigint IS NULL OR seq < $1::bigint) "
        "AND ($2::text IS NULL OR target = $2::text) ORDER BY seq DESC LIMIT $3",
        { before_seq, target, static_cast<int64_t>(std::min<size_t>(limit, 1000)) });
    if (!found)
        return std::unexpected(found.error());
    std::vector<AuditEvent> events;
    for (int row = 0; row < PQntuples(found->get()); ++row)
        events.push_back({ int64(found->get(), row, 0), text(found->get(), row, 1), text(found->get(), row, 2), text(found->get(), row, 3),
            text(found->get(), row, 4), text(found->get(), row, 5) });
    return events;
}

}
