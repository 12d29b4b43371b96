// Tests of the real guichet-hub binary serving on 127.0.0.1 with a random port and a real SQLite file:
// the protocol's answers, authentication, hostile input, fault injection and a clean stop.
#include "hub_fixture.h"

#include "sync/hub/server.h"
#include "sync/hub/store.h"

#include <catch2/catch.hpp>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <map>
#include <thread>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace guichet;
using namespace guichet::sync;
using guichet::test::ServedHub;
using guichet::test::TempDir;

namespace {

std::vector<uint8_t> bytes_of(std::string_view text) { return { text.begin(), text.end() }; }

protocol::BatchResponse post_batch(httplib::Client& client, const protocol::Batch& batch)
{
    auto res = client.Post("/v1/submissions", protocol::encode(batch), "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    auto decoded = protocol::decode_batch_response(res->body);
    REQUIRE(decoded);
    return *decoded;
}

// An error answer: its status, and a JSON body with a non-empty "error".
int error_status(const httplib::Result& res)
{
    REQUIRE(res);
    INFO(res->body);
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    REQUIRE(body.is_object());
    REQUIRE(body.contains("error"));
    CHECK_FALSE(body["error"].get<std::string>().empty());
    return res->status;
}

void check_still_healthy(const ServedHub& hub)
{
    auto client = hub.client();
    auto health = client.Get("/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
}

// Writes raw bytes to the server and reads whatever comes back, for input httplib::Client cannot send.
std::string raw_exchange(int port, const std::string& bytes)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    (void)!send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    std::string reply;
    char buffer[4096];
    ssize_t n;
    while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0)
        reply.append(buffer, static_cast<size_t>(n));
    close(fd);
    return reply;
}

}

TEST_CASE("Hub health answers with status and server time", "[hub][net]")
{
    TempDir dir;
    ServedHub hub(dir, dir / "hub.db");
    auto client = hub.client();
    auto res = client.Get("/v1/health");
    REQUIRE(res);
    CHECK(res->status == 200);
    auto body = nlohmann::json::parse(res->body);
    CHECK(body["status"] == "ok");
    CHECK(body["version"].is_string());
    auto time = body["time"].get<std::string>();
    CHECK(time.size() == 20);
    CHECK(time.back() == 'Z');
    CHECK(hub.stop(SIGINT) == 0);
    CHECK(hub.log().find("SIGINT received, stopping") != std::string::npos);
}

TEST_CASE("Hub stores concurrent batches and accepts a kiosk enrolled while it runs", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    constexpr int threads = 4, batches = 10, items = 5;
    std::atomic<int> stored = 0;
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
        senders.emplace_back([&] {
            auto client = hub.client(token);
            for (int b = 0; b < batches; ++b) {
                protocol::Batch batch { "kiosk-a", {} };
                for (int i = 0; i < items; ++i)
                    batch.items.push_back(guichet::test::make_item(bytes_of("concurrent")));
                auto res = client.Post("/v1/submissions", protocol::encode(batch), "application/json");
                if (!res || res->status != 200)
                    continue;
                auto response = protocol::decode_batch_response(res->body);
                if (!response)
                    continue;
                for (auto& result : response->results)
                    stored += result.status == protocol::Status::Stored;
            }
        });
    }
    for (auto& sender : senders)
        sender.join();
    CHECK(stored == threads * batches * items);

    auto late = guichet::test::enroll(dir, db, "kiosk-late");
    auto client = hub.client(late);
    auto response = post_batch(client, { "kiosk-late", { guichet::test::make_item(bytes_of("late")) } });
    CHECK(response.results[0].status == protocol::Status::Stored);
}

