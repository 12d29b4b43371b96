// The administration's round trip with the real binary: keygen, a kiosk seals answers to the public
// key, the hub stores them, export prints them, and open gives the answers back with integrity checked;
// and passphrase-protected keys (keygen --passphrase, open --passphrase-file): opened with the right
// passphrase only, damage detected.
#include "hub_fixture.h"

#include "sync/hub/keys.h"
#include "sync/hub/records.h"
#include "sync/receipt.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace guichet;
using namespace guichet::sync;
using guichet::test::run_hub;
using guichet::test::ServedHub;
using guichet::test::TempDir;

namespace {

std::vector<uint8_t> read_public_key(const std::filesystem::path& path)
{
    auto text = guichet::test::read_text(path);
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    text.pop_back();
    auto key = protocol::base64_decode(text);
    REQUIRE(key);
    REQUIRE(key->size() == crypto_box_PUBLICKEYBYTES);
    return *key;
}

// What a kiosk does at submit: the payload, sealed to the administration's public key.
protocol::Item sealed_item(const std::vector<uint8_t>& public_key, const std::string& kiosk, const std::string& answers)
{
    auto item = guichet::test::make_item({});
    protocol::SealedPayload payload { item.id, kiosk, item.procedure, item.version, item.created_at, false, answers };
    item.sealed = guichet::test::seal(public_key.data(), payload);
    return item;
}

std::vector<nlohmann::json> json_lines(const std::string& text)
{
    std::vector<nlohmann::json> lines;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        REQUIRE(parsed.is_object());
        lines.push_back(parsed);
    }
    return lines;
}

}

TEST_CASE("Keygen writes the key pair once with a private secret key", "[hub]")
{
    TempDir dir;
    auto made = run_hub(dir, { "keygen", "--out", (dir / "keys").string() });
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    read_public_key(dir / "keys" / "submission.pub");
    struct stat info {};
    REQUIRE(stat((dir / "keys" / "submission.key").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    auto secret = guichet::test::read_text(dir / "keys" / "submission.key");

    auto again = run_hub(dir, { "keygen", "--out", (dir / "keys").string() });
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(guichet::test::read_text(dir / "keys" / "submission.key") == secret);
}

TEST_CASE("Enroll prints a token once and refuses bad or duplicate names", "[hub]")
{
    TempDir dir;
    auto db = (dir / "hub.db").string();
    auto first = run_hub(dir, { "enroll", "mairie-7", "--db", db });
    REQUIRE(first.exit_code == 0);
    CHECK(first.out.size() == 44); // 43 characters and a newline
    auto duplicate = run_hub(dir, { "enroll", "mairie-7", "--db", db });
    CHECK(duplicate.exit_code == 1);
    CHECK(duplicate.err.find("'mairie-7' is already enrolled") != std::string::npos);
    CHECK(duplicate.out.empty());
    auto bad = run_hub(dir, { "enroll", "Mairie_7", "--db", db });
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("'Mairie_7' is not valid") != std::string::npos);
    auto unknown = run_hub(dir, { "enrol", "mairie-8", "--db", db });
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("unknown command 'enrol'") != std::string::npos);
}

