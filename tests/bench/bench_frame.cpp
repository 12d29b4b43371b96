// Renders the real welcome screen in this process with the headless software renderer and reports
// the time per frame (input, layout, draw, rasterize) at 1920x1080 and 1080x1920, for each text size: wall
// time, and the main thread's CPU time, which a busy machine disturbs less.
// With a second argument the place name is that many characters long (issue 15: text layout must stay
// linear and cut what cannot fit), without a space when a third argument says "unbroken".
//   bench_frame [frames=300] [place_name_characters=0] [words|unbroken]
#include "kiosk/app/app.h"
#include "kiosk/app/headless_driver.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

using namespace guichet;

// This thread's CPU time: on a machine shared with builds, wall time measures the neighbours too.
static double thread_cpu_ms()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

int main(int argc, char** argv)
{
    int frames = argc > 1 ? std::atoi(argv[1]) : 300;
    size_t place_name_characters = argc > 2 ? static_cast<size_t>(std::atol(argv[2])) : 0;
    bool unbroken = argc > 3 && std::string_view(argv[3]) == "unbroken";
    std::string place_name;
    while (place_name.size() < place_name_characters)
        place_name += unbroken ? "M" : "Maison France Services de Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson ";
    place_name.resize(place_name_characters);
    if (place_name_characters > 0)
        std::printf("place name: %zu characters, %s\n", place_name.size(), unbroken ? "without a space" : "words and hyphens");
    SDL_Init(SDL_INIT_EVENTS);
    for (app::Size size : { app::Size { 1920, 1080 }, app::Size { 1080, 1920 } }) {
        VirtualClock clock;
        app::AppSetup setup;
        setup.mode = app::Mode::Headless;
        setup.windowed = size;
        if (!place_name.empty())
            setup.config.kiosk.place_name = place_name;
        auto created = app::App::create(setup, clock);
        if (!created) {
            std::fprintf(stderr, "bench_frame: %s\n", created.error().message.c_str());
            return 1;
        }
        auto& kiosk = **created;
        app::HeadlessDriver driver(kiosk, clock, ".");
        for (const char* text_size : { "normal", "large", "larger" }) {
            for (int i = 0; i < 10; ++i) // warm-up: the font atlas for this text size is built here
                kiosk.render_frame();
            std::vector<double> times, cpu_times;
            for (int i = 0; i < frames; ++i) {
                clock.advance(Millis(16));
                auto start = std::chrono::steady_clock::now();
                double cpu_start = thread_cpu_ms();
                kiosk.render_frame();
                kiosk.present();
                cpu_times.push_back(thread_cpu_ms() - cpu_start);
                times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            }
            std::sort(times.begin(), times.end());
            std::sort(cpu_times.begin(), cpu_times.end());
            double sum = 0;
            for (double t : times)
                sum += t;
            std::printf("welcome %dx%d, text %-6s: mean %.2f ms, median %.2f ms, p99 %.2f ms per frame; CPU median %.2f ms, "
                        "max %.2f ms (%d frames)\n",
                size.width, size.height, text_size, sum / frames, times[times.size() / 2], times[times.size() * 99 / 100],
                cpu_times[cpu_times.size() / 2], cpu_times.back(), frames);
            auto steps = parse_script("tap id:welcome.text_size", "bench");
            if (!driver.run(*steps, "bench"))
                return 1;
        }
    }
    SDL_Quit();
    return 0;
}
