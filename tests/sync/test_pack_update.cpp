// Content packs through a real guichet-hub on 127.0.0.1: packs keyed, built and published with the
// hub's own command line, fetched by the kiosk's PackClient (libcurl), directly or through the real
// fault proxy; and guichetctl's pack commands.
#include "fault_proxy_process.h"
#include "pack_fixture.h"

#include "kiosk/core/procedure.h"
#include "sync/pack_client.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

using namespace guichet;
using namespace guichet::sync::pack;
namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

std::string url_of(int port) { return "http://127.0.0.1:" + std::to_string(port); }

struct HubRig : test::PackRig {
    fs::path hub_db = dir / "hub.sqlite";
    fs::path depot = dir / "depot";
    fs::path key_file = dir / "keys" / "pack.key";
    std::string token = test::enroll(dir, hub_db, "mairie-01");
    test::ServedHub hub { dir, hub_db, { "--packs", depot.string() } };

    HubRig()
    {
        auto made = test::run_hub(dir, { "pack", "keygen", "--out", key_file.string() });
        REQUIRE(made.exit_code == 0);
        trusted_key = trimmed(test::read_text(key_file.string() + ".pub"));
    }

    // `guichet-hub pack build` then `pack publish`, as an administrator does; returns the pack folder.
    fs::path publish(int64_t version, const fs::path& with_key = {}, const std::string& channel = "stable")
    {
        auto out = dir / ("hub-pack-v" + std::to_string(version));
        fs::remove_all(out);
        auto built = test::run_hub(dir, { "pack", "build", source.string(), "--key", (with_key.empty() ? key_file : with_key).string(),
                                            "--version", std::to_string(version), "--out", out.string(), "--channel", channel });
        REQUIRE(built.exit_code == 0);
        auto published = test::run_hub(dir, { "pack", "publish", out.string(), "--channel", channel, "--packs", depot.string() });
        INFO(published.err);
        REQUIRE(published.exit_code == 0);
        return out;
    }

    PackClientSettings client_settings(const std::string& url) const
    {
        return { .hub_url = url, .token = token, .link = { .connect_timeout_s = 2, .low_speed_bytes_per_s = 100, .low_speed_time_s = 2 } };
    }

    std::string published_manifest() const { return test::read_text(depot / "channels" / "stable.json"); }

    FileEntry entry_of(const SignedManifest& manifest, const std::string& path)
    {
        for (auto& file : manifest.manifest.files) {
            if (file.path == path)
                return file;
        }
        FAIL("no " << path << " in the manifest");
        throw std::logic_error("unreachable");
    }
    SignedManifest published() const
    {
        auto opened = read_installed_envelope(published_manifest());
        REQUIRE(opened);
        return *opened;
    }
};

std::string random_bytes(size_t size)
{
    std::string bytes(size, '\0');
    randombytes_buf(bytes.data(), bytes.size());
    return bytes;
}

}

TEST_CASE("the hub serves a channel's manifest and files to enrolled kiosks only", "[net][pack]")
{
    HubRig rig;
    auto client = rig.hub.client(rig.token);
    auto none = client.Get("/v1/packs/stable/manifest");
    REQUIRE(none);
    CHECK(none->status == 404);
    CHECK_THAT(none->body, Catch::Contains("no pack is published on channel 'stable'"));

    rig.publish(1);
    auto manifest = client.Get("/v1/packs/stable/manifest");
    REQUIRE(manifest);
    CHECK(manifest->status == 200);
    CHECK(manifest->body == rig.published_manifest());
    auto etag = manifest->get_header_value("ETag");
    CHECK(etag.size() == 34);
    auto unchanged = client.Get("/v1/packs/stable/manifest", { { "If-None-Match", etag } });
    REQUIRE(unchanged);
    CHECK(unchanged->status == 304);
    CHECK(unchanged->body.empty());
    auto changed = client.Get("/v1/packs/stable/manifest", { { "If-None-Match", "\"0000\"" } });
    REQUIRE(changed);
    CHECK(changed->status == 200);

    auto file = rig.published().manifest.files.front();
    auto blob = client.Get(("/v1/blobs/" + file.hash).c_str());
    REQUIRE(blob);
    CHECK(blob->status == 200);
    CHECK(blob->body == test::read_text(rig.source / file.path));
    auto unknown = client.Get(("/v1/blobs/" + std::string(64, '0')).c_str());
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto not_a_hash = client.Get("/v1/blobs/..%2F..%2Fhub.sqlite");
    REQUIRE(not_a_hash);
    CHECK(not_a_hash->status == 404);

    auto stranger = rig.hub.client();
    auto refused = stranger.Get("/v1/packs/stable/manifest");
    REQUIRE(refused);
    CHECK(refused->status == 401);
    auto refused_blob = stranger.Get(("/v1/blobs/" + file.hash).c_str());
    REQUIRE(refused_blob);
    CHECK(refused_blob->status == 401);
    auto wrong = rig.hub.client("not-a-token").Get("/v1/packs/stable/manifest");
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
}

