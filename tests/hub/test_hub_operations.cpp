// Operations through the real guichet-hub binary on 127.0.0.1: kiosk tokens revoked and rotated
// (`guichet-hub kiosk ...`, the 401's reason), the public status page /suivi/{code} (same 404 for every
// unknown code, the rate limit, a log without the code), and the daily purge thread under a virtual
// clock (`serve --clock-file`, a test hook).
#include "hub_fixture.h"

#include "sync/clock_text.h"
#include "sync/hub/rate_limit.h"
#include "sync/hub/store.h"
#include "sync/receipt.h"
#include "sync/sqlite.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

using namespace guichet;
using namespace guichet::sync;
using guichet::test::ServedHub;
using guichet::test::TempDir;

namespace {

// The test hooks (--clock-file) are allowed for every hub these tests start.
struct TestHooks {
    TestHooks() { setenv("GUICHET_HUB_TEST_HOOKS", "1", 1); }
    ~TestHooks() { unsetenv("GUICHET_HUB_TEST_HOOKS"); }
};

// Written then renamed, so the hub never reads half a time.
void set_clock(const std::filesystem::path& file, TimePoint when)
{
    auto temporary = file;
    temporary += ".tmp";
    test::write_text(temporary, format_rfc3339(when) + "\n");
    std::filesystem::rename(temporary, file);
}

TimePoint system_now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()); }

std::string code_of(const std::string& eight)
{
    auto full = eight + receipt_check_character(eight);
    return full.substr(0, 3) + "-" + full.substr(3, 3) + "-" + full.substr(6, 3);
}

// A submission stored through the protocol, then given a receipt code (and a state) as the other areas
// will: by SQL, so these tests do not depend on them.
std::string submit(const ServedHub& hub, const std::string& token, const std::string& kiosk, const std::string& procedure)
{
    protocol::Item item { test::new_uuid(), procedure, 1, "2026-01-01T09:00:00Z", { 1, 2, 3, 4 } };
    auto client = hub.client(token);
    auto res = client.Post("/v1/submissions", protocol::encode(protocol::Batch { kiosk, { item }, {} }), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return item.id;
}

}

