// Store conformance (both engines): the back office's operations calls: revocable and rotating kiosk
// tokens, the daily purge (retention, forgetting), the public status. Every time is passed in, so the
// cases run on a virtual clock. A final state is set by SQL (ops_test::finalize): state changes belong to
// the cases calls, which these cases do not depend on.
#include "store_conformance.h"

#include "sync/hub/store.h"
#include "sync/receipt.h"
#include "sync/sqlite.h"

#include <libpq-fe.h>

#include <catch2/catch.hpp>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::TempDir;
using namespace guichet::test::conformance;

namespace ops_test {

// A valid receipt code (canonical form) from its eight data characters.
inline std::string code(const std::string& eight)
{
    auto full = eight + receipt_check_character(eight);
    return full.substr(0, 3) + "-" + full.substr(3, 3) + "-" + full.substr(6, 3);
}

// One stored submission of `procedure`, with its receipt code.
inline protocol::Item submit(Store& store, Engine engine, const std::string& where, const std::string& kiosk,
    const std::string& procedure, const std::string& receipt)
{
    protocol::Item item { test::new_uuid(), procedure, 1, "2026-01-01T09:00:00Z", bytes_of("sealed:" + procedure) };
    auto stored = store.store_batch(kiosk, protocol::Batch { kiosk, { item }, {} });
    REQUIRE(stored);
    REQUIRE(stored->results.at(0).status == protocol::Status::Stored);
    direct_sql(engine, where, "UPDATE submissions SET receipt = '" + receipt + "' WHERE id = '" + item.id + "'");
    return item;
}

// What set_state would leave: a state, and for a final one its time.
inline void set_state(Engine engine, const std::string& where, const std::string& id, std::string_view state,
    const std::optional<std::string>& final_at)
{
    direct_sql(engine, where,
        "UPDATE submissions SET state = '" + std::string(state) + "', state_at = "
            + (final_at ? "'" + *final_at + "'" : std::string("state_at")) + ", final_at = "
            + (final_at ? "'" + *final_at + "'" : std::string("NULL")) + ", rev = rev + 1 WHERE id = '" + id + "'");
}

inline std::optional<std::vector<uint8_t>> sealed_of(Store& store, const std::string& id)
{
    std::optional<std::vector<uint8_t>> found;
    REQUIRE(store.for_each_submission(std::nullopt, [&](const SubmissionRecord& record) {
        if (record.id == id)
            found = record.sealed;
    }));
    return found;
}

}

TEST_CASE("Store conformance: a revoked token is refused with its reason until a rotation", "[hub][store][pg][ops]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    auto token = store->enroll("mairie-1");
    REQUIRE(token);
    REQUIRE(store->enroll("mairie-2"));
    auto now = "2026-12-02T10:00:00.000Z";

    auto check = store->check_token(*token, now);
    REQUIRE(check);
    CHECK(check->state == TokenState::Valid);
    CHECK(check->kiosk == "mairie-1");
    CHECK(store->check_token("nope", now)->state == TokenState::Unknown);
    CHECK(store->check_token("", now)->state == TokenState::Unknown);

    REQUIRE(store->revoke_kiosk("mairie-1", now));
    check = store->check_token(*token, "2026-12-02T10:00:01.000Z");
    CHECK(check->state == TokenState::Revoked);
    CHECK(check->kiosk == "mairie-1");
    CHECK_FALSE(store->authenticate(*token)->has_value());
    // Revoking again keeps the first time; an unknown kiosk is an error.
    REQUIRE(store->revoke_kiosk("mairie-1", "2026-12-03T10:00:00.000Z"));
    auto listed = store->kiosk_tokens();
    REQUIRE(listed);
    REQUIRE(listed->size() == 2);
    CHECK(listed->at(0).revoked_at == std::optional<std::string>("2026-12-02T10:00:00.000Z"));
    CHECK_FALSE(listed->at(1).revoked_at);
    CHECK_FALSE(store->revoke_kiosk("mairie-404", now));

    // A rotation lifts the revocation; the revoked token gets no grace.
    auto fresh = store->rotate_token("mairie-1", "2026-12-04T10:00:00.000Z", 7 * 86400);
    REQUIRE(fresh);
    CHECK(*fresh != *token);
    CHECK(store->check_token(*fresh, "2026-12-04T10:00:00.000Z")->state == TokenState::Valid);
    CHECK(store->check_token(*token, "2026-12-04T10:00:00.000Z")->state == TokenState::Expired);
    CHECK(store->authenticate(*fresh)->value_or("") == "mairie-1");
    CHECK_FALSE(store->rotate_token("mairie-404", now, 0));
}

