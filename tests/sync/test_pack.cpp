// Content packs on the kiosk, from pack folders (a USB stick) built by the hub's real tools: the
// manifest's rules, installation, every refusal with the active pack still active, rollback, and the
// highest accepted version across a restart.
#include "pack_fixture.h"

#include "kiosk/core/procedure.h"

#include <catch2/catch.hpp>

using namespace guichet;
using namespace guichet::sync::pack;
namespace fs = std::filesystem;

namespace {

// Installs v1 and returns the store, for the refusal tests that start from a running pack.
std::unique_ptr<PackStore> with_v1(test::PackRig& rig)
{
    auto store = rig.open();
    auto installed = store->install_from_folder(rig.build(1));
    REQUIRE(installed);
    REQUIRE(test::active_version(*store) == 1);
    return store;
}

// Where a built pack in `folder` keeps the file its manifest lists at `path`.
fs::path blob_of(const fs::path& folder, std::string_view path)
{
    auto opened = read_installed_envelope(test::read_text(folder / "manifest.json"));
    REQUIRE(opened);
    for (auto& file : opened->manifest.files) {
        if (file.path == path)
            return folder / "blobs" / file.hash;
    }
    FAIL("no " << path << " in the manifest");
    return {};
}

void require_refused(PackStore& store, const fs::path& folder, Refusal refusal, const std::string& words)
{
    auto assets_before = store.active_assets_dir();
    auto result = store.install_from_folder(folder);
    REQUIRE_FALSE(result);
    INFO(result.error().message);
    CHECK(refusal_name(result.error().refusal) == refusal_name(refusal));
    CHECK_THAT(result.error().message, Catch::Contains(words));
    CHECK(result.error().message.find('\n') == std::string::npos); // one line
    // The pack that ran keeps running, and nothing else was accepted.
    CHECK(test::active_version(store) == 1);
    CHECK(store.status().highest_accepted == 1);
    CHECK(store.active_assets_dir() == assets_before);
    CHECK(load_catalog(store.active_assets_dir() / "procedures", {}).procedures.size() == 6);
    CHECK(fs::is_empty(store.settings().dir / "staging"));
}

std::string resign_body(const std::string& body, const test::SigningKey& key) { return sign(body, key.secret_key); }

}

TEST_CASE("pack paths: relative, plain names only", "[pack]")
{
    for (auto* good : { "procedures/a.json", "strings/fr.json", "recordings/fr/welcome_title.wav", "a", "data/postcodes.tsv" })
        CHECK_FALSE(path_problem(good));
    for (auto* bad : { "", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a\\b", "C:\\x", ".hidden", "a/.git/config",
             "a/b/", "é.json", "a b", "a\nb" })
        CHECK(path_problem(bad));
    CHECK(is_valid_channel("stable"));
    CHECK_FALSE(is_valid_channel("Stable"));
    CHECK_FALSE(is_valid_channel("../x"));
}

TEST_CASE("a manifest is signed as exact bytes and read back from those bytes", "[pack]")
{
    test::SigningKey key, other;
    Manifest manifest { format_version, 7, "stable", "2024-05-01T09:30:00Z",
        { { "procedures/a.json", std::string(64, 'a'), 12 }, { "strings/fr.json", std::string(64, 'b'), 0 } } };
    auto body = encode_body(manifest);
    auto envelope = sign(body, key.secret_key);
    std::vector<PublicKey> trusted { other.public_key, key.public_key };
    auto opened = open_envelope(envelope, trusted);
    REQUIRE(opened);
    CHECK(opened->body == body);
    CHECK(opened->key_id == key_id(key.public_key));
    CHECK(opened->manifest.version == 7);
    CHECK(opened->manifest.files.size() == 2);
    CHECK(opened->manifest.files[1].path == "strings/fr.json");

    // The same meaning in other bytes (a space) is another body: its signature does not verify.
    auto doctored = nlohmann::json::parse(envelope);
    doctored["body"] = encode_key(std::span(reinterpret_cast<const uint8_t*>((" " + body).data()), body.size() + 1));
    auto refused = open_envelope(doctored.dump(), trusted);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().refusal == Refusal::BadSignature);

    std::vector<PublicKey> stranger { other.public_key };
    auto unknown = open_envelope(envelope, stranger);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().refusal == Refusal::UnknownKey);

    auto cut = open_envelope(envelope.substr(0, envelope.size() / 2), trusted);
    REQUIRE_FALSE(cut);
    CHECK(cut.error().refusal == Refusal::Malformed);
}

