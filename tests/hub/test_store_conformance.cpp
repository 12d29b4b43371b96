// One conformance suite for the hub's store, run against both engines: a real SQLite file and a real
// PostgreSQL server (pg_fixture.h). Whatever the hub promises about storage holds on either.
#include "store_conformance.h"

#include "sync/hub/store.h"
#include "sync/sqlite.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <thread>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::TempDir;
using namespace guichet::test::conformance;


TEST_CASE("Store conformance: enrollment keeps a hash, and tokens are found among many kiosks", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    auto token = store->enroll("mairie-42");
    REQUIRE(token);
    CHECK(token->size() == 43);
    CHECK(store->authenticate(*token)->value() == "mairie-42");
    CHECK_FALSE(store->authenticate("not-a-token")->has_value());
    CHECK_FALSE(store->authenticate("")->has_value());
    CHECK_FALSE(store->authenticate(std::string(1000, 'x'))->has_value());
    auto again = store->enroll("mairie-42");
    REQUIRE_FALSE(again);
    CHECK(again.error().message.find("already enrolled") != std::string::npos);
    CHECK_FALSE(store->enroll("Mairie"));

    // Many kiosks: each token names its own kiosk, and a near miss (one character changed) names none.
    std::vector<std::pair<std::string, std::string>> fleet;
    for (int i = 0; i < 300; ++i) {
        auto name = "kiosk-" + std::to_string(i);
        auto issued = store->enroll(name);
        REQUIRE(issued);
        fleet.emplace_back(name, *issued);
    }
    for (auto& [name, issued] : fleet) {
        auto found = store->authenticate(issued);
        REQUIRE(found);
        REQUIRE(found->value_or("") == name);
    }
    auto near_miss = fleet[7].second;
    near_miss[10] = near_miss[10] == 'A' ? 'B' : 'A';
    CHECK_FALSE(store->authenticate(near_miss)->has_value());
    CHECK(store->kiosks()->size() == 301);
}

