// Store conformance (both engines): the back office's cases calls. The inbox pages by keyset on
// (received_at, seq), newest first; state changes are compare-and-set on rev; final states leave a
// delay row that survives the purge. Receipts are written with direct SQL (the kiosk feed stores them).
#include "store_conformance.h"

#include "sync/hub/case_queries.h"
#include "sync/sqlite.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <thread>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::TempDir;
using namespace guichet::test::conformance;

namespace {

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string id_of(int n)
{
    char text[40];
    std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012d", n);
    return text;
}

// `count` submissions of `procedure` from `kiosk`, ids first.. first+count-1, all received at `at`
// unless `spread` gives each its own second.
void add(Store& store, std::string_view procedure, std::string_view kiosk, int first, int count,
    const std::string& at = "2026-12-01T09:30:00.000Z", bool spread = false)
{
    std::vector<SubmissionRecord> records;
    for (int n = first; n < first + count; ++n) {
        std::string received = at;
        if (spread) {
            char text[40];
            std::snprintf(text, sizeof text, "2026-12-%02dT09:30:00.000Z", 1 + (n - first) % 28);
            received = text;
        }
        records.push_back(SubmissionRecord { id_of(n), std::string(kiosk), std::string(procedure), 1,
            "2026-12-01T09:29:00.000Z", received, bytes_of("sealed-" + std::to_string(n)) });
    }
    auto added = store.import_submissions(records);
    INFO((added ? "" : added.error().message));
    REQUIRE(added);
}

// SQLite's plan for one of case_queries' statements, its "detail" lines one a line.
std::string sqlite_plan(const std::string& where, const cases::SqlText& text)
{
    auto db = Database::open(where);
    REQUIRE(db);
    auto explain = db->prepare("EXPLAIN QUERY PLAN " + text.sql);
    REQUIRE(explain);
    for (size_t i = 0; i < text.params.size(); ++i) {
        if (auto* number = std::get_if<int64_t>(&text.params[i]))
            explain->bind(static_cast<int>(i) + 1, *number);
        else
            explain->bind(static_cast<int>(i) + 1, std::string_view(std::get<std::string>(text.params[i])));
    }
    std::string plan;
    REQUIRE(explain->each_row([&](const Statement& row) {
        plan += row.text(3) + "\n";
        return true;
    }));
    return plan;
}

std::unique_ptr<Store> fleet_store(const std::string& where)
{
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-1"));
    REQUIRE(store->enroll("mairie-2"));
    return store;
}

}

TEST_CASE("Store conformance: the inbox pages newest first over rows received at the same instant", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 250);
    add(*store, "public-space-report", "mairie-1", 1000, 7); // another procedure: never in this inbox

    InboxQuery query { .procedure = "change-of-address" };
    std::vector<InboxPage> pages;
    std::vector<std::string> seen;
    int64_t previous_seq = INT64_MAX;
    for (;;) {
        auto page = store->inbox(query);
        INFO((page ? "" : page.error().message));
        REQUIRE(page);
        CHECK(page->count_capped == 250);
        CHECK(page->has_previous == !pages.empty());
        for (auto& row : page->rows) {
            CHECK(row.procedure == "change-of-address");
            CHECK(row.seq < previous_seq);
            previous_seq = row.seq;
            seen.push_back(row.id);
        }
        pages.push_back(*page);
        if (!page->has_next)
            break;
        REQUIRE(pages.size() < 10);
        query.after = std::pair(page->rows.back().received_at, page->rows.back().seq);
    }
    REQUIRE(pages.size() == 5);
    CHECK(std::set(seen.begin(), seen.end()).size() == 250);
    for (auto& page : pages)
        CHECK(page.rows.size() == 50);
    // Newest first: the last imported is the first shown.
    CHECK(pages.front().rows.front().id == id_of(249));
    CHECK(pages.back().rows.back().id == id_of(0));

    // "Précédente" from the last page gives the fourth page again, in the same order.
    InboxQuery back { .procedure = "change-of-address" };
    back.before = std::pair(pages[4].rows.front().received_at, pages[4].rows.front().seq);
    auto fourth = store->inbox(back);
    REQUIRE(fourth);
    REQUIRE(fourth->rows.size() == 50);
    for (size_t i = 0; i < 50; ++i)
        CHECK(fourth->rows[i].id == pages[3].rows[i].id);
    CHECK(fourth->has_next);
    CHECK(fourth->has_previous);
    // ... and back from the second page, the first, which has nothing before it.
    back.before = std::pair(pages[1].rows.front().received_at, pages[1].rows.front().seq);
    auto first = store->inbox(back);
    REQUIRE(first);
    CHECK(first->rows.front().id == pages[0].rows.front().id);
    CHECK_FALSE(first->has_previous);
    CHECK(first->has_next);

    // A smaller page, and an empty inbox.
    auto small = store->inbox(InboxQuery { .procedure = "public-space-report", .limit = 5 });
    REQUIRE(small);
    CHECK(small->rows.size() == 5);
    CHECK(small->has_next);
    CHECK(small->count_capped == 7);
    auto none = store->inbox(InboxQuery { .procedure = "civil-status-certificate" });
    REQUIRE(none);
    CHECK(none->rows.empty());
    CHECK_FALSE(none->has_next);
    CHECK_FALSE(none->has_previous);
    CHECK(none->count_capped == 0);
}

