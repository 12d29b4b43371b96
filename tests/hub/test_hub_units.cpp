// Unit tests of the hub library without HTTP: times, fault plans, listen addresses, the store on a real
// SQLite file, key files and the opening of sealed submissions, and the command line's usage errors.
#include "hub_fixture.h"

#include "sync/hub/cli.h"
#include "sync/clock_text.h"
#include "sync/hub/faults.h"
#include "sync/hub/keys.h"
#include "sync/hub/records.h"
#include "sync/hub/server.h"
#include "sync/hub/store.h"
#include "sync/hub/store_rules.h"
#include "sync/sqlite.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::TempDir;

namespace {

std::vector<uint8_t> seal(const KeyPair& keys, const protocol::SealedPayload& payload)
{
    return guichet::test::seal(keys.public_key().data(), payload);
}

}

TEST_CASE("RFC 3339 times parse strictly and format in fixed width", "[hub]")
{
    auto when = parse_rfc3339("2024-05-01T09:30:00Z");
    REQUIRE(when);
    CHECK(format_rfc3339(*when) == "2024-05-01T09:30:00.000Z");
    CHECK(format_rfc3339(*when, Precision::Seconds) == "2024-05-01T09:30:00Z");
    CHECK(format_rfc3339(*parse_rfc3339("2024-05-01T11:30:00.25+02:00")) == "2024-05-01T09:30:00.250Z");
    CHECK(format_rfc3339(*parse_rfc3339("2024-05-01")) == "2024-05-01T00:00:00.000Z");
    CHECK(format_rfc3339(*parse_rfc3339("2999-12-31T23:59:59Z")) == "2999-12-31T23:59:59.000Z");
    for (auto bad : { "", "2024-13-01T00:00:00Z", "2024-02-30", "2024-05-01T09:30:00", "2024-05-01T25:00:00Z",
             "2024-05-01T09:30:00Zjunk", "yesterday", "2024-05-01T09:30:00.Z" }) {
        INFO(bad);
        auto parsed = parse_rfc3339(bad);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().message.find("RFC 3339") != std::string::npos);
    }
}

TEST_CASE("Fault plans parse and pick by cumulative probability", "[hub]")
{
    auto plan = FaultPlan::parse("500:0.1,503:0.05,429:0.05");
    REQUIRE(plan);
    REQUIRE(plan->faults().size() == 3);
    CHECK(plan->pick(0.0) == 500);
    CHECK(plan->pick(0.12) == 503);
    CHECK(plan->pick(0.17) == 429);
    CHECK_FALSE(plan->pick(0.2));
    CHECK(FaultPlan::parse("")->empty());
    CHECK_FALSE(FaultPlan::parse("200:0.5"));
    CHECK_FALSE(FaultPlan::parse("500:1.5"));
    CHECK_FALSE(FaultPlan::parse("500:0.7;503:0.7"));
    CHECK_FALSE(FaultPlan::parse("500:0.7,503:0.7"));
    CHECK_FALSE(FaultPlan::parse("500"));
    CHECK(FaultPlan::parse("503:1")->draw() == 503);
}

TEST_CASE("Listen addresses take a host and a port", "[hub]")
{
    auto v4 = parse_listen_address("127.0.0.1:0");
    REQUIRE(v4);
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 0);
    auto v6 = parse_listen_address("[::1]:8443");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 8443);
    for (auto bad : { "127.0.0.1", ":80", "host:", "host:99999", "host:http", "[::1:80" }) {
        INFO(bad);
        CHECK_FALSE(parse_listen_address(bad));
    }
}