TEST_CASE("Store conformance: items are idempotent by id and conflicts are named", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->enroll("kiosk-a"));
    REQUIRE(store->enroll("kiosk-b"));
    auto first = guichet::test::make_item(bytes_of("sealed one"));
    auto second = guichet::test::make_item(bytes_of("sealed two"));
    protocol::Batch batch { "kiosk-a", { first, second } };
    auto stored = store->store_batch("kiosk-a", batch);
    REQUIRE(stored);
    REQUIRE(stored->results.size() == 2);
    CHECK(stored->results[0].id == first.id);
    CHECK(stored->results[0].status == protocol::Status::Stored);
    CHECK(stored->results[1].id == second.id);
    CHECK(stored->results[1].status == protocol::Status::Stored);

    auto again = store->store_batch("kiosk-a", batch);
    REQUIRE(again);
    CHECK(again->results[0].status == protocol::Status::Duplicate);
    CHECK(again->results[1].status == protocol::Status::Duplicate);

    auto changed = first;
    changed.sealed = bytes_of("other bytes");
    auto third = guichet::test::make_item(bytes_of("sealed three"));
    auto mixed = store->store_batch("kiosk-a", { "kiosk-a", { changed, third } });
    REQUIRE(mixed);
    CHECK(mixed->results[0].id == changed.id);
    CHECK(mixed->results[0].status == protocol::Status::Conflict);
    CHECK(mixed->results[0].reason.find("other sealed bytes") != std::string::npos);
    CHECK(mixed->results[1].status == protocol::Status::Stored);

    auto relabelled = second;
    relabelled.version = 4;
    CHECK(store->store_batch("kiosk-a", { "kiosk-a", { relabelled } })->results[0].status == protocol::Status::Conflict);
    auto elsewhere = store->store_batch("kiosk-b", { "kiosk-b", { second } });
    CHECK(elsewhere->results[0].status == protocol::Status::Conflict);
    CHECK(elsewhere->results[0].reason.find("another kiosk") != std::string::npos);

    // The same id twice in one batch: the first is stored, the second sees it.
    auto fourth = guichet::test::make_item(bytes_of("sealed four"));
    auto twice = store->store_batch("kiosk-a", { "kiosk-a", { fourth, fourth } });
    CHECK(twice->results[0].status == protocol::Status::Stored);
    CHECK(twice->results[1].status == protocol::Status::Duplicate);

    // Rejected items are answered after the others, unchanged.
    protocol::Batch with_rejected { "kiosk-a", { guichet::test::make_item(bytes_of("five")) } };
    with_rejected.rejected.push_back({ "bad-id", protocol::Status::Rejected, "not a UUID" });
    auto answered = store->store_batch("kiosk-a", with_rejected);
    REQUIRE(answered->results.size() == 2);
    CHECK(answered->results[1].status == protocol::Status::Rejected);
    CHECK(answered->results[1].reason == "not a UUID");

    std::vector<SubmissionRecord> all;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const SubmissionRecord& record) { all.push_back(record); }));
    REQUIRE(all.size() == 5);
    CHECK(all[0].id == first.id);
    CHECK(all[0].sealed == first.sealed);
    CHECK(all[0].kiosk == "kiosk-a");
    CHECK(all[0].procedure == "carte-grise");
    CHECK(all[0].version == 3);
    CHECK(all[0].created_at == "2024-05-01T09:30:00Z");
    CHECK(all[0].received_at.size() == 24);
    for (size_t i = 1; i < all.size(); ++i)
        CHECK(all[i - 1].received_at <= all[i].received_at);

    size_t later = 0;
    REQUIRE(store->for_each_submission(std::string("2999-01-01T00:00:00.000Z"), [&](const SubmissionRecord&) { ++later; }));
    CHECK(later == 0);
    size_t since_last = 0;
    REQUIRE(store->for_each_submission(all.back().received_at, [&](const SubmissionRecord&) { ++since_last; }));
    CHECK(since_last >= 1);
}

TEST_CASE("Store conformance: sealed bytes of every value and size come back whole", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->enroll("kiosk-a"));
    std::vector<uint8_t> every_byte;
    for (int i = 0; i < 256 * 4; ++i)
        every_byte.push_back(static_cast<uint8_t>(i));
    std::vector<uint8_t> large(3 * 1024 * 1024);
    randombytes_buf(large.data(), large.size());
    auto a = guichet::test::make_item(every_byte), b = guichet::test::make_item(large);
    REQUIRE(store->store_batch("kiosk-a", { "kiosk-a", { a, b } }));
    std::map<std::string, std::vector<uint8_t>> back;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const SubmissionRecord& record) { back[record.id] = record.sealed; }));
    CHECK(back[a.id] == every_byte);
    CHECK(back[b.id] == large);
}