TEST_CASE("Hub binary: a revoked kiosk gets 401 with the reason; a rotated kiosk's old token works until its grace ends",
    "[hub][net][ops]")
{
    TestHooks hooks;
    TempDir dir;
    auto db = dir / "hub.db";
    auto revoked = test::enroll(dir, db, "mairie-1");
    auto rotated = test::enroll(dir, db, "mairie-2");
    auto clock = dir / "clock";
    set_clock(clock, system_now());
    ServedHub hub(dir, db, { "--clock-file", clock.string() });

    auto whoami = [&](const std::string& token) {
        auto client = hub.client(token);
        auto res = client.Get("/v1/whoami");
        REQUIRE(res);
        return *res;
    };
    CHECK(whoami(revoked).status == 200);

    auto outcome = test::run_hub(dir, { "kiosk", "revoke", "mairie-1", "--db", db.string() });
    INFO(outcome.err);
    REQUIRE(outcome.exit_code == 0);
    auto refused = whoami(revoked);
    CHECK(refused.status == 401);
    auto body = nlohmann::json::parse(refused.body);
    CHECK(body["reason"] == "revoked");
    CHECK(body["error"] == "this kiosk's token was revoked at the hub (guichet-hub kiosk revoke)");
    CHECK(refused.get_header_value("WWW-Authenticate") == "Bearer error=\"invalid_token\", error_description=\"revoked\"");

    // Rotation with an hour's grace: the new token at once, the old one until the hour has passed.
    outcome = test::run_hub(dir, { "kiosk", "rotate", "mairie-2", "--db", db.string(), "--grace", "1h" });
    INFO(outcome.err);
    REQUIRE(outcome.exit_code == 0);
    auto fresh = outcome.out.substr(0, outcome.out.find('\n'));
    CHECK(fresh.size() == 43);
    CHECK(nlohmann::json::parse(whoami(fresh).body)["kiosk"] == "mairie-2");
    CHECK(whoami(rotated).status == 200);
    set_clock(clock, system_now() + std::chrono::minutes(59));
    CHECK(whoami(rotated).status == 200);
    set_clock(clock, system_now() + std::chrono::minutes(61));
    auto expired = whoami(rotated);
    CHECK(expired.status == 401);
    CHECK(nlohmann::json::parse(expired.body)["reason"] == "expired");
    CHECK(expired.get_header_value("WWW-Authenticate") == "Bearer error=\"invalid_token\", error_description=\"expired\"");
    CHECK(whoami(fresh).status == 200);
    // An unknown token keeps its old answer, without a reason.
    auto unknown = whoami(std::string(43, 'A'));
    CHECK(unknown.status == 401);
    CHECK_FALSE(nlohmann::json::parse(unknown.body).contains("reason"));

    // kiosk list shows both; rotating mairie-1 lifts its revocation.
    outcome = test::run_hub(dir, { "kiosk", "list", "--db", db.string() });
    REQUIRE(outcome.exit_code == 0);
    CHECK(outcome.out.find("mairie-1\tenrolled ") != std::string::npos);
    CHECK(outcome.out.find("revoked 20") != std::string::npos);
    outcome = test::run_hub(dir, { "kiosk", "rotate", "mairie-1", "--db", db.string() });
    REQUIRE(outcome.exit_code == 0);
    CHECK(whoami(outcome.out.substr(0, outcome.out.find('\n'))).status == 200);
    CHECK(whoami(revoked).status == 401);
    CHECK(test::run_hub(dir, { "kiosk", "revoke", "nobody", "--db", db.string() }).exit_code == 1);

    // Each command left its line in the audit log (who, what, on which kiosk; never a token).
    auto store = sync::hub::Store::open(db.string());
    REQUIRE(store);
    auto events = (*store)->audit_log(std::nullopt, 20, std::nullopt);
    REQUIRE(events);
    std::vector<std::string> seen;
    for (auto& event : *events)
        seen.push_back(event.actor + " " + event.action + " " + event.target + " " + event.detail);
    CHECK_THAT(seen, Catch::VectorContains(std::string("cli kiosk-revoke mairie-1 ")));
    CHECK_THAT(seen, Catch::VectorContains(std::string("cli kiosk-rotate mairie-2 grace_s=3600")));
    CHECK_THAT(seen, Catch::VectorContains(std::string("cli kiosk-rotate mairie-1 grace_s=604800")));
}

TEST_CASE("Hub binary: --clock-file is refused without the test hooks", "[hub][net][ops]")
{
    TempDir dir;
    auto clock = dir / "clock";
    set_clock(clock, system_now());
    unsetenv("GUICHET_HUB_TEST_HOOKS");
    auto outcome = test::run_hub(dir, { "serve", "--db", (dir / "hub.db").string(), "--listen", "127.0.0.1:0", "--clock-file", clock.string() });
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.err.find("GUICHET_HUB_TEST_HOOKS") != std::string::npos);
}