TEST_CASE("with no pack installed the kiosk uses its built-in assets", "[pack]")
{
    test::PackRig rig;
    auto store = rig.open();
    CHECK(store->active_assets_dir() == rig.builtin);
    auto status = store->status();
    CHECK_FALSE(status.active);
    CHECK_FALSE(status.previous);
    CHECK(status.highest_accepted == 0);
    CHECK_FALSE(store->rollback());
}

TEST_CASE("a pack folder from a USB stick installs and the kiosk reads its content from it", "[pack]")
{
    test::PackRig rig;
    auto store = rig.open();
    auto folder = rig.build(1);
    auto installed = store->install_from_folder(folder);
    REQUIRE(installed);
    CHECK(installed->pack.version == 1);
    CHECK(installed->files_copied == installed->pack.files);
    CHECK(installed->bytes_copied == installed->pack.bytes);

    auto assets = store->active_assets_dir();
    CHECK(assets.string().starts_with(rig.packs.string()));
    auto catalog = load_catalog(assets / "procedures", {});
    CHECK(catalog.procedures.size() == 6);
    CHECK(catalog.problems.empty());
    for (auto& entry : fs::recursive_directory_iterator(rig.source)) {
        if (entry.is_regular_file())
            CHECK(test::read_text(assets / fs::relative(entry.path(), rig.source)) == test::read_text(entry.path()));
    }
    // The USB stick is not needed any more.
    fs::remove_all(folder);
    CHECK(test::read_text(assets / "strings" / "fr.json").size() > 100);

    // A second version from another stick copies only what changed.
    test::change_procedure(rig.source / "procedures" / "change-of-address.json", "Changer d'adresse (v2)");
    auto second = store->install_from_folder(rig.build(2));
    REQUIRE(second);
    CHECK(second->files_copied == 1);
    CHECK(test::active_version(*store) == 2);
    CHECK(store->status().previous->version == 1);
    CHECK_THAT(test::read_text(store->active_assets_dir() / "procedures" / "change-of-address.json"),
        Catch::Contains("Changer d'adresse (v2)"));
}

