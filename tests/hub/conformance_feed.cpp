// Store conformance (both engines): the back office's feed calls: the states a kiosk is owed, its
// acknowledgements (never backwards, never past what was sent, only its own), its rating counts
// (absolute, so an upsert repeated changes nothing), and the receipt store_batch keeps.
#include "store_conformance.h"

#include "sync/hub/store.h"
#include "sync/protocol.h"
#include "sync/receipt.h"
#include "sync/sqlite.h"

#include <libpq-fe.h>

#include <catch2/catch.hpp>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::TempDir;
using namespace guichet::test::conformance;

namespace {

// A state as an agent's transition would leave it, written straight into the database, so these cases
// do not depend on set_state. Test values only (no quote in them).
void set_state_directly(Engine engine, const std::string& where, const std::string& id, const std::string& state,
    const std::string& message, int64_t rev)
{
    direct_sql(engine, where,
        "UPDATE submissions SET state = '" + state + "', message = '" + message + "', state_at = '2026-12-02T09:30:00.000Z', rev = "
            + std::to_string(rev) + " WHERE id = '" + id + "'");
}

protocol::Item item(const std::string& id, std::optional<std::string> receipt = std::nullopt)
{
    return { id, "acte-naissance", 1, "2026-12-01T10:00:00Z", bytes_of("sealed:" + id), std::move(receipt) };
}

}

TEST_CASE("Store conformance: the receipt a kiosk sends is stored and exported, and old items have none", "[hub][store][pg][feed]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->enroll("mairie-01"));
    auto wire = protocol::wire_receipt(new_receipt_code());
    protocol::Batch batch { "mairie-01",
        { item("1d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", wire), item("2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b") }, {} };
    auto stored = store->store_batch("mairie-01", batch);
    REQUIRE(stored);
    REQUIRE(stored->results.size() == 2);
    std::map<std::string, std::string> receipts;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const SubmissionRecord& record) { receipts[record.id] = record.receipt; }));
    CHECK(receipts["1d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b"] == *wire);
    CHECK(receipts["2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b"] == "");
    receipts.clear();
    REQUIRE(store->for_each_submission_after(std::nullopt, [&](const SubmissionRecord& record) { receipts[record.id] = record.receipt; }));
    CHECK(receipts["1d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b"] == *wire);

    // A copy to another database keeps it (and keeps none where there was none).
    TempDir other_dir;
    auto copy = open_store(fresh_location(engine, other_dir));
    REQUIRE(copy_store(*store, *copy));
    receipts.clear();
    REQUIRE(copy->for_each_submission(std::nullopt, [&](const SubmissionRecord& record) { receipts[record.id] = record.receipt; }));
    CHECK(receipts["1d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b"] == *wire);
    CHECK(receipts["2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b"] == "");
}