TEST_CASE("Sealed answers go through store and export and open with integrity ok", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    REQUIRE(run_hub(dir, { "keygen", "--out", (dir / "keys").string() }).exit_code == 0);
    auto public_key = read_public_key(dir / "keys" / "submission.pub");
    auto token = guichet::test::enroll(dir, db, "mairie-1");

    const std::string answers_one = R"({"nom":"Lefèvre","prénom":"Zoë","motif":"perte — carte « grise »"})";
    const std::string answers_two = R"({"nom":"Nguyen","enfants":2})";
    auto one = sealed_item(public_key, "mairie-1", answers_one);
    auto two = sealed_item(public_key, "mairie-1", answers_two);
    {
        ServedHub hub(dir, db);
        auto client = hub.client(token);
        auto res = client.Post("/v1/submissions", protocol::encode(protocol::Batch { "mairie-1", { one, two } }), "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        CHECK(hub.stop() == 0);
    }

    auto exported = run_hub(dir, { "export", "--db", db.string() });
    INFO(exported.err);
    REQUIRE(exported.exit_code == 0);
    auto records = json_lines(exported.out);
    REQUIRE(records.size() == 2);
    CHECK(records[0]["id"] == one.id);
    CHECK(records[0]["kiosk"] == "mairie-1");
    CHECK(records[0]["procedure"] == one.procedure);
    CHECK(records[0]["version"] == one.version);
    CHECK(records[0]["created_at"] == one.created_at);
    CHECK(records[0]["received_at"].get<std::string>().ends_with("Z"));
    CHECK(records[0]["sealed"] == protocol::base64_encode(one.sealed));
    CHECK(exported.out.find("Lefèvre") == std::string::npos);

    auto since_future = run_hub(dir, { "export", "--db", db.string(), "--since", "2999-01-01T00:00:00Z" });
    REQUIRE(since_future.exit_code == 0);
    CHECK(since_future.out.empty());
    auto since_past = run_hub(dir, { "export", "--db", db.string(), "--since", "2000-01-01T00:00:00+02:00" });
    CHECK(json_lines(since_past.out).size() == 2);

    // A consumer that exports again and again keeps a cursor file: each submission comes once.
    auto cursor = (dir / "export.cursor").string();
    auto first = run_hub(dir, { "export", "--db", db.string(), "--cursor", cursor });
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(first.out == exported.out);
    CHECK(guichet::test::read_text(cursor) == "sqlite:2\n");
    auto again = run_hub(dir, { "export", "--db", db.string(), "--cursor", cursor });
    REQUIRE(again.exit_code == 0);
    CHECK(again.out.empty());
    CHECK_THAT(again.err, Catch::Contains("exported 0 submission(s)"));
    auto both = run_hub(dir, { "export", "--db", db.string(), "--cursor", cursor, "--since", "2000-01-01T00:00:00Z" });
    CHECK(both.exit_code == 2);
    CHECK_THAT(both.err, Catch::Contains("--since and --cursor cannot be used together"));
    guichet::test::write_text(cursor, "not a cursor\n");
    auto garbled = run_hub(dir, { "export", "--db", db.string(), "--cursor", cursor });
    CHECK(garbled.exit_code == 1);
    CHECK(garbled.out.empty());
    CHECK_THAT(garbled.err, Catch::Contains("the export cursor 'not a cursor' is not one guichet-hub wrote"));
    CHECK(guichet::test::read_text(cursor) == "not a cursor\n"); // left for the operator to look at

    auto key_file = (dir / "keys" / "submission.key").string();
    SECTION("every submission opens")
    {
        auto opened = run_hub(dir, { "open", "--key", key_file }, exported.out);
        INFO(opened.err);
        CHECK(opened.exit_code == 0);
        auto lines = json_lines(opened.out);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0]["integrity"] == "ok");
        CHECK(lines[0]["id"] == one.id);
        CHECK(lines[0]["answers"] == nlohmann::json::parse(answers_one));
        CHECK(lines[1]["integrity"] == "ok");
        CHECK(lines[1]["answers"] == nlohmann::json::parse(answers_two));
    }
    SECTION("a tampered blob fails and the others still open")
    {
        auto sealed = protocol::base64_decode(records[0]["sealed"].get<std::string>());
        (*sealed)[sealed->size() - 1] ^= 0x40;
        records[0]["sealed"] = protocol::base64_encode(*sealed);
        auto input = records[0].dump() + "\n" + records[1].dump() + "\n";
        auto opened = run_hub(dir, { "open", "--key", key_file }, input);
        CHECK(opened.exit_code == 1);
        auto lines = json_lines(opened.out);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0]["integrity"] == "failed");
        CHECK(lines[0]["id"] == one.id);
        CHECK(lines[0]["reason"].get<std::string>().find("seal") != std::string::npos);
        CHECK_FALSE(lines[0].contains("answers"));
        CHECK(lines[1]["integrity"] == "ok");
    }
    SECTION("an envelope moved to another submission's blob fails")
    {
        records[0]["sealed"] = records[1]["sealed"];
        auto opened = run_hub(dir, { "open", "--key", key_file }, records[0].dump() + "\n");
        CHECK(opened.exit_code == 1);
        auto lines = json_lines(opened.out);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0]["integrity"] == "failed");
        CHECK(lines[0]["reason"].get<std::string>().find("id") != std::string::npos);
    }
    SECTION("another administration's key opens nothing")
    {
        REQUIRE(run_hub(dir, { "keygen", "--out", (dir / "other").string() }).exit_code == 0);
        auto opened = run_hub(dir, { "open", "--key", (dir / "other" / "submission.key").string() }, exported.out);
        CHECK(opened.exit_code == 1);
        for (auto& line : json_lines(opened.out))
            CHECK(line["integrity"] == "failed");
    }
}

