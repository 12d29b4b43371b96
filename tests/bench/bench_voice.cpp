// How quickly the voice answers a tap, measured on the real app in this process (headless software
// renderer, 1920x1080, the real espeak-ng). Audio goes through SDL's disk driver (SDL_AUDIODRIVER=disk),
// which plays in real time into a file, so the device side behaves like a sound card without one.
//   bench_voice [runs=30] [capture=/dev/null]
// (1) tap -> first sound: a tap that changes the screen, to the first non-silent sample handed to the
//     audio device (goal < 100 ms), alternating welcome -> catalog and catalog -> welcome. The device side
//     is not timed: SDL's disk driver writes its file through stdio in 4 KiB blocks (93 ms of audio), too
//     coarse; the device takes queued audio at its next period (at most 512 samples, 23.2 ms, later).
// (2) tap -> silence: a tap on a heading while a long screen (an intro) is read, to speaking() false
//     (goal < 50 ms).
// (3) as (1), after the speech service closed the idle audio device: the cost of opening it again.
#include "accessibility/speech.h"
#include "kiosk/app/app.h"
#include "kiosk/app/headless_driver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace guichet;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Summary {
    double median = 0, p95 = 0, max = 0;
};

Summary summarize(std::vector<double> values)
{
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    auto at = [&](double q) { return values[std::min(values.size() - 1, size_t(q * double(values.size() - 1) + 0.5))]; };
    return { at(0.5), at(0.95), values.back() };
}

void print(const char* what, const std::vector<double>& values)
{
    auto s = summarize(values);
    std::printf("  %-58s median %7.2f ms   p95 %7.2f ms   max %7.2f ms   (n=%zu)\n", what, s.median, s.p95, s.max,
        values.size());
}

// A finger down and up at the centre of `node`, as a touch screen sends them (both queued at once:
// the app takes the press in one frame and the release, which is the tap, in the next).
void push_tap(app::App& app, const UiNode& node)
{
    auto [width, height] = app.size();
    SDL_Event event {};
    event.tfinger.touchId = 1;
    event.tfinger.x = node.rect.center_x() / static_cast<float>(width);
    event.tfinger.y = node.rect.center_y() / static_cast<float>(height);
    event.tfinger.pressure = 1.0f;
    event.type = SDL_FINGERDOWN;
    app.push_event(event);
    event.type = SDL_FINGERUP;
    app.push_event(event);
}

void frame(app::App& app, VirtualClock& clock)
{
    clock.advance(Millis(16));
    app.render_frame();
    app.present();
}

bool run_script(app::HeadlessDriver& driver, const char* script)
{
    auto steps = parse_script(script, "bench");
    if (!steps)
        return false;
    auto done = driver.run(*steps, "bench");
    if (!done)
        std::fprintf(stderr, "bench_voice: %s\n", done.error().message.c_str());
    return bool(done);
}

}

