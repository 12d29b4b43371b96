// The real app in this process on the headless renderer: layout at every size, orientation, text size
// and contrast; what the pixels show; and the session's wipe.
#include "kiosk/app/app.h"
#include "accessibility/theme.h"
#include "kiosk/app/headless_driver.h"

#include <catch2/catch.hpp>
#include <sodium.h>
#include <stb/stb_image.h>

using namespace guichet;

namespace {

struct SdlEvents {
    SdlEvents() { SDL_Init(SDL_INIT_EVENTS); }
    ~SdlEvents() { SDL_Quit(); }
};

struct Kiosk {
    SdlEvents sdl;
    VirtualClock clock;
    std::unique_ptr<app::App> app;
    std::unique_ptr<app::HeadlessDriver> driver;

    explicit Kiosk(app::Size size = { 1920, 1080 }, app::AppSetup setup = {})
    {
        setup.mode = app::Mode::Headless;
        setup.windowed = size;
        auto created = app::App::create(setup, clock);
        REQUIRE(created);
        app = std::move(*created);
        driver = std::make_unique<app::HeadlessDriver>(*app, clock, GUICHET_TEST_OUTPUT_DIR);
        run(""); // the first interactive frame
    }

    void run(std::string_view script)
    {
        auto steps = parse_script(script, "inline");
        REQUIRE(steps);
        auto done = driver->run(*steps, "inline");
        INFO((done ? "" : done.error().message));
        REQUIRE(done);
    }

