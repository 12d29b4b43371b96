// The composition root and the frame loop: creates the display and the features (content, sync, the
// citizen's session, the voice, the staff desk, the journey), wires them, runs frames. The live loop
// and the headless driver both drive it through the same entry points. It includes no screen: each
// feature owns its own (kiosk/app/feature.h, docs/architecture.md).
#pragma once
#include "kiosk/app/display.h"
#include "kiosk/app/feature.h"
#include "kiosk/app/gui.h"
#include "kiosk/app/input.h"
#include "kiosk/app/main_queue.h"
#include "kiosk/app/navigation.h"
#include "kiosk/app/ui_dump.h"
#include "kiosk/core/config.h"
#include "kiosk/core/procedure.h"
#include "kiosk/core/router.h"
#include "kiosk/core/session.h"
#include "kiosk/core/ui_tree.h"
#include "sync/outbox.h"

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace guichet::accessibility {
class Speech;
}
namespace guichet::sync {
class Uploader;
}

namespace guichet::app {

class ContentFeature;
class DocumentFeature;
class PrintFeature;
class JourneyFeature;
class SessionFeature;
class StaffDesk;
class SyncFeature;
class VoiceFeature;

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

class App final : public FeatureHost {
public:
    // Fails with a message for a person when an asset, a font or the display cannot be had.
    static Result<std::unique_ptr<App>> create(const AppSetup&, const Clock&);
    ~App() override;
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    void push_event(const SDL_Event& event) { m_input.push(event); }
    bool input_pending() const { return m_input.pending(); }
    // Seals and queues a citizen's submission (see SyncFeature::submit).
    Result<sync::Receipt> submit(sync::NewSubmission& submission);

    // One frame: the main queue, input, the features, layout, draw into the renderer (not yet shown).
    void render_frame();
    void present() { m_display->present(); }
    // The live, event-driven loop: waits for input or a timer, renders a few frames, sleeps again.
    // Returns the process exit code.
    int run();

    // The staff screen when the staff desk is open, otherwise the citizen's.
    ScreenId current_screen() const;
    // Work a person waits for is running on a worker (a staff PIN being checked).
    bool busy() const;
    // The process exit code once quit_requested(): 75 when a technician asked for a restart.
    int exit_code() const { return m_exit.code; }
    static constexpr int exit_restart = 75; // EX_TEMPFAIL: systemd's Restart= brings the kiosk back
    bool quit_requested() const { return m_exit.quit || m_input.quit_requested(); }
    const UiTree& tree() const { return m_tree; }
    const Session& session() const;
    const Catalog& catalog() const;
    const Focus& focus() const { return m_navigation.focus(); }
    // The voice, once started (after the first frame); null when it is off or could not start.
    accessibility::Speech* speech() const;
    // Why there is no voice ("the audio device could not be opened: …"), for the technician.
    std::string speech_problem() const;
    sync::Outbox* outbox() const;
    sync::Uploader* uploader() const;
    Size size() const { return m_display->size(); }

    Result<void> resize(Size);
    Result<void> screenshot(const std::filesystem::path&);
    Result<void> write_ui_dump(const std::filesystem::path&) const;

    // FeatureHost
    void end_session() override;
    void restart() override { m_exit = { .quit = true, .code = exit_restart }; }

private:
    // The features, in the order they update and draw; each intent type has one owner.
    struct Features {
        std::unique_ptr<ContentFeature> content;
        std::unique_ptr<SyncFeature> sync;
        std::unique_ptr<StaffDesk> staff;
        std::unique_ptr<JourneyFeature> journey;
        std::unique_ptr<DocumentFeature> document;
        std::unique_ptr<PrintFeature> print;
        std::unique_ptr<VoiceFeature> voice;
        std::unique_ptr<SessionFeature> session;
        std::vector<Feature*> all;
        IntentOwners owners {};
        ~Features();
    };
    struct Exit {
        bool quit = false;
        int code = 0;
    };

    App(const AppSetup&, const Clock&);
    Result<void> create_features();
    void draw_frame(std::vector<Intent>&);
    std::string screen_key() const;
    // How long the live loop may sleep before a timer needs a frame; nullopt: until the next input.
    std::optional<Millis> time_to_next_timer() const;

    AppSetup m_setup;
    const Clock& m_clock;
    std::unique_ptr<Display> m_display;
    Gui m_gui;
    Input m_input;
    Navigation m_navigation;
    UiTree m_tree; // the last frame drawn: until the next is, what is on the screen
    UiDumpFile m_ui_dump; // --dump-ui
    MainQueue m_queue; // before the features: their workers post to it until they stop
    Features m_features;
    Exit m_exit;
};

}
