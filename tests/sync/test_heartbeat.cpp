// The kiosk's heartbeat against a real guichet-hub on 127.0.0.1 and a real outbox: what arrives at the
// hub (counts by state, versions, free disk, the last error), that a hub which cannot be reached leaves
// the outbox untouched, and that the worker's heartbeats follow the queue while the uploader's
// submissions flow beside it (the app runs the two side by side, each on its own connection).
#include "enrolled_kiosk.h"
#include "fault_proxy_process.h"

#include "sync/heartbeat.h"
#include "sync/hub/store.h"
#include "sync/uploader.h"

#include <guichet/version.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <memory>
#include <thread>

using namespace guichet;
using namespace guichet::sync;

namespace {

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

struct Rig : test::EnrolledKiosk {
    LinkSettings link(int port) const
    {
        return { .hub_url = "http://127.0.0.1:" + std::to_string(port), .token = token, .connect_timeout_s = 2,
            .low_speed_bytes_per_s = 100, .low_speed_time_s = 2 };
    }

    // The app's wiring: the heartbeat tells the uploader's last error, with the same clock.
    std::unique_ptr<HeartbeatSender> heartbeat_beside(Uploader& uploader, const LinkSettings& settings,
        int interval_s, HeartbeatSender::Clock clock = now)
    {
        return std::make_unique<HeartbeatSender>(*outbox, settings, interval_s, std::move(clock),
            [&uploader] { return uploader.status().last_error; });
    }

    std::optional<protocol::Heartbeat> at_hub()
    {
        auto store = sync::hub::Store::open(hub_db.string());
        REQUIRE(store);
        auto latest = (*store)->latest_heartbeat("mairie-01");
        REQUIRE(latest);
        return *latest;
    }

    int closed_port()
    {
        test::ServedHub gone(dir, dir / "gone.sqlite");
        return gone.port();
    }
};

}

TEST_CASE("disk free and the queue summary come from the outbox's filesystem and counts", "[heartbeat]")
{
    Rig rig;
    auto free = disk_free_bytes(rig.dir / "outbox.sqlite");
    REQUIRE(free);
    CHECK(*free > 0);
    CHECK(disk_free_bytes(rig.dir.path()) == free); // a folder or a file in it: the same filesystem
    CHECK_FALSE(disk_free_bytes("/no/such/folder/outbox.sqlite"));

    auto first = rig.submit(R"({"a":1})");
    rig.submit(R"({"a":2})");
    REQUIRE(rig.outbox->quarantine(first.id, "conflict at the hub"));
    auto summary = summarize_queue(*rig.outbox, first.created_at + 90);
    REQUIRE(summary);
    CHECK(summary->queued == 1);
    CHECK(summary->quarantined == 1);
    CHECK(summary->sent == 0);
    CHECK(summary->oldest_queued_age_s >= 90);
}