TEST_CASE("Store conformance: heartbeats keep the latest per kiosk", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->enroll("kiosk-b"));
    REQUIRE(store->enroll("kiosk-a"));
    CHECK_FALSE(store->latest_heartbeat("kiosk-a")->has_value());
    protocol::Heartbeat beat { "kiosk-a", "0.1.0", "7", 3, 10, 1, 120, std::nullopt, "timeout" };
    REQUIRE(store->record_heartbeat("kiosk-a", beat));
    CHECK((*store->latest_heartbeat("kiosk-a"))->place.empty());
    beat.queued = 0;
    beat.disk_free_bytes = int64_t(5) << 40;
    beat.place = "Mairie de Saint-Éloi";
    beat.printer = "no_paper"; // issue 19
    REQUIRE(store->record_heartbeat("kiosk-a", beat));
    auto latest = store->latest_heartbeat("kiosk-a");
    REQUIRE(latest->has_value());
    CHECK((*latest)->queued == 0);
    CHECK((*latest)->sent == 10);
    CHECK((*latest)->oldest_queued_age_s == 120);
    CHECK((*latest)->disk_free_bytes == int64_t(5) << 40);
    CHECK((*latest)->last_error == "timeout");
    CHECK((*latest)->place == "Mairie de Saint-Éloi");
    CHECK((*latest)->printer == "no_paper");
    auto kiosks = store->kiosks();
    REQUIRE(kiosks->size() == 2);
    CHECK((*kiosks)[0].name == "kiosk-a"); // by name
    CHECK((*kiosks)[0].last_seen.has_value());
    CHECK_FALSE((*kiosks)[1].last_seen.has_value());
    // The fleet page reads every kiosk's heartbeat in that one query.
    REQUIRE((*kiosks)[0].heartbeat.has_value());
    CHECK((*kiosks)[0].heartbeat->kiosk == "kiosk-a");
    CHECK((*kiosks)[0].heartbeat->sent == 10);
    CHECK((*kiosks)[0].heartbeat->disk_free_bytes == int64_t(5) << 40);
    CHECK((*kiosks)[0].heartbeat->last_error == "timeout");
    CHECK((*kiosks)[0].heartbeat->place == "Mairie de Saint-Éloi");
    CHECK_FALSE((*kiosks)[1].heartbeat.has_value());
}

TEST_CASE("Store conformance: the same ids stored from many threads at once are stored exactly once", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto setup = open_store(where);
    REQUIRE(setup->enroll("kiosk-a"));
    std::vector<protocol::Item> items;
    for (int i = 0; i < 40; ++i)
        items.push_back(guichet::test::make_item(bytes_of("race " + std::to_string(i))));
    // Two stores on one database (two hubs' worth of connections), four threads each, every thread
    // sending every item, each thread in its own order.
    std::vector<std::unique_ptr<Store>> stores;
    stores.push_back(open_store(where));
    stores.push_back(open_store(where));
    std::mutex mutex;
    std::map<std::string, std::map<protocol::Status, int>> seen;
    std::atomic<int> failures = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            auto mine = items;
            std::rotate(mine.begin(), mine.begin() + t * 5, mine.end());
            for (size_t start = 0; start < mine.size(); start += 10) {
                protocol::Batch batch { "kiosk-a", { mine.begin() + start, mine.begin() + start + 10 } };
                auto answer = stores[t % 2]->store_batch("kiosk-a", batch);
                if (!answer) {
                    ++failures;
                    continue;
                }
                std::lock_guard lock(mutex);
                for (auto& result : answer->results)
                    ++seen[result.id][result.status];
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    CHECK(failures == 0);
    REQUIRE(seen.size() == items.size());
    for (auto& [id, counts] : seen) {
        INFO(id);
        CHECK(counts[protocol::Status::Stored] == 1);
        CHECK(counts[protocol::Status::Duplicate] == 7);
    }
    size_t rows = 0;
    REQUIRE(setup->for_each_submission(std::nullopt, [&](const SubmissionRecord&) { ++rows; }));
    CHECK(rows == items.size());
}

TEST_CASE("Store conformance: a database from a newer hub is refused", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    REQUIRE(open_store(where)); // creates the schema
    if (engine == Engine::Sqlite) {
        auto db = Database::open(where);
        REQUIRE(db);
        REQUIRE(db->exec("PRAGMA user_version = 99"));
    } else {
        std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(where.c_str()), &PQfinish);
        std::unique_ptr<PGresult, decltype(&PQclear)> done(
            PQexec(connection.get(), "INSERT INTO hub_schema_steps (step) VALUES (99)"), &PQclear);
        REQUIRE(PQresultStatus(done.get()) == PGRES_COMMAND_OK);
    }
    auto store = Store::open(where);
    REQUIRE_FALSE(store);
    CHECK(store.error().message.find("newer") != std::string::npos);
}

TEST_CASE("Store conformance: an unreachable database is an error, not a store", "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = engine == Engine::Sqlite ? (dir / "missing-dir" / "hub.db").string()
                                          : "postgresql:///nothing?host=" + (dir / "no-server").string() + "&connect_timeout=2";
    CHECK_FALSE(Store::open(where));
}

