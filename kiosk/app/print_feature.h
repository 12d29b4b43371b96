// Printing as a feature (issue 19): « Imprimer le récapitulatif » on the receipt screen, and the
// mediator's reprint. It composes what goes on paper (take_home_receipt: the code, the QR code, what
// happens next, the aids, the papers to bring, the service point; never an answer the procedure does not
// mark printable) and prints it on a worker thread, so a slow or broken printer never freezes a frame.
#pragma once
#include "devices/printing.h"
#include "kiosk/app/feature.h"
#include "kiosk/app/main_queue.h"
#include "kiosk/core/config.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/journey.h"
#include "screens/frame_context.h"

#include <cstdint>
#include <functional>
#include <string>

namespace guichet::app {

class ContentFeature;
class SessionFeature;
class SyncFeature;

// What the citizen's paper is made of; every text comes from `strings` in `language`.
struct TakeHomeFacts {
    const Strings& strings;
    std::string language;
    const KioskSection& kiosk;
    const Procedure& procedure;
    std::string code;
    std::string status_url; // empty: the QR code holds the code alone
    int64_t now = 0;        // unix seconds: the date and time printed
    std::vector<const Outcome*> outcomes;
    const std::vector<Journey::PrintableAnswer>* answers = nullptr;
};
devices::PrintedReceipt take_home_receipt(const TakeHomeFacts&);

// The service point's hours and phone for the paper's foot, one line each; empty when neither is configured.
std::string service_point_footer(const Strings&, std::string_view language, const KioskSection&);

// "A B C D - E F G H": the code letter by letter, as it is read out at a counter.
std::string code_spelled(std::string_view code);

class PrintFeature final : public Feature {
public:
    // `journey` gives the citizen's journey of the moment (nullptr outside one): the receipt's code and answers.
    PrintFeature(const Config&, MainQueue&, const ContentFeature&, const SessionFeature&, std::function<const Journey*()> journey,
        SyncFeature&);

    bool available() const { return m_settings.kind != devices::PrinterKind::None; }
    // A print is running: the headless driver waits for it, as the citizen would.
    bool busy() const override { return m_jobs.busy(); }

    std::vector<size_t> intents() const override;
    void handle(Intent&) override;
    void prepare(screens::FrameContext&) const override;
    void session_ended() override;

    // The mediator's reprint: `done` gets the problem's name, empty once printed (on the main thread).
    void print(devices::PrintedReceipt, std::function<void(std::string problem)> done);
    // The printer's state, asked on a worker; `done` runs on the main thread. The technician page and the
    // heartbeat read the last answer.
    void refresh_status(std::function<void()> done = {});
    const devices::PrinterStatus& last_status() const { return m_status; }
    const devices::PrinterSettings& settings() const { return m_settings; }

private:
    devices::PrinterSettings m_settings;
    const Config& m_config;
    const ContentFeature& m_content;
    const SessionFeature& m_session;
    std::function<const Journey*()> m_journey;
    SyncFeature& m_sync;
    Jobs m_jobs;
    int m_generation = 0; // +1 a session: a print finishing after its session ended says nothing
    screens::PrintView m_view;
    devices::PrinterStatus m_status;
};

}