TEST_CASE("A receipt the kiosk sent is exported and checked against the sealed one when both have it", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    REQUIRE(run_hub(dir, { "keygen", "--out", (dir / "keys").string() }).exit_code == 0);
    auto public_key = read_public_key(dir / "keys" / "submission.pub");
    auto token = guichet::test::enroll(dir, db, "mairie-1");
    auto receipt = protocol::wire_receipt(sync::new_receipt_code());
    auto old_style = sealed_item(public_key, "mairie-1", R"({"a":1})"); // a kiosk from before issue 17
    auto item = guichet::test::make_item({});
    protocol::SealedPayload payload { item.id, "mairie-1", item.procedure, item.version, item.created_at, false,
        R"({"language":"fr","answers":{"a":2},"outcomes":["housing_aid"]})", receipt };
    // Sealed as the kiosk's outbox does it (protocol::encode), receipt included.
    auto plaintext = protocol::encode(payload);
    REQUIRE(plaintext);
    item.sealed.resize(plaintext->size() + crypto_box_SEALBYTES);
    crypto_box_seal(item.sealed.data(), reinterpret_cast<const uint8_t*>(plaintext->data()), plaintext->size(), public_key.data());
    item.receipt = receipt;
    {
        ServedHub hub(dir, db);
        auto res = hub.client(token).Post("/v1/submissions",
            protocol::encode(protocol::Batch { "mairie-1", { old_style, item } }), "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        CHECK(hub.stop() == 0);
    }
    auto exported = run_hub(dir, { "export", "--db", db.string() });
    REQUIRE(exported.exit_code == 0);
    auto records = json_lines(exported.out);
    REQUIRE(records.size() == 2);
    CHECK_FALSE(records[0].contains("receipt"));
    CHECK(records[1]["receipt"] == *receipt);

    auto key_file = (dir / "keys" / "submission.key").string();
    auto opened = run_hub(dir, { "open", "--key", key_file }, exported.out);
    INFO(opened.err);
    CHECK(opened.exit_code == 0);
    auto lines = json_lines(opened.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["integrity"] == "ok");
    CHECK(lines[1]["integrity"] == "ok");
    CHECK(lines[1]["receipt"] == *receipt);
    CHECK(lines[1]["answers"]["outcomes"] == nlohmann::json::array({ "housing_aid" }));

    // An envelope whose receipt was changed no longer matches what was sealed.
    auto other = protocol::wire_receipt(sync::new_receipt_code());
    records[1]["receipt"] = *other;
    auto moved = run_hub(dir, { "open", "--key", key_file }, records[1].dump() + "\n");
    CHECK(moved.exit_code == 1);
    auto failed = json_lines(moved.out);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0]["integrity"] == "failed");
    CHECK_THAT(failed[0]["reason"].get<std::string>(), Catch::Contains("receipt"));
}

