// The composition root and the frame (see app.h). [SECTION] creation, frame, live loop, output
#include "kiosk/app/app.h"

#include "kiosk/app/content_feature.h"
#include "kiosk/app/document_feature.h"
#include "kiosk/app/draw_data.h"
#include "kiosk/app/journey_feature.h"
#include "kiosk/app/live_loop.h"
#include "kiosk/app/print_feature.h"
#include "kiosk/app/session_feature.h"
#include "kiosk/app/staff_desk.h"
#include "kiosk/app/sync_feature.h"
#include "kiosk/app/voice_feature.h"
#include "screens/frame_context.h"

#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <algorithm>

namespace guichet::app {

// [SECTION] creation

App::App(const AppSetup& setup, const Clock& clock)
    : m_setup(setup)
    , m_clock(clock)
    , m_ui_dump(setup.dump_ui)
    , m_queue([] { // one wake-up path for every worker: a frame is rendered
        SDL_Event event {};
        event.type = SDL_USEREVENT;
        SDL_PushEvent(&event);
    })
{
}

App::~App() = default;
App::Features::~Features() = default;

Result<std::unique_ptr<App>> App::create(const AppSetup& setup, const Clock& clock)
{
    std::unique_ptr<App> app(new App(setup, clock));
    auto& config = app->m_setup.config;
    Size size = setup.windowed.value_or(Size { config.display.width, config.display.height });
    auto display = setup.mode == Mode::Headless
        ? Display::open_headless(size)
        : Display::open_window({ .size = size,
              .fullscreen = setup.windowed || !config.display.fullscreen ? Fullscreen::No : Fullscreen::Yes,
              .hide_cursor = config.display.hide_cursor,
              .renderer = config.display.renderer == "software" ? RendererChoice::Software : RendererChoice::Automatic });
    if (!display)
        return std::unexpected(display.error());
    app->m_display = std::move(*display);
    auto gui = Gui::create(config.ui, app->m_display->renderer());
    if (!gui)
        return std::unexpected(gui.error());
    app->m_gui = std::move(*gui);
    if (auto features = app->create_features(); !features)
        return std::unexpected(features.error());
    if (auto keys = app->m_input.map_keys(config.keys); !keys)
        return std::unexpected(keys.error());
    return app;
}

// Each feature is created here, with what it needs of the others; a new feature is one more line.
Result<void> App::create_features()
{
    auto& config = m_setup.config;
    auto& f = m_features;
    auto sync = SyncFeature::create(config, m_queue);
    if (!sync)
        return std::unexpected(sync.error());
    f.sync = std::move(*sync);
    auto content = ContentFeature::create(config, f.sync->token(), m_queue);
    if (!content)
        return std::unexpected(content.error());
    f.content = std::move(*content);
    f.sync->start_heartbeat(f.content->version_text());
    f.content->on_loaded([sync = f.sync.get()](const std::string& version) { sync->set_pack_version(version); });
    f.session = std::make_unique<SessionFeature>(config, m_clock, *this);
    f.voice = std::make_unique<VoiceFeature>(config.speech, *f.session);
    f.print = std::make_unique<PrintFeature>(config, m_queue, *f.content, *f.session,
        [this]() -> const Journey* { return m_features.journey ? m_features.journey->journey() : nullptr; }, *f.sync);
    f.staff = std::make_unique<StaffDesk>(config, m_clock, m_queue, StaffLinks { *f.sync, *f.content, *f.voice, *f.print, *this });
    f.journey = std::make_unique<JourneyFeature>(config, *f.content, *f.session, *f.sync, *f.staff);
    f.document = std::make_unique<DocumentFeature>(devices::scanner_settings(config.scanner), m_queue, *f.journey,
        [this] { return m_display->renderer(); });
    f.all = { f.content.get(), f.sync.get(), f.staff.get(), f.journey.get(), f.document.get(), f.print.get(), f.voice.get(), f.session.get() };
    auto owners = intent_owners(f.all);
    if (!owners)
        return std::unexpected(owners.error());
    f.owners = *owners;
    return {};
}

// [SECTION] frame

void App::render_frame()
{
    auto& f = m_features;
    m_queue.run_pending(); // what the workers finished
    auto input = m_input.apply(ImGui::GetIO());
    m_exit.quit = m_exit.quit || input.quit;
    bool staff_open = f.staff->active();
    bool on_welcome = f.journey->current() == ScreenId::Welcome;
    FrameEvents events { .user_input = input.user_input, .touched = input.touched, .staff_keys = input.staff_keys,
        .staff_open = staff_open, .on_welcome = on_welcome, .citizen_idle = on_welcome && !f.journey->in_journey() && !staff_open };
    for (auto* feature : f.all)
        feature->update(events);
    if (input.touched || f.staff->active() != staff_open)
        m_navigation.focus().clear(); // a touch user sees no focus ring; the staff desk starts with none
    std::vector<Intent> intents;
    auto keys = m_navigation.handle(input.keys, m_tree);
    if (keys.help)
        f.voice->repeat();
    // During the "are you still there?" warning, any key already answered it.
    if (keys.back && !f.session->warning() && !f.staff->active() && !f.journey->close_overlay())
        intents.push_back(intent::Back {});
    m_navigation.pointer(input.pointer_down, input.pointer_up, m_tree);
    m_gui.ensure_fonts(layout_unit(size()) * text_scale(f.session->session().preferences().text_size));
    draw_frame(intents);

    for (auto& intent : intents)
        f.owners[intent.index()]->handle(intent);
    bool staff_acted = f.staff->apply_pending();
    auto key = screen_key();
    m_navigation.frame_done(key);
    // This frame's tree shows the state before its intents: when they changed something, the voice
    // and the focus wait for the next frame, which shows what the citizen now sees.
    if (intents.empty() && !staff_acted) {
        m_navigation.focus().follow(m_tree);
        if (!f.staff->active()) // staff screens are not read aloud to the citizen standing by
            f.voice->after_frame(m_tree, f.content->strings(), m_navigation.focus(), key);
    }
    m_ui_dump.update(m_tree);
}

void App::draw_frame(std::vector<Intent>& intents)
{
    auto& f = m_features;
    ImGuiIO& io = ImGui::GetIO();
    auto [width, height] = size();
    float delta = m_gui.frame_delta(m_clock.now());
    auto& prefs = f.session->session().preferences();
    const Theme& theme = f.content->theme(prefs.high_contrast);
    // A second pass lays out content whose height changed (a new screen, language or text size), so
    // what is shown is never the first, uncentred guess.
    for (int pass = 0; pass < 2; ++pass) {
        io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
        io.DeltaTime = pass == 0 && delta > 0 ? delta : 1e-4f;
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui::NewFrame();
        m_tree.begin_frame(screen_name(current_screen()));
        m_tree.set_viewport(static_cast<float>(width), static_cast<float>(height));
        screens::Ui ui { m_tree, theme, m_gui.fonts(), layout_unit(size()), text_scale(prefs.text_size) };
        ui.focus_id = m_navigation.focus().id();
        if (pass == 0) { // an activation acts once, not again in the layout pass
            ui.activate_id = m_navigation.activate_id();
            ui.tap_id = m_navigation.tap_id();
            ui.help_requested = m_navigation.help_requested();
        }
        screens::FrameContext context { ui, f.content->strings(), f.session->session(), m_setup.config.kiosk, intents };
        for (auto* feature : f.all)
            feature->prepare(context);
        bool changed = false;
        if (f.staff->active())
            changed = f.staff->draw(context); // instead of the citizen's screen, which waits
        else
            for (auto* feature : f.all)
                changed = feature->draw(context) || changed;
        ImGui::Render();
        if (!changed || !intents.empty())
            break;
    }
    auto background = theme["background"];
    SDL_SetRenderDrawColor(m_display->renderer(), background.r, background.g, background.b, 255);
    SDL_RenderClear(m_display->renderer());
    render_draw_data(m_display->renderer(), ImGui::GetDrawData());
}

// What is on the screen, for the voice and the focus: the screen, the step, a dialog, the language.
std::string App::screen_key() const
{
    std::string key;
    if (m_features.staff->active())
        m_features.staff->describe(key);
    else
        for (auto* feature : m_features.all)
            feature->describe(key);
    return key + "/" + m_features.session->session().preferences().language;
}

void App::end_session()
{
    m_navigation.focus().clear();
    for (auto* feature : m_features.all)
        feature->session_ended();
}

Result<sync::Receipt> App::submit(sync::NewSubmission& submission) { return m_features.sync->submit(submission); }
ScreenId App::current_screen() const
{
    auto& f = m_features;
    return f.staff->active() ? f.staff->screen_id() : f.journey->current();
}
bool App::busy() const
{
    return std::any_of(m_features.all.begin(), m_features.all.end(), [](const Feature* feature) { return feature->busy(); });
}
const Session& App::session() const { return m_features.session->session(); }
const Catalog& App::catalog() const { return m_features.content->catalog(); }
accessibility::Speech* App::speech() const { return m_features.voice->speech(); }
std::string App::speech_problem() const { return m_features.voice->speech() ? std::string() : m_features.voice->problem(); }
sync::Outbox* App::outbox() const { return m_features.sync->outbox(); }
sync::Uploader* App::uploader() const { return m_features.sync->uploader(); }

// [SECTION] live loop

std::optional<Millis> App::time_to_next_timer() const
{
    std::optional<Millis> next;
    for (auto* feature : m_features.all)
        if (auto due = feature->next_timer(); due && (!next || *due < *next))
            next = due;
    return next;
}

int App::run()
{
    LiveLoop loop(*m_display, m_input, m_clock);
    loop.run({ .frame = [this] { render_frame(); present(); }, .next_timer = [this] { return time_to_next_timer(); },
        .quit = [this] { return quit_requested(); } });
    return m_exit.code;
}

// [SECTION] output

Result<void> App::resize(Size size)
{
    m_gui.detach_renderer();
    auto resized = m_display->resize(size);
    m_gui.attach_renderer(m_display->renderer());
    return resized;
}

Result<void> App::screenshot(const std::filesystem::path& path)
{
    auto pixels = m_display->read_pixels();
    if (!pixels)
        return std::unexpected(pixels.error());
    return write_png(path, m_display->size(), *pixels);
}

Result<void> App::write_ui_dump(const std::filesystem::path& path) const { return UiDumpFile::write(path, m_tree); }

}