TEST_CASE("Store conformance: a rotated token's predecessor works until its grace ends", "[hub][store][pg][ops]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    auto old_token = store->enroll("mairie-1");
    REQUIRE(old_token);
    auto new_token = store->rotate_token("mairie-1", "2026-12-02T10:00:00.000Z", 3600);
    REQUIRE(new_token);

    CHECK(store->check_token(*new_token, "2026-12-02T10:00:00.000Z")->state == TokenState::Valid);
    auto during = store->check_token(*old_token, "2026-12-02T10:59:59.999Z");
    CHECK(during->state == TokenState::ValidPrevious);
    CHECK(during->kiosk == "mairie-1");
    // The grace ends exactly an hour later (valid while now < the end).
    CHECK(store->check_token(*old_token, "2026-12-02T11:00:00.000Z")->state == TokenState::Expired);
    CHECK(store->check_token(*new_token, "2026-12-02T11:00:00.000Z")->state == TokenState::Valid);
    // A time in another offset is the same instant.
    CHECK(store->check_token(*old_token, "2026-12-02T11:30:00+01:00")->state == TokenState::ValidPrevious);

    // Rotating again forgets the oldest token; the one before becomes the previous one.
    auto third = store->rotate_token("mairie-1", "2026-12-02T10:30:00.000Z", 0);
    REQUIRE(third);
    CHECK(store->check_token(*old_token, "2026-12-02T10:30:00.000Z")->state == TokenState::Unknown);
    CHECK(store->check_token(*new_token, "2026-12-02T10:30:00.000Z")->state == TokenState::Expired);
    CHECK(store->check_token(*third, "2026-12-02T10:30:00.000Z")->state == TokenState::Valid);
    auto listed = store->kiosk_tokens();
    REQUIRE(listed);
    CHECK(listed->at(0).previous_valid_until == std::optional<std::string>("2026-12-02T10:30:00.000Z"));
}