TEST_CASE("Store conformance: owed states are pending until acknowledged, never backwards, only the kiosk's own", "[hub][store][pg][feed]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-01"));
    REQUIRE(store->enroll("mairie-02"));
    const std::string a = "1d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", b = "2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b",
                      other = "3d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b";
    REQUIRE(store->store_batch("mairie-01", { "mairie-01", { item(a), item(b) }, {} }));
    REQUIRE(store->store_batch("mairie-02", { "mairie-02", { item(other) }, {} }));
    CHECK(store->pending_states("mairie-01", 200).value().empty()); // nothing changed yet: nothing owed

    set_state_directly(engine, where, a, "in_progress", "", 1);
    set_state_directly(engine, where, b, "done", "Votre acte est prêt.", 2);
    set_state_directly(engine, where, other, "done", "", 1);
    auto owed = store->pending_states("mairie-01", 200);
    REQUIRE(owed);
    REQUIRE(owed->size() == 2);
    CHECK(owed->at(0).id == a);
    CHECK(owed->at(0).state == CaseState::InProgress);
    CHECK(owed->at(0).rev == 1);
    CHECK(owed->at(1).state == CaseState::Done);
    CHECK(owed->at(1).message == "Votre acte est prêt.");
    CHECK(owed->at(1).at == "2026-12-02T09:30:00.000Z");
    CHECK(store->pending_states("mairie-01", 1).value().size() == 1);

    // Another kiosk cannot acknowledge them; an ack past what was sent counts only up to it.
    std::vector<StateAck> foreign { { a, 1 }, { b, 2 } };
    REQUIRE(store->ack_states("mairie-02", foreign));
    CHECK(store->pending_states("mairie-01", 200).value().size() == 2);
    std::vector<StateAck> acks { { a, 5 } };
    REQUIRE(store->ack_states("mairie-01", acks));
    auto left = store->pending_states("mairie-01", 200).value();
    REQUIRE(left.size() == 1);
    CHECK(left[0].id == b);
    // A new change to a is owed again; a late, older acknowledgement does not hide it.
    set_state_directly(engine, where, a, "done", "", 2);
    CHECK(store->pending_states("mairie-01", 200).value().size() == 2);
    std::vector<StateAck> late { { a, 1 } };
    REQUIRE(store->ack_states("mairie-01", late));
    CHECK(store->pending_states("mairie-01", 200).value().size() == 2);
    std::vector<StateAck> both { { a, 2 }, { b, 2 }, { "4d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", 1 } };
    REQUIRE(store->ack_states("mairie-01", both));
    REQUIRE(store->ack_states("mairie-01", both)); // again: nothing changes, nothing fails
    CHECK(store->pending_states("mairie-01", 200).value().empty());
    CHECK(store->pending_states("mairie-02", 200).value().size() == 1);
    CHECK(store->pending_states("nobody", 200).value().empty());
}

TEST_CASE("Store conformance: rating counts are absolute, so a repeated report changes nothing", "[hub][store][pg][feed]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-01"));
    std::vector<RatingCount> report { { "2026-12-01", "acte-naissance", 3, 12 }, { "2026-12-01", "acte-naissance", 1, 2 } };
    REQUIRE(store->record_ratings("mairie-01", report));
    REQUIRE(store->record_ratings("mairie-01", report));
    report[0].count = 13; // one more citizen found it easy that day
    REQUIRE(store->record_ratings("mairie-01", report));
    REQUIRE(store->record_ratings("mairie-02", report));
    std::vector<RatingCount> bad { { "2026-12-01", "acte-naissance", 4, 1 } };
    CHECK_FALSE(store->record_ratings("mairie-01", bad));
    REQUIRE(store->record_ratings("mairie-01", {}));

    // Read back through the engine's own client: the statistics reading them are another area's.
    std::map<std::pair<std::string, int64_t>, int64_t> counts;
    if (engine == Engine::Sqlite) {
        auto db = Database::open(where);
        REQUIRE(db);
        auto query = db->prepare("SELECT kiosk, score, count FROM ratings");
        REQUIRE(query);
        REQUIRE(query->each_row([&](const Statement& row) {
            counts[{ row.text(0), row.int64(1) }] = row.int64(2);
            return true;
        }));
    } else {
        std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(where.c_str()), &PQfinish);
        REQUIRE(PQstatus(connection.get()) == CONNECTION_OK);
        std::unique_ptr<PGresult, decltype(&PQclear)> rows(PQexec(connection.get(), "SELECT kiosk, score, count FROM ratings"), &PQclear);
        REQUIRE(PQresultStatus(rows.get()) == PGRES_TUPLES_OK);
        for (int row = 0; row < PQntuples(rows.get()); ++row)
            counts[{ PQgetvalue(rows.get(), row, 0), std::stoll(PQgetvalue(rows.get(), row, 1)) }]
                = std::stoll(PQgetvalue(rows.get(), row, 2));
    }
    CHECK(counts.size() == 4);
    CHECK(counts[{ "mairie-01", 3 }] == 13);
    CHECK(counts[{ "mairie-01", 1 }] == 2);
    CHECK(counts[{ "mairie-02", 3 }] == 13);
}
