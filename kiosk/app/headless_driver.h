// Runs a headless script against the real app: taps, text and keys become the SDL events a touch
// screen and keyboard would produce, time is a virtual clock, screenshots are real PNGs.
#pragma once
#include "kiosk/app/app.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/script.h"

#include <filesystem>
#include <vector>

namespace guichet::app {

class HeadlessDriver {
public:
    HeadlessDriver(App& app, VirtualClock& clock, std::filesystem::path screenshot_dir);

    // Runs every step; stops at the first that fails, with "<script>:<line>: <what went wrong>".
    Result<void> run(const std::vector<ScriptStep>& steps, std::string_view source);

private:
    Result<void> run_step(const ScriptStep&);
    Result<void> tap(const UiNode&);
    Result<void> key(std::string_view name);
    void type(std::string_view text);
    // Renders frames, 16 ms of virtual time apart, until pending input is consumed and layout is still.
    void settle();
    void frame(Millis step = Millis(16));

    App& m_app;
    VirtualClock& m_clock;
    std::filesystem::path m_screenshot_dir;
};

}