TEST_CASE("Enrollment checks names and keeps only a hash of the token", "[hub]")
{
    TempDir dir;
    auto opened = Store::open((dir / "hub.db").string());
    REQUIRE(opened);
    auto& store = *opened;
    auto token = store->enroll("mairie-42");
    REQUIRE(token);
    CHECK(token->size() == 43); // 32 bytes, URL-safe base64 without padding
    CHECK(token->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
    CHECK(store->authenticate(*token)->value() == "mairie-42");
    CHECK_FALSE(store->authenticate("not-a-token")->has_value());
    CHECK_FALSE(store->authenticate("")->has_value());

    auto duplicate = store->enroll("mairie-42");
    REQUIRE_FALSE(duplicate);
    CHECK(duplicate.error().message.find("already enrolled") != std::string::npos);
    for (const std::string& bad : std::vector<std::string> { "", "Mairie", "mairie_42", "mairie 42", "a/b", "x\n", std::string(65, 'a') }) {
        INFO(bad);
        CHECK_FALSE(store->enroll(bad));
    }
    CHECK(store->enroll(std::string(64, 'a')));

    // The token itself is nowhere in the database file.
    auto file = guichet::test::read_text(dir / "hub.db") + guichet::test::read_text(dir / "hub.db-wal");
    CHECK(file.find(*token) == std::string::npos);
}

// What every engine must do with items, heartbeats and newer databases: test_store_conformance.cpp.

TEST_CASE("A hub database from before export cursors keeps its rows, order and tokens", "[hub]")
{
    TempDir dir;
    // The schema as issue 15's hub left it (user_version 2), with two submissions and a kiosk.
    auto old_token = "an-old-token";
    {
        auto db = Database::open(dir / "hub.db");
        REQUIRE(db);
        REQUIRE(db->exec(R"sql(
CREATE TABLE kiosks (name TEXT PRIMARY KEY, token_hash BLOB NOT NULL, enrolled_at TEXT NOT NULL);
CREATE TABLE submissions (id TEXT PRIMARY KEY, kiosk TEXT NOT NULL REFERENCES kiosks(name), procedure TEXT NOT NULL,
    version INTEGER NOT NULL, created_at TEXT NOT NULL, received_at TEXT NOT NULL, sealed BLOB NOT NULL,
    sealed_hash BLOB NOT NULL);
CREATE INDEX submissions_by_arrival ON submissions(received_at);
CREATE TABLE heartbeats (kiosk TEXT PRIMARY KEY REFERENCES kiosks(name), last_seen TEXT NOT NULL,
    app_version TEXT NOT NULL, pack_version TEXT NOT NULL, queued INTEGER NOT NULL, sent INTEGER NOT NULL,
    quarantined INTEGER NOT NULL, oldest_queued_age_s INTEGER, disk_free_bytes INTEGER, last_error TEXT NOT NULL);
CREATE UNIQUE INDEX kiosks_by_token ON kiosks(token_hash);
PRAGMA user_version = 2;
)sql"));
        auto hash = sync::hub::rules::hash_of(std::string_view(old_token));
        auto kiosk = db->prepare("INSERT INTO kiosks VALUES ('mairie-01', ?, '2026-01-01T00:00:00.000Z')");
        REQUIRE(kiosk->bind(1, std::span<const uint8_t>(hash)).run());
        for (auto* id : { "zz-first", "aa-second" }) {
            auto row = db->prepare("INSERT INTO submissions VALUES (?, 'mairie-01', 'p', 1, '2026-01-01T00:00:00.000Z', "
                                   "'2026-01-02T00:00:00.000Z', x'01', x'02')");
            REQUIRE(row->bind(1, std::string_view(id)).run());
        }
    }
    auto store = Store::open((dir / "hub.db").string());
    REQUIRE(store);
    CHECK(*(*store)->authenticate(old_token) == std::optional<std::string>("mairie-01"));
    std::vector<std::string> ids;
    auto cursor = (*store)->for_each_submission_after(std::nullopt, [&](const SubmissionRecord& r) { ids.push_back(r.id); });
    REQUIRE(cursor);
    CHECK(ids == std::vector<std::string> { "zz-first", "aa-second" }); // as they arrived, not by id
    CHECK(*cursor == "sqlite:2");
}

TEST_CASE("Key files are created once with a private secret key", "[hub]")
{
    TempDir dir;
    REQUIRE(write_key_files(dir / "keys"));
    struct stat info {};
    REQUIRE(stat((dir / "keys" / secret_key_file).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    auto again = write_key_files(dir / "keys");
    REQUIRE_FALSE(again);
    CHECK(again.error().message.find("already exists") != std::string::npos);

    auto keys = KeyPair::load(dir / "keys" / secret_key_file);
    REQUIRE(keys);
    auto public_text = guichet::test::read_text(dir / "keys" / public_key_file);
    CHECK(public_text == protocol::base64_encode({ keys->public_key().begin(), keys->public_key().end() }) + "\n");

    guichet::test::write_text(dir / "bad.key", "not a key\n");
    CHECK_FALSE(KeyPair::load(dir / "bad.key"));
    CHECK_FALSE(KeyPair::load(dir / "missing.key"));
}

TEST_CASE("Opening checks that the seal and the envelope belong together", "[hub]")
{
    auto keys = KeyPair::generate();
    protocol::SealedPayload payload { guichet::test::new_uuid(), "kiosk-a", "carte-grise", 3, "2024-05-01T09:30:00Z", true,
        R"({"nom":"Dupré","ville":"Saint-Étienne"})" };
    SubmissionRecord record { payload.id, payload.kiosk, payload.procedure, payload.version, payload.created_at,
        "2024-05-01T10:00:00.000Z", seal(keys, payload) };

    auto opened = open_export_line(keys, to_export_line(record));
    CHECK(opened.ok);
    auto json = nlohmann::json::parse(opened.json_line);
    CHECK(json["integrity"] == "ok");
    CHECK(json["answers"]["ville"] == "Saint-Étienne");
    CHECK(json["assisted"] == true);
    CHECK(json["received_at"] == "2024-05-01T10:00:00.000Z");

    SECTION("a flipped byte")
    {
        record.sealed[record.sealed.size() / 2] ^= 1;
    }
    SECTION("another key")
    {
        auto other = KeyPair::generate();
        record.sealed = seal(other, payload);
    }
    SECTION("an envelope that lies about its kiosk")
    {
        record.kiosk = "kiosk-b";
    }
    SECTION("a truncated blob")
    {
        record.sealed.resize(10);
    }
    auto refused = open_export_line(keys, to_export_line(record));
    CHECK_FALSE(refused.ok);
    auto failed = nlohmann::json::parse(refused.json_line);
    CHECK(failed["integrity"] == "failed");
    CHECK(failed["id"] == payload.id);
    CHECK_FALSE(failed["reason"].get<std::string>().empty());
    CHECK_FALSE(failed.contains("answers"));
}

TEST_CASE("Open reports lines that are not export records", "[hub]")
{
    auto keys = KeyPair::generate();
    for (auto line : { "not json", "[]", R"({"id":"x"})", R"({"id":"x","kiosk":"k","procedure":"p","version":1,)"
                                                         R"("created_at":"c","received_at":"r","sealed":"!!"})" }) {
        INFO(line);
        auto opened = open_export_line(keys, line);
        CHECK_FALSE(opened.ok);
        CHECK(nlohmann::json::parse(opened.json_line)["integrity"] == "failed");
    }
}

TEST_CASE("The command line names what is wrong and exits 2", "[hub]")
{
    auto run = [](std::vector<std::string> args) {
        std::istringstream in;
        std::ostringstream out, err;
        int code = run_cli(args, in, out, err);
        return std::pair { code, err.str() };
    };
    CHECK(run({}).first == exit_usage);
    auto unknown = run({ "frobnicate" });
    CHECK(unknown.first == exit_usage);
    CHECK(unknown.second.find("unknown command 'frobnicate'") != std::string::npos);
    auto option = run({ "serve", "--db", "x.db", "--listen", "127.0.0.1:0", "--colour", "blue" });
    CHECK(option.first == exit_usage);
    CHECK(option.second.find("unknown option '--colour' for 'serve'") != std::string::npos);
    auto missing = run({ "export" });
    CHECK(missing.first == exit_usage);
    CHECK(missing.second.find("--db") != std::string::npos);
    CHECK(run({ "enroll", "--db", "x.db" }).first == exit_usage);
    CHECK(run({ "enroll", "a", "b", "--db", "x.db" }).first == exit_usage);
    CHECK(run({ "keygen", "--out" }).first == exit_usage);
    CHECK(run({ "serve", "--db", "x.db", "--listen", "nowhere" }).first == exit_usage);
    CHECK(run({ "serve", "--db", "x.db", "--listen", "127.0.0.1:0", "--faults", "200:2" }).first == exit_usage);
    CHECK(run({ "serve", "--db", "x.db", "--listen", "127.0.0.1:0", "--retry-after", "soon" }).first == exit_usage);
    CHECK(run({ "serve", "--db", "x.db", "--listen", "127.0.0.1:0", "--tls-cert", "c.pem" }).first == exit_usage);
    CHECK(run({ "export", "--db", "x.db", "--since", "last week" }).first == exit_usage);
    CHECK(run({ "--help" }).first == exit_ok);
}

TEST_CASE("The command line's help, version and nested pack commands", "[hub]")
{
    auto run = [](std::vector<std::string> args) {
        std::istringstream in;
        std::ostringstream out, err;
        int code = run_cli(args, in, out, err);
        return std::tuple { code, out.str(), err.str() };
    };
    auto [help_code, help, help_err] = run({ "serve", "--help" });
    CHECK(help_code == exit_ok);
    CHECK_THAT(help, Catch::Contains("guichet-hub serve") && Catch::Contains("--listen") && Catch::Contains("--stale-after"));
    CHECK(help_err.empty());
    auto [pack_code, pack_help, pack_err] = run({ "pack", "build", "-h" });
    CHECK(pack_code == exit_ok);
    CHECK_THAT(pack_help, Catch::Contains("--channel"));
    auto [version_code, version, version_err] = run({ "--version" });
    CHECK(version_code == exit_ok);
    CHECK_THAT(version, Catch::StartsWith("guichet-hub "));

    auto [no_pack_code, no_pack_out, no_pack] = run({ "pack" });
    CHECK(no_pack_code == exit_usage);
    CHECK_THAT(no_pack, Catch::Contains("'pack' needs a command: keygen, build, publish"));
    auto [unknown_code, unknown_out, unknown] = run({ "pack", "sign" });
    CHECK(unknown_code == exit_usage);
    CHECK_THAT(unknown, Catch::Contains("unknown command 'pack sign'"));
    auto [twice_code, twice_out, twice] = run({ "export", "--db", "a.db", "--db", "b.db" });
    CHECK(twice_code == exit_usage);
    CHECK_THAT(twice, Catch::Contains("'--db' is given twice"));
    auto [empty_code, empty_out, empty] = run({ "export", "--db", "" });
    CHECK(empty_code == exit_usage);
    CHECK_THAT(empty, Catch::Contains("--db needs a non-empty value"));
    auto [no_value_code, no_value_out, no_value] = run({ "export", "--db=" });
    CHECK(no_value_code == exit_usage);
    CHECK_THAT(no_value, Catch::Contains("'--db' needs a value"));
    auto [build_code, build_out, build] = run({ "pack", "build", "--key", "k", "--version", "2", "--out", "p" });
    CHECK(build_code == exit_usage);
    CHECK_THAT(build, Catch::Contains("'pack build' takes one argument (DIR)"));
}

TEST_CASE("Export refuses a database that does not exist", "[hub]")
{
    TempDir dir;
    std::istringstream in;
    std::ostringstream out, err;
    CHECK(run_cli({ "export", "--db", (dir / "typo.db").string() }, in, out, err) == exit_failed);
    CHECK(err.str().find("does not exist") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "typo.db"));
}