TEST_CASE("Keygen --passphrase writes a protected key that open reads with its passphrase file", "[hub][office]")
{
    TempDir dir;
    const std::string passphrase = "correct horse battery staple";
    // Not a terminal: the first line of stdin is the passphrase.
    auto made = run_hub(dir, { "keygen", "--out", (dir / "keys").string(), "--passphrase" }, passphrase + "\n");
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    auto public_key = read_public_key(dir / "keys" / "submission.pub");
    auto key_file = (dir / "keys" / "submission.key").string();
    struct stat info {};
    REQUIRE(::stat(key_file.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    // The file is the JSON of plan §3, and the secret key is not in it in clear.
    auto text = guichet::test::read_text(key_file);
    auto file = nlohmann::json::parse(text, nullptr, false);
    REQUIRE(file.is_object());
    CHECK(file["format"] == "guichet-secret-key-1");
    CHECK(file["kdf"] == "argon2id13");
    CHECK(file["opslimit"] == 3);
    CHECK(file["memlimit"] == 64 * 1024 * 1024);
    CHECK(protocol::base64_decode(file["salt"].get<std::string>())->size() == crypto_pwhash_SALTBYTES);
    CHECK(protocol::base64_decode(file["nonce"].get<std::string>())->size() == crypto_secretbox_NONCEBYTES);
    CHECK(protocol::base64_decode(file["box"].get<std::string>())->size() == crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES);
    CHECK(*protocol::base64_decode(file["public_key"].get<std::string>()) == public_key);

    // One sealed submission, as export prints it.
    auto item = sealed_item(public_key, "mairie-1", R"({"language":"fr","answers":{"q":"réponse"}})");
    auto line = sync::hub::to_export_line(sync::hub::SubmissionRecord { item.id, "mairie-1", item.procedure, item.version,
                    item.created_at, "2024-05-01T09:31:00.000Z", item.sealed })
        + "\n";
    guichet::test::write_text(dir / "pass", passphrase + "\n");
    guichet::test::write_text(dir / "wrong", "correct horse battery stapler\n");

    auto opened = run_hub(dir, { "open", "--key", key_file, "--passphrase-file", (dir / "pass").string() }, line);
    INFO(opened.err);
    REQUIRE(opened.exit_code == 0);
    auto lines = json_lines(opened.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["integrity"] == "ok");
    CHECK(lines[0]["answers"]["answers"]["q"] == "réponse");

    auto without = run_hub(dir, { "open", "--key", key_file }, line);
    CHECK(without.exit_code == 1);
    CHECK(without.err.find("--passphrase-file") != std::string::npos);
    auto wrong = run_hub(dir, { "open", "--key", key_file, "--passphrase-file", (dir / "wrong").string() }, line);
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.err.find("does not open with this passphrase") != std::string::npos);
    CHECK(wrong.out.empty());

    // A damaged file: the public key no longer matches the secret in the box.
    auto damaged = file;
    auto other = guichet::sync::hub::KeyPair::generate();
    std::vector<uint8_t> other_public(other.public_key().begin(), other.public_key().end());
    damaged["public_key"] = protocol::base64_encode(other_public);
    guichet::test::write_text(dir / "damaged.key", damaged.dump());
    auto broken = run_hub(dir, { "open", "--key", (dir / "damaged.key").string(), "--passphrase-file", (dir / "pass").string() }, line);
    CHECK(broken.exit_code == 1);
    CHECK(broken.err.find("damaged") != std::string::npos);

    // Short passphrases are refused and nothing is written.
    auto short_one = run_hub(dir, { "keygen", "--out", (dir / "short").string(), "--passphrase" }, "eleven char\n");
    CHECK(short_one.exit_code == 1);
    CHECK(short_one.err.find("at least 12 characters") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "short" / "submission.key"));
    // Twelve characters, counted as characters, not bytes: "é" is one.
    auto twelve = run_hub(dir, { "keygen", "--out", (dir / "twelve").string(), "--passphrase" }, "éééééééééééé\n");
    CHECK(twelve.exit_code == 0);

    // The library reads both forms, and from_text refuses JSON that is not a protected key.
    auto loaded = guichet::sync::hub::KeyPair::load(key_file, passphrase);
    REQUIRE(loaded);
    CHECK(std::vector<uint8_t>(loaded->public_key().begin(), loaded->public_key().end()) == public_key);
    CHECK_FALSE(guichet::sync::hub::KeyPair::from_text(R"({"format":"something-else"})", passphrase));
    auto plain = guichet::sync::hub::KeyPair::from_text(protocol::base64_encode(std::vector<uint8_t>(
        loaded->secret_key().begin(), loaded->secret_key().end())));
    REQUIRE(plain);
    CHECK(plain->public_key() == loaded->public_key());
}
