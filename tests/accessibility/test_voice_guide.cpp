// The voice guide in the real app: the kiosk runs in this process on the headless renderer with the real
// espeak-ng, and SDL's disk audio driver writes to a raw file, in real time, what a citizen would hear.
// The tests tap and press keys as a citizen would and measure that file.
#include "accessibility/speech.h"
#include "kiosk/app/app.h"
#include "kiosk/app/voice_guide.h"
#include "kiosk/app/headless_driver.h"
#include "sync/protocol.h"
#include "../devices/sane_test_backend.h"

#include <catch2/catch.hpp>
#include <sodium.h>

#include "audio_analysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace guichet;
using namespace std::chrono_literals;
using accessibility::Speech;
using namespace guichet::testing::audio; // audible, rate, audible_span, similarity…

namespace {

struct SdlEvents {
    SdlEvents() { SDL_Init(SDL_INIT_EVENTS); }
    ~SdlEvents() { SDL_Quit(); }
};

// The real app, headless, driven by script lines; its voice starts after the first frame.
struct Kiosk {
    SdlEvents sdl;
    VirtualClock clock;
    std::unique_ptr<app::App> app;
    std::unique_ptr<app::HeadlessDriver> driver;

    explicit Kiosk(const std::function<void(Config&)>& adjust = {})
    {
        app::AppSetup setup;
        setup.mode = app::Mode::Headless;
        setup.windowed = app::Size { 1920, 1080 };
        if (adjust)
            adjust(setup.config);
        auto created = app::App::create(setup, clock);
        REQUIRE(created);
        app = std::move(*created);
        driver = std::make_unique<app::HeadlessDriver>(*app, clock, std::filesystem::temp_directory_path());
        run(""); // the first interactive frame; the voice starts reading the welcome screen
    }

    void run(std::string_view script)
    {
        auto steps = parse_script(script, "inline");
        REQUIRE(steps);
        auto done = driver->run(*steps, "inline");
        INFO((done ? "" : done.error().message));
        REQUIRE(done);
    }

    Speech& speech()
    {
        INFO("no voice: " << app->speech_problem());
        REQUIRE(app->speech());
        return *app->speech();
    }

    // Silences what is being said now and lets the device's last period reach the file (a period, then
    // a stdio buffer: 23 + 93 ms), so that what the file holds from here on belongs to what comes next.
    void hush()
    {
        speech().stop();
        std::this_thread::sleep_for(200ms);
    }

    // Runs `script`, which must start exactly one new utterance, and returns its length in samples once
    // wholly synthesized; then hushes it.
    uint64_t says(std::string_view script);

    // A finger down and up on `node`, as the touch screen sends them; no frame is rendered.
    void push_touch(const UiNode& node)
    {
        auto [width, height] = app->size();
        SDL_Event event {};
        event.tfinger.touchId = 1;
        event.tfinger.fingerId = 0;
        event.tfinger.x = node.rect.center_x() / static_cast<float>(width);
        event.tfinger.y = node.rect.center_y() / static_cast<float>(height);
        event.tfinger.pressure = 1.0f;
        event.type = SDL_FINGERDOWN;
        app->push_event(event);
        event.type = SDL_FINGERUP;
        app->push_event(event);
    }

    void frame()
    {
        clock.advance(Millis(16));
        app->render_frame();
        app->present();
    }

    // Destroys the app, which closes the audio device: the capture is then complete.
    void close()
    {
        driver.reset();
        app.reset();
    }
};

// The disk driver plays in real time: wait for the voice to finish, with a bound.
void wait_until_quiet(const Speech& speech, std::chrono::milliseconds limit = 30s)
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (speech.speaking() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    INFO("still speaking after " << limit.count() << " ms; the utterance is "
                                 << double(speech.stats().samples_queued) / rate << " s long");
    REQUIRE_FALSE(speech.speaking());
    std::this_thread::sleep_for(150ms); // the device's last period reaches the file
}

// Synthesis runs far ahead of playback: waits until the utterance is wholly queued (its sample count
// stops growing) and returns its length in samples.
uint64_t wait_synthesized(const Speech& speech, std::chrono::milliseconds limit = 10s)
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    uint64_t last = 0;
    for (int stable = 0; stable < 5 && std::chrono::steady_clock::now() < deadline;) {
        std::this_thread::sleep_for(10ms);
        uint64_t now = speech.stats().samples_queued;
        stable = (now == last && now > 0) ? stable + 1 : 0;
        last = now;
    }
    return last;
}