TEST_CASE("Store conformance: inbox filters by state, kiosk, date range and receipt", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 28, "", true);  // 1 to 28 December
    add(*store, "change-of-address", "mairie-2", 100, 3, "2026-11-15T08:00:00.000Z");
    direct_sql(engine, where, "UPDATE submissions SET receipt = 'ABCDEFGHK' WHERE id = '" + id_of(5) + "'");

    auto count = [&](InboxQuery query) {
        query.procedure = "change-of-address";
        auto page = store->inbox(query);
        INFO((page ? "" : page.error().message));
        REQUIRE(page);
        CHECK(page->count_capped == static_cast<int64_t>(page->rows.size()));
        return page->rows.size();
    };
    CHECK(count({}) == 31);
    CHECK(count({ .kiosk = "mairie-2" }) == 3);
    CHECK(count({ .kiosk = "mairie-9" }) == 0);
    // [from, to): the 10th included, the 20th left out.
    CHECK(count({ .from = "2026-12-10", .to = "2026-12-20" }) == 10);
    CHECK(count({ .to = "2026-12-01" }) == 3);
    CHECK(count({ .from = "2026-12-28T09:30:00.000Z" }) == 1);
    CHECK(count({ .receipt = "ABCDEFGHK" }) == 1);
    CHECK(count({ .receipt = "ABCDEFGHJ" }) == 0);
    auto by_receipt = store->inbox(InboxQuery { .procedure = "change-of-address", .receipt = "ABCDEFGHK" });
    REQUIRE(by_receipt);
    REQUIRE(by_receipt->rows.size() == 1);
    CHECK(by_receipt->rows[0].id == id_of(5));
    CHECK(by_receipt->rows[0].receipt == "ABCDEFGHK");
    CHECK(by_receipt->rows[0].kiosk == "mairie-1");
    CHECK(by_receipt->rows[0].received_at == "2026-12-06T09:30:00.000Z");
    CHECK(by_receipt->rows[0].place.empty()); // no heartbeat yet
    // Where the kiosk stands comes from its latest heartbeat.
    REQUIRE(store->record_heartbeat("mairie-1", protocol::Heartbeat { .kiosk = "mairie-1", .place = "Mairie de Pontivy · accueil" }));
    by_receipt = store->inbox(InboxQuery { .procedure = "change-of-address", .receipt = "ABCDEFGHK" });
    REQUIRE(by_receipt);
    CHECK(by_receipt->rows.at(0).place == "Mairie de Pontivy · accueil");
    // The receipt search is per procedure too.
    auto elsewhere = store->inbox(InboxQuery { .procedure = "public-space-report", .receipt = "ABCDEFGHK" });
    REQUIRE(elsewhere);
    CHECK(elsewhere->rows.empty());

    CHECK(count({ .state = CaseState::Received }) == 31);
    REQUIRE(store->set_state(Transition { id_of(1), "alice", "2026-12-29T10:00:00.000Z", CaseState::InProgress, "", 0 }).value()
        == TransitionOutcome::Done);
    REQUIRE(store->set_state(Transition { id_of(2), "alice", "2026-12-29T10:00:00.000Z", CaseState::Done, "Fait.", 0 }).value()
        == TransitionOutcome::Done);
    CHECK(count({ .state = CaseState::Received }) == 29);
    CHECK(count({ .state = CaseState::InProgress }) == 1);
    CHECK(count({ .state = CaseState::Done, .kiosk = "mairie-1" }) == 1);
    CHECK(count({ .state = CaseState::Done, .kiosk = "mairie-2" }) == 0);
    CHECK(count({ .state = CaseState::Incomplete }) == 0);
    auto in_progress = store->inbox(InboxQuery { .procedure = "change-of-address", .state = CaseState::InProgress });
    REQUIRE(in_progress);
    CHECK(in_progress->rows.at(0).state_at == "2026-12-29T10:00:00.000Z");
    CHECK(in_progress->rows.at(0).state == CaseState::InProgress);
    CHECK_FALSE(in_progress->rows.at(0).purged);
}

