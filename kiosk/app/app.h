// The composition root: creates every service and screen, runs the frame, routes intents. The live
// loop and the headless driver both drive it through the same entry points.
#pragma once
#include "accessibility/theme.h"
#include "kiosk/app/content_updates.h"
#include "kiosk/app/display.h"
#include "kiosk/app/input.h"
#include "kiosk/app/staff_desk.h"
#include "kiosk/app/voice_guide.h"
#include "kiosk/app/watchdog.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/focus.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/postcodes.h"
#include "kiosk/core/procedure.h"
#include "kiosk/core/router.h"
#include "kiosk/core/session.h"
#include "kiosk/core/ui_tree.h"
#include "screens/fonts.h"
#include "screens/inactivity_dialog.h"
#include "screens/voice_dialog.h"
#include "screens/screen.h"
#include "sync/heartbeat.h"
#include "sync/outbox.h"
#include "sync/uploader.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct ImGuiContext;
struct ImGuiIO;

namespace guichet::app {

enum class Mode {
    Window,
    Headless,
};

struct AppSetup {
    Config config;
    Mode mode = Mode::Window;
    std::optional<Size> windowed; // --windowed WxH: a window of that size instead of full screen
    std::filesystem::path dump_ui; // --dump-ui FILE: rewritten whenever the semantic tree changes
};

class App {
public:
    // Fails with a message for a person when an asset, a font or the display cannot be had.
    static Result<std::unique_ptr<App>> create(const AppSetup&, const Clock&);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    void push_event(const SDL_Event& event) { m_input.push(event); }

    // Seals and queues a citizen's submission, then asks the uploader to send it. The receipt exists
    // only once the outbox's COMMIT returned; the answers are wiped from `submission` either way.
    Result<sync::Receipt> submit(sync::NewSubmission& submission);
    bool input_pending() const { return m_input.pending(); }

    // One frame: input, session timers, layout, draw into the renderer (not yet shown).
    void render_frame();
    void present();
    // The live, event-driven loop: waits for input or a timer, renders a few frames, sleeps again.
    // Returns the process exit code.
    int run();

    // The staff screen when the staff desk is open, otherwise the citizen's.
    ScreenId current_screen() const { return m_staff && m_staff->active() ? m_staff->screen_id() : m_router.current(); }
    // Work a person waits for is running on a worker (a staff PIN being checked).
    bool busy() const { return m_staff && m_staff->busy(); }
    StaffDesk& staff() { return *m_staff; }
    // The process exit code once quit_requested(): 75 when a technician asked for a restart.
    int exit_code() const { return m_exit_code; }
    static constexpr int exit_restart = 75; // EX_TEMPFAIL: systemd's Restart= brings the kiosk back
    const UiTree& tree() const { return m_tree; }
    const Session& session() const { return m_session; }
    const Catalog& catalog() const { return m_catalog; }
    const Focus& focus() const { return m_focus; }
    // The voice, once started (after the first frame); null when it is off or could not start.
    accessibility::Speech* speech() const { return m_speech.get(); }
    // Why there is no voice ("the audio device could not be opened: …"), for the technician; empty if none.
    const std::string& speech_problem() const { return m_speech_problem; }
    sync::Outbox* outbox() const { return m_outbox.get(); }
    sync::Uploader* uploader() const { return m_uploader.get(); }
    bool quit_requested() const { return m_quit; }
    Size size() const { return m_display->size(); }

    Result<void> resize(Size);
    Result<void> screenshot(const std::filesystem::path&);
    Result<void> write_ui_dump(const std::filesystem::path&) const;

private:
    // What a content folder gives the App: its words, its themes and its procedures.
    struct Assets {
        Strings strings;
        Theme theme;
        Theme high_contrast;
        Catalog catalog;
    };
    static Result<Assets> load_assets(const Config&, const std::filesystem::path&);
    void use_assets(Assets);
    void reload_assets_when_idle();
    Result<void> open_sync();
    App(const AppSetup&, const Clock&);
    screens::Screen& screen(ScreenId);
    const screens::Screen& screen(ScreenId) const;
    void apply(Intent&);
    // The journey's answers become a submission; the receipt screen follows only once it is stored.
    void submit_journey();
    void record_rating(int score);
    // Loads the postcode table the first time a procedure needs it: it costs nothing at start-up.
    void ensure_postcodes(const Procedure&);
    void end_session();
    // The staff desk's services, and the long press in the top-right corner that opens it.
    void connect_staff_desk();
    void connect_content_packs(StaffServices&);
    bool staff_entry_held(const ImGuiIO&);
    // Starts the speech service once the first frame is on screen, so it never delays start-up.
    void start_speech();
    void handle_keys(const std::vector<Input::NavKey>&, std::vector<Intent>&);
    // What is on the screen, for the voice guide: the screen, the step, the dialog, the language.
    std::string screen_key() const;
    float layout_unit() const;
    void ensure_fonts();
    void dump_ui_if_changed();
    // How long the live loop may sleep before a timer needs a frame; nullopt: until the next input.
    std::optional<Millis> time_to_next_timer() const;
    void wait_for_input_or_timer();

    AppSetup m_setup;
    const Clock& m_clock;
    std::unique_ptr<Display> m_display;
    Strings m_strings;
    Theme m_theme;
    Theme m_high_contrast;
    screens::FontLibrary m_font_library;
    screens::FontSet m_fonts;
    float m_font_scale = 0;
    Session m_session;
    Catalog m_catalog;
    std::optional<PostcodeTable> m_postcodes;
    bool m_postcodes_tried = false;
    Router m_router;
    UiTree m_tree;
    std::vector<std::unique_ptr<screens::Screen>> m_screens;
    screens::InactivityDialog m_inactivity;
    screens::VoiceDialog m_voice_dialog;
    bool m_voice_settings = false; // the voice dialog is open over the welcome screen
    Input m_input;
    Focus m_focus;
    std::string m_screen_key; // what the focus belongs to (screen, step, dialog, language)
    std::string m_activate;   // the id the Enter key activates in the next frame
    bool m_help_key = false;  // the Help key was pressed: the next frame shows and says the help
    std::unique_ptr<accessibility::Speech> m_speech;
    bool m_speech_tried = false;
    uint64_t m_frames = 0;
    std::string m_speech_problem;
    VoiceGuide m_voice;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<sync::Uploader> m_uploader; // after the outbox: stopped before it closes
    std::unique_ptr<sync::HeartbeatSender> m_heartbeat; // likewise
    std::string m_token;         // the kiosk's bearer token; empty without a hub
    std::unique_ptr<ContentUpdates> m_content; // null: the built-in assets, no updates
    std::string m_content_problem;             // why packs are unavailable, for the technician
    bool m_assets_stale = false;               // a new pack waits for the welcome screen
    SyncStatus m_sync_status;
    ImGuiContext* m_imgui = nullptr;
    Millis m_last_frame { 0 };
    Watchdog m_watchdog; // systemd: READY=1 after the first frame, WATCHDOG=1 from the live loop
    bool m_quit = false;
    int m_exit_code = 0;
    std::unique_ptr<StaffDesk> m_staff;
    std::optional<Millis> m_corner_pressed; // a finger is held in the staff corner since then
    std::string m_last_dump;
};

}
