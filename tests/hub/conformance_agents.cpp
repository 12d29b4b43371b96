// Store conformance (both engines): the back office's agents calls.
#include "store_conformance.h"

#include "sync/hub/office_types.h"
#include "sync/hub/store.h"

#include <catch2/catch.hpp>

#include <array>
#include <thread>

using namespace guichet;
using namespace guichet::sync::hub;
using guichet::test::TempDir;
using namespace guichet::test::conformance;

namespace {

AgentRecord agent_named(std::string name, std::vector<std::string> procedures = { "change-of-address" })
{
    AgentRecord agent;
    agent.name = std::move(name);
    agent.procedures = std::move(procedures);
    agent.created_at = "2026-12-01T08:00:00.000Z";
    return agent;
}

std::array<uint8_t, 32> filled(uint8_t value)
{
    std::array<uint8_t, 32> bytes {};
    bytes.fill(value);
    return bytes;
}

}

TEST_CASE("Store conformance: agents are added once, listed with their scope, updated and disabled", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->add_agent(agent_named("alice", { "public-space-report", "change-of-address" }), "$argon2id$alice"));
    auto boss = agent_named("boss", {});
    boss.role = AgentRole::Supervisor;
    boss.all_procedures = true;
    REQUIRE(store->add_agent(boss, "$argon2id$boss"));

    auto twice = store->add_agent(agent_named("alice"), "$argon2id$other");
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message.find("already exists") != std::string::npos);
    CHECK_FALSE(store->add_agent(agent_named("Alice"), "x"));  // not a valid name
    CHECK_FALSE(store->add_agent(agent_named("-bob"), "x"));

    auto agents = store->list_agents();
    REQUIRE(agents);
    REQUIRE(agents->size() == 2);
    CHECK((*agents)[0].name == "alice");
    CHECK((*agents)[0].procedures == std::vector<std::string> { "change-of-address", "public-space-report" });
    CHECK((*agents)[0].role == AgentRole::Agent);
    CHECK((*agents)[1].all_procedures);
    CHECK((*agents)[1].role == AgentRole::Supervisor);

    auto alice = store->agent_with_hash("alice");
    REQUIRE(alice);
    REQUIRE(alice->has_value());
    CHECK((*alice)->second == "$argon2id$alice");
    CHECK((*alice)->first.created_at == "2026-12-01T08:00:00.000Z");
    CHECK_FALSE(store->agent_with_hash("nobody")->has_value());

    AgentUpdate update;
    update.procedures = std::vector<std::string> { "change-of-address" };
    update.password_hash = "$argon2id$new";
    update.role = AgentRole::Supervisor;
    REQUIRE(store->update_agent("alice", update));
    alice = store->agent_with_hash("alice");
    CHECK((*alice)->second == "$argon2id$new");
    CHECK((*alice)->first.procedures == std::vector<std::string> { "change-of-address" });
    CHECK((*alice)->first.role == AgentRole::Supervisor);
    CHECK_FALSE(store->update_agent("nobody", update));

    AgentUpdate disable;
    disable.disabled_at = std::optional<std::string>("2026-12-01T09:00:00.000Z");
    REQUIRE(store->update_agent("alice", disable));
    CHECK(store->agent_with_hash("alice")->value().first.disabled_at == "2026-12-01T09:00:00.000Z");
    AgentUpdate enable;
    enable.disabled_at = std::optional<std::string>();
    REQUIRE(store->update_agent("alice", enable));
    CHECK_FALSE(store->agent_with_hash("alice")->value().first.disabled_at);
}

TEST_CASE("Store conformance: wrong passwords count atomically and set the waits, a good one clears them", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->add_agent(agent_named("alice"), "hash"));

    // 1, 2, 4 … seconds after each failure, then the lockout from the tenth.
    auto first = store->record_sign_in_failure("alice", "2026-12-01T10:00:00.000Z", agent_lockout);
    REQUIRE(first);
    CHECK(first->failures == 1);
    CHECK(first->retry_at == "2026-12-01T10:00:01.000Z");
    auto second = store->record_sign_in_failure("alice", "2026-12-01T10:00:05.000Z", agent_lockout);
    CHECK(second->failures == 2);
    CHECK(second->retry_at == "2026-12-01T10:00:07.000Z");
    CHECK_FALSE(store->record_sign_in_failure("nobody", "2026-12-01T10:00:05.000Z", agent_lockout));

    // Eight threads, 5 failures each, on one agent: each counts once, whatever the interleaving.
    std::vector<std::thread> threads;
    std::atomic<int> errors = 0;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i)
                if (!store->record_sign_in_failure("alice", "2026-12-01T10:01:00.000Z", agent_lockout))
                    ++errors;
        });
    for (auto& thread : threads)
        thread.join();
    CHECK(errors == 0);
    auto locked = store->agent_with_hash("alice");
    CHECK(locked->value().first.failures == 42);
    CHECK(locked->value().first.retry_at == "2026-12-01T10:16:00.000Z"); // 900 s: locked

    REQUIRE(store->record_sign_in_success("alice", "2026-12-01T10:20:00.000Z"));
    auto cleared = store->agent_with_hash("alice")->value().first;
    CHECK(cleared.failures == 0);
    CHECK(cleared.retry_at.empty());
    CHECK(cleared.last_sign_in == "2026-12-01T10:20:00.000Z");

    REQUIRE(store->record_sign_in_failure("alice", "2026-12-01T10:21:00.000Z", agent_lockout));
    AgentUpdate clear;
    clear.clear_lockout = true;
    REQUIRE(store->update_agent("alice", clear));
    CHECK(store->agent_with_hash("alice")->value().first.failures == 0);
}