TEST_CASE("Store conformance: a hub copied to the other engine keeps its kiosks, tokens, heartbeats and submissions",
    "[hub][store][pg]")
{
    auto [from_engine, to_engine] = GENERATE(std::pair { Engine::Sqlite, Engine::Postgres }, std::pair { Engine::Postgres, Engine::Sqlite });
    INFO(name_of(from_engine) << " to " << name_of(to_engine));
    TempDir from_dir, to_dir;
    auto from = open_store(fresh_location(from_engine, from_dir));
    std::map<std::string, std::string> tokens;
    for (auto* name : { "mairie-b", "mairie-a", "mairie-c" })
        tokens[name] = *from->enroll(name);
    REQUIRE(from->record_heartbeat("mairie-a", { "mairie-a", "0.9.0", "12", 2, 40, 1, 300, int64_t(7) << 30, "timeout", "Mairie A" }));
    for (int batch = 0; batch < 3; ++batch) {
        protocol::Batch items { batch == 1 ? "mairie-b" : "mairie-a", {} };
        for (int i = 0; i < 3; ++i)
            items.items.push_back(guichet::test::make_item(bytes_of("sealed " + std::to_string(batch * 10 + i))));
        REQUIRE(from->store_batch(items.kiosk, items));
    }
    auto exported = [](Store& store) {
        std::vector<std::string> lines;
        REQUIRE(store.for_each_submission(std::nullopt, [&](const SubmissionRecord& record) {
            lines.push_back(record.id + " " + record.kiosk + " " + record.procedure + " " + std::to_string(record.version) + " "
                + record.created_at + " " + record.received_at + " " + std::string(record.sealed.begin(), record.sealed.end()));
        }));
        return lines;
    };

    auto to = open_store(fresh_location(to_engine, to_dir));
    auto count = copy_store(*from, *to, 2); // chunks of 2: several transactions
    INFO((count ? std::string() : count.error().message));
    REQUIRE(count);
    CHECK(count->kiosks == 3);
    CHECK(count->submissions == 9);
    CHECK(count->added == 9);
    CHECK(exported(*to) == exported(*from)); // same rows, same arrival times, same order
    for (auto& [name, token] : tokens)
        CHECK(*to->authenticate(token) == std::optional(name)); // kiosks keep their tokens
    auto kiosks = to->kiosks();
    REQUIRE(kiosks->size() == 3);
    auto original = from->kiosks();
    for (size_t i = 0; i < 3; ++i) {
        CHECK((*kiosks)[i].name == (*original)[i].name);
        CHECK((*kiosks)[i].enrolled_at == (*original)[i].enrolled_at);
        CHECK((*kiosks)[i].last_seen == (*original)[i].last_seen);
    }
    REQUIRE((*kiosks)[0].heartbeat.has_value());
    CHECK((*kiosks)[0].heartbeat->disk_free_bytes == int64_t(7) << 30);
    CHECK((*kiosks)[0].heartbeat->last_error == "timeout");
    CHECK((*kiosks)[0].heartbeat->place == "Mairie A");

    // Run again, as after an interrupted copy: nothing is added twice, and the target still takes batches.
    auto again = copy_store(*from, *to);
    REQUIRE(again);
    CHECK(again->added == 0);
    CHECK(exported(*to).size() == 9);
    protocol::Batch later { "mairie-c", { guichet::test::make_item(bytes_of("after the copy")) } };
    CHECK(to->store_batch("mairie-c", later)->results[0].status == protocol::Status::Stored);

    // A target that holds other content under a source's id, or a kiosk with another token, is refused
    // with the id or name, and the copy adds nothing of the refused transaction.
    protocol::Batch clash { "mairie-a", { guichet::test::make_item(bytes_of("first on the source")) } };
    REQUIRE(from->store_batch("mairie-a", clash));
    clash.items[0].sealed = bytes_of("other bytes on the target");
    REQUIRE(to->store_batch("mairie-a", clash));
    auto refused = copy_store(*from, *to);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains(clash.items[0].id) && Catch::Contains("other content"));
    TempDir other_dir;
    auto other = open_store(fresh_location(to_engine, other_dir));
    REQUIRE(other->enroll("mairie-a"));
    auto renamed = copy_store(*from, *other);
    REQUIRE_FALSE(renamed);
    CHECK_THAT(renamed.error().message, Catch::Contains("'mairie-a' is already enrolled here with another token"));
    CHECK(other->kiosks()->size() == 1); // the kiosks' transaction was rolled back whole
}

