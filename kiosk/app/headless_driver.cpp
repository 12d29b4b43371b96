// The headless script runner.
#include "kiosk/app/headless_driver.h"

#include "accessibility/speech.h"
#include "sync/uploader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <thread>

namespace guichet::app {
namespace {

std::string visible_labels(const UiTree& tree)
{
    std::ostringstream out;
    bool first = true;
    for (auto& node : tree.nodes()) {
        if (!node.interactive() || node.inert)
            continue;
        out << (first ? "" : ", ") << '"' << node.label << "\" (id:" << node.id << ')';
        first = false;
    }
    return first ? "none" : out.str();
}

}

HeadlessDriver::HeadlessDriver(App& app, VirtualClock& clock, std::filesystem::path screenshot_dir)
    : m_app(app)
    , m_clock(clock)
    , m_screenshot_dir(std::move(screenshot_dir))
{
}

void HeadlessDriver::frame(Millis step)
{
    m_clock.advance(step);
    m_app.render_frame();
    m_app.present();
}

void HeadlessDriver::settle()
{
    // Pending events need a frame each (one press or release per frame); then two quiet frames let a
    // new screen lay itself out and hover or press styling clear.
    for (int guard = 0; m_app.input_pending() && guard < 1000; ++guard)
        frame();
    // Work on a worker thread that a person would wait for (a staff PIN being checked, the network test)
    // takes real time: wait for it, then one more frame shows its result. Work seen while the quiet frames
    // ran counts too, or work ending during the last of them would leave its "in progress" state shown.
    bool worked = false;
    for (int quiet = 0; quiet < 2; ++quiet) {
        worked = worked || m_app.busy();
        frame();
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (m_app.busy() && std::chrono::steady_clock::now() < deadline) {
        worked = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        frame(Millis(0)); // virtual time stands still, so a script's timings do not depend on the machine
    }
    if (worked)
        frame(); // the finished work's result, laid out
}

Result<void> HeadlessDriver::run(const std::vector<ScriptStep>& steps, std::string_view source)
{
    settle(); // the first interactive frame
    for (auto& step : steps) {
        if (auto done = run_step(step); !done)
            return fail(std::string(source) + ":" + std::to_string(step.line) + ": " + done.error().message);
        if (m_app.quit_requested())
            break;
    }
    return {};
}

Result<void> HeadlessDriver::tap(const UiNode& node)
{
    if (node.inert)
        return fail("\"" + node.label + "\" is behind a dialog and cannot be tapped");
    if (!node.enabled)
        return fail("\"" + node.label + "\" is disabled");
    auto [width, height] = m_app.size();
    if (!m_app.tree().on_screen(node))
        return fail("\"" + node.label + "\" is off the screen (it spans y " + std::to_string(static_cast<int>(node.rect.y)) + " to "
            + std::to_string(static_cast<int>(node.rect.y + node.rect.h)) + " on a display " + std::to_string(height)
            + " pixels high): a citizen cannot reach it");
    SDL_Event event {};
    event.tfinger.touchId = 1;
    event.tfinger.fingerId = 0;
    event.tfinger.x = node.rect.center_x() / static_cast<float>(width);
    event.tfinger.y = node.rect.center_y() / static_cast<float>(height);
    event.tfinger.pressure = 1.0f;
    event.type = SDL_FINGERDOWN;
    m_app.push_event(event);
    event.type = SDL_FINGERUP;
    m_app.push_event(event);
    settle();
    return {};
}

Result<void> HeadlessDriver::key(std::string_view name)
{
    // "Shift+Tab" for navigation, "Ctrl+Alt+s" for the staff entry.
    Uint16 mods = KMOD_NONE;
    for (bool more = true; more;) {
        more = false;
        for (auto [prefix, mod] : { std::pair<std::string_view, Uint16> { "Shift+", KMOD_LSHIFT }, { "Ctrl+", KMOD_LCTRL }, { "Alt+", KMOD_LALT } }) {
            if (name.starts_with(prefix)) {
                name.remove_prefix(prefix.size());
                mods |= mod;
                more = true;
            }
        }
    }
    SDL_Keycode keycode = SDL_GetKeyFromName(std::string(name).c_str());
    if (keycode == SDLK_UNKNOWN)
        return fail("unknown key name '" + std::string(name) + "' (SDL names such as Return, Escape, Tab, F1, Down; Shift+Tab)");
    SDL_Event event {};
    event.key.keysym.sym = keycode;
    event.key.keysym.mod = mods;
    // Without a video subsystem SDL has no keymap and SDL_GetScancodeFromKey answers "unknown"; the
    // scancode's own name table needs none. Dear ImGui reads keys such as Backspace by scancode.
    event.key.keysym.scancode = SDL_GetScancodeFromKey(keycode);
    if (event.key.keysym.scancode == SDL_SCANCODE_UNKNOWN)
        event.key.keysym.scancode = SDL_GetScancodeFromName(std::string(name).c_str());
    event.key.state = SDL_PRESSED;
    event.type = SDL_KEYDOWN;
    m_app.push_event(event);
    event.key.state = SDL_RELEASED;
    event.type = SDL_KEYUP;
    m_app.push_event(event);
    settle();
    return {};
}

void HeadlessDriver::type(std::string_view text)
{
    // SDL_TEXTINPUT carries at most 31 bytes: split between UTF-8 characters, never inside one.
    while (!text.empty()) {
        size_t take = std::min<size_t>(text.size(), SDL_TEXTINPUTEVENT_TEXT_SIZE - 1);
        while (take < text.size() && (static_cast<unsigned char>(text[take]) & 0xC0) == 0x80)
            --take;
        SDL_Event event {};
        event.type = SDL_TEXTINPUT;
        text.copy(event.text.text, take);
        m_app.push_event(event);
        text.remove_prefix(take);
    }
    settle();
}

Result<void> HeadlessDriver::run_step(const ScriptStep& step)
{
    const UiTree& tree = m_app.tree();
    switch (step.kind) {
    case ScriptVerb::TapLabel: {
        std::vector<const UiNode*> targets;
        for (auto* node : tree.find_by_label(step.text)) {
            if (node->interactive() || node->role == Role::Dialog)
                targets.push_back(node);
        }
        if (targets.empty())
            return fail("nothing to tap labelled \"" + step.text + "\" on screen '" + std::string(tree.screen())
                + "'; tappable now: " + visible_labels(tree));
        if (targets.size() > 1)
            return fail("more than one element is labelled \"" + step.text + "\"; tap it by id");
        return tap(*targets.front());
    }
    case ScriptVerb::TapId: {
        auto* node = tree.find_by_id(step.text);
        if (!node)
            return fail("no element with id '" + step.text + "' on screen '" + std::string(tree.screen())
                + "'; tappable now: " + visible_labels(tree));
        return tap(*node);
    }
    case ScriptVerb::Type:
        type(step.text);
        return {};
    case ScriptVerb::Key:
        return key(step.text);
    case ScriptVerb::Wait: {
        Millis step_size(step.number <= 2000 ? 16 : 100);
        for (Millis waited(0); waited < Millis(step.number); waited += step_size)
            frame(std::min(step_size, Millis(step.number) - waited));
        return {};
    }
    case ScriptVerb::Advance:
        // One frame a second, as the live loop does for the countdown, so every timer fires on time.
        for (int second = 0; second < step.number; ++second)
            frame(Millis(1000));
        settle();
        return {};
    case ScriptVerb::ExpectScreen:
        if (screen_name(m_app.current_screen()) != step.text)
            return fail("expected screen '" + step.text + "', but the screen is '"
                + std::string(screen_name(m_app.current_screen())) + "'");
        return {};
    case ScriptVerb::ExpectText:
        if (!tree.shows_text(step.text)) {
            // What is shown instead, so a failure says what the citizen would have seen.
            std::string shown;
            for (auto& node : tree.nodes()) {
                if (!node.inert && !node.label.empty())
                    shown += (shown.empty() ? "" : ", ") + ("\"" + node.label + "\"");
            }
            return fail("expected the text \"" + step.text + "\" on screen '" + std::string(tree.screen()) + "'; shown: " + shown);
        }
        return {};
    case ScriptVerb::ExpectNoText:
        if (tree.shows_text(step.text))
            return fail("did not expect the text \"" + step.text + "\" on screen '" + std::string(tree.screen()) + "'");
        return {};
    case ScriptVerb::ExpectFocus: {
        auto& focused = m_app.focus().id();
        if (focused == step.text)
            return {};
        return fail("expected the focus on '" + step.text + "', but it is "
            + (focused.empty() ? std::string("nowhere") : "on '" + focused + "'") + " (screen '" + std::string(tree.screen()) + "')");
    }
    case ScriptVerb::ExpectFits: {
        // What a citizen sees must be whole: nothing past an edge, nothing drawn over something else, every
        // control at least the 64-pixel touch target (at 1080 pixels on the short side, as the layout scales).
        float min_target = 64.0f * layout_unit(m_app.size());
        auto problems = tree.layout_problems(min_target);
        if (problems.empty())
            return {};
        std::string message = "the screen '" + std::string(tree.screen()) + "' does not fit: " + problems.front();
        for (size_t i = 1; i < problems.size() && i < 6; ++i)
            message += "; " + problems[i];
        if (problems.size() > 6)
            message += "; and " + std::to_string(problems.size() - 6) + " more";
        return fail(message);
    }
    case ScriptVerb::Screenshot:
        m_app.render_frame(); // read back a frame drawn now, not whatever the surface held
        return m_app.screenshot(m_screenshot_dir / step.text);
    case ScriptVerb::Resize:
        if (auto resized = m_app.resize({ step.number, step.second_number }); !resized)
            return resized;
        settle();
        return {};
    case ScriptVerb::WaitSync: {
        auto* uploader = m_app.uploader();
        if (!uploader)
            return fail("'wait-sync' needs a hub: 'sync.hub_url' is not configured");
        auto before = uploader->passes();
        uploader->trigger();
        for (int waited = 0; uploader->passes() == before; waited += 10) {
            if (waited >= 30'000)
                return fail("the uploader did not finish a pass within 30 s");
            SDL_Delay(10);
        }
        settle();
        return {};
    }
    case ScriptVerb::WaitSpeech: {
        // Real time: the audio device plays (or, with SDL's disk driver, writes) at its own pace.
        auto* speech = m_app.speech();
        if (!speech)
            return fail("'wait-speech' needs the voice: " + (m_app.speech_problem().empty() ? std::string("it is off") : m_app.speech_problem()));
        for (int waited = 0; speech->speaking(); waited += 10) {
            if (waited >= 30'000)
                return fail("the voice was still speaking after 30 s");
            SDL_Delay(10);
        }
        return {};
    }
    case ScriptVerb::DumpUi: {
        std::error_code ignored; // a missing folder is reported by the write itself
        std::filesystem::create_directories(m_screenshot_dir, ignored);
        return m_app.write_ui_dump(m_screenshot_dir / step.text);
    }
    }
    return {};
}

}