TEST_CASE("Store conformance: state changes are compare-and-set, follow the workflow and keep their history", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 3, "2026-12-01T09:30:00.000Z");
    auto id = id_of(0);

    auto set = [&](const std::string& which, CaseState to, int64_t rev, const std::string& now, std::string message = "") {
        auto outcome = store->set_state(Transition { which, "alice", now, to, std::move(message), rev });
        INFO((outcome ? "" : outcome.error().message));
        REQUIRE(outcome);
        return *outcome;
    };
    CHECK(set("00000000-0000-4000-8000-999999999999", CaseState::InProgress, 0, "2026-12-01T10:00:00.000Z") == TransitionOutcome::NotFound);
    CHECK(set(id, CaseState::Received, 0, "2026-12-01T10:00:00.000Z") == TransitionOutcome::Forbidden);
    CHECK(set(id, CaseState::InProgress, 1, "2026-12-01T10:00:00.000Z") == TransitionOutcome::Stale);
    CHECK(set(id, CaseState::InProgress, 0, "2026-12-01T10:00:00.000Z") == TransitionOutcome::Done);
    // Another agent still looking at rev 0 acts too late.
    CHECK(set(id, CaseState::Done, 0, "2026-12-01T10:01:00.000Z") == TransitionOutcome::Stale);
    CHECK(set(id, CaseState::InProgress, 1, "2026-12-01T10:01:00.000Z") == TransitionOutcome::Forbidden);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM processing_delays") == 0);
    // Final: one delay row, from received_at (09:30) to now (11:30:30), on the day of the final state.
    CHECK(set(id, CaseState::Incomplete, 1, "2026-12-01T11:30:30.500Z", "Il manque le justificatif de domicile.") == TransitionOutcome::Done);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM processing_delays") == 1);
    CHECK(direct_sql(engine, where, "SELECT delay_s FROM processing_delays WHERE procedure = 'change-of-address' "
                                    "AND final_day = '2026-12-01' AND final_state = 'incomplete'")
        == 2 * 3600 + 30);
    // A final state stays final.
    CHECK(set(id, CaseState::Done, 2, "2026-12-02T08:00:00.000Z") == TransitionOutcome::Forbidden);
    CHECK(set(id, CaseState::InProgress, 2, "2026-12-02T08:00:00.000Z") == TransitionOutcome::Forbidden);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM processing_delays") == 1);

    auto record = store->case_record(id);
    REQUIRE(record);
    REQUIRE(record->has_value());
    auto& found = **record;
    CHECK(found.submission.id == id);
    CHECK(found.submission.kiosk == "mairie-1");
    CHECK(found.submission.procedure == "change-of-address");
    CHECK(found.submission.version == 1);
    CHECK(found.submission.received_at == "2026-12-01T09:30:00.000Z");
    CHECK(found.submission.sealed == bytes_of("sealed-0"));
    CHECK(found.state == CaseState::Incomplete);
    CHECK(found.rev == 2);
    CHECK(found.message == "Il manque le justificatif de domicile.");
    CHECK(found.handler == "alice");
    CHECK(found.state_at == "2026-12-01T11:30:30.500Z");
    CHECK(found.final_at == "2026-12-01T11:30:30.500Z");
    CHECK_FALSE(found.purged_at);
    CHECK(found.receipt.empty());
    CHECK_FALSE(store->case_record(id_of(77))->has_value());

    auto history = store->state_history(id);
    REQUIRE(history);
    REQUIRE(history->size() == 2);
    CHECK((*history)[0].from == CaseState::Received);
    CHECK((*history)[0].to == CaseState::InProgress);
    CHECK((*history)[0].at == "2026-12-01T10:00:00.000Z");
    CHECK((*history)[0].agent == "alice");
    CHECK((*history)[1].from == CaseState::InProgress);
    CHECK((*history)[1].to == CaseState::Incomplete);
    CHECK(store->state_history(id_of(1))->empty());

    // Straight from received to done, a day later: the delay counts the whole wait.
    CHECK(set(id_of(1), CaseState::Done, 0, "2026-12-02T09:30:00.000Z") == TransitionOutcome::Done);
    CHECK(direct_sql(engine, where, "SELECT delay_s FROM processing_delays WHERE final_state = 'done'") == 86400);

    // The message is bounded; a refused change changes nothing.
    auto too_long = store->set_state(Transition { id_of(2), "alice", "2026-12-02T09:30:00.000Z", CaseState::Done,
        std::string(max_state_message_bytes + 1, 'x'), 0 });
    CHECK_FALSE(too_long);
    CHECK(store->case_record(id_of(2))->value().rev == 0);
    CHECK(set(id_of(2), CaseState::Done, 0, "2026-12-02T09:30:00.000Z", std::string(max_state_message_bytes, 'x')) == TransitionOutcome::Done);
}

