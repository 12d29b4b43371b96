// The agents' commands of guichet-hub (cli_agents.h).
#include "sync/hub/cli_agents.h"

#include "kiosk/core/command_line.h"
#include "sync/clock_text.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/store.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace guichet::sync::hub {
namespace {

constexpr size_t min_password_chars = 12;
constexpr size_t max_password_bytes = 1024;
constexpr size_t generated_password_chars = 16;

int usage(std::ostream& err, const std::string& message)
{
    err << "guichet-hub: " << message << "\n(run 'guichet-hub agent --help' for usage)\n";
    return 2;
}

int failed(std::ostream& err, const std::string& message)
{
    err << "guichet-hub: " << message << "\n";
    return 1;
}

size_t utf8_chars(std::string_view text)
{
    size_t count = 0;
    for (unsigned char c : text)
        count += (c & 0xC0) != 0x80;
    return count;
}

bool is_procedure_id(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

// "--procedures ID,ID" or "*" into the record's scope; an error names the bad id.
std::optional<std::string> parse_scope(std::string_view text, bool& all, std::vector<std::string>& procedures)
{
    all = false;
    procedures.clear();
    if (text == "*") {
        all = true;
        return std::nullopt;
    }
    while (!text.empty()) {
        auto comma = text.find(',');
        auto id = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        if (id.empty())
            continue;
        if (!is_procedure_id(id))
            return "--procedures: '" + std::string(id.substr(0, 80)) + "' is not a procedure id (lower-case letters, digits, '-', '_', '.')";
        procedures.emplace_back(id);
    }
    if (procedures.empty())
        return std::string("--procedures needs at least one procedure id, or '*' for all");
    std::sort(procedures.begin(), procedures.end());
    procedures.erase(std::unique(procedures.begin(), procedures.end()), procedures.end());
    return std::nullopt;
}

std::string generate_password()
{
    // No look-alikes (0/O, 1/l/I): the password is read aloud or copied by hand once.
    static constexpr std::string_view alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string password;
    for (size_t i = 0; i < generated_password_chars; ++i)
        password += alphabet[randombytes_uniform(static_cast<uint32_t>(alphabet.size()))];
    return password;
}

// The new password: generated (and printed on `out`), or read; nullopt after a message on `err`.
std::optional<std::string> new_password(const AgentCommandValues& values, std::istream& in, std::ostream& out, std::ostream& err)
{
    if (values.generate) {
        auto password = generate_password();
        out << password << "\n";
        out.flush();
        return password;
    }
    bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
    auto password = read_secret_line(in, terminal, "Mot de passe (12 caractères au moins) : ", err);
    if (terminal) {
        auto again = read_secret_line(in, terminal, "Le même mot de passe, encore : ", err);
        bool same = again == password;
        sodium_memzero(again.data(), again.size());
        if (!same) {
            sodium_memzero(password.data(), password.size());
            failed(err, "the two passwords differ; nothing was changed");
            return std::nullopt;
        }
    }
    if (utf8_chars(password) < min_password_chars || password.size() > max_password_bytes) {
        sodium_memzero(password.data(), password.size());
        failed(err, "the password must have " + std::to_string(min_password_chars) + " characters or more (and at most "
                + std::to_string(max_password_bytes) + " bytes), given on standard input; or use --generate");
        return std::nullopt;
    }
    return password;
}

Result<std::string> hash_password(std::string& password, HashCostLevel level)
{
    auto cost = agent_hash_cost(level);
    char hash[crypto_pwhash_STRBYTES];
    int done = crypto_pwhash_str(hash, password.data(), password.size(), cost.opslimit, cost.memlimit);
    sodium_memzero(password.data(), password.size());
    if (done != 0)
        return fail("cannot hash the password (out of memory for Argon2id?)");
    return std::string(hash);
}

Result<std::unique_ptr<Store>> open_existing(const std::string& db)
{
    std::error_code error;
    // Managing agents must not create an empty database where the operator mistyped a path.
    if (!is_postgresql_url(db) && !std::filesystem::exists(db, error))
        return fail("the database '" + db + "' does not exist (guichet-hub serve or enroll creates it)");
    return Store::open(db);
}

void audit(Store& store, std::string_view action, std::string_view target, std::string detail, std::ostream& err)
{
    AuditEvent event { 0, now_rfc3339(), "cli", std::string(action), std::string(target), std::move(detail) };
    if (auto done = store.audit(event); !done)
        err << "guichet-hub: warning: cannot write the audit log: " << done.error().message << "\n";
}

std::string scope_text(const AgentRecord& agent)
{
    if (agent.all_procedures)
        return "*";
    std::string out;
    for (auto& procedure : agent.procedures)
        out += (out.empty() ? "" : ",") + procedure;
    return out;
}

int add(const AgentCommandValues& values, std::istream& in, std::ostream& out, std::ostream& err, HashCostLevel level)
{
    AgentRecord agent;
    agent.name = values.name;
    if (!is_valid_agent_name(agent.name))
        return usage(err, "the agent name '" + agent.name.substr(0, 80) + "' is not valid: 1 to 64 lower-case letters, digits, '.' or '-'");
    auto role = agent_role_from(values.role.empty() ? "agent" : values.role);
    if (!role)
        return usage(err, "--role is 'agent' or 'supervisor', not '" + values.role.substr(0, 40) + "'");
    agent.role = *role;
    if (values.procedures.empty())
        return usage(err, "agent add needs --procedures ID,... (the procedures this agent processes), or '*' for all");
    if (auto problem = parse_scope(values.procedures, agent.all_procedures, agent.procedures))
        return usage(err, *problem);
    auto store = open_existing(values.db);
    if (!store)
        return failed(err, store.error().message);
    auto password = new_password(values, in, out, err);
    if (!password)
        return 1;
    auto hash = hash_password(*password, level);
    if (!hash)
        return failed(err, hash.error().message);
    agent.created_at = now_rfc3339();
    if (auto done = (*store)->add_agent(agent, *hash); !done)
        return failed(err, done.error().message);
    audit(**store, "agent-add", agent.name, "role=" + std::string(name_of(agent.role)) + " procedures=" + scope_text(agent), err);
    err << "guichet-hub: added " << name_of(agent.role) << " '" << agent.name << "' for " << (agent.all_procedures ? "every procedure" : scope_text(agent))
        << (values.generate ? "; the password above is shown only once" : "") << "\n";
    return 0;
}

int list(const AgentCommandValues& values, std::ostream& out, std::ostream& err)
{
    auto store = open_existing(values.db);
    if (!store)
        return failed(err, store.error().message);
    auto agents = (*store)->list_agents();
    if (!agents)
        return failed(err, agents.error().message);
    audit(**store, "agent-list", "", "count=" + std::to_string(agents->size()), err);
    auto now = now_rfc3339();
    for (auto& agent : *agents) {
        std::string state = agent.disabled_at ? "disabled"
            : agent.failures >= agent_lockout.lockout_after && agent.retry_at > now ? "locked"
                                                                                 : "active";
        if (values.json) {
            nlohmann::json line { { "name", agent.name }, { "role", name_of(agent.role) }, { "all_procedures", agent.all_procedures },
                { "procedures", agent.procedures }, { "state", state }, { "failures", agent.failures }, { "created_at", agent.created_at } };
            line["last_sign_in"] = agent.last_sign_in ? nlohmann::json(*agent.last_sign_in) : nlohmann::json(nullptr);
            line["disabled_at"] = agent.disabled_at ? nlohmann::json(*agent.disabled_at) : nlohmann::json(nullptr);
            out << line.dump() << "\n";
        } else {
            out << agent.name << "\t" << name_of(agent.role) << "\t" << scope_text(agent) << "\t" << state << "\t"
                << agent.last_sign_in.value_or("never signed in") << "\n";
        }
    }
    if (!values.json)
        err << "guichet-hub: " << agents->size() << " agent(s): name, role, procedures, state, last sign-in\n";
    return 0;
}

int disable(const AgentCommandValues& values, std::ostream& err)
{
    auto store = open_existing(values.db);
    if (!store)
        return failed(err, store.error().message);
    AgentUpdate update;
    update.disabled_at = std::optional<std::string>(now_rfc3339());
    if (auto done = (*store)->update_agent(values.name, update); !done)
        return failed(err, done.error().message);
    auto ended = (*store)->end_sessions_of(values.name);
    if (!ended)
        return failed(err, "the agent is disabled, but its sessions could not be ended: " + ended.error().message);
    audit(**store, "agent-disable", values.name, "sessions=" + std::to_string(*ended), err);
    err << "guichet-hub: disabled '" << values.name << "' and ended " << *ended << " session(s); 'agent reset' enables it again\n";
    return 0;
}

int reset(const AgentCommandValues& values, std::istream& in, std::ostream& out, std::ostream& err, HashCostLevel level)
{
    AgentUpdate update;
    std::string detail = "password";
    if (!values.role.empty()) {
        auto role = agent_role_from(values.role);
        if (!role)
            return usage(err, "--role is 'agent' or 'supervisor', not '" + values.role.substr(0, 40) + "'");
        update.role = *role;
        detail += " role=" + values.role;
    }
    if (!values.procedures.empty()) {
        bool all = false;
        std::vector<std::string> procedures;
        if (auto problem = parse_scope(values.procedures, all, procedures))
            return usage(err, *problem);
        update.all_procedures = all;
        update.procedures = std::move(procedures);
        detail += " procedures=" + values.procedures;
    }
    auto store = open_existing(values.db);
    if (!store)
        return failed(err, store.error().message);
    auto existing = (*store)->agent_with_hash(values.name);
    if (!existing)
        return failed(err, existing.error().message);
    if (!*existing)
        return failed(err, "there is no agent named '" + values.name.substr(0, 80) + "'");
    auto password = new_password(values, in, out, err);
    if (!password)
        return 1;
    auto hash = hash_password(*password, level);
    if (!hash)
        return failed(err, hash.error().message);
    update.password_hash = *hash;
    update.clear_lockout = true;
    update.disabled_at = std::optional<std::string>(); // enabled again
    if (auto done = (*store)->update_agent(values.name, update); !done)
        return failed(err, done.error().message);
    auto ended = (*store)->end_sessions_of(values.name);
    if (!ended)
        return failed(err, "the password is reset, but the agent's sessions could not be ended: " + ended.error().message);
    audit(**store, "agent-reset", values.name, detail + " sessions=" + std::to_string(*ended), err);
    err << "guichet-hub: reset '" << values.name << "': new password, lockout cleared, enabled, " << *ended << " session(s) ended"
        << (values.generate ? "; the password above is shown only once" : "") << "\n";
    return 0;
}

}

void add_agent_commands(CLI::App& agent, AgentCommandValues& values)
{
    agent.require_subcommand(1);
    auto db = [&](CLI::App* command) {
        command->add_option("--db", values.db, "the hub's database: a SQLite file, or a postgresql:// URL")->option_text("FILE|URL (required)")->required()->check(not_empty());
    };
    auto cost = [&](CLI::App* command) {
        command->add_option("--hash-cost", values.hash_cost, "the Argon2id cost: interactive (default), or test (needs GUICHET_HUB_TEST_HOOKS=1)")->option_text("interactive|test");
    };
    auto* add = agent.add_subcommand("add", "add an agent; the password comes from standard input, or --generate prints one");
    add->add_option("NAME", values.name, "the agent's name: [a-z0-9][a-z0-9.-]{0,63}")->required();
    db(add);
    add->add_option("--role", values.role, "agent (default) or supervisor (also sees statistics, fleet and audit log)")->option_text("agent|supervisor");
    add->add_option("--procedures", values.procedures, "the procedures this agent processes, or '*' for all")->option_text("ID,...|'*' (required)")->required();
    add->add_flag("--generate", values.generate, "print a random 16-character password instead of reading one");
    cost(add);
    auto* list = agent.add_subcommand("list", "list the agents: role, procedures, state (active, locked, disabled), last sign-in");
    db(list);
    list->add_flag("--json", values.json, "one JSON object per line");
    auto* disable = agent.add_subcommand("disable", "disable an agent and end its sessions (agent reset enables it again)");
    disable->add_option("NAME", values.name, "the agent's name")->required();
    db(disable);
    auto* reset = agent.add_subcommand("reset", "give an agent a new password, clear its lockout, enable it, end its sessions");
    reset->add_option("NAME", values.name, "the agent's name")->required();
    db(reset);
    reset->add_option("--role", values.role, "change the role too")->option_text("agent|supervisor");
    reset->add_option("--procedures", values.procedures, "change the procedures too")->option_text("ID,...|'*'");
    reset->add_flag("--generate", values.generate, "print a random 16-character password instead of reading one");
    cost(reset);
}

int run_agent_command(const CLI::App& agent, const AgentCommandValues& values, std::istream& in, std::ostream& out, std::ostream& err)
{
    auto level = HashCostLevel::Interactive;
    if (values.hash_cost == "test") {
        if (!test_hooks_enabled())
            return usage(err, "--hash-cost test is a test hook: it is refused unless the environment has GUICHET_HUB_TEST_HOOKS=1");
        level = HashCostLevel::Test;
    } else if (!values.hash_cost.empty() && values.hash_cost != "interactive") {
        return usage(err, "--hash-cost is 'interactive' or 'test'");
    }
    if (sodium_init() < 0)
        return failed(err, "libsodium cannot start");
    auto sub = agent.get_subcommands().front()->get_name();
    if (sub == "add")
        return add(values, in, out, err, level);
    if (sub == "list")
        return list(values, out, err);
    if (sub == "disable")
        return disable(values, err);
    return reset(values, in, out, err, level);
}

}
