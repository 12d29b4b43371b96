// Sync as a feature: the sealed outbox, the uploader that drains it, the one heartbeat sender, and the
// status snapshot the screens read (online, how many wait). Submitting a citizen's answers goes
// through here; the receipt exists only once the outbox's COMMIT returned.
#pragma once
#include "kiosk/app/feature.h"
#include "kiosk/app/main_queue.h"
#include "kiosk/core/config.h"
#include "kiosk/core/field_check.h"
#include "kiosk/core/result.h"
#include "sync/heartbeat.h"
#include "sync/outbox.h"
#include "sync/uploader.h"

#include <memory>
#include <string>

namespace guichet::app {

class SyncFeature final : public Feature {
public:
    // Fails when the submission key is unusable or the hub's token cannot be read. A kiosk without
    // `sync.submission_public_key` takes no submissions; one without `sync.hub_url` queues them.
    static Result<std::unique_ptr<SyncFeature>> create(const Config&, MainQueue&);
    // Starts the heartbeat; `pack_version` is what it says of the content in use until the next change.
    void start_heartbeat(const std::string& pack_version);
    ~SyncFeature() override;

    // Seals and queues a submission, then asks the uploader to send it. The answers are wiped from
    // `submission` either way.
    Result<sync::Receipt> submit(sync::NewSubmission& submission);
    // The optional satisfaction answer, as a counter per day, procedure and score.
    void record_rating(const std::string& procedure, int score, const Date& day);

    void prepare(screens::FrameContext&) const override;

    sync::Outbox* outbox() const { return m_outbox.get(); }
    sync::Uploader* uploader() const { return m_uploader.get(); }
    // The receipt printer's state for the heartbeat ("ready", "no_paper", …; docs/printing.md).
    void set_printer_state(const std::string&);
    const SyncStatus* status() const { return m_outbox ? &m_status : nullptr; }
    // The link as the technician's network test uses it; an empty hub_url: no hub.
    const sync::LinkSettings& link() const { return m_link; }
    // Why the kiosk token could not be read, if so.
    const std::string& token_problem() const { return m_token_problem; }
    const std::string& token() const { return m_link.token; }
    // "2026-11-20T10:00:00Z", "-" before the first, or the last error.
    std::string heartbeat_line() const;
    void set_pack_version(const std::string& version);

private:
    SyncFeature(const Config&, MainQueue&);
    Result<void> open();

    const Config& m_config;
    MainQueue& m_queue;
    sync::LinkSettings m_link;
    std::string m_token_problem;
    SyncStatus m_status;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<sync::Uploader> m_uploader;         // after the outbox: stopped before it closes
    std::unique_ptr<sync::HeartbeatSender> m_heartbeat; // likewise
};

}