TEST_CASE("Store conformance: an export cursor gives each submission once, in commit order, across exports",
    "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->enroll("kiosk-a"));
    auto store_some = [&](int count, const std::string& tag) {
        protocol::Batch batch { "kiosk-a", {} };
        for (int i = 0; i < count; ++i)
            batch.items.push_back(guichet::test::make_item(bytes_of(tag + std::to_string(i))));
        REQUIRE(store->store_batch("kiosk-a", batch));
        std::vector<std::string> ids;
        for (auto& item : batch.items)
            ids.push_back(item.id);
        return ids;
    };
    auto export_after = [&](const std::optional<std::string>& cursor) {
        std::vector<std::string> ids;
        auto next = store->for_each_submission_after(cursor, [&](const SubmissionRecord& record) { ids.push_back(record.id); });
        INFO((next ? std::string() : next.error().message));
        REQUIRE(next);
        return std::pair { ids, *next };
    };

    auto [none, start] = export_after(std::nullopt); // an empty hub: a cursor all the same
    CHECK(none.empty());
    auto first = store_some(3, "first ");
    auto [got_first, after_first] = export_after(start);
    CHECK(got_first == first);
    auto second = store_some(2, "second ");
    auto third = store_some(2, "third ");
    auto [got_later, after_later] = export_after(after_first);
    second.insert(second.end(), third.begin(), third.end());
    CHECK(got_later == second);
    CHECK(export_after(after_later).first.empty());
    CHECK(export_after(std::nullopt).first.size() == 7);

    // A cursor past anything this database numbered (another database's, or a backup restored under
    // it) is refused, not an export that prints nothing for a long time.
    auto ahead = store->for_each_submission_after(engine == Engine::Sqlite ? "sqlite:9000000000" : "pg:9000000000",
        [](const SubmissionRecord&) {});
    REQUIRE_FALSE(ahead);
    CHECK_THAT(ahead.error().message, Catch::Contains("is ahead of this database"));

    std::string other = engine == Engine::Sqlite ? "pg:12" : "sqlite:12";
    auto foreign = store->for_each_submission_after(other, [](const SubmissionRecord&) {});
    REQUIRE_FALSE(foreign);
    CHECK_THAT(foreign.error().message, Catch::Contains("is from a") && Catch::Contains("export once with --since"));
    for (auto* garbled : { "", "12", "sqlite:", "pg:-1", "pg:1x", "sqlite:99999999999999999999999", "mysql:3" }) {
        auto refused = store->for_each_submission_after(std::string(garbled), [](const SubmissionRecord&) {});
        INFO(garbled);
        REQUIRE_FALSE(refused);
        CHECK_THAT(refused.error().message, Catch::Contains("is not one guichet-hub wrote"));
    }
}

