// Passphrase-protected submission keys (keygen --passphrase, open --passphrase-file) with the real
// binary: the file format of plan §3, opening with the right passphrase only, damage detected.
#include "hub_fixture.h"

#include "sync/hub/keys.h"
#include "sync/hub/records.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace guichet;
using namespace guichet::sync;
using guichet::test::run_hub;
using guichet::test::TempDir;

namespace {

std::vector<uint8_t> read_public_key(const std::filesystem::path& path)
{
    auto text = guichet::test::read_text(path);
    REQUIRE(!text.empty());
    text.pop_back();
    auto key = protocol::base64_decode(text);
    REQUIRE(key);
    REQUIRE(key->size() == crypto_box_PUBLICKEYBYTES);
    return *key;
}

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