uint64_t Kiosk::says(std::string_view script)
{
    uint64_t before = speech().stats().utterances;
    run(script);
    CHECK(speech().stats().utterances == before + 1);
    uint64_t length = wait_synthesized(speech());
    hush();
    return length;
}

int peak(const std::vector<int16_t>& pcm)
{
    int most = 0;
    for (int16_t s : pcm)
        most = std::max(most, std::abs(int(s)));
    return most;
}


// What the first step of the change-of-address procedure sounds like, in the welcome screen's language
// or in English.
struct StepReading {
    std::vector<int16_t> pcm; // trimmed to the audible span
    uint64_t queued = 0;      // samples synthesized for the step's summary
    std::string language;     // the session's language when it was read
};

StepReading read_first_step(const std::string& name, bool english)
{
    Capture capture(name);
    StepReading reading;
    size_t from = 0;
    {
        Kiosk kiosk;
        if (english)
            kiosk.run("tap \"English\"");
        kiosk.run("tap id:welcome.start\ntap id:procedure.change-of-address\nexpect-screen intro");
        kiosk.hush(); // the intro's reading is not what this measures
        from = capture.written();
        uint64_t before = kiosk.speech().stats().utterances;
        kiosk.run("tap id:intro.start\nexpect-screen step");
        CHECK(kiosk.speech().stats().utterances == before + 1);
        wait_until_quiet(kiosk.speech());
        reading.queued = kiosk.speech().stats().samples_queued;
        reading.language = kiosk.app->session().preferences().language;
        kiosk.close();
    }
    reading.pcm = trimmed(capture.samples(from));
    return reading;
}

}

TEST_CASE("Entering a procedure step reads it aloud in the session language", "[audio][voice]")
{
    auto french = read_first_step("step_fr", false);
    auto english = read_first_step("step_en", true);
    CHECK(french.language == "fr");
    CHECK(english.language == "en");

    double french_seconds = double(french.pcm.size()) / rate;
    double english_seconds = double(english.pcm.size()) / rate;
    double ratio = french.pcm.empty() ? 0 : double(english.pcm.size()) / double(french.pcm.size());
    double alike = similarity(french.pcm, english.pcm);
    INFO("French: heard " << french_seconds << " s of " << double(french.queued) / rate << " s synthesized; English: heard "
                          << english_seconds << " s of " << double(english.queued) / rate
                          << " s; length ratio " << ratio << ", similarity " << alike);
    // A step's summary (its progress, title and text): a sentence or a few, not a word, not a novel.
    CHECK(french_seconds > 1.5);
    CHECK(french_seconds < 30);
    CHECK(english_seconds > 1.5);
    CHECK(english_seconds < 30);
    // What was synthesized is what was heard: nothing cut, nothing left over from another screen.
    CHECK(french.pcm.size() <= french.queued);
    CHECK(french.pcm.size() > french.queued * 8 / 10);
    CHECK(rms(french.pcm) > 500);
    // Another language is another text and another voice: the audio differs in length or in content.
    CHECK((std::abs(ratio - 1.0) > 0.05 || alike < 0.8));
}