TEST_CASE("Store conformance: sessions expire when idle or at their end, and a disabled agent has none", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    auto alice = agent_named("alice", { "a-procedure", "b-procedure" });
    REQUIRE(store->add_agent(alice, "hash"));
    auto id = filled(1), csrf = filled(7);
    REQUIRE(store->create_session(id, "alice", csrf, "2026-12-01T10:00:00.000Z", "2026-12-01T22:00:00.000Z"));

    auto seen = store->session(id, "2026-12-01T10:10:00.000Z", 1800);
    REQUIRE(seen);
    REQUIRE(seen->has_value());
    CHECK((*seen)->agent == "alice");
    CHECK((*seen)->csrf == csrf);
    CHECK((*seen)->procedures == std::vector<std::string> { "a-procedure", "b-procedure" });
    CHECK((*seen)->expires_at == "2026-12-01T22:00:00.000Z");
    CHECK_FALSE(store->session(filled(2), "2026-12-01T10:10:00.000Z", 1800)->has_value());

    // Each use more than a minute after the last one noted moves the idle clock: seen at 10:10, so
    // alive at 10:39:59; seen then, so alive at 11:09:58; then 30 minutes of silence end it.
    CHECK(store->session(id, "2026-12-01T10:39:59.000Z", 1800)->has_value());
    CHECK(store->session(id, "2026-12-01T11:09:58.000Z", 1800)->has_value());
    CHECK_FALSE(store->session(id, "2026-12-01T11:39:58.000Z", 1800)->has_value());
    CHECK_FALSE(store->session(id, "2026-12-01T11:39:59.000Z", 1800)->has_value()); // deleted, not only hidden

    // The absolute end holds even for a busy agent.
    auto busy = filled(3);
    REQUIRE(store->create_session(busy, "alice", csrf, "2026-12-01T10:00:00.000Z", "2026-12-01T10:30:00.000Z"));
    CHECK(store->session(busy, "2026-12-01T10:20:00.000Z", 1800)->has_value());
    CHECK_FALSE(store->session(busy, "2026-12-01T10:30:00.000Z", 1800)->has_value());

    // Disabled: its sessions stop at once, even before they are deleted.
    auto other = filled(4);
    REQUIRE(store->create_session(other, "alice", csrf, "2026-12-01T12:00:00.000Z", "2026-12-01T23:00:00.000Z"));
    AgentUpdate disable;
    disable.disabled_at = std::optional<std::string>("2026-12-01T12:01:00.000Z");
    REQUIRE(store->update_agent("alice", disable));
    CHECK_FALSE(store->session(other, "2026-12-01T12:02:00.000Z", 1800)->has_value());
    AgentUpdate enable;
    enable.disabled_at = std::optional<std::string>();
    REQUIRE(store->update_agent("alice", enable));
    CHECK(store->session(other, "2026-12-01T12:02:00.000Z", 1800)->has_value());
    CHECK(store->end_sessions_of("alice").value() == 1);
    CHECK_FALSE(store->session(other, "2026-12-01T12:02:00.000Z", 1800)->has_value());

    auto last = filled(5);
    REQUIRE(store->create_session(last, "alice", csrf, "2026-12-01T12:00:00.000Z", "2026-12-01T23:00:00.000Z"));
    REQUIRE(store->end_session(last));
    CHECK_FALSE(store->session(last, "2026-12-01T12:00:01.000Z", 1800)->has_value());
}

TEST_CASE("Store conformance: the audit log pages back newest first and filters by target", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    for (int i = 0; i < 25; ++i)
        REQUIRE(store->audit({ 0, "2026-12-01T10:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".000Z", "agent:alice",
            "view", i % 5 == 0 ? "target-a" : "target-b", "n=" + std::to_string(i) }));
    auto page = store->audit_log(std::nullopt, 10, std::nullopt);
    REQUIRE(page);
    REQUIRE(page->size() == 10);
    CHECK(page->front().detail == "n=24");
    CHECK(page->back().detail == "n=15");
    auto next = store->audit_log(page->back().seq, 10, std::nullopt);
    CHECK(next->front().detail == "n=14");
    auto rest = store->audit_log(store->audit_log(next->back().seq, 10, std::nullopt)->back().seq, 10, std::nullopt);
    CHECK(rest->empty());
    auto filtered = store->audit_log(std::nullopt, 100, std::string("target-a"));
    REQUIRE(filtered->size() == 5);
    CHECK(filtered->front().detail == "n=20");
    CHECK(filtered->front().actor == "agent:alice");
    CHECK(filtered->front().action == "view");
    CHECK(filtered->back().detail == "n=0");
}