TEST_CASE("Store conformance: the purge deletes sealed answers at final_at + retention, not a second before",
    "[hub][store][pg][ops]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-1"));
    auto done = ops_test::submit(*store, engine, where, "mairie-1", "change-of-address", ops_test::code("ABCDEFGH"));
    auto short_kept = ops_test::submit(*store, engine, where, "mairie-1", "public-space-report", ops_test::code("ABCDEFGJ"));
    auto open_case = ops_test::submit(*store, engine, where, "mairie-1", "change-of-address", ops_test::code("ABCDEFGK"));
    ops_test::set_state(engine, where, done.id, "done", "2026-01-01T12:00:00.000Z");
    ops_test::set_state(engine, where, short_kept.id, "incomplete", "2026-01-01T12:00:00.000Z");
    ops_test::set_state(engine, where, open_case.id, "in_progress", std::nullopt);

    PurgePolicy policy;
    policy.retention_days = { { "public-space-report", 10 } };
    policy.default_retention_days = 90;

    // One second before ten days: nothing.
    auto count = store->purge(policy, "2026-01-11T11:59:59.999Z");
    REQUIRE(count);
    CHECK_FALSE(count->ran_today_already);
    CHECK(count->purged == 0);
    CHECK(ops_test::sealed_of(*store, short_kept.id)->size() > 0);
    // The same day again: already run, even at a later hour.
    count = store->purge(policy, "2026-01-11T23:00:00.000Z");
    REQUIRE(count);
    CHECK(count->ran_today_already);
    CHECK(count->purged == 0);

    // Exactly ten days after its final state (today's run forgotten, to purge again the same day): the
    // short retention goes, the default stays.
    direct_sql(engine, where, "DELETE FROM purge_runs");
    count = store->purge(policy, "2026-01-11T12:00:00.000Z");
    REQUIRE(count);
    CHECK_FALSE(count->ran_today_already);
    CHECK(count->purged == 1);
    CHECK(ops_test::sealed_of(*store, short_kept.id)->empty());
    CHECK_FALSE(ops_test::sealed_of(*store, done.id)->empty());

    // The default retention (90 days) for a procedure the policy does not name; a case still open is
    // never purged, however old.
    count = store->purge(policy, "2026-04-01T11:59:59.999Z");
    REQUIRE(count);
    CHECK(count->purged == 0);
    count = store->purge(policy, "2026-04-02T00:00:00.000Z");
    REQUIRE(count);
    CHECK(count->purged == 1);
    CHECK(ops_test::sealed_of(*store, done.id)->empty());
    CHECK_FALSE(ops_test::sealed_of(*store, open_case.id)->empty());

    // A purged submission keeps its state for /suivi, and a kiosk's re-upload is still a duplicate:
    // the judgement reads the kept hash, not the deleted bytes.
    CHECK(store->public_status(ops_test::code("ABCDEFGJ"))->value() == CaseState::Incomplete);
    auto again = store->store_batch("mairie-1", protocol::Batch { "mairie-1", { short_kept }, {} });
    REQUIRE(again);
    CHECK(again->results.at(0).status == protocol::Status::Duplicate);
    auto changed = short_kept;
    changed.sealed = bytes_of("other bytes");
    again = store->store_batch("mairie-1", protocol::Batch { "mairie-1", { changed }, {} });
    REQUIRE(again);
    CHECK(again->results.at(0).status == protocol::Status::Conflict);
}

TEST_CASE("Store conformance: purged submissions are forgotten after keep_status_days, with their history",
    "[hub][store][pg][ops]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-1"));
    auto item = ops_test::submit(*store, engine, where, "mairie-1", "change-of-address", ops_test::code("ABCDEFGH"));
    ops_test::set_state(engine, where, item.id, "done", "2026-01-01T00:00:00.000Z");
    direct_sql(engine, where,
        "INSERT INTO state_history (id, at, agent, from_state, to_state) VALUES ('" + item.id
            + "', '2026-01-01T00:00:00.000Z', 'alice', 'received', 'done')");
    PurgePolicy policy;
    policy.default_retention_days = 30;
    policy.keep_status_days = 365;
    auto count = store->purge(policy, "2026-01-31T00:00:00.000Z");
    REQUIRE(count);
    CHECK(count->purged == 1);
    CHECK(count->forgotten == 0);
    CHECK(store->public_status(ops_test::code("ABCDEFGH"))->value() == CaseState::Done);

    count = store->purge(policy, "2027-01-30T23:59:59.999Z");
    REQUIRE(count);
    CHECK(count->forgotten == 0);
    count = store->purge(policy, "2027-01-31T00:00:00.000Z");
    REQUIRE(count);
    CHECK(count->forgotten == 1);
    CHECK_FALSE(ops_test::sealed_of(*store, item.id));
    CHECK_FALSE(store->public_status(ops_test::code("ABCDEFGH"))->has_value());
    // The history went with it.
    auto db_has_history = [&] {
        bool none = false;
        if (engine == Engine::Sqlite) {
            auto db = Database::open(where);
            auto query = db->prepare("SELECT count(*) FROM state_history");
            REQUIRE(query);
            REQUIRE(*query->step());
            none = query->int64(0) == 0;
        } else {
            PGconn* connection = PQconnectdb(where.c_str());
            PGresult* result = PQexec(connection, "SELECT count(*) FROM state_history");
            none = std::string(PQgetvalue(result, 0, 0)) == "0";
            PQclear(result);
            PQfinish(connection);
        }
        return !none;
    };
    CHECK_FALSE(db_has_history());
}