TEST_CASE("an update through a real hub downloads only the changed file", "[net][pack]")
{
    HubRig rig;
    auto store = rig.open();
    PackClient client(*store, rig.client_settings(url_of(rig.hub.port())));

    auto empty = client.check_and_update();
    CHECK(empty.outcome == UpdateOutcome::NoPack);
    CHECK(test::active_version(*store) == 0);

    rig.publish(1);
    auto first = client.check_and_update();
    INFO(first.reason);
    REQUIRE(first.outcome == UpdateOutcome::Installed);
    CHECK(first.active_version == 1);
    CHECK(first.files_downloaded == static_cast<int>(rig.published().manifest.files.size()));
    CHECK(first.body_bytes == rig.published().manifest.total_bytes() + rig.published_manifest().size());
    CHECK(load_catalog(store->active_assets_dir() / "procedures", {}).procedures.size() == 6);
    CHECK(client.last_report()->outcome == UpdateOutcome::Installed);

    auto unchanged = client.check_and_update();
    CHECK(unchanged.outcome == UpdateOutcome::UpToDate);
    CHECK(unchanged.requests == 1);
    CHECK(unchanged.body_bytes == 0); // 304
    CHECK(unchanged.checked_at >= first.checked_at);

    auto changed = rig.source / "procedures" / "adviser-appointment.json";
    test::change_procedure(changed, "Prendre rendez-vous (nouvelle version)");
    rig.publish(2);
    auto second = client.check_and_update();
    INFO(second.reason);
    REQUIRE(second.outcome == UpdateOutcome::Installed);
    CHECK(second.active_version == 2);
    CHECK(second.files_downloaded == 1);
    CHECK(second.requests == 2);
    CHECK(second.body_bytes == fs::file_size(changed) + rig.published_manifest().size());
    CHECK(second.bytes_transferred < second.body_bytes + 2000); // headers of two exchanges
    CHECK_THAT(test::read_text(store->active_assets_dir() / "procedures" / "adviser-appointment.json"),
        Catch::Contains("nouvelle version"));
    CHECK(store->status().previous->version == 1);

    // The technician rolls back; the hub's version 2 is not taken again.
    REQUIRE(store->rollback());
    auto after_rollback = client.check_and_update();
    CHECK(after_rollback.outcome != UpdateOutcome::Installed);
    CHECK(test::active_version(*store) == 1);
}

TEST_CASE("checks run on worker threads while the main thread reads the status", "[net][pack]")
{
    HubRig rig;
    auto store = rig.open();
    rig.publish(1);
    PackClient client(*store, rig.client_settings(url_of(rig.hub.port())));
    std::atomic<bool> done = false;
    std::vector<UpdateReport> reports(2);
    std::thread first([&] { reports[0] = client.check_and_update(); });
    std::thread second([&] { reports[1] = client.check_and_update(); });
    std::thread finished([&] {
        first.join();
        second.join();
        done = true;
    });
    int reads = 0;
    while (!done) {
        auto assets = store->active_assets_dir(); // the built-in assets or the new pack, never in between
        CHECK((assets == rig.builtin || fs::exists(assets / "procedures")));
        (void)client.last_report();
        ++reads;
    }
    finished.join();
    int installed = 0, up_to_date = 0;
    for (auto& report : reports) {
        installed += report.outcome == UpdateOutcome::Installed;
        up_to_date += report.outcome == UpdateOutcome::UpToDate;
    }
    CHECK(installed == 1); // the second check waited for the first, then found nothing new
    CHECK(up_to_date == 1);
    CHECK(reads > 0);
    CHECK(test::active_version(*store) == 1);
}

