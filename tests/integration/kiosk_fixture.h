// An in-process kiosk for integration tests: the real App in headless mode on a virtual clock, with an
// outbox of its own sealed to a key pair the test holds, and scripts run through the real driver.
#pragma once
#include "kiosk/app/app.h"
#include "kiosk/app/headless_driver.h"
#include "../devices/sane_test_backend.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace guichet::test {

namespace fs = std::filesystem;

struct SdlEvents {
    SdlEvents() { SDL_Init(SDL_INIT_EVENTS); }
    ~SdlEvents() { SDL_Quit(); }
};

// The administration's key pair: the kiosk gets the public half, the test opens what it sealed.
struct KeyPair {
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> public_key {};
    std::array<unsigned char, crypto_box_SECRETKEYBYTES> secret_key {};

    KeyPair()
    {
        REQUIRE(sodium_init() >= 0);
        crypto_box_keypair(public_key.data(), secret_key.data());
    }
    std::string public_base64() const
    {
        return sync::protocol::base64_encode(std::vector<uint8_t>(public_key.begin(), public_key.end()));
    }
    std::string open(const std::vector<uint8_t>& sealed) const
    {
        REQUIRE(sealed.size() > crypto_box_SEALBYTES);
        std::string plaintext(sealed.size() - crypto_box_SEALBYTES, '\0');
        REQUIRE(crypto_box_seal_open(reinterpret_cast<unsigned char*>(plaintext.data()), sealed.data(), sealed.size(),
                    public_key.data(), secret_key.data())
            == 0);
        return plaintext;
    }
};

// The shipped assets in `to`, with `procedure` as the one procedure instead of the shipped ones: a journey a
// few taps long, for tests about what surrounds it.
inline fs::path assets_with_one_procedure(const fs::path& to, const nlohmann::json& procedure)
{
    fs::remove_all(to);
    fs::copy(fs::path(GUICHET_SOURCE_DIR) / "assets", to, fs::copy_options::recursive);
    fs::remove_all(to / "procedures");
    fs::create_directories(to / "procedures");
    std::ofstream(to / "procedures" / (procedure.at("id").get<std::string>() + ".json")) << procedure.dump(2);
    return to;
}

// tests/procedures/minimal.json, the corpus's smallest procedure, to cut down.
inline nlohmann::json minimal_procedure()
{
    std::ifstream in(fs::path(GUICHET_SOURCE_DIR) / "tests" / "procedures" / "minimal.json");
    return nlohmann::json::parse(in);
}

// The public-space report as quickly as it goes, to its review: a street light (an answer the procedure
// marks printable), "Rue des Lilas" typed (one it does not), no danger, no reply.
inline constexpr std::string_view street_light_to_review = R"(
tap id:welcome.start
tap id:catalog.more
tap id:procedure.public-space-report
tap id:intro.start
tap id:option.street_light
tap id:step.next
type "Rue des Lilas"
tap id:step.next
tap id:step.next
tap id:option.no
tap id:step.next
tap id:step.next
tap id:option.no
tap id:step.next
expect-screen review
)";

// A kiosk with an empty outbox of its own in `state`, at 1920x1080. `adjust` may change the
// configuration before the App starts (other assets, a staff database).
struct Kiosk {
    SdlEvents sdl;
    VirtualClock clock;
    std::unique_ptr<app::App> app;

    Kiosk(const fs::path& state, const KeyPair& keys, const std::function<void(Config&)>& adjust = {})
    {
        fs::remove_all(state);
        fs::create_directories(state);
        app::AppSetup setup; // one App at a time: Dear ImGui has one current context per process
        setup.mode = app::Mode::Headless;
        setup.windowed = app::Size { 1920, 1080 };
        setup.config.kiosk.id = "integration-test";
        setup.config.sync.submission_public_key = keys.public_base64();
        setup.config.storage.outbox = (state / "outbox.sqlite").string();
        setup.config.storage.staff = (state / "staff.sqlite").string();
        // Document steps scan on SANE's test backend, A4 on its virtual glass (tests/devices/sane_test_backend.h).
        use_sane_test_backend();
        setup.config.scanner.device = "test:0";
        // Its grid, black lines 10 mm apart on white, is what JPEG makes of a printed page.
        setup.config.scanner.options = { { "test-picture", "Grid" } };
        if (adjust)
            adjust(setup.config);
        auto created = app::App::create(setup, clock);
        INFO((created ? "" : created.error().message));
        REQUIRE(created);
        app = std::move(*created);
    }

    // Runs a script file or text; its screenshots and UI dumps go to `screenshots`.
    void run_file(const fs::path& script, const fs::path& screenshots)
    {
        auto steps = load_script(script);
        INFO((steps ? "" : steps.error().message));
        REQUIRE(steps);
        run_steps(*steps, script.filename().string(), screenshots);
    }
    void run_text(std::string_view text, const fs::path& screenshots)
    {
        auto steps = parse_script(text, "script");
        INFO((steps ? "" : steps.error().message));
        REQUIRE(steps);
        run_steps(*steps, "script", screenshots);
    }
    void run_steps(const std::vector<ScriptStep>& steps, std::string_view name, const fs::path& screenshots)
    {
        fs::create_directories(screenshots);
        app::HeadlessDriver driver(*app, clock, screenshots);
        auto done = driver.run(steps, name);
        INFO((done ? "" : done.error().message));
        REQUIRE(done);
    }
};

}