TEST_CASE("Hub binary: /suivi/{code} says the state only, the same 404 for any unknown code, and limits the rate",
    "[hub][net][ops]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = test::enroll(dir, db, "mairie-1");
    ServedHub hub(dir, db);
    auto id = submit(hub, token, "mairie-1", "change-of-address");
    auto code = code_of("ABCDEFGH");
    guichet::test::run_sql(db, "UPDATE submissions SET receipt = '" + code + "' WHERE id = '" + id + "'");

    auto client = hub.client();
    auto known = client.Get("/suivi/" + code);
    REQUIRE(known);
    CHECK(known->status == 200);
    CHECK(known->body.find("Votre démarche a été reçue.") != std::string::npos);
    CHECK(known->body.find("<html lang=\"fr\">") != std::string::npos);
    CHECK(known->body.find("change-of-address") == std::string::npos);
    CHECK(known->body.find("mairie-1") == std::string::npos);
    CHECK(known->get_header_value("Cache-Control") == "no-store");
    CHECK(known->get_header_value("X-Robots-Tag").find("noindex") != std::string::npos);
    CHECK(known->get_header_value("Content-Security-Policy").starts_with("default-src 'none'"));

    guichet::test::run_sql(db, "UPDATE submissions SET state = 'done', final_at = '2026-01-01T00:00:00.000Z', rev = 1 WHERE id = '" + id + "'");
    auto lower = code;
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto done = client.Get("/suivi/" + lower);
    REQUIRE(done);
    CHECK(done->status == 200);
    CHECK(done->body.find("traitée") != std::string::npos);

    // Unknown (valid), malformed, empty and overlong codes: one answer, byte for byte.
    auto unknown = client.Get("/suivi/" + code_of("ABCDEFGJ"));
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    CHECK(unknown->body.find("Aucune démarche ne correspond à ce code.") != std::string::npos);
    for (std::string other : std::vector<std::string> { "/suivi/not-a-code", "/suivi/", "/suivi/" + std::string(200, 'A') }) {
        auto res = client.Get(other);
        REQUIRE(res);
        INFO(other);
        CHECK(res->status == 404);
        CHECK(res->body == unknown->body);
        CHECK(res->get_header_value("Content-Type") == unknown->get_header_value("Content-Type"));
    }

    // The burst is 20 requests; 6 went above. The next 14 pass (15 if a token refilled meanwhile), then
    // the limit answers 429 with Retry-After.
    int allowed = 0;
    std::optional<httplib::Response> limited;
    for (int i = 0; i < 20 && !limited; ++i) {
        auto res = client.Get("/suivi/" + code);
        REQUIRE(res);
        if (res->status == 429)
            limited = *res;
        else
            ++allowed;
    }
    REQUIRE(limited);
    CHECK(allowed >= 14);
    CHECK(allowed <= 15);
    CHECK(std::stoi(limited->get_header_value("Retry-After")) >= 1);
    CHECK(limited->get_header_value("Cache-Control") == "no-store");

    // The log names the route, never the code.
    auto log = hub.log();
    CHECK(log.find("GET /suivi/... 404") != std::string::npos);
    CHECK(log.find("ABC-DEF") == std::string::npos);
    CHECK(log.find("abc-def") == std::string::npos);
}

