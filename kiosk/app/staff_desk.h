// The staff desk: what happens between the discreet entry (a long press in the top-right corner, or
// Ctrl+Alt+S) and the return to the citizen's screen. It owns the PIN store, the staff screens and
// their workers (PIN checks, network diagnostics, content updates), writes every staff action to the
// audit log, and never touches the citizen's journey except to end it when asked.
#pragma once
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/staff_intents.h"
#include "kiosk/staff/staff_store.h"
#include "screens/staff_screens.h"
#include "sync/diagnostics.h"
#include "sync/outbox.h"
#include "sync/uploader.h"

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace guichet::app {

// What the desk acts on, owned by the App. Every pointer may be null (a kiosk without submissions).
struct StaffServices {
    sync::Outbox* outbox = nullptr;
    sync::Uploader* uploader = nullptr;
    sync::LinkSettings link;                       // for the network diagnostics; empty hub_url: no hub
    std::string token_problem;                     // why the kiosk token could not be read, if so
    std::function<void()> end_citizen_session;
    std::function<void(const std::string&, const std::string&)> say; // text, language: the audio test
    std::function<std::string()> speech_problem;
    std::function<std::string()> heartbeat_line;   // "sent 2 min ago" or the last error
    std::function<void()> wake;                    // a worker finished: render a frame
    std::function<void()> restart;
    bool packs = false; // this kiosk takes content packs
    // Content packs: a line for the technician, and blocking actions run on a worker that return a
    // message for a person.
    std::function<std::string()> pack_line;
    std::function<std::string()> last_pack_check; // the last check or install, in words; empty: none yet
    std::function<bool()> can_roll_back;
    std::function<std::string()> check_update;
    std::function<std::string(const std::filesystem::path&)> install_from_folder;
    std::function<std::string()> roll_back;
};

class StaffDesk {
public:
    StaffDesk(const Config&, const Strings&, const Clock&);
    ~StaffDesk();
    StaffDesk(const StaffDesk&) = delete;
    StaffDesk& operator=(const StaffDesk&) = delete;

    void connect(StaffServices services) { m_services = std::move(services); }

    bool active() const { return m_screen.has_value(); }
    ScreenId screen_id() const { return *m_screen; }
    screens::Screen& screen();

    // The entry gesture happened: the PIN pad appears (it says so when staff access is unavailable).
    void open();
    // A key, a touch: the desk closes itself after the session's idle time without one.
    void on_input();
    // Collects what the workers finished; closes an idle desk. Call once per frame.
    void update();
    // Rebuilt for each frame from the services and the desk's state.
    const screens::StaffView& view(bool citizen_in_session, const SyncStatus*);
    void apply(StaffIntent&);

    // A PIN check is running: the headless driver waits for it as a person would.
    bool busy() const;
    bool assisted() const { return m_assisted; }
    bool training() const { return m_training; }
    // The citizen's session ended: the next one starts unassisted.
    void citizen_session_ended() { m_assisted = false; }
    // When a frame is needed even without input (a PIN wait ending, the idle close).
    std::optional<Millis> time_to_next_timer() const;

private:
    int64_t unix_now() const;
    void leave(std::string_view audit_action);
    void audit(std::string_view action, std::string_view detail = {});
    std::string tr(std::string_view key) const;
    void finish_pin_check();
    void lookup(std::string code);
    void export_logs();
    std::optional<std::filesystem::path> find_usb_folder() const;
    std::vector<screens::StaffFact> facts(const SyncStatus*) const;
    void run_on_worker(std::function<std::string()> work); // its message lands in m_message

    const Config& m_config;
    const Strings& m_strings;
    const Clock& m_clock;
    StaffServices m_services;
    int64_t m_unix_origin = 0;
    Millis m_clock_origin { 0 };

    std::optional<staff::StaffStore> m_store;
    std::string m_store_problem;
    std::optional<staff::Role> m_role;
    std::optional<ScreenId> m_screen;
    Millis m_last_input { 0 };
    bool m_assisted = false;
    bool m_training = false;

    screens::StaffPinScreen m_pin_screen;
    screens::MediatorScreen m_mediator_screen;
    screens::ReceiptLookupScreen m_lookup_screen;
    screens::TechnicianScreen m_technician_screen;
    screens::TouchTestScreen m_touch_screen;
    screens::TestPatternScreen m_pattern_screen;

    staff::PinCheck m_pin_state;   // the last answer: waits and lockout
    bool m_pin_answered = false;   // m_pin_state holds an answer to show
    std::future<Result<staff::PinCheck>> m_pin_check;
    std::string m_lookup_result;
    std::string m_message;

    // Workers: their results are read under the mutex.
    mutable std::mutex m_worker_mutex;
    std::vector<sync::DiagnosticStep> m_network;
    bool m_network_running = false;
    std::future<void> m_network_job;
    std::optional<std::string> m_worker_message;
    bool m_worker_running = false;
    std::future<void> m_worker_job;

    screens::StaffView m_view;
};

}