TEST_CASE("a download cut short is refused and the running pack stays", "[net][pack]")
{
    HubRig rig;
    auto store = rig.open();
    rig.publish(1);
    REQUIRE(PackClient(*store, rig.client_settings(url_of(rig.hub.port()))).check_and_update().outcome == UpdateOutcome::Installed);

    // Version 2 adds a recording big enough that the proxy's cut falls in it.
    fs::create_directories(rig.source / "recordings" / "fr");
    test::write_text(rig.source / "recordings" / "fr" / "welcome.wav", random_bytes(300 * 1024));
    rig.publish(2);
    test::FaultProxy proxy(rig.dir.path(), rig.hub.port(), { "--truncate-rate", "1", "--fault-window", "300000" });
    PackClient cut(*store, rig.client_settings(proxy.url()));
    int truncated = 0;
    for (int attempt = 0; attempt < 6 && truncated < 2; ++attempt) {
        auto report = cut.check_and_update();
        INFO(report.reason);
        CHECK(report.outcome != UpdateOutcome::Installed);
        if (report.refusal == Refusal::Truncated) {
            ++truncated;
            CHECK(report.outcome == UpdateOutcome::Refused);
            CHECK_THAT(report.reason, Catch::Contains("cut short"));
        }
        CHECK(test::active_version(*store) == 1);
        CHECK(store->status().highest_accepted == 1);
        CHECK(fs::is_empty(rig.packs / "incoming"));
        CHECK(load_catalog(store->active_assets_dir() / "procedures", {}).procedures.size() == 6);
    }
    CHECK(truncated >= 1);

    auto whole = PackClient(*store, rig.client_settings(url_of(rig.hub.port()))).check_and_update();
    INFO(whole.reason);
    CHECK(whole.outcome == UpdateOutcome::Installed);
    CHECK(whole.active_version == 2);
    CHECK(test::read_text(store->active_assets_dir() / "recordings" / "fr" / "welcome.wav").size() == 300 * 1024);
}

TEST_CASE("a hub that serves altered packs is refused and the running pack stays", "[net][pack]")
{
    HubRig rig;
    auto store = rig.open();
    PackClient client(*store, rig.client_settings(url_of(rig.hub.port())));
    rig.publish(1);
    REQUIRE(client.check_and_update().outcome == UpdateOutcome::Installed);
    auto v1_manifest = rig.published_manifest();
    auto expect_refused = [&](Refusal refusal, const std::string& words) {
        auto report = client.check_and_update();
        INFO(report.reason);
        CHECK(report.outcome == UpdateOutcome::Refused);
        REQUIRE(report.refusal);
        CHECK(refusal_name(*report.refusal) == refusal_name(refusal));
        CHECK_THAT(report.reason, Catch::Contains(words));
        CHECK(test::active_version(*store) == 1);
        CHECK(fs::is_empty(rig.packs / "incoming"));
    };

    test::change_procedure(rig.source / "procedures" / "public-space-report.json", "Signaler (v2)");
    rig.publish(2);
    auto changed = rig.entry_of(rig.published(), "procedures/public-space-report.json");
    auto blob = rig.depot / "blobs" / changed.hash;
    auto original = test::read_text(blob);

    SECTION("a file whose bytes changed on the hub")
    {
        auto altered = original;
        altered[10] ^= 1;
        fs::remove(blob);
        test::write_text(blob, altered);
        expect_refused(Refusal::HashMismatch, "public-space-report.json");
        fs::remove(blob);
        test::write_text(blob, original);
        CHECK(client.check_and_update().outcome == UpdateOutcome::Installed);
    }
    SECTION("a file the hub serves short")
    {
        fs::remove(blob);
        test::write_text(blob, original.substr(0, original.size() - 1));
        expect_refused(Refusal::Truncated, "public-space-report.json");
    }
    SECTION("a file the hub lost")
    {
        fs::remove(blob);
        expect_refused(Refusal::MissingFile, "public-space-report.json");
    }
    SECTION("a manifest whose signature was altered")
    {
        auto envelope = nlohmann::json::parse(rig.published_manifest());
        auto signature = envelope["signature"].get<std::string>();
        signature[3] = signature[3] == 'x' ? 'y' : 'x';
        envelope["signature"] = signature;
        test::write_text(rig.depot / "channels" / "stable.json", envelope.dump());
        expect_refused(Refusal::BadSignature, "signature");
    }
    SECTION("a manifest cut short")
    {
        auto text = rig.published_manifest();
        test::write_text(rig.depot / "channels" / "stable.json", text.substr(0, text.size() - 30));
        expect_refused(Refusal::Malformed, "manifest");
    }
    SECTION("an older version offered again (a rollback attack)")
    {
        REQUIRE(client.check_and_update().outcome == UpdateOutcome::Installed);
        test::write_text(rig.depot / "channels" / "stable.json", v1_manifest);
        auto report = client.check_and_update();
        CHECK(report.outcome == UpdateOutcome::Refused);
        CHECK(report.refusal == Refusal::NotNewer);
        CHECK(test::active_version(*store) == 2);
    }
    SECTION("a pack signed by a key the kiosk does not trust")
    {
        auto other = rig.dir / "keys" / "other.key";
        REQUIRE(test::run_hub(rig.dir, { "pack", "keygen", "--out", other.string() }).exit_code == 0);
        rig.publish(3, other);
        expect_refused(Refusal::UnknownKey, "content.signing_keys");
    }
}