TEST_CASE("A tap anywhere cuts the reading short", "[audio][voice]")
{
    Capture capture("cut");
    size_t from = 0;
    uint64_t whole = 0;
    std::chrono::microseconds to_silence { 0 };
    {
        Kiosk kiosk;
        kiosk.run("tap id:welcome.start\ntap id:procedure.change-of-address\nexpect-screen intro");
        kiosk.hush();
        from = capture.written();
        // "Listen again": the intro itself, long, is read (whatever arriving on it said: that is the
        // business of the test on arrivals).
        kiosk.run("tap id:common.listen");
        auto read_from = std::chrono::steady_clock::now();
        Speech& speech = kiosk.speech();
        std::this_thread::sleep_until(read_from + 300ms);
        REQUIRE(speech.speaking());
        // Synthesis runs far ahead of playback: by now most (if not all) of the reading is queued.
        whole = speech.stats().samples_queued;

        // The intro's title: a heading, not a control, so the tap does nothing but touch the screen.
        auto* title = kiosk.app->tree().find_by_id("intro.title");
        REQUIRE(title);
        REQUIRE_FALSE(title->interactive());
        kiosk.push_touch(*title);
        // A watcher sees the instant the voice stops, even in the middle of the frame.
        std::chrono::steady_clock::time_point silent_at {};
        auto tapped = std::chrono::steady_clock::now();
        std::thread watcher([&] {
            while (speech.speaking() && std::chrono::steady_clock::now() - tapped < 5s)
                std::this_thread::sleep_for(100us);
            silent_at = std::chrono::steady_clock::now();
        });
        kiosk.frame(); // the finger down: the voice stops at the start of this frame
        watcher.join();
        to_silence = std::chrono::duration_cast<std::chrono::microseconds>(silent_at - tapped);
        INFO("speaking() was false " << to_silence.count() / 1000.0 << " ms after the tap was handed to the app");
        CHECK_FALSE(speech.speaking());
        CHECK(to_silence < 100ms);

        // The finger's release, then frames: nothing starts again, and the intro stays.
        kiosk.run("");
        std::this_thread::sleep_for(500ms);
        CHECK_FALSE(speech.speaking());
        CHECK(kiosk.app->current_screen() == ScreenId::Intro);
        kiosk.close();
    }
    auto pcm = capture.samples(from);
    Span span = audible_span(pcm);
    INFO("heard " << span.seconds() << " s of the intro, whose reading is " << double(whole) / rate << " s; silent after "
                  << to_silence.count() / 1000.0 << " ms");
    REQUIRE(whole > uint64_t(3 * rate)); // the intro is long enough for the comparison to mean something
    CHECK(span.length() > 0);            // it had started...
    CHECK(span.seconds() < 1.0);         // ...and stopped about 0.3 s in
    CHECK(span.length() < whole / 3);
}

TEST_CASE("Turning the voice off makes the next screens silent", "[audio][voice]")
{
    Capture capture("off");
    size_t from = 0;
    {
        Kiosk kiosk;
        REQUIRE(kiosk.app->session().preferences().voice);
        kiosk.run("tap id:welcome.voice");
        // The welcome's voice button is either the toggle itself or opens the voice settings, whose
        // first control is the toggle.
        if (kiosk.app->session().preferences().voice && kiosk.app->tree().find_by_id("voice.toggle"))
            kiosk.run("tap id:voice.toggle\ntap id:voice.close");
        REQUIRE_FALSE(kiosk.app->session().preferences().voice);
        Speech& speech = kiosk.speech();
        std::this_thread::sleep_for(200ms); // a period already taken by the device may still be written
        from = capture.written();
        uint64_t utterances = speech.stats().utterances;
        kiosk.run("tap id:welcome.start\nexpect-screen catalog\ntap id:procedure.change-of-address\nexpect-screen intro");
        std::this_thread::sleep_for(1500ms); // time enough for a reading to be heard, were there one
        CHECK_FALSE(speech.speaking());
        CHECK(speech.stats().utterances == utterances);
        kiosk.close();
    }
    auto pcm = capture.samples(from);
    INFO("captured " << double(pcm.size()) / rate << " s after the toggle; peak " << peak(pcm));
    CHECK(pcm.size() > size_t(rate)); // the capture covers the two screens
    CHECK(peak(pcm) < audible);
    CHECK(audible_span(pcm).length() == 0);
}

TEST_CASE("Tab on the welcome screen says the focused element", "[audio][voice]")
{
    Capture capture("focus");
    size_t from = 0;
    uint64_t queued = 0;
    {
        Kiosk kiosk;
        kiosk.hush(); // the welcome screen's reading
        from = capture.written();
        Speech& speech = kiosk.speech();
        uint64_t before = speech.stats().utterances;
        REQUIRE(kiosk.app->focus().id().empty());
        kiosk.run("key Tab");
        INFO("focus on " << kiosk.app->focus().id());
        CHECK_FALSE(kiosk.app->focus().id().empty());
        CHECK(speech.stats().utterances == before + 1); // one utterance: the element, not the screen again
        wait_until_quiet(speech);
        queued = speech.stats().samples_queued;
        kiosk.close();
    }
    auto pcm = capture.samples(from);
    Span span = audible_span(pcm);
    INFO("heard " << span.seconds() << " s; synthesized " << double(queued) / rate << " s");
    CHECK(queued > 0);
    // "Bouton, Commencer": a second or so.
    CHECK(span.seconds() > 0.3);
    CHECK(span.seconds() < 6.0);
}