int main(int argc, char** argv)
{
    int runs = argc > 1 ? std::atoi(argv[1]) : 30;
    std::string capture = argc > 2 ? argv[2] : "/dev/null"; // a file keeps what would have been heard
    ::setenv("SDL_AUDIODRIVER", "disk", 1);
    ::setenv("SDL_DISKAUDIOFILE", capture.c_str(), 1);
    SDL_Init(SDL_INIT_EVENTS);

    VirtualClock clock;
    app::AppSetup setup;
    setup.mode = app::Mode::Headless;
    setup.windowed = app::Size { 1920, 1080 };
    auto created = app::App::create(setup, clock);
    if (!created) {
        std::fprintf(stderr, "bench_voice: %s\n", created.error().message.c_str());
        return 1;
    }
    auto& kiosk = **created;
    app::HeadlessDriver driver(kiosk, clock, ".");
    if (!run_script(driver, ""))
        return 1;
    auto* speech = kiosk.speech();
    if (!speech) {
        std::fprintf(stderr, "bench_voice: no voice: %s\n", kiosk.speech_problem().c_str());
        return 1;
    }
    auto format = speech->format();
    std::printf("bench_voice: real app, headless 1920x1080, espeak-ng; audio through SDL's disk driver "
                "(SDL_AUDIODRIVER=disk, SDL_DISKAUDIOFILE=%s), %d Hz, %d channel(s), %d-bit; %d runs each\n",
        capture.c_str(), format.sample_rate, format.channels, format.bits_per_sample, runs);
    for (int i = 0; i < 5; ++i) // warm-up: fonts, the first voice load
        frame(kiosk, clock);

    // (1) A tap that changes the screen, to the first non-silent sample handed to SDL.
    {
        std::vector<double> to_say_frame, latency, sum, polled, frames;
        for (int run = 0; run < runs + 2; ++run) { // the first two (one of each screen) are warm-up
            speech->stop();
            std::this_thread::sleep_for(150ms); // quiet, and the worker idle, before each tap
            bool on_welcome = kiosk.current_screen() == ScreenId::Welcome;
            auto* target = kiosk.tree().find_by_id(on_welcome ? "welcome.start" : "catalog.back");
            if (!target) {
                std::fprintf(stderr, "bench_voice: no %s on screen\n", on_welcome ? "welcome.start" : "catalog.back");
                return 1;
            }
            uint64_t before = speech->stats().utterances;
            auto t0 = Steady::now();
            push_tap(kiosk, *target);
            int rendered = 0;
            // Frames, as the live loop renders them while input is pending, until one has said the new screen.
            while (speech->stats().utterances == before && rendered < 20) {
                frame(kiosk, clock);
                ++rendered;
            }
            auto said_frame_end = Steady::now();
            if (speech->stats().utterances == before) {
                std::fprintf(stderr, "bench_voice: the tap did not make the voice speak\n");
                return 1;
            }
            // Then poll (0.2 ms) until the speech service reports its first non-silent sample queued.
            std::optional<std::chrono::microseconds> first;
            while (!(first = speech->stats().first_sound_latency) && Steady::now() - t0 < 5s)
                std::this_thread::sleep_for(200us);
            auto seen = Steady::now();
            if (!first) {
                std::fprintf(stderr, "bench_voice: no sound within 5 s\n");
                return 1;
            }
            bool changed = kiosk.current_screen() != (on_welcome ? ScreenId::Welcome : ScreenId::Catalog);
            if (!changed) {
                std::fprintf(stderr, "bench_voice: the tap did not change the screen\n");
                return 1;
            }
            // Let the new screen lay itself out (as the driver's settle does) before the next tap.
            while (kiosk.input_pending())
                frame(kiosk, clock);
            frame(kiosk, clock);
            frame(kiosk, clock);
            if (run < 2)
                continue;
            double latency_ms = double(first->count()) / 1000.0;
            to_say_frame.push_back(ms(said_frame_end - t0));
            latency.push_back(latency_ms);
            sum.push_back(ms(said_frame_end - t0) + latency_ms);
            polled.push_back(ms(seen - t0));
            frames.push_back(rendered);
        }
        std::printf("(1) tap that changes the screen -> first non-silent sample handed to the audio device (goal < 100 ms)\n");
        print("tap pushed -> end of the frame that called say()", to_say_frame);
        print("say() -> first non-silent sample queued (first_sound_latency)", latency);
        print("sum of the two (tap -> first sound)", sum);
        print("polled: tap pushed -> first_sound_latency seen (0.2 ms polls)", polled);
        auto f = summarize(frames);
        std::printf("  frames from the tap to say(): median %.0f, max %.0f (press, then release = the tap; both pushed at once)\n",
            f.median, f.max);
        std::printf("  not included: the device takes queued audio at its next period (<= %.1f ms), then the sound card's own\n"
                    "  latency; the disk driver's file is written in 4 KiB stdio blocks (%.0f ms of audio), too coarse to time it\n",
            512.0 * 1000.0 / format.sample_rate, 2048.0 * 1000.0 / format.sample_rate);
    }

    // (3) The same tap after the kiosk stood idle long enough for the speech service to close the audio
    // device: the latency then includes opening it again.
    {
        std::vector<double> latency;
        int reopened = 0;
        int idle_runs = std::min(runs, 5);
        for (int run = 0; run < idle_runs; ++run) {
            speech->stop(); // the screen's reading would keep the device busy
            for (int waited = 0; speech->device_open() && waited < 15'000; waited += 50)
                std::this_thread::sleep_for(50ms);
            if (speech->device_open()) {
                std::fprintf(stderr, "bench_voice: the audio device stayed open for 15 s of silence\n");
                return 1;
            }
            bool on_welcome = kiosk.current_screen() == ScreenId::Welcome;
            auto* target = kiosk.tree().find_by_id(on_welcome ? "welcome.start" : "catalog.back");
            if (!target)
                return 1;
            uint64_t before = speech->stats().utterances;
            push_tap(kiosk, *target);
            for (int rendered = 0; speech->stats().utterances == before && rendered < 20; ++rendered)
                frame(kiosk, clock);
            std::optional<std::chrono::microseconds> first;
            auto t0 = Steady::now();
            while (!(first = speech->stats().first_sound_latency) && Steady::now() - t0 < 5s)
                std::this_thread::sleep_for(200us);
            if (!first)
                return 1;
            latency.push_back(double(first->count()) / 1000.0);
            reopened += speech->stats().device_reopened ? 1 : 0;
            while (kiosk.input_pending())
                frame(kiosk, clock);
            frame(kiosk, clock);
            frame(kiosk, clock);
        }
        std::printf("(3) the same, after the device closed for being idle (it reopens for the utterance; %d of %d did)\n",
            reopened, idle_runs);
        print("say() -> first non-silent sample queued, device reopened", latency);
        if (kiosk.current_screen() == ScreenId::Catalog && !run_script(driver, "tap id:catalog.back"))
            return 1;
    }

    // (2) A tap on a heading while a long screen is read, to speaking() false.
    {
        if (!run_script(driver, "tap id:welcome.start\nexpect-screen catalog"))
            return 1;
        std::vector<double> to_silence, with_frame, frame_time;
        double reading_seconds = 0;
        for (int run = 0; run < runs + 1; ++run) { // the first is warm-up
            // Onto the intro of a procedure, which is long, "Listen again" so that the intro itself is
            // read whatever arriving said, and 250 ms into that reading.
            if (!run_script(driver, "tap id:procedure.change-of-address\nexpect-screen intro\ntap id:common.listen"))
                return 1;
            std::this_thread::sleep_for(250ms);
            if (!speech->speaking()) {
                std::fprintf(stderr, "bench_voice: the intro is not being read\n");
                return 1;
            }
            reading_seconds = double(speech->stats().samples_queued) / format.sample_rate;
            auto* title = kiosk.tree().find_by_id("intro.title");
            if (!title)
                return 1;
            std::atomic<bool> stop_watching { false };
            Steady::time_point silent_at {};
            auto t0 = Steady::now();
            // A watcher thread sees the instant speaking() turns false, even inside the frame.
            std::thread watcher([&] {
                while (speech->speaking() && !stop_watching)
                    std::this_thread::sleep_for(100us);
                silent_at = Steady::now();
            });
            push_tap(kiosk, *title);
            frame(kiosk, clock); // the finger down: the app stops the voice at the start of the frame
            auto frame_end = Steady::now();
            while (speech->speaking() && Steady::now() - t0 < 5s)
                std::this_thread::sleep_for(200us);
            auto polled = Steady::now();
            stop_watching = true;
            watcher.join();
            if (speech->speaking()) {
                std::fprintf(stderr, "bench_voice: the voice did not stop within 5 s of a tap\n");
                return 1;
            }
            if (!run_script(driver, "tap id:intro.back\nexpect-screen catalog")) // also consumes the release
                return 1;
            if (run < 1)
                continue;
            to_silence.push_back(ms(silent_at - t0));
            with_frame.push_back(ms(polled - t0));
            frame_time.push_back(ms(frame_end - t0));
        }
        std::printf("(2) tap while a long screen is read (intro, %.1f s of speech) -> speaking() false (goal < 50 ms)\n",
            reading_seconds);
        print("tap pushed -> speaking() false (watcher thread, 0.1 ms polls)", to_silence);
        print("tap pushed, one frame rendered, then polled until false", with_frame);
        print("  of which the frame itself", frame_time);
        std::printf("  after speaking() turns false the device may still play the period it already took "
                    "(512 samples, %.1f ms)\n", 512.0 * 1000.0 / format.sample_rate);
    }
    created->reset();
    SDL_Quit();
    return 0;
}
