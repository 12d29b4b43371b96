// guichet-hub serving on PostgreSQL, the real binary against a real server (pg_fixture.h): two hubs on
// one database store each raced id exactly once, and a database stopped like a crash mid-ingest costs
// 503s, never a lost, duplicated or falsely acknowledged submission.
#include "hub_fixture.h"
#include "pg_fixture.h"

#include "sync/protocol.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace guichet;
using namespace guichet::sync;
using guichet::test::ServedHub;
using guichet::test::TempDir;

namespace {

std::vector<uint8_t> bytes_of(std::string_view text) { return { text.begin(), text.end() }; }

// The ids of every submission `export` prints, in its order.
std::vector<std::string> exported_ids(const TempDir& dir, const std::string& url)
{
    auto outcome = guichet::test::run_hub(dir, { "export", "--db", url });
    INFO(outcome.err);
    REQUIRE(outcome.exit_code == 0);
    std::vector<std::string> ids;
    std::istringstream lines(outcome.out);
    for (std::string line; std::getline(lines, line);)
        ids.push_back(nlohmann::json::parse(line).at("id").get<std::string>());
    return ids;
}

}

TEST_CASE("Two hubs on one PostgreSQL store each id raced between them exactly once", "[hub][net][pg]")
{
    TempDir dir;
    auto url = guichet::test::shared_postgres().create_database();
    auto token = guichet::test::enroll(dir, url, "kiosk-a");
    ServedHub first(dir, url), second(dir, url);

    constexpr int batches = 12, per_batch = 10, senders_per_hub = 3;
    std::vector<protocol::Batch> all;
    for (int b = 0; b < batches; ++b) {
        protocol::Batch batch { "kiosk-a", {} };
        for (int i = 0; i < per_batch; ++i)
            batch.items.push_back(guichet::test::make_item(bytes_of("raced " + std::to_string(b) + "/" + std::to_string(i))));
        all.push_back(std::move(batch));
    }
    // Every sender posts every batch, starting at its own place, to its hub; the same ids reach both
    // hubs at the same moments. A refused post (503) is retried like a kiosk would.
    std::mutex mutex;
    std::map<std::string, std::map<std::string, int>> seen; // id -> status name -> count
    std::atomic<int> unexpected = 0, retried = 0;
    std::vector<std::thread> senders;
    for (int s = 0; s < 2 * senders_per_hub; ++s) {
        senders.emplace_back([&, s] {
            auto client = (s % 2 ? second : first).client(token);
            for (int n = 0; n < batches; ++n) {
                auto& batch = all[(n + s / 2 * 4) % batches];
                for (int attempt = 0; attempt < 20; ++attempt) {
                    auto res = client.Post("/v1/submissions", protocol::encode(batch), "application/json");
                    if (res && res->status == 200) {
                        auto decoded = protocol::decode_batch_response(res->body);
                        if (!decoded) {
                            ++unexpected;
                            break;
                        }
                        std::lock_guard lock(mutex);
                        for (auto& result : decoded->results)
                            ++seen[result.id][std::string(protocol::status_name(result.status))];
                        break;
                    }
                    if (!res || res->status != 503) {
                        ++unexpected;
                        break;
                    }
                    ++retried;
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
            }
        });
    }
    for (auto& sender : senders)
        sender.join();
    INFO(first.log() + second.log());
    CHECK(unexpected == 0);
    REQUIRE(seen.size() == size_t(batches * per_batch));
    for (auto& [id, counts] : seen) {
        INFO(id);
        CHECK(counts["stored"] == 1);
        CHECK(counts["duplicate"] == 2 * senders_per_hub - 1);
        CHECK(counts.size() == 2);
    }
    auto ids = exported_ids(dir, url);
    CHECK(ids.size() == size_t(batches * per_batch));
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
    CHECK(retried == 0); // nothing here should make the database refuse (no deadlock, no timeout)
}

TEST_CASE("A hub whose PostgreSQL stops like a crash mid-ingest answers 503 and loses or duplicates nothing", "[hub][net][pg][slow]")
{
    TempDir dir;
    guichet::test::PostgresServer server; // its own: this test stops it
    auto url = server.create_database();
    ServedHub hub(dir, url, { "--retry-after", "2" });

    // Three kiosks, each posting batches of fresh items until each is answered 200, like the uploader.
    constexpr int kiosks = 3;
    std::vector<std::string> tokens;
    for (int k = 0; k < kiosks; ++k)
        tokens.push_back(guichet::test::enroll(dir, url, "kiosk-" + std::to_string(k)));
    std::atomic<bool> database_back = false, finish = false;
    std::atomic<int> unavailable = 0, without_retry_after = 0, unexpected = 0, after_restart = 0;
    std::mutex mutex;
    std::set<std::string> sent, acknowledged;
    auto kiosk_run = [&](int k) {
        auto name = "kiosk-" + std::to_string(k);
        auto client = hub.client(tokens[k]);
        client.set_read_timeout(30);
        int n = 0;
        while (!finish) {
            protocol::Batch batch { name, {} };
            for (int i = 0; i < 5; ++i) {
                batch.items.push_back(guichet::test::make_item(bytes_of(name + " ingest " + std::to_string(n++))));
                std::lock_guard lock(mutex);
                sent.insert(batch.items.back().id);
            }
            auto body = protocol::encode(batch);
            for (;;) {
                auto res = client.Post("/v1/submissions", body, "application/json");
                if (res && res->status == 200) {
                    auto decoded = protocol::decode_batch_response(res->body);
                    std::lock_guard lock(mutex);
                    for (auto& result : decoded ? decoded->results : std::vector<protocol::ItemResult> {}) {
                        if (result.status == protocol::Status::Stored || result.status == protocol::Status::Duplicate)
                            acknowledged.insert(result.id);
                        else
                            ++unexpected;
                    }
                    after_restart += database_back ? 1 : 0;
                    break;
                }
                if (res && res->status == 503) {
                    ++unavailable;
                    without_retry_after += res->get_header_value("Retry-After") != "2";
                } else {
                    ++unexpected;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                if (finish && !database_back)
                    return;
            }
        }
    };
    std::vector<std::thread> fleet;
    for (int k = 0; k < kiosks; ++k)
        fleet.emplace_back(kiosk_run, k);

    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    server.stop(guichet::test::PostgresServer::StopMode::Immediate);
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    server.start();
    database_back = true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (after_restart < 10 * kiosks && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    finish = true;
    for (auto& kiosk : fleet)
        kiosk.join();

    INFO(hub.log());
    CHECK(unexpected == 0);
    CHECK(unavailable > 0);
    CHECK(without_retry_after == 0);
    CHECK(after_restart >= 10 * kiosks);
    // Every item the kiosks sent was finally acknowledged, and is stored exactly once: nothing lost, no
    // 200 for what was not committed, nothing twice.
    CHECK(acknowledged == sent);
    auto ids = exported_ids(dir, url);
    CHECK(std::set<std::string>(ids.begin(), ids.end()) == sent);
    CHECK(ids.size() == sent.size());
}

TEST_CASE("A hub on PostgreSQL answers 503 while the database is down and serves its first request after it restarted", "[hub][net][pg]")
{
    TempDir dir;
    guichet::test::PostgresServer server; // its own: this test restarts it
    auto url = server.create_database();
    auto token = guichet::test::enroll(dir, url, "kiosk-a");
    ServedHub hub(dir, url);
    auto client = hub.client(token);
    protocol::Batch before { "kiosk-a", { guichet::test::make_item(bytes_of("before")) } };
    auto res = client.Post("/v1/submissions", protocol::encode(before), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    // While the database is down, everything that needs it is a 503 with Retry-After, even the token
    // check; health, which does not, still answers.
    server.stop(guichet::test::PostgresServer::StopMode::Immediate);
    protocol::Batch during { "kiosk-a", { guichet::test::make_item(bytes_of("during")) } };
    protocol::Heartbeat beat { "kiosk-a", "0.1.0", "7", 0, 1, 0, std::nullopt, std::nullopt, "" };
    auto batch_down = client.Post("/v1/submissions", protocol::encode(during), "application/json");
    REQUIRE(batch_down);
    CHECK(batch_down->status == 503);
    CHECK(batch_down->get_header_value("Retry-After") == "1");
    auto beat_down = client.Post("/v1/heartbeat", protocol::encode(beat), "application/json");
    REQUIRE(beat_down);
    CHECK(beat_down->status == 503);
    auto whoami_down = client.Get("/v1/whoami");
    REQUIRE(whoami_down);
    CHECK(whoami_down->status == 503);
    CHECK(whoami_down->get_header_value("Retry-After") == "1");
    auto health = hub.client().Get("/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
    // The hub's pooled connections died with the server; the next request must not pay for them.
    server.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    protocol::Batch after { "kiosk-a", { guichet::test::make_item(bytes_of("after")) } };
    res = client.Post("/v1/submissions", protocol::encode(after), "application/json");
    REQUIRE(res);
    INFO(res->body + hub.log());
    CHECK(res->status == 200);
    CHECK(exported_ids(dir, url).size() == 2); // not the one sent while the database was down
}

TEST_CASE("guichet-hub copy moves a SQLite hub to PostgreSQL, where its kiosks go on delivering with their tokens",
    "[hub][net][pg]")
{
    TempDir dir;
    auto file = dir / "hub.sqlite";
    auto token = guichet::test::enroll(dir, file, "mairie-01");
    protocol::Batch before { "mairie-01", {} };
    for (int i = 0; i < 5; ++i)
        before.items.push_back(guichet::test::make_item(bytes_of("before " + std::to_string(i))));
    {
        ServedHub hub(dir, file);
        auto res = hub.client(token).Post("/v1/submissions", protocol::encode(before), "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
    }
    auto url = guichet::test::shared_postgres().create_database();

    // Bad input is a clear message and changes nothing.
    auto missing = guichet::test::run_hub(dir, { "copy", "--from", (dir / "hub.sqlit").string(), "--to", url });
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Catch::Contains("hub.sqlit' does not exist"));
    auto same = guichet::test::run_hub(dir, { "copy", "--from", file.string(), "--to", file.string() });
    CHECK(same.exit_code == 2);
    CHECK_THAT(same.err, Catch::Contains("the same database"));
    CHECK(exported_ids(dir, url).empty());

    auto copied = guichet::test::run_hub(dir, { "copy", "--from", file.string(), "--to", url });
    INFO(copied.err);
    REQUIRE(copied.exit_code == 0);
    CHECK_THAT(copied.err, Catch::Contains("copied 1 kiosk(s) and 5 submission(s), 5 of them new"));
    CHECK(exported_ids(dir, url) == exported_ids(dir, file.string()));

    ServedHub hub(dir, url);
    protocol::Batch after { "mairie-01", { before.items[0], guichet::test::make_item(bytes_of("after")) } };
    auto res = hub.client(token).Post("/v1/submissions", protocol::encode(after), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto answer = protocol::decode_batch_response(res->body);
    REQUIRE(answer);
    CHECK(answer->results[0].status == protocol::Status::Duplicate); // delivered before the move: still known
    CHECK(answer->results[1].status == protocol::Status::Stored);
    CHECK(exported_ids(dir, url).size() == 6);
}