TEST_CASE("Hub stores a batch then answers duplicate for the same batch", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "mairie-1");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    protocol::Batch batch { "mairie-1",
        { guichet::test::make_item(bytes_of("first sealed")), guichet::test::make_item(bytes_of("second sealed")) } };

    auto first = post_batch(client, batch);
    REQUIRE(first.results.size() == 2);
    for (auto& result : first.results)
        CHECK(result.status == protocol::Status::Stored);
    CHECK(first.results[0].id == batch.items[0].id);
    CHECK(first.results[1].id == batch.items[1].id);

    auto second = post_batch(client, batch);
    REQUIRE(second.results.size() == 2);
    for (auto& result : second.results)
        CHECK(result.status == protocol::Status::Duplicate);

    // The answer came after COMMIT: another connection to the file sees both items.
    auto opened = hub::Store::open(db.string());
    REQUIRE(opened);
    auto& store = *opened;
    REQUIRE(store);
    size_t count = 0;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const hub::SubmissionRecord&) { ++count; }));
    CHECK(count == 2);

    // One log line per request, naming the kiosk and the item count, never the payload.
    CHECK(hub.stop() == 0);
    auto log = hub.log();
    CHECK(log.find("POST /v1/submissions 200 kiosk=mairie-1 items=2") != std::string::npos);
    CHECK(log.find(protocol::base64_encode(batch.items[0].sealed)) == std::string::npos);
    CHECK(log.find(token) == std::string::npos);
}

TEST_CASE("Hub answers conflict for an id with other bytes and stores the rest of the batch", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "mairie-1");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    auto original = guichet::test::make_item(bytes_of("original"));
    post_batch(client, { "mairie-1", { original } });

    auto changed = original;
    changed.sealed = bytes_of("changed");
    auto fresh = guichet::test::make_item(bytes_of("fresh"));
    auto response = post_batch(client, { "mairie-1", { changed, fresh } });
    REQUIRE(response.results.size() == 2);
    CHECK(response.results[0].id == original.id);
    CHECK(response.results[0].status == protocol::Status::Conflict);
    CHECK_FALSE(response.results[0].reason.empty());
    CHECK(response.results[1].status == protocol::Status::Stored);

    auto again = post_batch(client, { "mairie-1", { fresh } });
    CHECK(again.results[0].status == protocol::Status::Duplicate);
}

TEST_CASE("Hub refuses missing and unknown tokens with 401 and another kiosk's with 403", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token_a = guichet::test::enroll(dir, db, "kiosk-a");
    auto token_b = guichet::test::enroll(dir, db, "kiosk-b");
    ServedHub hub(dir, db);
    auto body = protocol::encode(protocol::Batch { "kiosk-a", { guichet::test::make_item(bytes_of("x")) } });

    auto anonymous = hub.client();
    CHECK(error_status(anonymous.Post("/v1/submissions", body, "application/json")) == 401);
    auto wrong = hub.client(std::string(43, 'A'));
    CHECK(error_status(wrong.Post("/v1/submissions", body, "application/json")) == 401);
    auto basic = hub.client();
    basic.set_basic_auth("kiosk-a", token_a.c_str());
    CHECK(error_status(basic.Post("/v1/submissions", body, "application/json")) == 401);
    auto other = hub.client(token_b);
    CHECK(error_status(other.Post("/v1/submissions", body, "application/json")) == 403);

    protocol::Heartbeat beat { "kiosk-a", "0.1.0", "7", 1, 2, 0, 30, 1'000'000, "" };
    CHECK(error_status(anonymous.Post("/v1/heartbeat", protocol::encode(beat), "application/json")) == 401);
    CHECK(error_status(other.Post("/v1/heartbeat", protocol::encode(beat), "application/json")) == 403);

    // Nothing of the refused requests was stored.
    auto opened = hub::Store::open(db.string());
    REQUIRE(opened);
    auto& store = *opened;
    size_t count = 0;
    REQUIRE(store->for_each_submission(std::nullopt, [&](const hub::SubmissionRecord&) { ++count; }));
    CHECK(count == 0);
    CHECK_FALSE(store->latest_heartbeat("kiosk-a")->has_value());
}

