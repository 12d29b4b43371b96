// [SECTION] creation  [SECTION] frame  [SECTION] intents  [SECTION] live loop  [SECTION] output
#include "kiosk/app/app.h"

#include "kiosk/app/draw_data.h"
#include "screens/catalog_screen.h"
#include "screens/intro_screen.h"
#include "screens/receipt_screen.h"
#include "screens/review_screen.h"
#include "screens/step_screen.h"
#include "screens/voice_dialog.h"
#include "screens/welcome_screen.h"

#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <utility>

namespace guichet::app {

// [SECTION] creation

namespace {

SpeechPace pace_from_config(const std::string& rate)
{
    return rate == "slow" ? SpeechPace::Slow : rate == "fast" ? SpeechPace::Fast : SpeechPace::Normal;
}

Preferences kiosk_defaults(const Config& config)
{
    return { .language = config.kiosk.default_language, .voice = config.speech.enabled,
        .pace = pace_from_config(config.speech.rate), .volume = config.speech.volume };
}

// A pack is switched on only if the App could start from it: its strings and configured themes load.
std::function<Result<void>(const std::filesystem::path&)> assets_check(const Config& config)
{
    return [languages = config.kiosk.languages, theme = config.ui.theme, contrast = config.ui.high_contrast_theme](
               const std::filesystem::path& assets) -> Result<void> {
        if (auto strings = Strings::load(assets / "strings", languages); !strings)
            return std::unexpected(strings.error());
        for (auto& name : { theme, contrast })
            if (auto loaded = Theme::load(assets / "themes" / (name + ".json")); !loaded)
                return std::unexpected(loaded.error());
        return {};
    };
}

}

Result<App::Assets> App::load_assets(const Config& config, const std::filesystem::path& assets)
{
    Assets loaded;
    auto strings = Strings::load(assets / "strings", config.kiosk.languages);
    if (!strings)
        return std::unexpected(strings.error());
    loaded.strings = std::move(*strings);
    auto theme = Theme::load(assets / "themes" / (config.ui.theme + ".json"));
    if (!theme)
        return std::unexpected(theme.error());
    loaded.theme = std::move(*theme);
    auto high_contrast = Theme::load(assets / "themes" / (config.ui.high_contrast_theme + ".json"));
    if (!high_contrast)
        return std::unexpected(high_contrast.error());
    loaded.high_contrast = std::move(*high_contrast);
    // A procedure file with a problem is left out, and says why; the others stay available. Texts a
    // file lacks in the session's language fall back to French, so only French is required here.
    loaded.catalog = load_catalog(assets / "procedures", { .languages = { std::string(base_language) } });
    for (auto& problem : loaded.catalog.problems)
        std::fprintf(stderr, "guichet: procedure skipped: %s\n", to_string(problem).c_str());
    return loaded;
}

void App::use_assets(Assets assets)
{
    m_strings = std::move(assets.strings);
    m_theme = std::move(assets.theme);
    m_high_contrast = std::move(assets.high_contrast);
    m_catalog = std::move(assets.catalog);
}

// A pack switched on while a citizen was in a procedure is loaded only once they are done: the
// journey keeps its own procedure, and the screens their words, until the welcome screen.
void App::reload_assets_when_idle()
{
    if (m_content && m_content->take_change())
        m_assets_stale = true;
    if (!m_assets_stale || m_router.current() != ScreenId::Welcome || m_router.journey() || m_staff->active())
        return;
    m_assets_stale = false;
    auto assets = load_assets(m_setup.config, m_content->assets_dir());
    if (!assets) { // checked before the switch, so only a disk fault gets here: keep what runs
        std::fprintf(stderr, "guichet: the new content could not be loaded, keeping the current one: %s\n",
            assets.error().message.c_str());
        return;
    }
    use_assets(std::move(*assets));
    if (m_heartbeat)
        m_heartbeat->set_pack_version(m_content->version_text());
    std::fprintf(stderr, "guichet: content pack %s is in use\n", m_content->version_text().c_str());
}

App::App(const AppSetup& setup, const Clock& clock)
    : m_setup(setup)
    , m_clock(clock)
    , m_session(setup.config.session, clock, kiosk_defaults(setup.config))
{
}

Result<std::unique_ptr<App>> App::create(const AppSetup& setup, const Clock& clock)
{
    std::unique_ptr<App> app(new App(setup, clock));
    auto& config = app->m_setup.config;
    // Empty when there is no hub or the file cannot be read; open_sync() then says why.
    if (!config.sync.hub_url.empty())
        app->m_token = read_kiosk_token(config.sync).value_or("");
    // A verified content pack, when one is active, replaces the built-in assets.
    app->m_content = ContentUpdates::open(config, app->m_token, assets_check(config), app->m_content_problem);
    auto assets = load_assets(config, app->m_content ? app->m_content->assets_dir() : std::filesystem::path(config.ui.assets_dir));
    if (!assets)
        return std::unexpected(assets.error());
    app->use_assets(std::move(*assets));
    auto fonts = screens::FontLibrary::load(config.ui);
    if (!fonts)
        return std::unexpected(fonts.error());
    app->m_font_library = std::move(*fonts);

    Size size { config.display.width, config.display.height };
    if (setup.windowed)
        size = *setup.windowed;
    auto display = setup.mode == Mode::Headless
        ? Display::open_headless(size)
        : Display::open_window({ .size = size,
              .fullscreen = setup.windowed || !config.display.fullscreen ? Fullscreen::No : Fullscreen::Yes,
              .hide_cursor = config.display.hide_cursor,
              .renderer = config.display.renderer == "software" ? RendererChoice::Software : RendererChoice::Automatic });
    if (!display)
        return std::unexpected(display.error());
    app->m_display = std::move(*display);

    app->m_imgui = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // a kiosk keeps no window layout between runs
    io.LogFilename = nullptr;
    Input::configure(io);
    ImGui::GetStyle().WindowBorderSize = 0;
    ImGui_ImplSDLRenderer_Init(app->m_display->renderer());

    if (auto synced = app->open_sync(); !synced)
        return std::unexpected(synced.error());

    // The EZ-Access keys of a kiosk keypad, if the configuration names them.
    auto& keys = config.keys;
    const std::pair<const std::string*, Input::NavKey> mapped[] = { { &keys.up, Input::NavKey::Previous },
        { &keys.down, Input::NavKey::Next }, { &keys.enter, Input::NavKey::Activate }, { &keys.back, Input::NavKey::Back },
        { &keys.help, Input::NavKey::Help } };
    const char* names[] = { "up", "down", "enter", "back", "help" };
    for (size_t i = 0; i < std::size(mapped); ++i) {
        if (mapped[i].first->empty())
            continue;
        SDL_Keycode key = SDL_GetKeyFromName(mapped[i].first->c_str());
        if (key == SDLK_UNKNOWN)
            return fail("'keys." + std::string(names[i]) + "': \"" + *mapped[i].first
                + "\" is not an SDL key name (e.g. \"Keypad 8\", \"F13\", \"Page Down\")");
        app->m_input.map_key(key, mapped[i].second);
    }

    app->m_router.set_catalog(&app->m_catalog);

    app->m_screens.push_back(std::make_unique<screens::WelcomeScreen>());
    app->m_screens.push_back(std::make_unique<screens::CatalogScreen>());
    app->m_screens.push_back(std::make_unique<screens::IntroScreen>());
    app->m_screens.push_back(std::make_unique<screens::StepScreen>());
    app->m_screens.push_back(std::make_unique<screens::ReviewScreen>());
    app->m_screens.push_back(std::make_unique<screens::ReceiptScreen>());
    app->m_staff = std::make_unique<StaffDesk>(app->m_setup.config, app->m_strings, clock);
    app->connect_staff_desk();
    if (app->m_content)
        app->m_content->start([] { // a new pack: a frame, so the welcome screen can load it
            SDL_Event event {};
            event.type = SDL_USEREVENT;
            SDL_PushEvent(&event);
        });
    app->m_last_frame = clock.now();
    return app;
}

Result<void> App::open_sync()
{
    auto& sync = m_setup.config.sync;
    if (sync.submission_public_key.empty())
        return {}; // this kiosk takes no submissions
    auto key = sync::parse_public_key(sync.submission_public_key);
    if (!key)
        return fail("'sync.submission_public_key': " + key.error().message);
    auto outbox = sync::Outbox::open({ m_setup.config.storage.outbox, m_setup.config.kiosk.id, *key,
        static_cast<int64_t>(sync.retention_days) * 24 * 3600 });
    if (!outbox)
        return std::unexpected(outbox.error());
    m_outbox = std::move(*outbox);
    if (sync.hub_url.empty()) { // queued until a hub is configured: say so
        m_sync_status.link = LinkState::Offline;
        m_sync_status.queued = m_outbox->counts().value_or(sync::OutboxCounts {}).queued;
        return {};
    }
    if (m_token.empty()) { // read at start-up; read again only to say why
        auto read = read_kiosk_token(sync);
        return fail(read ? "the kiosk token is empty" : read.error().message);
    }
    const std::string& token = m_token;
    m_uploader = std::make_unique<sync::Uploader>(*m_outbox,
        sync::UploaderSettings { .link = { .hub_url = sync.hub_url, .token = token, .ca_file = sync.ca_file },
            .batch_max_items = static_cast<size_t>(sync.batch_max_items),
            .batch_max_bytes = static_cast<size_t>(sync.batch_max_kib) * 1024 });
    // The worker only wakes the main loop; the frame reads the status snapshot itself.
    m_uploader->start([] {
        SDL_Event event {};
        event.type = SDL_USEREVENT;
        SDL_PushEvent(&event);
    });
    // The heartbeat has its own connection and thread: a slow one never delays a submission.
    m_heartbeat = std::make_unique<sync::HeartbeatSender>(*m_outbox,
        sync::LinkSettings { .hub_url = sync.hub_url, .token = token, .ca_file = sync.ca_file }, sync.heartbeat_interval_s,
        [] { return static_cast<int64_t>(std::time(nullptr)); },
        [uploader = m_uploader.get()] { return uploader->status().last_error; });
    if (m_content)
        m_heartbeat->set_pack_version(m_content->version_text());
    m_heartbeat->start();
    return {};
}

Result<sync::Receipt> App::submit(sync::NewSubmission& submission)
{
    if (!m_outbox) {
        sodium_memzero(submission.answers_json.data(), submission.answers_json.size());
        submission.answers_json.clear();
        return fail("this kiosk takes no submissions: 'sync.submission_public_key' is not configured");
    }
    auto receipt = m_outbox->enqueue(submission, static_cast<int64_t>(std::time(nullptr)));
    if (!receipt)
        return receipt;
    if (m_uploader)
        m_uploader->trigger();
    else
        m_sync_status.queued = m_outbox->counts().value_or(sync::OutboxCounts {}).queued;
    return receipt;
}

App::~App()
{
    if (m_imgui) {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui::DestroyContext(m_imgui);
    }
}

const screens::Screen& App::screen(ScreenId id) const
{
    auto found = std::find_if(m_screens.begin(), m_screens.end(), [id](auto& screen) { return screen->id() == id; });
    return **found; // every ScreenId has its screen, created in create()
}

screens::Screen& App::screen(ScreenId id) { return const_cast<screens::Screen&>(std::as_const(*this).screen(id)); }

// [SECTION] frame

float App::layout_unit() const
{
    auto [width, height] = m_display->size();
    return static_cast<float>(std::min(width, height)) / 1080.0f; // the design is drawn for a 1080 px short side
}

void App::ensure_fonts()
{
    float scale = layout_unit() * text_scale(m_session.preferences().text_size);
    if (scale == m_font_scale)
        return;
    ImGuiIO& io = ImGui::GetIO();
    ImGui_ImplSDLRenderer_DestroyFontsTexture();
    m_fonts = m_font_library.build(*io.Fonts, scale);
    ImGui_ImplSDLRenderer_CreateFontsTexture();
    io.Fonts->ClearTexData(); // the renderer holds the texture; the CPU copy would only cost memory
    m_font_scale = scale;
}

void App::render_frame()
{
    reload_assets_when_idle();
    ImGuiIO& io = ImGui::GetIO();
    auto input = m_input.apply(io);
    m_quit = m_quit || input.quit;
    if (!m_staff->active() && (input.staff_keys || staff_entry_held(io))) {
        m_staff->open();
        m_voice.touched(); // the citizen's guidance stops while staff work
        m_focus.clear();
    }
    if (m_staff->active()) {
        // The citizen's session waits, untouched, for the staff to hand the kiosk back.
        m_session.on_input();
        if (input.user_input)
            m_staff->on_input();
        m_staff->update();
        if (!m_staff->active())
            m_focus.clear();
    } else if (input.user_input) {
        m_session.on_input();
    }
    if (input.touched) {
        m_voice.touched();
        m_focus.clear(); // a touch user sees no focus ring
    }
    std::vector<Intent> intents;
    std::vector<StaffIntent> staff_intents;
    handle_keys(input.keys, intents);
    if (m_session.update() == Session::Event::Expired)
        end_session();
    ensure_fonts();
    if (m_uploader)
        m_sync_status = m_uploader->status();

    auto [width, height] = m_display->size();
    auto now = m_clock.now();
    float delta = std::chrono::duration<float>(now - m_last_frame).count();
    m_last_frame = now;
    float unit = layout_unit();
    const Theme& theme = m_session.preferences().high_contrast ? m_high_contrast : m_theme;

    // What the staff screens show is gathered once a frame (it reads the outbox and the pack folder).
    const screens::StaffView* staff_view = m_staff->active()
        ? &m_staff->view(m_router.current() != ScreenId::Welcome, m_outbox ? &m_sync_status : nullptr)
        : nullptr;

    // A second pass lays out content whose height changed (a new screen, language or text size), so
    // what is shown is never the first, uncentred guess.
    for (int pass = 0; pass < 2; ++pass) {
        io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
        io.DeltaTime = pass == 0 && delta > 0 ? delta : 1e-4f;
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui::NewFrame();
        m_tree.begin_frame(screen_name(current_screen()));
        m_tree.set_viewport(static_cast<float>(width), static_cast<float>(height));
        screens::Ui ui { m_tree, theme, m_fonts, unit, text_scale(m_session.preferences().text_size) };
        ui.focus_id = m_focus.id();
        if (pass == 0) { // an activation acts once, not again in the layout pass
            ui.activate_id = m_activate;
            ui.help_requested = m_help_key;
        }
        screens::FrameContext context { ui, m_strings, m_session, m_setup.config.kiosk, intents,
            m_outbox ? &m_sync_status : nullptr, &m_catalog, m_router.journey(), m_postcodes ? &*m_postcodes : nullptr };
        // The test pattern needs the whole display; everywhere else training says so across the top.
        context.training = m_staff->training() && current_screen() != ScreenId::TestPattern;
        if (staff_view) {
            context.staff = staff_view;
            context.staff_intents = &staff_intents;
            bool changed = m_staff->screen().draw(context);
            ImGui::Render();
            if (!changed || !staff_intents.empty())
                break;
            continue;
        }
        bool changed = screen(m_router.current()).draw(context);
        if (m_voice_settings && m_router.current() == ScreenId::Welcome)
            changed = m_voice_dialog.draw(context) || changed;
        if (m_session.phase() == SessionPhase::Warning)
            changed = m_inactivity.draw(context) || changed;
        ImGui::Render();
        if (!changed || !intents.empty())
            break;
    }
    auto background = theme["background"];
    SDL_SetRenderDrawColor(m_display->renderer(), background.r, background.g, background.b, 255);
    SDL_RenderClear(m_display->renderer());
    render_draw_data(m_display->renderer(), ImGui::GetDrawData());

    m_activate.clear();
    m_help_key = false;
    for (auto& intent : intents)
        apply(intent);
    for (auto& intent : staff_intents)
        m_staff->apply(intent);
    // A new screen or step starts with no focus: the first key press lands at its top, as its
    // reading starts there too.
    auto key = screen_key();
    if (key != m_screen_key) {
        m_focus.clear();
        m_screen_key = key;
    }
    // Not in the first frame: that one is shown (and READY sent) before the voice costs anything.
    if (++m_frames > 1)
        start_speech();
    // This frame's tree shows the state before its intents: when they changed something, the voice
    // and the focus wait for the next frame, which shows what the citizen now sees.
    if (intents.empty() && staff_intents.empty()) {
        m_focus.follow(m_tree);
        if (!m_staff->active()) // staff screens are not read aloud to the citizen standing by
            m_voice.after_frame(m_tree, m_strings, m_session.preferences(), m_focus, key);
    }
    dump_ui_if_changed();
}

void App::handle_keys(const std::vector<Input::NavKey>& keys, std::vector<Intent>& intents)
{
    for (auto key : keys) {
        switch (key) {
        case Input::NavKey::Next:
            m_focus.move(m_tree, FocusMove::Next);
            break;
        case Input::NavKey::Previous:
            m_focus.move(m_tree, FocusMove::Previous);
            break;
        case Input::NavKey::Up:
            m_focus.move(m_tree, FocusMove::Up);
            break;
        case Input::NavKey::Down:
            m_focus.move(m_tree, FocusMove::Down);
            break;
        case Input::NavKey::Left:
            m_focus.move(m_tree, FocusMove::Left);
            break;
        case Input::NavKey::Right:
            m_focus.move(m_tree, FocusMove::Right);
            break;
        case Input::NavKey::Activate:
            if (m_focus.focused(m_tree))
                m_activate = m_focus.id();
            else
                m_focus.move(m_tree, FocusMove::Next); // Enter with no focus: start where the focus starts
            break;
        case Input::NavKey::Back:
            // During the "are you still there?" warning, any key already answered it.
            if (m_session.phase() != SessionPhase::Warning && !m_staff->active() && !screen(m_router.current()).close_overlay())
                intents.push_back(intent::Back {});
            break;
        case Input::NavKey::Help:
            m_help_key = true;
            m_voice.repeat();
            break;
        }
    }
}

std::string App::screen_key() const
{
    if (m_staff->active())
        return "staff/" + std::string(screen_name(m_staff->screen_id()));
    std::string key(screen_name(m_router.current()));
    if (auto* journey = m_router.journey(); journey && journey->stage() == JourneyStage::Step)
        key += "/" + journey->step().id;
    if (m_voice_settings && m_router.current() == ScreenId::Welcome)
        key += "/voice";
    if (auto overlay = screen(m_router.current()).overlay(); !overlay.empty())
        key += "/" + std::string(overlay);
    if (m_session.phase() == SessionPhase::Warning)
        key += "/warning";
    return key + "/" + m_session.preferences().language;
}

void App::start_speech()
{
    if (m_speech_tried || !m_setup.config.speech.enabled)
        return;
    m_speech_tried = true;
    auto& config = m_setup.config.speech;
    auto speech = accessibility::Speech::create({ .espeak_data = config.espeak_data, .audio_device = config.audio_device,
        .recordings_dir = config.recordings_dir });
    if (!speech) {
        // The kiosk works without a voice; the reason is kept for the technician.
        m_speech_problem = speech.error().message;
        std::fprintf(stderr, "guichet: no voice guidance: %s\n", m_speech_problem.c_str());
        return;
    }
    m_speech = std::move(*speech);
    m_voice.attach(m_speech.get());
    m_voice.repeat(); // the screen already shown is read now
}

void App::present() { m_display->present(); }

// [SECTION] intents

namespace {

Date today_local()
{
    std::time_t now = std::time(nullptr);
    std::tm local {};
    localtime_r(&now, &local);
    return { local.tm_year + 1900, local.tm_mon + 1, local.tm_mday };
}

}

void App::apply(Intent& intent)
{
    if (auto* start = std::get_if<intent::StartProcedure>(&intent)) {
        if (auto procedure = m_catalog.find(start->id))
            ensure_postcodes(*procedure);
    }
    m_router.check_context().today = today_local();
    m_router.apply(intent);
    std::visit(
        [this](auto& wanted) {
            using T = std::decay_t<decltype(wanted)>;
            auto& prefs = m_session.preferences();
            if constexpr (std::is_same_v<T, intent::EndSession>) {
                end_session();
            } else if constexpr (std::is_same_v<T, intent::ExtendSession>) {
                m_session.extend();
            } else if constexpr (std::is_same_v<T, intent::SetLanguage>) {
                auto& languages = m_setup.config.kiosk.languages;
                if (std::find(languages.begin(), languages.end(), wanted.code) != languages.end())
                    prefs.language = wanted.code;
            } else if constexpr (std::is_same_v<T, intent::CycleTextSize>) {
                prefs.text_size = next_text_size(prefs.text_size);
            } else if constexpr (std::is_same_v<T, intent::ToggleContrast>) {
                prefs.high_contrast = !prefs.high_contrast;
            } else if constexpr (std::is_same_v<T, intent::Submit>) {
                submit_journey();
            } else if constexpr (std::is_same_v<T, intent::Rate>) {
                record_rating(wanted.score);
            } else if constexpr (std::is_same_v<T, intent::ToggleVoice>) {
                prefs.voice = !prefs.voice;
                m_voice.repeat(); // turned on: say where we are; turned off: silence
            } else if constexpr (std::is_same_v<T, intent::OpenVoiceSettings>) {
                m_voice_settings = true;
            } else if constexpr (std::is_same_v<T, intent::CloseVoiceSettings>) {
                m_voice_settings = false;
            } else if constexpr (std::is_same_v<T, intent::SetPace>) {
                prefs.pace = wanted.pace;
                m_voice.repeat(); // hear the new pace at once
            } else if constexpr (std::is_same_v<T, intent::SetVolume>) {
                prefs.volume = std::clamp(wanted.volume, 10, 100);
                m_voice.repeat();
            } else if constexpr (std::is_same_v<T, intent::ListenAgain>) {
                m_voice.repeat();
            }
        },
        intent);
}

void App::submit_journey()
{
    auto* journey = m_router.journey();
    if (!journey || journey->stage() != JourneyStage::Review)
        return;
    if (m_staff->training()) {
        // Training: the journey ends as a real one would, and nothing is stored or sent.
        journey->submitted("000-000-000"); // a receipt's shape, and plainly not a real one
        return;
    }
    nlohmann::json body { { "language", m_session.preferences().language }, { "answers", journey->answers() } };
    sync::NewSubmission submission { .procedure = journey->procedure().id, .version = journey->procedure().version,
        .assisted = m_staff->assisted(), .answers_json = body.dump() };
    wipe_json(body);
    auto receipt = submit(submission);
    if (!receipt) {
        // Nothing is lost: the answers stay in the journey and the review says what happened.
        std::fprintf(stderr, "guichet: a submission could not be stored: %s\n", receipt.error().message.c_str());
        journey->submit_failed(receipt.error().message);
        return;
    }
    journey->submitted(receipt->code);
}

void App::record_rating(int score)
{
    auto* journey = m_router.journey();
    if (!journey || !m_outbox || m_staff->training()) // a trainee's opinion is not a citizen's
        return;
    char day[40];
    auto today = today_local();
    std::snprintf(day, sizeof day, "%04d-%02d-%02d", today.year, today.month, today.day);
    if (auto recorded = m_outbox->record_rating(journey->procedure().id, score, day); !recorded)
        std::fprintf(stderr, "guichet: a rating could not be stored: %s\n", recorded.error().message.c_str());
}

void App::ensure_postcodes(const Procedure& procedure)
{
    bool needed = std::any_of(procedure.steps.begin(), procedure.steps.end(), [](const Step& step) {
        return step.field.rules.type == FieldType::Address || step.field.rules.preset == TextPreset::Postcode;
    });
    if (!needed || m_postcodes_tried)
        return;
    m_postcodes_tried = true;
    auto table = PostcodeTable::load(std::filesystem::path(m_setup.config.ui.assets_dir) / "data" / "postcodes.tsv");
    if (!table) {
        // Addresses still work: any well-formed postcode is accepted and the commune is not offered.
        std::fprintf(stderr, "guichet: no postcode table: %s\n", table.error().message.c_str());
        return;
    }
    m_postcodes = std::move(*table);
    m_router.check_context().postcode_exists = [this](std::string_view postcode) { return m_postcodes->contains(postcode); };
}

void App::end_session()
{
    m_voice_settings = false;
    m_voice.reset();
    m_focus.clear();
    m_session.end();
    m_router.reset();
    m_staff->citizen_session_ended();
    for (auto& screen : m_screens)
        screen->reset();
}

// [SECTION] live loop

std::optional<Millis> App::time_to_next_timer() const
{
    std::optional<Millis> next;
    if (auto deadline = m_session.next_deadline())
        next = std::max(Millis(0), *deadline - m_clock.now());
    if (auto staff = m_staff->time_to_next_timer(); staff && (!next || *staff < *next))
        next = staff;
    if (m_corner_pressed) {
        auto held = m_corner_pressed->count() + m_setup.config.staff.long_press_s * 1000 - m_clock.now().count();
        if (!next || Millis(held) < *next)
            next = std::max(Millis(0), Millis(held));
    }
    return next;
}

int App::run()
{
    auto [width, height] = m_display->size();
    std::fprintf(stderr, "guichet: %s %dx%d, renderer %s\n",
        m_display->kind() == DisplayKind::Window ? "window" : "headless", width, height, m_display->renderer_name());
    int frames_due = 2;
    bool announced_ready = false;
    SDL_Event event;
    while (!m_quit) {
        if (frames_due == 0 && !m_input.pending())
            wait_for_input_or_timer();
        while (SDL_PollEvent(&event))
            m_input.push(event);
        // After input a few frames let press and hover states settle; a timer needs one frame.
        frames_due = m_input.pending() ? std::max(frames_due, 3) : std::max(frames_due, 1);
        render_frame();
        present();
        if (!announced_ready) {
            m_watchdog.ready(); // the first interactive frame is on screen
            announced_ready = true;
        }
        m_watchdog.ping_if_due(); // a frozen loop stops pinging, and systemd restarts the kiosk
        --frames_due;
    }
    return m_exit_code;
}

void App::wait_for_input_or_timer()
{
    auto timeout = time_to_next_timer();
    if (auto ping = m_watchdog.time_to_next_ping(); ping && (!timeout || *ping < *timeout))
        timeout = ping;
    if (m_display->kind() == DisplayKind::Window) {
        // Sleeps in the video driver until input arrives: an idle kiosk uses no CPU.
        SDL_Event event;
        if (SDL_WaitEventTimeout(&event, timeout ? static_cast<int>(timeout->count()) + 1 : -1))
            m_input.push(event);
        return;
    }
    // Headless has no input device, and SDL's own wait would poll every millisecond: sleep in long
    // slices until the timer is due or a quit request (SIGINT, SIGTERM) arrives.
    auto until = timeout ? m_clock.now() + *timeout : Millis::max();
    while (m_clock.now() < until) {
        SDL_PumpEvents();
        if (SDL_PeepEvents(nullptr, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0)
            return;
        auto left = until - m_clock.now();
        SDL_Delay(static_cast<Uint32>(std::clamp<int64_t>(left.count(), 1, 250)));
    }
}

// [SECTION] output

Result<void> App::resize(Size size)
{
    ImGui_ImplSDLRenderer_Shutdown();
    auto resized = m_display->resize(size);
    ImGui_ImplSDLRenderer_Init(m_display->renderer());
    m_font_scale = 0; // the font texture lived in the old renderer
    return resized;
}

Result<void> App::screenshot(const std::filesystem::path& path)
{
    auto pixels = m_display->read_pixels();
    if (!pixels)
        return std::unexpected(pixels.error());
    return write_png(path, m_display->size(), *pixels);
}

Result<void> App::write_ui_dump(const std::filesystem::path& path) const
{
    std::ofstream out(path);
    out << m_tree.to_json().dump(2) << '\n';
    if (!out)
        return fail("cannot write the UI dump '" + path.string() + "'");
    return {};
}

void App::dump_ui_if_changed()
{
    if (m_setup.dump_ui.empty())
        return;
    auto text = m_tree.to_json().dump(2);
    if (text == m_last_dump)
        return;
    m_last_dump = std::move(text);
    std::ofstream(m_setup.dump_ui) << m_last_dump << '\n';
}

}