TEST_CASE("Store conformance: the public status of a receipt code", "[hub][store][pg][ops]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-1"));
    auto first = ops_test::submit(*store, engine, where, "mairie-1", "change-of-address", ops_test::code("ABCDEFGH"));
    CHECK(store->public_status(ops_test::code("ABCDEFGH"))->value() == CaseState::Received);
    // Typed loosely: lower case, spaces instead of dashes.
    auto loose = ops_test::code("ABCDEFGH");
    for (auto& c : loose)
        c = c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(store->public_status(loose)->value() == CaseState::Received);
    ops_test::set_state(engine, where, first.id, "in_progress", std::nullopt);
    auto bare = ops_test::code("ABCDEFGH");
    std::erase(bare, '-');
    CHECK(store->public_status(bare)->value() == CaseState::InProgress);
    // Unknown and malformed codes alike: nothing.
    CHECK_FALSE(store->public_status(ops_test::code("ABCDEFGJ"))->has_value());
    CHECK_FALSE(store->public_status("not a code")->has_value());
    CHECK_FALSE(store->public_status("")->has_value());
    // A code stored without its dashes is found too.
    auto bare_code = ops_test::code("ZZZZZZZZ");
    std::erase(bare_code, '-');
    ops_test::submit(*store, engine, where, "mairie-1", "change-of-address", bare_code);
    auto bare_state = store->public_status(ops_test::code("ZZZZZZZZ"));
    REQUIRE(bare_state);
    CHECK(bare_state->value() == CaseState::Received);
    // Two submissions with one code: the most recent answers.
    auto second = ops_test::submit(*store, engine, where, "mairie-1", "public-space-report", ops_test::code("ABCDEFGH"));
    direct_sql(engine, where, "UPDATE submissions SET received_at = '2099-01-01T00:00:00.000Z' WHERE id = '" + second.id + "'");
    CHECK(store->public_status(ops_test::code("ABCDEFGH"))->value() == CaseState::Received);
    ops_test::set_state(engine, where, second.id, "done", "2026-02-01T00:00:00.000Z");
    CHECK(store->public_status(ops_test::code("ABCDEFGH"))->value() == CaseState::Done);
}

TEST_CASE("Store conformance: a backlog larger than one chunk is purged and forgotten whole", "[hub][store][pg][ops]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-1"));
    constexpr int total = 2345;
    for (int sent = 0; sent < total;) {
        protocol::Batch batch { "mairie-1", {}, {} };
        for (; sent < total && batch.items.size() < 500; ++sent)
            batch.items.push_back({ test::new_uuid(), sent % 2 ? "change-of-address" : "public-space-report", 1,
                "2026-01-01T09:00:00Z", bytes_of("sealed " + std::to_string(sent)) });
        REQUIRE(store->store_batch("mairie-1", batch));
    }
    direct_sql(engine, where, "UPDATE submissions SET state = 'done', final_at = '2026-01-01T00:00:00.000Z', rev = 1");
    PurgePolicy policy;
    policy.retention_days = { { "public-space-report", 30 } };
    auto count = store->purge(policy, "2026-06-01T00:00:00.000Z");
    REQUIRE(count);
    CHECK(count->purged == total);
    count = store->purge(policy, "2027-06-02T00:00:00.000Z");
    REQUIRE(count);
    CHECK(count->purged == 0);
    CHECK(count->forgotten == total);
    size_t left = 0;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const SubmissionRecord&) { ++left; }));
    CHECK(left == 0);
}
