// guichet: the kiosk program. Parses the command line, loads the configuration, runs the app live or
// headless. Exit codes: 0 done, 1 a script step failed, 2 bad command line, configuration or script,
// 3 the kiosk cannot start (assets, fonts, display).
#include "guichet/version.h"
#include "kiosk/app/app.h"
#include "kiosk/app/headless_driver.h"
#include "kiosk/core/command_line.h"
#include "kiosk/core/config.h"
#include "kiosk/core/script.h"

#include <SDL.h>

#include <charconv>
#include <malloc.h>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

using namespace guichet;

namespace {

constexpr int exit_script_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_cannot_start = 3;

std::optional<app::Size> parse_size(std::string_view text)
{
    auto x = text.find('x');
    if (x == std::string_view::npos)
        return std::nullopt;
    app::Size size;
    auto w = std::from_chars(text.data(), text.data() + x, size.width);
    auto h = std::from_chars(text.data() + x + 1, text.data() + text.size(), size.height);
    if (w.ec != std::errc() || h.ec != std::errc() || w.ptr != text.data() + x || h.ptr != text.data() + text.size())
        return std::nullopt;
    if (size.width < 320 || size.height < 240 || size.width > 7680 || size.height > 7680)
        return std::nullopt;
    return size;
}

int complain(int code, const std::string& message)
{
    std::fprintf(stderr, "guichet: %s\n", message.c_str());
    return code;
}

// SDL and Dear ImGui are C and C++ libraries that do not throw into us, but a bug of ours might:
// report it as a message and an exit code rather than an abort.
int run(int argc, char** argv)
{
    app::AppSetup setup;
    std::optional<std::string> config_path, script_path, windowed;
    std::string screenshot_dir = ".";
    CLI::App cli("The public-service kiosk: the citizen's screens, full screen on the kiosk's display.", "guichet");
    apply_command_line_style(cli, std::string("guichet ") + version_string);
    cli.add_option("--config", config_path, "read the configuration from FILE (TOML; see assets/config/guichet.toml)")
        ->option_text("FILE");
    cli.add_option("--windowed", windowed, "a window of that size instead of full screen (e.g. 1080x1920 for portrait)")
        ->option_text("WxH")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                return parse_size(text) ? "" : "takes a size such as 1920x1080, got '" + text + "'";
            },
            "", "size"));
    cli.add_flag_callback("--headless", [&] { setup.mode = app::Mode::Headless; }, "no display: render in software into memory");
    cli.add_option("--script", script_path, "with --headless: run the script's taps, keys and checks, then exit")
        ->option_text("FILE");
    cli.add_option("--screenshot-dir", screenshot_dir, "where the script's screenshots and UI dumps go (default: .)")
        ->option_text("DIR");
    cli.add_option("--dump-ui", setup.dump_ui, "keep FILE updated with the screen's semantic tree as JSON")->option_text("FILE");
    cli.footer("Exit codes: 0 done, 1 a script step failed, 2 bad command line, configuration or script, 3 cannot start.");
    if (auto stop = parse_command_line(cli, argc, argv))
        return *stop;
    if (windowed)
        setup.windowed = parse_size(*windowed);
    if (script_path && setup.mode != app::Mode::Headless)
        return complain(exit_usage, "--script runs only with --headless");

    if (config_path) {
        auto config = load_config(*config_path);
        if (!config)
            return complain(exit_usage, config.error().message);
        setup.config = std::move(*config);
    }
    std::optional<std::vector<ScriptStep>> steps;
    if (script_path) {
        auto parsed = load_script(*script_path);
        if (!parsed)
            return complain(exit_usage, parsed.error().message);
        steps = std::move(*parsed);
    }

    if (SDL_Init(SDL_INIT_EVENTS) != 0)
        return complain(exit_cannot_start, std::string("cannot initialise SDL: ") + SDL_GetError());
    struct SdlQuit {
        ~SdlQuit() { SDL_Quit(); }
    } sdl_quit;

    SteadyClock steady_clock;
    VirtualClock virtual_clock;
    const Clock& clock = steps ? static_cast<const Clock&>(virtual_clock) : steady_clock;
    auto app = app::App::create(setup, clock);
    if (!app)
        return complain(exit_cannot_start, app.error().message);

    if (!steps)
        return (*app)->run();
    app::HeadlessDriver driver(**app, virtual_clock, screenshot_dir);
    if (auto done = driver.run(*steps, *script_path); !done)
        return complain(exit_script_failed, done.error().message);
    return 0;
}

}

int main(int argc, char** argv)
{
    // A scanned page passes through buffers of several MB (its pixels, its JPEG) on a worker thread. Mapped
    // on their own, they go back to the system when freed; glibc's moving threshold would otherwise keep
    // each one in the worker's arena, and five pages cost 87 MB at peak instead of 63 (docs/documents.md).
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        return complain(70, std::string("internal error: ") + error.what());
    }
}