TEST_CASE("Store conformance: procedure definitions are remembered once per version", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    CHECK_FALSE(store->procedure_definition("change-of-address", 1)->has_value());
    REQUIRE(store->remember_procedure("change-of-address", 1, R"({"id":"change-of-address","version":1})", 90));
    REQUIRE(store->remember_procedure("change-of-address", 2, R"({"id":"change-of-address","version":2})", std::nullopt));
    // Insert if absent: a later load of the same version does not replace what older submissions were made with.
    REQUIRE(store->remember_procedure("change-of-address", 1, R"({"changed":true})", 30));
    CHECK(store->procedure_definition("change-of-address", 1)->value() == R"({"id":"change-of-address","version":1})");
    CHECK(store->procedure_definition("change-of-address", 2)->value() == R"({"id":"change-of-address","version":2})");
    CHECK_FALSE(store->procedure_definition("change-of-address", 3)->has_value());
}

TEST_CASE("Store conformance: inbox pages are read in index order, never sorted", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 250);
    add(*store, "public-space-report", "mairie-2", 1000, 250);
    direct_sql(engine, where, engine == Engine::Sqlite ? "ANALYZE" : "ANALYZE submissions");

    std::vector<std::pair<std::string, InboxQuery>> queries {
        { "first page", { .procedure = "change-of-address" } },
        { "after a cursor", { .procedure = "change-of-address", .after = std::pair(std::string("2026-12-01T09:30:00.000Z"), int64_t(100)) } },
        { "state filter", { .procedure = "change-of-address", .state = CaseState::InProgress } },
        { "kiosk filter", { .procedure = "change-of-address", .kiosk = "mairie-1" } },
        { "date range", { .procedure = "change-of-address", .from = "2026-11-01", .to = "2026-12-02" } },
    };
    for (auto& [name, query] : queries) {
        INFO(name);
        auto text = cases::inbox_page(query, cases::Direction::Older);
        std::string plan;
        if (engine == Engine::Sqlite) {
            plan = sqlite_plan(where, text);
            INFO(plan);
            CHECK(plan.find("USING INDEX submissions_inbox") != std::string::npos);
            CHECK(plan.find("TEMP B-TREE") == std::string::npos);
        } else {
            // 500 rows make any plan cheap; with sorting and full scans priced out, a Sort node can only
            // remain if no index gives the order, which is what this checks.
            PgConnection connection(PQconnectdb(where.c_str()), &PQfinish);
            PgResult off(PQexec(connection.get(), "SET enable_sort = off; SET enable_seqscan = off"), &PQclear);
            REQUIRE(PQresultStatus(off.get()) == PGRES_COMMAND_OK);
            std::vector<std::string> values;
            for (auto& value : text.params)
                values.push_back(std::holds_alternative<int64_t>(value) ? std::to_string(std::get<int64_t>(value)) : std::get<std::string>(value));
            std::vector<const char*> pointers;
            for (auto& value : values)
                pointers.push_back(value.c_str());
            PgResult explain(PQexecParams(connection.get(), ("EXPLAIN " + text.sql).c_str(), static_cast<int>(pointers.size()),
                                 nullptr, pointers.data(), nullptr, nullptr, 0),
                &PQclear);
            INFO(PQerrorMessage(connection.get()));
            REQUIRE(PQresultStatus(explain.get()) == PGRES_TUPLES_OK);
            for (int row = 0; row < PQntuples(explain.get()); ++row)
                plan += std::string(PQgetvalue(explain.get(), row, 0)) + "\n";
            INFO(plan);
            CHECK(plan.find("Index Scan Backward using submissions_inbox") != std::string::npos);
            CHECK(plan.find("Sort") == std::string::npos);
        }
    }
}