TEST_CASE("refused packs leave the active pack running", "[pack]")
{
    test::PackRig rig;
    auto store = with_v1(rig);

    SECTION("a bad signature")
    {
        auto folder = rig.build(2);
        auto envelope = test::read_envelope(folder);
        auto signature = envelope["signature"].get<std::string>();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        envelope["signature"] = signature;
        test::write_text(folder / "manifest.json", envelope.dump());
        require_refused(*store, folder, Refusal::BadSignature, "signature does not verify");
    }
    SECTION("a body changed after signing")
    {
        auto folder = rig.build(2);
        auto envelope = test::read_envelope(folder);
        auto opened = read_installed_envelope(test::read_text(folder / "manifest.json"));
        REQUIRE(opened);
        auto body = nlohmann::json::parse(opened->body);
        body["version"] = 99;
        auto text = body.dump();
        envelope["body"] = encode_key(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
        test::write_text(folder / "manifest.json", envelope.dump());
        require_refused(*store, folder, Refusal::BadSignature, "tampered");
    }
    SECTION("a key the kiosk does not trust")
    {
        test::SigningKey stranger;
        require_refused(*store, rig.build(2, stranger), Refusal::UnknownKey, "content.signing_keys");
    }
    SECTION("the same version again")
    {
        require_refused(*store, rig.build(1), Refusal::NotNewer, "version 1 is not newer than version 1");
    }
    SECTION("an older version (a rollback attack)")
    {
        auto older = rig.build(1);
        REQUIRE(store->install_from_folder(rig.build(3)));
        auto result = store->install_from_folder(older);
        REQUIRE_FALSE(result);
        CHECK(result.error().refusal == Refusal::NotNewer);
        CHECK(test::active_version(*store) == 3);
        return;
    }
    SECTION("a pack for another channel")
    {
        require_refused(*store, rig.build(2, rig.key, "beta"), Refusal::WrongChannel, "channel 'beta'");
    }
    SECTION("a file whose bytes are not the signed ones")
    {
        // A file the kiosk does not have yet (otherwise its cached copy would serve).
        test::change_procedure(rig.source / "procedures" / "benefits-precheck.json", "Autre");
        auto folder = rig.build(2);
        auto blob = blob_of(folder, "procedures/benefits-precheck.json");
        auto bytes = test::read_text(blob);
        bytes[bytes.size() / 2] ^= 1;
        fs::remove(blob);
        test::write_text(blob, bytes);
        require_refused(*store, folder, Refusal::HashMismatch, "procedures/benefits-precheck.json");
    }
    SECTION("a truncated file")
    {
        test::change_procedure(rig.source / "procedures" / "benefits-precheck.json", "Autre");
        auto folder = rig.build(2);
        auto blob = blob_of(folder, "procedures/benefits-precheck.json");
        auto bytes = test::read_text(blob);
        fs::remove(blob);
        test::write_text(blob, bytes.substr(0, bytes.size() - 100));
        require_refused(*store, folder, Refusal::Truncated, "truncated");
    }
    SECTION("a missing file")
    {
        test::write_text(rig.source / "themes" / "sepia.json", R"({"background": "#f4ecd8"})");
        auto folder = rig.build(2);
        fs::remove(blob_of(folder, "themes/sepia.json"));
        require_refused(*store, folder, Refusal::MissingFile, "themes/sepia.json");
    }
    SECTION("a file that is a symlink")
    {
        test::write_text(rig.source / "themes" / "sepia.json", R"({"background": "#f4ecd8"})");
        auto folder = rig.build(2);
        auto blob = blob_of(folder, "themes/sepia.json");
        fs::rename(blob, rig.dir / "elsewhere");
        fs::create_symlink(rig.dir / "elsewhere", blob);
        require_refused(*store, folder, Refusal::UnsafePath, "symlink");
    }
    SECTION("a manifest that does not parse")
    {
        auto folder = rig.build(2);
        auto text = test::read_text(folder / "manifest.json");
        test::write_text(folder / "manifest.json", text.substr(0, text.size() / 2));
        require_refused(*store, folder, Refusal::Malformed, "not JSON");
    }
    SECTION("a signed manifest whose path climbs out of the pack")
    {
        auto folder = rig.build(2);
        auto opened = read_installed_envelope(test::read_text(folder / "manifest.json"));
        auto body = nlohmann::json::parse(opened->body);
        body["files"][0]["path"] = "../../etc/cron.d/evil";
        test::write_text(folder / "manifest.json", resign_body(body.dump(), rig.key));
        require_refused(*store, folder, Refusal::UnsafePath, "'..'");
        body["files"][0]["path"] = "/etc/cron.d/evil";
        test::write_text(folder / "manifest.json", resign_body(body.dump(), rig.key));
        require_refused(*store, folder, Refusal::UnsafePath, "absolute");
        body["files"][0]["path"] = "procedures\\evil.json";
        test::write_text(folder / "manifest.json", resign_body(body.dump(), rig.key));
        require_refused(*store, folder, Refusal::UnsafePath, "backslash");
    }
    SECTION("a procedure that fails the validator")
    {
        auto file = rig.source / "procedures" / "civil-status-certificate.json";
        auto procedure = nlohmann::json::parse(test::read_text(file));
        procedure["title"].erase("en"); // a missing translation for one of the kiosk's languages
        test::write_text(file, procedure.dump(2));
        require_refused(*store, rig.build(2), Refusal::InvalidContent, "civil-status-certificate.json");
    }
    SECTION("a strings file that lacks a key")
    {
        auto file = rig.source / "strings" / "pt.json";
        auto strings = nlohmann::json::parse(test::read_text(file));
        auto first = strings.begin().key();
        strings.erase(first);
        test::write_text(file, strings.dump(2));
        require_refused(*store, rig.build(2), Refusal::InvalidContent, "strings/pt.json lacks '" + first + "'");
    }
    SECTION("a check the app adds (its themes)")
    {
        auto settings = rig.settings();
        settings.extra_check = [](const fs::path& assets) -> Result<void> {
            if (!fs::exists(assets / "themes" / "sepia.json"))
                return fail("the configured theme 'sepia' is not in the pack");
            return {};
        };
        store.reset();
        auto strict = PackStore::open(settings);
        REQUIRE(strict);
        require_refused(**strict, rig.build(2), Refusal::InvalidContent, "'sepia'");
    }
}

TEST_CASE("rollback returns to the previous pack and keeps the highest version", "[pack]")
{
    test::PackRig rig;
    auto store = with_v1(rig);
    auto v1_assets = store->active_assets_dir();
    test::change_procedure(rig.source / "procedures" / "change-of-address.json", "v2");
    REQUIRE(store->install_from_folder(rig.build(2)));
    CHECK(test::active_version(*store) == 2);

    auto rolled = store->rollback();
    REQUIRE(rolled);
    CHECK(rolled->active->version == 1);
    CHECK(rolled->previous->version == 2);
    CHECK(rolled->highest_accepted == 2);
    CHECK(store->active_assets_dir() == v1_assets);
    CHECK_THAT(test::read_text(v1_assets / "procedures" / "change-of-address.json"), !Catch::Contains("\"v2\""));

    // The rolled-back version is not taken again; a newer one is.
    auto again = store->install_from_folder(rig.build(2));
    REQUIRE_FALSE(again);
    CHECK(again.error().refusal == Refusal::NotNewer);
    // Rolling back twice undoes the rollback.
    REQUIRE(store->rollback());
    CHECK(test::active_version(*store) == 2);
    REQUIRE(store->rollback());
    REQUIRE(store->install_from_folder(rig.build(3)));
    CHECK(test::active_version(*store) == 3);
    CHECK(store->status().previous->version == 1);
    // Only the packs in use stay on disk.
    size_t trees = 0;
    for ([[maybe_unused]] auto& entry : fs::directory_iterator(rig.packs / "trees"))
        ++trees;
    CHECK(trees == 2);
}

TEST_CASE("rolling back the first pack returns to the built-in assets", "[pack]")
{
    test::PackRig rig;
    auto store = with_v1(rig);
    auto status = store->rollback();
    REQUIRE(status);
    CHECK_FALSE(status->active);
    CHECK(status->previous->version == 1);
    CHECK(store->active_assets_dir() == rig.builtin);
    CHECK(status->highest_accepted == 1);
}

TEST_CASE("the highest accepted version survives a restart", "[pack]")
{
    test::PackRig rig;
    auto v1 = rig.build(1);
    {
        auto store = rig.open();
        REQUIRE(store->install_from_folder(rig.build(2)));
        REQUIRE(store->rollback()); // back to the built-in assets; 2 stays the highest
    }
    auto reopened = rig.open();
    CHECK(reopened->status().highest_accepted == 2);
    CHECK_FALSE(reopened->status().active);
    auto older = reopened->install_from_folder(v1);
    REQUIRE_FALSE(older);
    CHECK(older.error().refusal == Refusal::NotNewer);
    REQUIRE(reopened->install_from_folder(rig.build(3)));
    auto again = rig.open();
    CHECK(test::active_version(*again) == 3);
    CHECK(again->status().highest_accepted == 3);
}

TEST_CASE("an install cut short by a power loss leaves the active pack", "[pack]")
{
    test::PackRig rig;
    auto assets = with_v1(rig)->active_assets_dir();
    // What a crash in the middle of the next install leaves: a half-built tree, a half-received file.
    fs::create_directories(rig.packs / "staging" / "v2-000000000000" / "assets" / "procedures");
    test::write_text(rig.packs / "staging" / "v2-000000000000" / "assets" / "procedures" / "x.json", "{");
    test::write_text(rig.packs / "incoming" / (std::string(64, 'a') + ".part"), "half");
    test::write_text(rig.packs / "state.json.tmp", "{\"highest_acc");
    auto store = rig.open();
    CHECK(store->active_assets_dir() == assets);
    CHECK(fs::is_empty(rig.packs / "staging"));
    CHECK(fs::is_empty(rig.packs / "incoming"));
    REQUIRE(store->install_from_folder(rig.build(2)));
}

TEST_CASE("a damaged state file refuses packs instead of forgetting the highest version", "[pack]")
{
    test::PackRig rig;
    with_v1(rig);
    test::write_text(rig.packs / "state.json", "{\"highest_acc");
    auto store = PackStore::open(rig.settings());
    REQUIRE_FALSE(store);
    CHECK_THAT(store.error().message, Catch::Contains("state"));
}

// Issue 15: the envelope is at most 4 MiB, but 3 MiB of '[' in its body would build millions of nested
// arrays; the nesting is checked before the body is parsed.
TEST_CASE("a manifest body nested too deeply is malformed, refused before it is parsed", "[pack][limits]")
{
    auto decoded = decode_body(std::string(3 * 1024 * 1024, '['));
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().refusal == Refusal::Malformed);
    CHECK_THAT(decoded.error().message, Catch::Contains("the manifest body nests arrays and objects more than 32 deep"));
}
