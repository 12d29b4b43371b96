// Taps act on what the citizen touched, even when the layout moves between the finger going down and
// lifting (issue 15): the real app, a real hub that goes away at the moment of the tap, the real uploader.
// Also the receipt's QR code once the real hub's heartbeat answer named its public status page (issue 17).
#include "../hub/hub_fixture.h"
#include "kiosk_fixture.h"
#include "../zbar_decode.h"
#include "sync/uploader.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <thread>

using namespace guichet;
using namespace guichet::test;

namespace {

const fs::path source_dir = GUICHET_SOURCE_DIR;
const fs::path output_dir = GUICHET_TEST_OUTPUT_DIR;

// The shipped assets, with one procedure instead of the shipped ones: tests/procedures/minimal.json
// cut down to its information step and one yes-or-no question, so the receipt is a few taps away.
fs::path assets_with_one_step_procedure(const fs::path& to)
{
    auto procedure = minimal_procedure();
    procedure["steps"] = nlohmann::json::array({ procedure["steps"][0], procedure["steps"][1] });
    procedure.erase("outcomes");
    return assets_with_one_procedure(to, procedure);
}

SDL_Event finger(Uint32 type, const UiNode& node, app::Size size)
{
    SDL_Event event {};
    event.type = type;
    event.tfinger.touchId = 1;
    event.tfinger.x = node.rect.center_x() / static_cast<float>(size.width);
    event.tfinger.y = node.rect.center_y() / static_cast<float>(size.height);
    event.tfinger.pressure = 1.0f;
    return event;
}

}

TEST_CASE("a tap on Finish acts though the receipt's connection line changes length under the finger", "[ui][taps][net]")
{
    TempDir dir;
    auto db = dir / "hub.sqlite";
    write_text(dir / "token", enroll(dir, db, "integration-test"));
    auto hub = std::make_unique<ServedHub>(dir, db);
    auto assets = assets_with_one_step_procedure(dir / "assets");
    KeyPair keys;
    Kiosk kiosk(output_dir / "taps-state", keys, [&](Config& config) {
        config.sync.hub_url = "http://127.0.0.1:" + std::to_string(hub->port());
        config.sync.token_file = (dir / "token").string();
        config.ui.assets_dir = assets.string();
    });
    auto screenshots = output_dir / "taps";
    kiosk.run_text("tap id:welcome.start\n"
                   "tap id:procedure.corpus-base\n"
                   "tap id:intro.start\n"
                   "tap id:step.next\n"
                   "tap id:option.no\n"
                   "tap id:step.next\n"
                   "expect-screen review\n"
                   "tap id:review.submit\n"
                   "expect-screen receipt\n"
                   "wait-sync\n"
                   "expect-text \"Elle part maintenant vers l’administration.\"\n"
                   "screenshot receipt-online.png\n",
        screenshots);
    auto& app = *kiosk.app;
    auto size = app.size();
    const UiNode* finish = app.tree().find_by_id("receipt.finish");
    REQUIRE(finish);
    Rect pressed_rect = finish->rect;

    // The finger goes down on Finish, as the citizen sees it.
    app.push_event(finger(SDL_FINGERDOWN, *finish, size));
    kiosk.clock.advance(Millis(16));
    app.render_frame();
    app.present();
    REQUIRE(app.current_screen() == ScreenId::Receipt);

    // Meanwhile the hub goes away: the uploader's next pass finds it out of reach and hands the main
    // thread an offline status, which the next frame shows as a longer connection line.
    REQUIRE(hub->stop() == 0);
    auto* uploader = app.uploader();
    REQUIRE(uploader);
    auto passes = uploader->passes();
    uploader->trigger();
    for (int waited = 0; uploader->passes() == passes; waited += 10) {
        REQUIRE(waited < 30'000);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    // The finger lifts where it went down, in the frame that brings the longer line.
    app.push_event(finger(SDL_FINGERUP, *finish, size));
    kiosk.clock.advance(Millis(16));
    app.render_frame();
    app.present();
    REQUIRE(app.screenshot(screenshots / "receipt-at-release.png"));
    CHECK(app.tree().shows_text("Elle sera envoyée dès que le réseau le permettra"));
    const UiNode* moved = app.tree().find_by_id("receipt.finish");
    REQUIRE(moved);
    INFO("Finish was at y " << pressed_rect.y << ", at the release it is at y " << moved->rect.y);
    CHECK(moved->rect.y > pressed_rect.y + 1); // the layout did move under the finger

    // The tap acted: the session ended and the welcome screen is back.
    kiosk.run_text("expect-screen welcome\n", screenshots);
    CHECK(app.session().phase() == SessionPhase::None);
}

TEST_CASE("after a heartbeat from a hub with --public-url, the receipt's QR code reads back as its status page's link", "[ui][qr][net]")
{
    TempDir dir;
    auto db = dir / "hub.sqlite";
    write_text(dir / "token", enroll(dir, db, "integration-test"));
    ServedHub hub(dir, db, { "--public-url", "https://guichet.mairie.example/" });
    auto assets = assets_with_one_step_procedure(dir / "assets");
    KeyPair keys;
    Kiosk kiosk(output_dir / "qr-link-state", keys, [&](Config& config) {
        config.sync.hub_url = "http://127.0.0.1:" + std::to_string(hub.port());
        config.sync.token_file = (dir / "token").string();
        config.ui.assets_dir = assets.string();
    });
    // The kiosk's heartbeat goes once at start; its answer's status_url is kept in the outbox.
    auto* outbox = kiosk.app->outbox();
    REQUIRE(outbox);
    const std::string status_url = "https://guichet.mairie.example/suivi/";
    for (int waited = 0; outbox->status_url().value_or("") != status_url; waited += 10) {
        REQUIRE(waited < 30'000);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto screenshots = output_dir / "qr-link";
    kiosk.run_text("tap id:welcome.start\n"
                   "tap id:procedure.corpus-base\n"
                   "tap id:intro.start\n"
                   "tap id:step.next\n"
                   "tap id:option.no\n"
                   "tap id:step.next\n"
                   "tap id:review.submit\n"
                   "expect-screen receipt\n"
                   "screenshot receipt-link.png\n",
        screenshots);
    auto entries = outbox->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    auto link = status_url + entries->front().receipt;
    auto* qr = kiosk.app->tree().find_by_id("receipt.qr");
    REQUIRE(qr);
    CHECK(qr->value == link);
    CHECK(guichet::test::zbar_decode(screenshots / "receipt-link.png") == link);
    // The code is still shown as text, for a citizen without a phone.
    CHECK(kiosk.app->tree().shows_text(entries->front().receipt));
}