TEST_CASE("a heartbeat tells the hub the queue by state, the versions, the free disk and the last error", "[net][heartbeat]")
{
    Rig rig;
    auto receipts = std::vector { rig.submit(R"({"nom":"MARQUEUR-HB-1"})"), rig.submit(R"({"a":2})"), rig.submit(R"({"a":3})") };
    REQUIRE(rig.outbox->quarantine(receipts[0].id, "conflict at the hub"));
    // Submissions fail at this hub (injected 503), heartbeats do not: the kiosk's last error travels.
    test::ServedHub hub(rig.dir, rig.hub_db, { "--faults", "503:1" });
    Uploader uploader(*rig.outbox, { .link = rig.link(hub.port()) }, [] { return now() + 100; });
    auto heartbeat = rig.heartbeat_beside(uploader, rig.link(hub.port()), 60, [] { return now() + 100; });
    CHECK(heartbeat->status().attempts == 0);
    auto pass = uploader.run_once(Uploader::Scope::AllQueued);
    CHECK(pass.deferred == 2);
    heartbeat->set_pack_version("2026.11-3");

    auto status = heartbeat->send_now();
    CHECK(status.last_error == "");
    CHECK(status.attempts == 1);
    CHECK(status.last_sent_unix == status.last_attempt_unix);

    auto beat = rig.at_hub();
    REQUIRE(beat);
    CHECK(beat->queued == 2);
    CHECK(beat->quarantined == 1);
    CHECK(beat->sent == 0);
    CHECK(beat->app_version == guichet::version_string);
    CHECK(beat->pack_version == "2026.11-3");
    REQUIRE(beat->oldest_queued_age_s);
    CHECK(*beat->oldest_queued_age_s >= 100); // measured with the clock the app gives both
    REQUIRE(beat->disk_free_bytes);
    CHECK(*beat->disk_free_bytes > 0);
    CHECK(beat->last_error == "the hub answered HTTP 503");
    // The hub's log has the heartbeat's line, never what the citizen typed. (A line is written just
    // after its answer.)
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (hub.log().find("POST /v1/heartbeat") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_THAT(hub.log(), Catch::Contains("POST /v1/heartbeat 200 kiosk=mairie-01"));
    CHECK(hub.log().find("MARQUEUR-HB-1") == std::string::npos);
}

TEST_CASE("the pack version is 'builtin' until the content-pack code sets it", "[heartbeat]")
{
    Rig rig;
    HeartbeatSender sender(*rig.outbox, rig.link(1), 60, [] { return now(); }, [] { return std::string("x\ny"); });
    auto beat = sender.compose();
    CHECK(beat.pack_version == "builtin");
    CHECK(beat.kiosk == "mairie-01");
    CHECK(beat.last_error == "x y"); // no control characters travel
    sender.set_pack_version("7");
    CHECK(sender.compose().pack_version == "7");
    CHECK(beat.place.empty());
    sender.set_place("Mairie\tde Saint-Éloi");
    CHECK(sender.compose().place == "Mairie de Saint-Éloi");
}

TEST_CASE("a heartbeat that cannot reach the hub leaves the outbox and the uploader untouched", "[net][heartbeat]")
{
    Rig rig;
    auto receipt = rig.submit(R"({"a":1})");
    auto before = rig.outbox->find_by_receipt(receipt.code).value().value();
    auto link = rig.link(rig.closed_port());
    Uploader uploader(*rig.outbox, { .link = link });
    auto status = rig.heartbeat_beside(uploader, link, 60)->send_now();
    CHECK_THAT(status.last_error, Catch::StartsWith("cannot reach the hub"));
    CHECK_FALSE(status.last_sent_unix);
    CHECK(status.attempts == 1);

    auto after = rig.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(after.state == ItemState::Queued);
    CHECK(after.attempts == before.attempts);
    CHECK(after.next_attempt_at == before.next_attempt_at);
    CHECK(after.last_error == "");
    CHECK(uploader.status().link == LinkState::Unknown); // the link's state is the uploader's to tell
    CHECK(uploader.status().last_error == "");
    CHECK(uploader.passes() == 0);
}

TEST_CASE("the worker's heartbeats follow the queue while its submissions flow", "[net][heartbeat]")
{
    Rig rig;
    for (int i = 0; i < 5; ++i)
        rig.submit(R"({"i":)" + std::to_string(i) + "}");
    test::ServedHub hub(rig.dir, rig.hub_db);
    auto link = rig.link(hub.port());
    Uploader uploader(*rig.outbox, { .link = link });
    auto heartbeat = rig.heartbeat_beside(uploader, link, 1);
    uploader.start();
    heartbeat->start();
    // The first heartbeat goes at once; later ones every second. Wait (bounded) for one that saw the
    // queue drained.
    std::optional<protocol::Heartbeat> beat;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        beat = rig.at_hub();
        if (beat && beat->sent == 5)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    heartbeat->stop();
    uploader.stop();
    REQUIRE(beat);
    CHECK(beat->sent == 5);
    CHECK(beat->queued == 0);
    CHECK_FALSE(beat->oldest_queued_age_s);
    CHECK(heartbeat->status().attempts >= 1);
    CHECK(heartbeat->status().last_error == "");
    CHECK(uploader.status().sent == 5);
}

TEST_CASE("with the hub down the worker's failed heartbeats do not hold back submissions", "[net][heartbeat]")
{
    Rig rig;
    rig.submit(R"({"a":1})");
    auto link = rig.link(rig.closed_port());
    Uploader uploader(*rig.outbox, { .link = link });
    auto heartbeat = rig.heartbeat_beside(uploader, link, 1);
    uploader.start();
    heartbeat->start();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (heartbeat->status().attempts == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_THAT(heartbeat->status().last_error, Catch::StartsWith("cannot reach the hub"));
    // The submission's own pass ran and counted its attempt, as without a heartbeat.
    while (uploader.passes() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    heartbeat->stop();
    uploader.stop();
    CHECK(uploader.passes() >= 1);
    CHECK(rig.outbox->counts()->queued == 1);
    auto entries = rig.outbox->entries().value();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].attempts == 1); // one pass, one attempt: the heartbeat's failures count none
}

TEST_CASE("stopping ends a heartbeat stuck on a stalled link", "[net][heartbeat][proxy]")
{
    Rig rig;
    test::ServedHub hub(rig.dir, rig.hub_db);
    test::FaultProxy stalling(rig.dir.path(), hub.port(), { "--stall-rate", "1", "--fault-window", "100" });
    auto settings = rig.link(hub.port());
    settings.hub_url = stalling.url();
    settings.low_speed_time_s = 60; // the link rules alone would wait a minute
    HeartbeatSender sender(*rig.outbox, settings, 60, [] { return now(); }, {});
    sender.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // the first heartbeat is stuck by now
    auto start = std::chrono::steady_clock::now();
    sender.stop();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10)); // a bound, not a timing check
    CHECK(sender.status().attempts == 1);
    CHECK_FALSE(sender.status().last_error.empty());
    CHECK_FALSE(rig.at_hub());
}