TEST_CASE("Store conformance: the export reads whole cases by pages with a cursor", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 120);
    add(*store, "change-of-address", "mairie-2", 500, 3, "2026-12-02T08:00:00.000Z");
    add(*store, "public-space-report", "mairie-1", 1000, 4);
    direct_sql(engine, where, "UPDATE submissions SET receipt = 'ABCDEFGHK' WHERE id = '" + id_of(7) + "'");
    REQUIRE(store->set_state(Transition { id_of(7), "alice", "2026-12-03T10:00:00.000Z", CaseState::Done, "Fait.", 0 }).value()
        == TransitionOutcome::Done);

    InboxQuery query { .procedure = "change-of-address", .limit = 50 };
    std::vector<CaseRecord> all;
    std::vector<size_t> sizes;
    for (;;) {
        auto page = store->cases_for_export(query);
        INFO((page ? "" : page.error().message));
        REQUIRE(page);
        sizes.push_back(page->cases.size());
        all.insert(all.end(), page->cases.begin(), page->cases.end());
        if (!page->next)
            break;
        REQUIRE(sizes.size() < 10);
        query.after = page->next;
    }
    CHECK(sizes == std::vector<size_t> { 50, 50, 23 });
    REQUIRE(all.size() == 123);
    // Newest first: the three of the 2nd of December, then the others from the last imported.
    CHECK(all[0].submission.id == id_of(502));
    CHECK(all[3].submission.id == id_of(119));
    CHECK(all.back().submission.id == id_of(0));
    std::set<std::string> ids;
    for (auto& record : all) {
        ids.insert(record.submission.id);
        CHECK(record.submission.procedure == "change-of-address");
    }
    CHECK(ids.size() == 123);
    auto seventh = std::find_if(all.begin(), all.end(), [&](const CaseRecord& r) { return r.submission.id == id_of(7); });
    REQUIRE(seventh != all.end());
    CHECK(seventh->submission.sealed == bytes_of("sealed-7"));
    CHECK(seventh->receipt == "ABCDEFGHK");
    CHECK(seventh->state == CaseState::Done);
    CHECK(seventh->rev == 1);
    CHECK(seventh->final_at == "2026-12-03T10:00:00.000Z");

    // The inbox's filters apply.
    auto done = store->cases_for_export(InboxQuery { .procedure = "change-of-address", .state = CaseState::Done });
    REQUIRE(done);
    REQUIRE(done->cases.size() == 1);
    CHECK(done->cases[0].submission.id == id_of(7));
    CHECK_FALSE(done->next);
    auto by_kiosk = store->cases_for_export(InboxQuery { .procedure = "change-of-address", .kiosk = "mairie-2" });
    REQUIRE(by_kiosk);
    CHECK(by_kiosk->cases.size() == 3);
    // At most 200 a page, whatever is asked.
    auto big = store->cases_for_export(InboxQuery { .procedure = "change-of-address", .limit = 100000 });
    REQUIRE(big);
    CHECK(big->cases.size() == 123);
}