TEST_CASE("Without an audio device the kiosk runs silent and says why", "[audio][voice]")
{
    Capture capture("no_device");
    ::setenv("SDL_AUDIODRIVER", "no_such_driver", 1);
    Kiosk kiosk;
    CHECK(kiosk.app->speech() == nullptr);
    INFO("speech_problem: " << kiosk.app->speech_problem());
    CHECK_THAT(kiosk.app->speech_problem(), Catch::Contains("audio"));
    kiosk.run("tap id:welcome.start\nexpect-screen catalog\ntap id:procedure.change-of-address\nexpect-screen intro");
    // A script that waits for the voice is told why there is none.
    auto steps = parse_script("wait-speech", "inline");
    REQUIRE(steps);
    auto waited = kiosk.driver->run(*steps, "inline");
    REQUIRE_FALSE(waited);
    CHECK_THAT(waited.error().message, Catch::Contains(kiosk.app->speech_problem()));
}

TEST_CASE("Arriving on a screen reads that screen and not the one left", "[audio][voice]")
{
    // "Listen again" reads the screen as it is: arriving must read the same, not the previous screen.
    Capture capture("arrival");
    Kiosk kiosk;
    kiosk.hush();
    struct Visit {
        const char* go;
        const char* name;
    };
    // A language chosen on the welcome screen is a new screen for the voice too.
    for (auto [go, name] : { Visit { "tap \"English\"", "welcome" },
             Visit { "tap id:welcome.start", "catalog" }, Visit { "tap id:procedure.change-of-address", "intro" },
             Visit { "tap id:intro.start", "step" } }) {
        uint64_t arrival = kiosk.says(std::string(go) + "\nexpect-screen " + name);
        uint64_t again = kiosk.says("tap id:common.listen");
        INFO("on " << name << ": arriving said " << double(arrival) / rate << " s, listen again said " << double(again) / rate << " s");
        REQUIRE(again > 0);
        CHECK(double(arrival) / double(again) == Approx(1.0).epsilon(0.03));
    }
}

TEST_CASE("Opening the help reads the help, closing it reads the step, a page turn reads the page", "[audio][voice]")
{
    Capture capture("help");
    Kiosk kiosk;
    kiosk.run("tap id:welcome.start\ntap id:procedure.change-of-address\nexpect-screen intro");
    uint64_t step = kiosk.says("tap id:intro.start\nexpect-screen step");

    // The help card is a screen of its own for the voice: its words, not the step's again.
    uint64_t help = kiosk.says("key F1\nexpect-text \"Fermer l’aide\"");
    INFO("step read in " << double(step) / rate << " s, its help in " << double(help) / rate << " s");
    CHECK(help > rate / 2);
    CHECK(help != step);
    // Escape closes the card, not the step: the voice reads the step again, and the step is still there.
    uint64_t again = kiosk.says("key Escape\nexpect-screen step\nexpect-text \"À quelle date avez-vous déménagé\"");
    CHECK(double(again) == Approx(double(step)).epsilon(0.03));

    // Another page of procedures (large text pages the catalog): the voice reads the cards now shown.
    kiosk.run("key Escape\nkey Escape\nexpect-screen catalog\ntap id:catalog.back\ntap id:welcome.text_size\ntap id:welcome.text_size");
    uint64_t first_page = kiosk.says("tap id:welcome.start\nexpect-screen catalog");
    uint64_t second_page = kiosk.says("tap id:catalog.more\nexpect-text \"Page 2\"");
    INFO("first page read in " << double(first_page) / rate << " s, the second in " << double(second_page) / rate << " s");
    CHECK(second_page > rate / 2);
    CHECK(second_page != first_page);
}