TEST_CASE("Store conformance: on PostgreSQL, a batch still uncommitted on another hub is not skipped by the cursor",
    "[hub][store][pg]")
{
    auto url = guichet::test::shared_postgres().create_database();
    auto store = open_store(url);
    REQUIRE(store->enroll("kiosk-a"));
    auto cursor = store->for_each_submission_after(std::nullopt, [](const SubmissionRecord&) {});
    REQUIRE(cursor);

    // Another hub has begun storing a batch (its transaction is older) and has not committed yet...
    std::unique_ptr<PGconn, decltype(&PQfinish)> other(PQconnectdb(url.c_str()), &PQfinish);
    REQUIRE(PQstatus(other.get()) == CONNECTION_OK);
    auto run = [&](const std::string& sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(other.get(), sql.c_str()), &PQclear);
        INFO(sql << ": " << PQerrorMessage(other.get()));
        REQUIRE((PQresultStatus(result.get()) == PGRES_COMMAND_OK || PQresultStatus(result.get()) == PGRES_TUPLES_OK));
    };
    run("BEGIN");
    run("INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash) VALUES "
        "('slow-one', 'kiosk-a', 'carte-grise', 1, '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z', '\\x01', '\\x02')");
    // ...while this hub stores and commits a batch, with a later arrival time.
    protocol::Batch batch { "kiosk-a", { guichet::test::make_item(bytes_of("quick")) } };
    REQUIRE(store->store_batch("kiosk-a", batch));

    std::vector<std::string> seen;
    auto visit = [&](const SubmissionRecord& record) { seen.push_back(record.id); };
    auto next = store->for_each_submission_after(*cursor, visit);
    REQUIRE(next);
    CHECK(seen.empty()); // held back until the older transaction ends, not exported past it
    run("COMMIT");
    auto last = store->for_each_submission_after(*next, visit);
    REQUIRE(last);
    CHECK(seen == std::vector<std::string> { "slow-one", batch.items[0].id });
    seen.clear();
    REQUIRE(store->for_each_submission_after(*last, visit));
    CHECK(seen.empty());

    // A row numbered by another cluster (pg_restore copies tx as data) would fall outside every
    // window: the export says so instead of skipping it.
    run("INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash, tx) VALUES "
        "('restored', 'kiosk-a', 'carte-grise', 1, '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z', '\\x01', "
        "'\\x02', '9000000000')");
    auto restored = store->for_each_submission_after(*last, visit);
    REQUIRE_FALSE(restored);
    CHECK_THAT(restored.error().message, Catch::Contains("restored from a dump"));
    run("UPDATE submissions SET tx = pg_current_xact_id()"); // the renumbering docs/hub-operations.md gives
    REQUIRE(store->for_each_submission_after(std::nullopt, visit));
    CHECK(seen.size() == 3);
}

TEST_CASE("Store conformance: a batch that fails among concurrent ones fails alone, and nothing of it is stored",
    "[hub][store][pg]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto store = open_store(fresh_location(engine, dir));
    REQUIRE(store->enroll("kiosk-a"));
    // A kiosk the database does not know breaks its foreign key: the insert itself fails. SQLite writes
    // concurrent batches in one transaction (group commit), so this is what its savepoints are for.
    constexpr int threads = 6, rounds = 8;
    std::atomic<int> stored = 0, failed = 0, wrong = 0;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int r = 0; r < rounds; ++r) {
                bool ghost = t == 0;
                std::string kiosk = ghost ? "kiosk-ghost" : "kiosk-a";
                protocol::Batch batch { kiosk, {} };
                for (int i = 0; i < 5; ++i)
                    batch.items.push_back(guichet::test::make_item(bytes_of(kiosk + std::to_string(t * 100 + r * 10 + i))));
                auto answer = store->store_batch(kiosk, batch);
                if (ghost && !answer)
                    ++failed;
                else if (!ghost && answer && answer->results.size() == 5)
                    for (auto& result : answer->results)
                        stored += result.status == protocol::Status::Stored;
                else
                    ++wrong;
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    CHECK(wrong == 0);
    CHECK(failed == rounds);
    CHECK(stored == (threads - 1) * rounds * 5);
    size_t exported = 0;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const SubmissionRecord& record) {
        CHECK(record.kiosk == "kiosk-a");
        ++exported;
    }));
    CHECK(exported == size_t((threads - 1) * rounds * 5));
}