    // The colour at (x, y) of the frame as written to a real PNG file and read back.
    Color pixel(int x, int y)
    {
        auto file = std::filesystem::path(GUICHET_TEST_OUTPUT_DIR) / "pixel.png";
        REQUIRE(app->screenshot(file));
        int width = 0, height = 0, channels = 0;
        unsigned char* image = stbi_load(file.c_str(), &width, &height, &channels, 4);
        REQUIRE(image);
        unsigned char* p = image + (static_cast<size_t>(y) * width + x) * 4;
        Color color { p[0], p[1], p[2], p[3] };
        stbi_image_free(image);
        return color;
    }
};

bool overlaps(const Rect& a, const Rect& b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

void check_layout(const UiTree& tree, app::Size size, float min_target)
{
    // Every check below holds on an empty tree: a screen that drew nothing must fail, not pass.
    INFO("screen '" << tree.screen() << "' at " << size.width << "x" << size.height);
    REQUIRE_FALSE(tree.nodes().empty());
    std::vector<const UiNode*> reachable;
    int texts = 0;
    for (auto& node : tree.nodes()) {
        if (node.inert || node.role == Role::Dialog)
            continue;
        INFO(tree.screen() << " at " << size.width << "x" << size.height << ": " << node.id << " \"" << node.label << "\"");
        // Nothing clipped: everything lies within the display.
        CHECK(node.rect.x >= 0);
        CHECK(node.rect.y >= 0);
        CHECK(node.rect.x + node.rect.w <= size.width);
        CHECK(node.rect.y + node.rect.h <= size.height);
        // Every screen centres its text, but the landscape welcome, which has two columns.
        bool two_columns = tree.screen() == "welcome" && size.width > size.height;
        if (node.role == Role::Heading || node.role == Role::Text)
            ++texts;
        if ((node.role == Role::Heading || node.role == Role::Text) && !two_columns)
            CHECK(std::abs(node.rect.center_x() - static_cast<float>(size.width) / 2) <= 1.5f);
        if (node.interactive()) {
            CHECK(node.rect.w >= min_target);
            CHECK(node.rect.h >= min_target);
            reachable.push_back(&node);
        }
    }
    // Something to read and something to touch, not only an empty frame.
    CHECK(texts > 0);
    REQUIRE_FALSE(reachable.empty());
    // Nothing overlapping: no two touch targets share a pixel.
    for (size_t i = 0; i < reachable.size(); ++i) {
        for (size_t j = i + 1; j < reachable.size(); ++j) {
            INFO(reachable[i]->id << " and " << reachable[j]->id);
            CHECK_FALSE(overlaps(reachable[i]->rect, reachable[j]->rect));
        }
    }
}

}

TEST_CASE("every screen fits without clipping or overlap in both orientations and every text size", "[ui][layout]")
{
    auto size = GENERATE(app::Size { 1920, 1080 }, app::Size { 1080, 1920 }, app::Size { 1280, 800 });
    Kiosk kiosk(size);
    float min_target = 64.0f * static_cast<float>(std::min(size.width, size.height)) / 1080.0f;
    for (int text_size = 0; text_size < 3; ++text_size) {
        INFO("text size step " << text_size);
        check_layout(kiosk.app->tree(), size, min_target);
        kiosk.run("tap id:welcome.start");
        check_layout(kiosk.app->tree(), size, min_target);
        kiosk.run("advance 120\nexpect-text \"toujours là\"");
        check_layout(kiosk.app->tree(), size, min_target);
        kiosk.run("tap id:inactivity.more_time\ntap id:catalog.back\ntap id:welcome.text_size");
    }
}

TEST_CASE("the welcome screen shows the kiosk's theme and high contrast turns it black", "[ui][theme]")
{
    Kiosk kiosk;
    auto background = kiosk.pixel(4, 4);
    CHECK((background.r == 0xF4 && background.g == 0xF1 && background.b == 0xEA));
    CHECK_FALSE(kiosk.app->tree().find_by_id("welcome.contrast")->selected);

    kiosk.run("tap id:welcome.contrast");
    CHECK(kiosk.app->tree().find_by_id("welcome.contrast")->selected);
    background = kiosk.pixel(4, 4);
    CHECK((background.r == 0 && background.g == 0 && background.b == 0));
    // The start button is drawn in the high-contrast primary colour, yellow.
    auto* start = kiosk.app->tree().find_by_id("welcome.start");
    auto button = kiosk.pixel(static_cast<int>(start->rect.x + 30), static_cast<int>(start->rect.center_y()));
    CHECK((button.r == 0xFF && button.g == 0xE1 && button.b == 0x4D));
}

TEST_CASE("a session that times out is wiped and language and text size and contrast return to the defaults", "[ui][session]")
{
    Kiosk kiosk;
    kiosk.run(R"(
tap "English"
tap id:welcome.text_size
tap id:welcome.contrast
expect-text "Welcome"
tap "Start"
expect-screen catalog
advance 119
expect-no-text "Are you still there?"
advance 1
expect-text "Are you still there?"
expect-text "30 seconds"
advance 10
expect-text "20 seconds"
advance 20
expect-screen welcome
expect-text "Bienvenue"
)");
    auto& prefs = kiosk.app->session().preferences();
    CHECK(prefs.language == "fr");
    CHECK(prefs.text_size == TextSize::Normal);
    CHECK_FALSE(prefs.high_contrast);
    CHECK(kiosk.app->session().phase() == SessionPhase::None);
}

TEST_CASE("the screen behind the warning cannot be tapped", "[ui][session]")
{
    Kiosk kiosk;
    kiosk.run("tap id:welcome.start\nadvance 120");
    auto steps = parse_script("tap id:catalog.back", "inline");
    auto done = kiosk.driver->run(*steps, "inline");
    REQUIRE_FALSE(done);
    CHECK_THAT(done.error().message, Catch::Contains("behind a dialog"));
}

TEST_CASE("a submission is queued in the real outbox and the welcome screen counts it", "[ui][sync]")
{
    auto dir = std::filesystem::path(GUICHET_TEST_OUTPUT_DIR) / "submit";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    REQUIRE(sodium_init() >= 0);
    unsigned char public_key[crypto_box_PUBLICKEYBYTES], secret_key[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(public_key, secret_key);
    app::AppSetup setup; // one App at a time: Dear ImGui has one current context per process
    setup.config.sync.submission_public_key
        = sync::protocol::base64_encode(std::vector<uint8_t>(public_key, public_key + sizeof public_key));
    setup.config.storage.outbox = (dir / "outbox.sqlite").string();
    {
        Kiosk kiosk({ 1920, 1080 }, setup);
        kiosk.run("expect-text \"Hors connexion\"\nexpect-no-text \"en attente\"");
        sync::NewSubmission submission { "acte-naissance", 1, false, R"({"nom":"Martin"})" };
        auto receipt = kiosk.app->submit(submission);
        REQUIRE(receipt);
        CHECK(submission.answers_json.empty());
        kiosk.run("expect-text \"1 en attente d’envoi\"");
        CHECK(kiosk.app->outbox()->counts()->queued == 1);
    }
    Kiosk plain;
    sync::NewSubmission refused { "p", 1, false, R"({"a":1})" };
    auto no_outbox = plain.app->submit(refused);
    REQUIRE_FALSE(no_outbox);
    CHECK_THAT(no_outbox.error().message, Catch::Contains("takes no submissions"));
    CHECK(refused.answers_json.empty());
}

TEST_CASE("a quit request is honoured before the taps queued ahead of it, with no frame drawn after it", "[ui][quit]")
{
    // Taps are applied one change a frame; a quit request (SDL turns SIGTERM and SIGINT into SDL_QUIT)
    // must not wait behind them, nor behind another frame, however slow frames are.
    Kiosk kiosk;
    const UiNode* start = kiosk.app->tree().find_by_id("welcome.start");
    REQUIRE(start);
    auto [width, height] = kiosk.app->size();
    SDL_Event finger {};
    finger.tfinger.x = start->rect.center_x() / static_cast<float>(width);
    finger.tfinger.y = start->rect.center_y() / static_cast<float>(height);
    for (int tap = 0; tap < 3; ++tap) {
        finger.type = SDL_FINGERDOWN;
        kiosk.app->push_event(finger);
        finger.type = SDL_FINGERUP;
        kiosk.app->push_event(finger);
    }
    SDL_Event quit {};
    quit.type = SDL_QUIT;
    REQUIRE(SDL_PushEvent(&quit) == 1);
    CHECK(kiosk.app->run() == 0);
    CHECK(kiosk.app->quit_requested());
    CHECK(kiosk.app->current_screen() == ScreenId::Welcome); // none of the taps was applied
}