// Issue 17: a state an agent set at the hub reaches the kiosk's outbox, and the kiosk's
// acknowledgement reaches the hub; rating counts travel with the heartbeat.
TEST_CASE("a state set at the hub reaches the outbox through a heartbeat and is acknowledged by the next", "[net][heartbeat]")
{
    Rig rig;
    auto first = rig.submit(R"({"a":1})");
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, { .link = rig.link(hub.port()) });
    REQUIRE(uploader.run_once(Uploader::Scope::AllQueued).sent == 1);
    REQUIRE(rig.outbox->record_rating("acte-naissance", 3, rating_first_day(now() + 13 * 86400)));

    // The hub kept the receipt; an agent's transition (the cases area) is written here directly.
    {
        auto db = Database::open(rig.hub_db);
        REQUIRE(db);
        auto receipt = db->prepare("SELECT receipt FROM submissions WHERE id = ?");
        REQUIRE(receipt);
        REQUIRE(receipt->bind(1, first.id).step().value());
        CHECK(receipt->text(0) == protocol::wire_receipt(first.code));
        receipt->reset();
        auto update = db->prepare("UPDATE submissions SET state = 'done', message = 'Votre acte est prêt.', "
                                  "state_at = '2026-12-02T09:30:00.000Z', rev = 2 WHERE id = ?");
        REQUIRE(update);
        REQUIRE(update->bind(1, first.id).run());
    }
    auto heartbeat = rig.heartbeat_beside(uploader, rig.link(hub.port()), 60);
    REQUIRE(heartbeat->send_now().last_error == "");
    auto entry = rig.outbox->find_by_receipt(first.code).value().value();
    CHECK(entry.hub_state == "done");
    CHECK(entry.hub_message == "Votre acte est prêt.");
    CHECK(entry.hub_rev == 2);
    CHECK(receipt_state(entry) == "done");

    auto owed = [&] {
        auto store = sync::hub::Store::open(rig.hub_db.string());
        REQUIRE(store);
        auto pending = (*store)->pending_states("mairie-01", 200);
        REQUIRE(pending);
        return pending->size();
    };
    CHECK(owed() == 1); // applied, not yet acknowledged
    auto acks = heartbeat->compose().states_applied;
    REQUIRE(acks.size() == 1);
    CHECK(acks[0].rev == 2);
    REQUIRE(heartbeat->send_now().last_error == "");
    CHECK(owed() == 0); // kiosk_rev caught up with rev
    CHECK(rig.outbox->unacknowledged_states(100).value().empty());
    {
        auto db = Database::open(rig.hub_db);
        REQUIRE(db);
        auto caught_up = db->prepare("SELECT kiosk_rev FROM submissions WHERE id = ?");
        REQUIRE(caught_up);
        REQUIRE(caught_up->bind(1, first.id).step().value());
        CHECK(caught_up->int64(0) == 2);
        auto ratings = db->prepare("SELECT count FROM ratings WHERE kiosk = 'mairie-01' AND procedure = 'acte-naissance' AND score = 3");
        REQUIRE(ratings);
        REQUIRE(ratings->step().value());
        CHECK(ratings->int64(0) == 1);
    }

    // A batch answer brings owed states too: a new change reaches the kiosk with its next submission.
    {
        auto db = Database::open(rig.hub_db);
        REQUIRE(db);
        REQUIRE(db->exec("UPDATE submissions SET state = 'incomplete', message = 'Pièce manquante.', rev = 3 WHERE id = '"
            + first.id + "'"));
    }
    rig.submit(R"({"a":2})");
    REQUIRE(uploader.run_once(Uploader::Scope::AllQueued).sent == 1);
    CHECK(rig.outbox->find_by_receipt(first.code).value()->hub_state == "incomplete");
}

TEST_CASE("the hub's status page comes with its heartbeat answer, is kept across a restart, and goes when the hub drops it", "[net][heartbeat]")
{
    Rig rig;
    CHECK(rig.outbox->status_url().value() == "");
    {
        test::ServedHub hub(rig.dir, rig.hub_db, { "--public-url", "https://guichet.mairie.example" });
        Uploader uploader(*rig.outbox, { .link = rig.link(hub.port()) });
        REQUIRE(rig.heartbeat_beside(uploader, rig.link(hub.port()), 60)->send_now().last_error == "");
        CHECK(rig.outbox->status_url().value() == "https://guichet.mairie.example/suivi/");
        // The uploader's snapshot, which the receipt screen reads, carries it from its next pass on.
        uploader.run_once(Uploader::Scope::AllQueued);
        CHECK(uploader.status().status_url == "https://guichet.mairie.example/suivi/");
    }
    auto reopened = Outbox::open(rig.outbox->settings());
    REQUIRE(reopened);
    CHECK((*reopened)->status_url().value() == "https://guichet.mairie.example/suivi/");
    reopened->reset();

    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, { .link = rig.link(hub.port()) });
    REQUIRE(rig.heartbeat_beside(uploader, rig.link(hub.port()), 60)->send_now().last_error == "");
    CHECK(rig.outbox->status_url().value() == "");
}