TEST_CASE("Hub binary: serve purges at start and again when its clock reaches the retention, and stops cleanly",
    "[hub][net][ops]")
{
    TestHooks hooks;
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = test::enroll(dir, db, "mairie-1");
    auto clock = dir / "clock";
    auto final_at = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));
    set_clock(clock, final_at + std::chrono::days(89));
    std::string procedures = std::string(GUICHET_DEFAULT_ASSETS_DIR) + "/procedures";
    ServedHub hub(dir, db, { "--clock-file", clock.string(), "--procedures", procedures });
    auto id = submit(hub, token, "mairie-1", "change-of-address");
    guichet::test::run_sql(db, "UPDATE submissions SET state = 'done', final_at = '" + format_rfc3339(final_at) + "', rev = 1 WHERE id = '" + id + "'");

    auto wait_for_log = [&](const std::string& text) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (hub.log().find(text) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline)
                FAIL("the hub's log never said '" << text << "':\n" << hub.log());
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    };
    wait_for_log("guichet-hub: purge: 0 sealed payload(s) deleted");

    auto sealed_size = [&] {
        auto database = Database::open(db);
        REQUIRE(database);
        auto query = database->prepare("SELECT length(sealed), purged_at IS NOT NULL FROM submissions WHERE id = '" + id + "'");
        REQUIRE(query);
        REQUIRE(*query->step());
        return std::pair { query->int64(0), query->int64(1) == 1 };
    };
    CHECK(sealed_size() == std::pair<int64_t, bool> { 4, false });

    // Day 90 (change-of-address keeps 90 days): the thread notices the new day and purges.
    set_clock(clock, final_at + std::chrono::days(90));
    wait_for_log("guichet-hub: purge: 1 sealed payload(s) deleted");
    CHECK(sealed_size() == std::pair<int64_t, bool> { 0, true });

    // The status survives the purge; the thread stops with the server.
    guichet::test::run_sql(db, "UPDATE submissions SET receipt = '" + code_of("ABCDEFGH") + "' WHERE id = '" + id + "'");
    auto status = hub.client().Get("/suivi/" + code_of("ABCDEFGH"));
    REQUIRE(status);
    CHECK(status->status == 200);
    CHECK(hub.stop() == 0);
    CHECK(hub.log().find("guichet-hub: stopped") != std::string::npos);

    // The command does the same on demand, once a day.
    auto outcome = test::run_hub(dir, { "purge", "--db", db.string(), "--now", "2026-04-01T08:00:00Z", "--procedures", procedures });
    INFO(outcome.err);
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.err.find("already run today") != std::string::npos);
    outcome = test::run_hub(dir, { "purge", "--db", db.string(), "--now", "2027-04-02T00:00:00Z" });
    INFO(outcome.err);
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.err.find("1 submission(s) forgotten") != std::string::npos);
    // The thread's purges and the command's, in the audit log with their counts.
    auto store = sync::hub::Store::open(db.string());
    REQUIRE(store);
    auto events = (*store)->audit_log(std::nullopt, 20, std::nullopt);
    REQUIRE(events);
    std::vector<std::string> seen;
    for (auto& event : *events)
        seen.push_back(event.actor + " " + event.action + " " + event.detail);
    CHECK_THAT(seen, Catch::VectorContains(std::string("hub purge purged=1 forgotten=0")));
    CHECK_THAT(seen, Catch::VectorContains(std::string("cli purge purged=0 forgotten=1")));
}

TEST_CASE("Hub binary: --status-limit off leaves /suivi's rate to a proxy", "[hub][net][ops]")
{
    TempDir dir;
    ServedHub hub(dir, dir / "hub.db", { "--status-limit", "off" });
    auto client = hub.client();
    for (int i = 0; i < 30; ++i) {
        auto res = client.Get("/suivi/" + code_of("ABCDEFGH"));
        REQUIRE(res);
        REQUIRE(res->status == 404);
    }
    CHECK(test::run_hub(dir, { "serve", "--db", (dir / "x.db").string(), "--listen", "127.0.0.1:0", "--status-limit", "sometimes" })
              .exit_code
        == 2);
}

TEST_CASE("The /suivi rate limit: a bucket per address, IPv6 by its /64, refilled at 10 a minute, bounded", "[hub][ops]")
{
    using sync::hub::client_key;
    CHECK(client_key("192.0.2.7") == "192.0.2.7");
    CHECK(client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
    CHECK(client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9"));
    CHECK(client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1"));
    CHECK(client_key("::ffff:192.0.2.7") == "192.0.2.7");

    sync::hub::RateLimiter limiter({ 10, 20, 3 });
    auto start = sync::hub::RateLimiter::Clock::time_point {} + std::chrono::hours(1);
    for (int i = 0; i < 20; ++i)
        REQUIRE(limiter.take("192.0.2.7", start) == 0);
    auto wait = limiter.take("192.0.2.7", start);
    CHECK(wait == 6); // one token every 6 s
    CHECK(limiter.take("192.0.2.8", start) == 0); // another address has its own bucket
    CHECK(limiter.take("192.0.2.7", start + std::chrono::seconds(6)) == 0);
    CHECK(limiter.take("192.0.2.7", start + std::chrono::seconds(6)) > 0);
    // The map stays within its bound: the least recently seen address is forgotten.
    limiter.take("192.0.2.9", start + std::chrono::seconds(7));
    limiter.take("192.0.2.10", start + std::chrono::seconds(8));
    CHECK(limiter.clients() == 3);
}