TEST_CASE("A print is heard: the voice says the receipt came out and where to take it", "[audio][voice][printing]")
{
    Capture capture("receipt_print");
    auto printer = std::filesystem::path(GUICHET_TEST_OUTPUT_DIR) / "voice-receipt.escpos";
    std::filesystem::remove(printer);
    Kiosk kiosk([&](Config& config) {
        config.printer.kind = "escpos";
        config.printer.device = printer.string();
        // An outbox, so the report is stored and its receipt shown: sealed to a key nobody here opens.
        unsigned char public_key[crypto_box_PUBLICKEYBYTES], secret_key[crypto_box_SECRETKEYBYTES];
        crypto_box_keypair(public_key, secret_key);
        config.sync.submission_public_key = sync::protocol::base64_encode(std::vector<uint8_t>(public_key, public_key + sizeof public_key));
        config.storage.outbox = (printer.parent_path() / "voice-print-outbox.sqlite").string();
        std::filesystem::remove(config.storage.outbox);
    });
    kiosk.run("tap id:welcome.start\ntap id:catalog.more\ntap id:procedure.public-space-report\ntap id:intro.start\n"
              "tap id:option.street_light\ntap id:step.next\ntype \"Rue des Lilas\"\ntap id:step.next\ntap id:step.next\n"
              "tap id:option.no\ntap id:step.next\ntap id:step.next\ntap id:option.no\ntap id:step.next\ntap id:review.submit\n"
              "expect-screen receipt");
    kiosk.hush();
    auto from = capture.written();
    uint64_t before = kiosk.speech().stats().utterances;
    kiosk.run("tap id:receipt.print\nexpect-text \"Le récapitulatif est imprimé\"");
    CHECK(kiosk.speech().stats().utterances >= before + 1);
    wait_until_quiet(kiosk.speech());
    auto printed = trimmed(capture.samples(from));
    double seconds = double(printed.size()) / rate;
    INFO("the print's result was heard for " << seconds << " s");
    // "Le récapitulatif est imprimé. Prenez la feuille sous l'écran.": two short sentences.
    CHECK(seconds > 2.0);
    CHECK(seconds < 15);
    CHECK(rms(printed) > 500);
    kiosk.close();
}

TEST_CASE("a receipt code is spelled one character at a time with a pause at each dash", "[voice]")
{
    CHECK(app::spelled_out("ABC-DEF-GHK") == "A, B, C. D, E, F. G, H, K");
    CHECK(app::spelled_out("A8K") == "A, 8, K");
    CHECK(app::spelled_out("") == "");
}

TEST_CASE("A scan is heard: the scanner's state is said when it changes, and a failure says what to do", "[audio][voice][documents]")
{
    test::use_sane_test_backend();
    Capture capture("document_scan");
    Kiosk kiosk([](Config& config) {
        config.scanner.device = "test:0";
        config.scanner.options = { { "test-picture", "Grid" } };
    });
    kiosk.run("tap id:welcome.start\ntap id:catalog.previous\ntap id:procedure.housing-certificate\ntap id:intro.start\n"
              "type \"Yvonne Le Goff\"\ntap id:step.next\ntype \"01\"\ntype \"09\"\ntype \"2024\"\ntap id:step.next\n"
              "expect-text \"Le justificatif de domicile de votre hébergeant\"");
    kiosk.hush();
    auto from = capture.written();
    uint64_t before = kiosk.speech().stats().utterances;
    kiosk.run("tap id:document.scan\nexpect-text \"Page 1 numérisée\"");
    // At least the result (the scanning sentence too when a frame showed it while the page was read).
    CHECK(kiosk.speech().stats().utterances >= before + 1);
    wait_until_quiet(kiosk.speech());
    auto done = trimmed(capture.samples(from));
    double seconds = double(done.size()) / rate;
    INFO("the scan's result was heard for " << seconds << " s");
    // "Page 1 numérisée. Vérifiez qu'on peut la lire, puis appuyez sur Suivant.": a sentence or two.
    CHECK(seconds > 2.0);
    CHECK(seconds < 20);
    CHECK(rms(done) > 500);
    kiosk.close();
}