TEST_CASE("Hub records the latest heartbeat of a kiosk", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    protocol::Heartbeat beat { "kiosk-a", "0.1.0", "7", 4, 20, 1, 600, 5'000'000'000, "connect timeout" };
    auto res = client.Post("/v1/heartbeat", protocol::encode(beat), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(nlohmann::json::parse(res->body)["time"].is_string());
    CHECK(error_status(client.Post("/v1/heartbeat", "{\"queued\":1}", "application/json")) == 400);

    auto opened = hub::Store::open(db.string());
    REQUIRE(opened);
    auto& store = *opened;
    auto latest = store->latest_heartbeat("kiosk-a");
    REQUIRE(latest->has_value());
    CHECK((*latest)->queued == 4);
    CHECK((*latest)->disk_free_bytes == 5'000'000'000);
    CHECK((*latest)->last_error == "connect timeout");
}

TEST_CASE("Hub's heartbeat answer carries status_url only with --public-url", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    protocol::Heartbeat beat { "kiosk-a", "0.1.0", "7", 0, 0, 0, std::nullopt, std::nullopt, "" };
    {
        ServedHub hub(dir, db);
        auto res = hub.client(token).Post("/v1/heartbeat", protocol::encode(beat), "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        CHECK_FALSE(nlohmann::json::parse(res->body).contains("status_url"));
    }
    // The trailing slash is the hub's to normalise, so the link has exactly one before "suivi".
    ServedHub hub(dir, db, { "--public-url", "https://guichet.mairie.example/hub/" });
    auto res = hub.client(token).Post("/v1/heartbeat", protocol::encode(beat), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto answer = protocol::decode_heartbeat_answer(res->body);
    REQUIRE(answer);
    CHECK(answer->status_url == "https://guichet.mairie.example/hub/suivi/");
}

TEST_CASE("Hub answers browsers that accept br with gzip, never with brotli at httplib's slowest quality", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    auto client = hub.client();
    client.set_decompress(false);
    auto page = client.Get("/office/connexion", { { "Accept-Encoding", "gzip, deflate, br" } });
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Encoding") == "gzip");
    auto only_br = client.Get("/office/connexion", { { "Accept-Encoding", "br" } });
    REQUIRE(only_br);
    CHECK(only_br->status == 200);
    CHECK(only_br->get_header_value("Content-Encoding") == "");
}

TEST_CASE("serve refuses a --public-url that is not an http(s) address, with exit code 2 and the reason", "[hub]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    for (auto [url, why] : { std::pair { "guichet.mairie.example", "https://" }, std::pair { "ftp://guichet.example", "https://" },
             std::pair { "https://", "no host" }, std::pair { "https://guichet.example/?a=1", "query" },
             std::pair { "https://guichet.example/#top", "fragment" }, std::pair { "https://x@guichet.example", "user name" },
             std::pair { "https://guichet .example", "space" } }) {
        INFO(url);
        auto outcome = guichet::test::run_hub(dir, { "serve", "--db", db.string(), "--listen", "127.0.0.1:0", "--public-url", url });
        CHECK(outcome.exit_code == 2);
        CHECK_THAT(outcome.err, Catch::Contains("--public-url") && Catch::Contains(why));
    }
    CHECK(hub::parse_public_url("https://guichet.example//").value() == "https://guichet.example");
    CHECK(hub::parse_public_url("http://127.0.0.1:8080").value() == "http://127.0.0.1:8080");
}

TEST_CASE("Hub answers malformed and oversized input with 4xx and keeps serving", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    auto post = [&](const std::string& body) { return client.Post("/v1/submissions", body, "application/json"); };
    auto item = [](std::string id, std::string sealed) {
        return nlohmann::json { { "id", id }, { "procedure", "p" }, { "version", 1 }, { "created_at", "2024-05-01T09:30:00Z" },
            { "sealed", sealed } };
    };
    auto batch = [](nlohmann::json items) { return nlohmann::json { { "kiosk", "kiosk-a" }, { "items", items } }.dump(); };

    CHECK(error_status(post("{\"kiosk\": \"kiosk-a\", \"items\": [")) == 400);
    CHECK(error_status(post("")) == 400);
    CHECK(error_status(post("[1, 2, 3]")) == 400);
    CHECK(error_status(post(std::string("\xff\xfe{}", 4))) == 400);
    CHECK(error_status(post(batch(nlohmann::json::array()))) == 400);
    CHECK(error_status(post(batch({ item(guichet::test::new_uuid(), "AAAA"), 42 }))) == 400);
    CHECK(error_status(post(batch({ { { "procedure", "p" } } }))) == 400); // no id: it could not be answered

    auto many = nlohmann::json::array();
    for (int i = 0; i < 501; ++i)
        many.push_back(item(guichet::test::new_uuid(), "AAAA"));
    auto too_many = post(batch(many));
    CHECK((error_status(too_many) == 400 || too_many->status == 413));

    // Just over the limit: httplib refuses it before any handler sees it.
    std::string huge(protocol::max_body_bytes + 1, 'a');
    auto oversized = post(huge);
    REQUIRE(oversized);
    CHECK(oversized->status == 413);

    // Bytes that are not HTTP at all, and a request that stops halfway.
    auto garbage = raw_exchange(hub.port(), std::string("\x16\x03\x01\x02\x00garbage\r\n\r\n", 16));
    CHECK((garbage.empty() || garbage.starts_with("HTTP/1.1 4")));
    auto half = raw_exchange(hub.port(), "POST /v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"kiosk\"");
    CHECK((half.empty() || half.starts_with("HTTP/1.1 4")));

    check_still_healthy(hub);
    auto fine = post_batch(client, { "kiosk-a", { guichet::test::make_item(bytes_of("still works")) } });
    CHECK(fine.results[0].status == protocol::Status::Stored);
    CHECK(hub.stop() == 0);
}

TEST_CASE("Hub stores the good items of a batch and rejects the bad one with its reason", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    auto good = [](std::string id) {
        return nlohmann::json { { "id", id }, { "procedure", "p" }, { "version", 1 }, { "created_at", "2024-05-01T09:30:00Z" },
            { "sealed", "AAAA" } };
    };
    auto first = guichet::test::new_uuid(), bad = guichet::test::new_uuid(), last = guichet::test::new_uuid();
    auto broken = good(bad);
    broken["sealed"] = "not base64!";
    auto body = nlohmann::json { { "kiosk", "kiosk-a" }, { "items", { good(first), broken, good(last), good("not-a-uuid") } } };
    auto res = client.Post("/v1/submissions", body.dump(), "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    auto answer = protocol::decode_batch_response(res->body);
    REQUIRE(answer);
    REQUIRE(answer->results.size() == 4);
    std::map<std::string, protocol::ItemResult> by_id;
    for (auto& result : answer->results)
        by_id[result.id] = result;
    CHECK(by_id[first].status == protocol::Status::Stored);
    CHECK(by_id[last].status == protocol::Status::Stored);
    CHECK(by_id[bad].status == protocol::Status::Rejected);
    CHECK_THAT(by_id[bad].reason, Catch::Contains("items[1]: 'sealed' is not valid base64"));
    CHECK(by_id["not-a-uuid"].status == protocol::Status::Rejected);
    CHECK_THAT(by_id["not-a-uuid"].reason, Catch::Contains("'id' must be a lower-case UUID"));

    auto exported = guichet::test::run_hub(dir, { "export", "--db", db.string() });
    REQUIRE(exported.exit_code == 0);
    CHECK(exported.out.find(first) != std::string::npos);
    CHECK(exported.out.find(last) != std::string::npos);
    CHECK(exported.out.find(bad) == std::string::npos);
    CHECK(hub.log().find("items=4") != std::string::npos);
}

TEST_CASE("Hub in faults mode fails submissions with the configured statuses", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    auto body = protocol::encode(protocol::Batch { "kiosk-a", { guichet::test::make_item(bytes_of("x")) } });

    SECTION("always 429 with the configured Retry-After")
    {
        ServedHub hub(dir, db, { "--faults", "429:1", "--retry-after", "7" });
        auto client = hub.client(token);
        for (int i = 0; i < 5; ++i) {
            auto res = client.Post("/v1/submissions", body, "application/json");
            CHECK(error_status(res) == 429);
            CHECK(res->get_header_value("Retry-After") == "7");
        }
        // Faults come before authentication: even an anonymous request gets one.
        auto anonymous = hub.client();
        CHECK(error_status(anonymous.Post("/v1/submissions", body, "application/json")) == 429);
        check_still_healthy(hub);
    }
    SECTION("a mix of 500 and 503 and nothing else")
    {
        ServedHub hub(dir, db, { "--faults", "500:0.5,503:0.5" });
        auto client = hub.client(token);
        std::map<int, int> seen;
        for (int i = 0; i < 40; ++i) {
            auto res = client.Post("/v1/submissions", body, "application/json");
            REQUIRE(res);
            ++seen[res->status];
            if (res->status == 503)
                CHECK(res->get_header_value("Retry-After") == "1");
        }
        CHECK(seen.size() == 2);
        CHECK(seen[500] + seen[503] == 40);
    }
    SECTION("a share of failures and the rest stored")
    {
        ServedHub hub(dir, db, { "--faults", "500:0.3" });
        auto client = hub.client(token);
        std::map<int, int> seen;
        for (int i = 0; i < 40; ++i) {
            auto res = client.Post("/v1/submissions", body, "application/json");
            REQUIRE(res);
            ++seen[res->status];
        }
        CHECK(seen[500] > 0);
        CHECK(seen[200] > 0);
        CHECK(seen[500] + seen[200] == 40);
    }
}

TEST_CASE("Hub refuses to start on a port that is taken", "[hub][net]")
{
    TempDir dir;
    ServedHub hub(dir, dir / "hub.db");
    auto taken = guichet::test::run_hub(
        dir, { "serve", "--db", (dir / "hub.db").string(), "--listen", "127.0.0.1:" + std::to_string(hub.port()) });
    CHECK(taken.exit_code == 1);
    CHECK(taken.err.find("cannot listen on 127.0.0.1:" + std::to_string(hub.port())) != std::string::npos);
}

TEST_CASE("Hub serves over TLS when given a certificate", "[hub][net]")
{
    TempDir dir;
    auto cert = dir / "cert.pem", key = dir / "key.pem";
    auto command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost"
                   " -addext subjectAltName=IP:127.0.0.1 -keyout "
        + key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
    // openssl is a test dependency (scripts/install-deps.sh): without it the test fails, never skips.
    INFO("making a certificate with openssl: " << command);
    REQUIRE(std::system(command.c_str()) == 0);
    ServedHub hub(dir, dir / "hub.db", { "--tls-cert", cert.string(), "--tls-key", key.string() });
    httplib::SSLClient client("127.0.0.1", hub.port());
    client.set_ca_cert_path(cert.c_str());
    client.enable_server_certificate_verification(true);
    auto res = client.Get("/v1/health");
    REQUIRE(res);
    CHECK(res->status == 200);
    // Plain HTTP to a TLS port gets no answer, not a crash.
    auto plain = hub.client();
    auto refused = plain.Get("/v1/health");
    CHECK((!refused || refused->status >= 400));
    CHECK(client.Get("/v1/health"));
    CHECK(hub.stop() == 0);
}

namespace {

// The gzip framing a kiosk's uploader uses (Content-Encoding: gzip).
std::string gzip(std::string text)
{
    z_stream stream {};
    REQUIRE(deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, text.size()), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(text.data());
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

}

TEST_CASE("Hub refuses a compressed body that inflates past the limit and keeps serving", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    // 64 MB of the same byte gzips to about 64 KB: a body that is small on the wire and huge once read.
    auto bomb = gzip(std::string(64 * 1024 * 1024, ' '));
    REQUIRE(bomb.size() < protocol::max_body_bytes);

    auto client = hub.client(token);
    auto answer = client.Post("/v1/submissions", httplib::Headers { { "Content-Encoding", "gzip" } }, bomb, "application/json");
    REQUIRE(answer);
    CHECK(answer->status == 413);
    check_still_healthy(hub);

    // A kiosk's real, compressed batch still goes through.
    auto body = nlohmann::json { { "kiosk", "kiosk-a" }, { "items", nlohmann::json::array({ { { "id", guichet::test::new_uuid() },
        { "procedure", "p" }, { "version", 1 }, { "created_at", "2024-05-01T09:30:00Z" }, { "sealed", "AQID" } } }) } }
                    .dump();
    auto stored = client.Post("/v1/submissions", httplib::Headers { { "Content-Encoding", "gzip" } }, gzip(body), "application/json");
    REQUIRE(stored);
    CHECK(stored->status == 200);
    CHECK_THAT(stored->body, Catch::Contains("\"stored\""));
}