TEST_CASE("Store conformance: agents acting at once on one case: one change lands, the others are stale", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 1);
    std::vector<Result<TransitionOutcome>> outcomes(8, TransitionOutcome::NotFound);
    std::vector<std::thread> agents;
    for (size_t i = 0; i < outcomes.size(); ++i)
        agents.emplace_back([&, i] {
            outcomes[i] = store->set_state(Transition { id_of(0), "agent-" + std::to_string(i), "2026-12-01T10:00:00.000Z",
                i % 2 ? CaseState::Done : CaseState::InProgress, "", 0 });
        });
    for (auto& agent : agents)
        agent.join();
    int done = 0;
    for (auto& outcome : outcomes) {
        INFO((outcome ? "" : outcome.error().message));
        REQUIRE(outcome);
        CHECK((*outcome == TransitionOutcome::Done || *outcome == TransitionOutcome::Stale));
        done += *outcome == TransitionOutcome::Done;
    }
    CHECK(done == 1);
    CHECK(store->case_record(id_of(0))->value().rev == 1);
    CHECK(store->state_history(id_of(0))->size() == 1);
    CHECK(direct_sql(engine, where, "SELECT count(*) FROM processing_delays") <= 1);
}

TEST_CASE("Store conformance: the inbox count stops at the cap", "[hub][store][pg][office]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = fleet_store(where);
    // 10,050 rows written in one statement: the count must not walk them all.
    std::string rows = engine == Engine::Sqlite
        ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050) "
          "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash) "
          "SELECT 'bulk-' || i, 'mairie-1', 'change-of-address', 1, '2026-12-01T09:29:00.000Z', '2026-12-01T09:30:00.000Z', "
          "x'00', x'00' FROM n"
        : "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash) "
          "SELECT 'bulk-' || i, 'mairie-1', 'change-of-address', 1, '2026-12-01T09:29:00.000Z', '2026-12-01T09:30:00.000Z', "
          "'\\x00'::bytea, '\\x00'::bytea FROM generate_series(1, 10050) AS i";
    direct_sql(engine, where, rows);
    auto page = store->inbox(InboxQuery { .procedure = "change-of-address" });
    REQUIRE(page);
    CHECK(page->count_capped == inbox_count_cap);
    CHECK(page->rows.size() == 50);
    CHECK(page->has_next);
    auto few = store->inbox(InboxQuery { .procedure = "change-of-address", .kiosk = "mairie-2" });
    REQUIRE(few);
    CHECK(few->count_capped == 0);
}

TEST_CASE("Store conformance: a receipt search reads the receipt's index rather than the procedure's whole inbox", "[hub][store][office]")
{
    // SQLite without statistics (as a hub runs) preferred the inbox index, whose order saves a sort,
    // and then read every row of the procedure to find one code (bench_office_inbox: 110-270 ms at
    // 50,000 rows). PostgreSQL plans with its statistics and picks the receipt's index by itself.
    TempDir dir;
    auto where = fresh_location(Engine::Sqlite, dir);
    auto store = fleet_store(where);
    add(*store, "change-of-address", "mairie-1", 0, 300, "2026-12-01T09:30:00.000Z", true);
    direct_sql(Engine::Sqlite, where, "UPDATE submissions SET receipt = printf('%09d', seq)");
    InboxQuery query { .procedure = "change-of-address", .receipt = "000000042" };
    auto page = store->inbox(query);
    REQUIRE(page);
    REQUIRE(page->rows.size() == 1);
    CHECK(page->count_capped == 1);
    for (auto& text : { cases::inbox_page(query, cases::Direction::Older), cases::inbox_count(query) }) {
        auto plan = sqlite_plan(where, text);
        INFO(plan);
        CHECK(plan.find("submissions_by_receipt") != std::string::npos);
    }
}
