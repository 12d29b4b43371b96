// The staff desk as a feature: what happens between the discreet entry (a finger held in the top-right
// corner, or Ctrl+Alt+S) and the return to the citizen's screen. It owns the PIN store, the staff
// screens and their jobs (PIN checks, network diagnostics, content updates), writes every staff action
// to the audit log, and never touches the citizen's journey except to end it when asked.
#pragma once
#include "devices/printing.h"
#include "kiosk/app/feature.h"
#include "kiosk/app/main_queue.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/staff_intents.h"
#include "kiosk/staff/staff_store.h"
#include "screens/staff_screens.h"
#include "sync/diagnostics.h"
#include "sync/outbox.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace guichet::app {

class ContentFeature;
class PrintFeature;
class SyncFeature;
class VoiceFeature;

// What the desk acts on: the other features it reports on and drives.
struct StaffLinks {
    SyncFeature& sync;
    ContentFeature& content;
    VoiceFeature& voice;
    PrintFeature& print;
    FeatureHost& host;
};

class StaffDesk final : public Feature {
public:
    StaffDesk(const Config&, const Clock&, MainQueue&, StaffLinks);
    ~StaffDesk() override;
    StaffDesk(const StaffDesk&) = delete;
    StaffDesk& operator=(const StaffDesk&) = delete;

    bool active() const { return m_screen.has_value(); }
    ScreenId screen_id() const { return *m_screen; }

    // The entry gesture happened: the PIN pad appears (it says so when staff access is unavailable).
    void open();
    // Opens on the entry gesture or keys, collects nothing else: jobs report through the main queue;
    // closes an idle desk.
    void update(const FrameEvents&) override;
    void prepare(screens::FrameContext&) const override;
    // Draws the staff screen (only while active(), instead of the citizen's); its intents are applied
    // after the frame by apply_pending(), which returns true when there were any.
    bool draw(screens::FrameContext&) override;
    bool apply_pending();
    void describe(std::string& key) const override;
    std::optional<Millis> next_timer() const override;
    // The citizen's session ended: the next one starts unassisted.
    void session_ended() override { m_assisted = false; }

    // A job a person waits for is running (a PIN check): the headless driver waits for it.
    bool busy() const override { return m_jobs.busy(); }
    bool assisted() const { return m_assisted; }
    bool training() const { return m_training; }

private:
    screens::Screen& screen();
    void apply(StaffIntent&);
    void apply_technician(StaffIntent&);
    bool entry_held(); // the finger held still in the corner for `staff.long_press_s`
    int64_t unix_now() const;
    void leave(std::string_view audit_action);
    void audit(std::string_view action, std::string_view detail = {});
    std::string tr(std::string_view key) const;
    void submit_pin(std::string& pin);
    void finish_pin_check(Result<staff::PinCheck>);
    void check_network();
    void lookup(std::string code);
    void remember_reprint(const sync::QueueEntry&, const std::string& status_url);
    void reprint();
    std::string printer_line() const;
    void export_logs();
    std::optional<std::filesystem::path> find_usb_folder() const;
    std::vector<screens::StaffFact> facts() const;
    std::string scan_test() const;
    void run_on_worker(std::function<std::string()> work); // its message lands in m_message
    void refresh_view();

    const Config& m_config;
    const Clock& m_clock;
    StaffLinks m_links;
    int64_t m_unix_origin = 0;
    Millis m_clock_origin { 0 };

    std::optional<staff::StaffStore> m_store;
    std::string m_store_problem;
    std::optional<staff::Role> m_role;
    std::optional<ScreenId> m_screen;
    Millis m_last_input { 0 };
    std::optional<Millis> m_corner_pressed; // a finger is held in the staff corner since then
    bool m_assisted = false;
    bool m_training = false;
    bool m_citizen_in_session = false;

    screens::StaffScreens m_screens;
    staff::PinCheck m_pin_state;   // the last answer: waits and lockout
    bool m_pin_answered = false;   // m_pin_state holds an answer to show
    std::string m_lookup_result;
    std::optional<devices::PrintedReceipt> m_reprint; // the looked-up receipt, ready for « Réimprimer »
    bool m_reprinting = false;
    std::string m_message;
    std::vector<sync::DiagnosticStep> m_network;
    bool m_network_running = false;
    bool m_worker_running = false;
    std::vector<StaffIntent> m_pending;
    screens::StaffView m_view;
    Jobs m_jobs; // last: its threads use the store, and are waited for first
};

}