TEST_CASE("guichet-hub pack publish refuses what kiosks would refuse", "[pack]")
{
    HubRig rig;
    auto folder = rig.publish(2);
    auto older = test::run_hub(rig.dir, { "pack", "publish", folder.string(), "--channel", "stable", "--packs", rig.depot.string() });
    CHECK(older.exit_code == 1);
    CHECK_THAT(older.err, Catch::Contains("already has version 2"));
    auto other_channel = test::run_hub(rig.dir, { "pack", "publish", folder.string(), "--channel", "beta", "--packs", rig.depot.string() });
    CHECK(other_channel.exit_code == 1);
    CHECK_THAT(other_channel.err, Catch::Contains("signed for channel 'stable'"));
    auto missing = rig.dir / "partial";
    fs::copy(folder, missing, fs::copy_options::recursive);
    fs::remove(missing / "blobs" / rig.published().manifest.files.front().hash);
    auto incomplete = test::run_hub(rig.dir, { "pack", "publish", missing.string(), "--channel", "stable", "--packs", (rig.dir / "depot2").string() });
    CHECK(incomplete.exit_code == 1);
    CHECK_THAT(incomplete.err, Catch::Contains("lacks"));
    CHECK_FALSE(fs::exists(rig.dir / "depot2" / "channels" / "stable.json"));
    auto usage = test::run_hub(rig.dir, { "pack", "build", rig.source.string(), "--key", rig.key_file.string(), "--out", "x" });
    CHECK(usage.exit_code == 2);
    auto existing_key = test::run_hub(rig.dir, { "pack", "keygen", "--out", rig.key_file.string() });
    CHECK(existing_key.exit_code == 1);
    CHECK_THAT(existing_key.err, Catch::Contains("already exists"));
    CHECK((fs::status(rig.key_file).permissions() & fs::perms::others_read) == fs::perms::none);
}

TEST_CASE("guichetctl pack install, status, check and rollback", "[net][pack][ctl]")
{
    HubRig rig;
    test::write_text(rig.dir / "token", rig.token + "\n");
    test::write_text(rig.dir / "kiosk.toml",
        "[sync]\nhub_url = \"" + url_of(rig.hub.port()) + "\"\ntoken_file = \"" + (rig.dir / "token").string()
            + "\"\n[content]\npacks_dir = \"" + rig.packs.string() + "\"\nsigning_keys = [\"" + rig.trusted_key + "\"]\n");
    auto ctl = [&](const std::string& arguments) {
        std::string command = std::string(GUICHETCTL) + " --config " + (rig.dir / "kiosk.toml").string() + " " + arguments + " > "
            + (rig.dir / "ctl.out").string() + " 2> " + (rig.dir / "ctl.err").string();
        int status = std::system(command.c_str());
        return test::Outcome { test::exit_code_of(status), test::read_text(rig.dir / "ctl.out"), test::read_text(rig.dir / "ctl.err") };
    };
    CHECK_THAT(ctl("pack status").out, Catch::Contains("active: built-in assets"));

    auto usb = rig.publish(1);
    auto installed = ctl("pack install " + usb.string());
    INFO(installed.err);
    CHECK(installed.exit_code == 0);
    CHECK_THAT(installed.out, Catch::Contains("installed version 1"));
    auto again = ctl("pack install " + usb.string());
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Catch::Contains("pack refused (not-newer)"));

    test::change_procedure(rig.source / "procedures" / "change-of-address.json", "v2");
    rig.publish(2);
    auto checked = ctl("pack check");
    INFO(checked.err);
    CHECK(checked.exit_code == 0);
    CHECK_THAT(checked.out, Catch::Contains("outcome: installed"));
    CHECK_THAT(checked.out, Catch::Contains("files downloaded: 1"));
    auto status = nlohmann::json::parse(ctl("pack status --json").out);
    CHECK(status["active"]["version"] == 2);
    CHECK(status["previous"]["version"] == 1);
    CHECK(status["highest_accepted"] == 2);

    auto rolled = ctl("pack rollback");
    CHECK(rolled.exit_code == 0);
    CHECK_THAT(rolled.out, Catch::Contains("active: version 1"));
    CHECK(nlohmann::json::parse(ctl("pack status --json").out)["highest_accepted"] == 2);
    CHECK(ctl("pack frobnicate").exit_code == 2);
}
