// Sync as a feature (see sync_feature.h).
#include "kiosk/app/sync_feature.h"

#include "screens/frame_context.h"
#include "sync/clock_text.h"

#include <sodium.h>

#include <cstdio>
#include <ctime>

namespace guichet::app {

SyncFeature::SyncFeature(const Config& config, MainQueue& queue)
    : m_config(config)
    , m_queue(queue)
{
}

SyncFeature::~SyncFeature() = default;

Result<std::unique_ptr<SyncFeature>> SyncFeature::create(const Config& config, MainQueue& queue)
{
    std::unique_ptr<SyncFeature> feature(new SyncFeature(config, queue));
    if (auto opened = feature->open(); !opened)
        return std::unexpected(opened.error());
    return feature;
}

Result<void> SyncFeature::open()
{
    auto& sync = m_config.sync;
    if (!sync.hub_url.empty()) {
        m_link = { .hub_url = sync.hub_url, .ca_file = sync.ca_file };
        if (auto token = read_kiosk_token(sync))
            m_link.token = *token;
        else
            m_token_problem = token.error().message;
    }
    if (sync.submission_public_key.empty())
        return {}; // this kiosk takes no submissions
    auto key = sync::parse_public_key(sync.submission_public_key);
    if (!key)
        return fail("'sync.submission_public_key': " + key.error().message);
    auto outbox = sync::Outbox::open({ m_config.storage.outbox, m_config.kiosk.id, *key,
        static_cast<int64_t>(sync.retention_days) * 24 * 3600 });
    if (!outbox)
        return std::unexpected(outbox.error());
    m_outbox = std::move(*outbox);
    m_status.status_url = m_outbox->status_url().value_or("");
    if (sync.hub_url.empty()) { // queued until a hub is configured: say so
        m_status.link = LinkState::Offline;
        m_status.queued = m_outbox->counts().value_or(sync::OutboxCounts {}).queued;
        return {};
    }
    if (m_link.token.empty())
        return fail(m_token_problem.empty() ? "the kiosk token is empty" : m_token_problem);
    m_uploader = std::make_unique<sync::Uploader>(*m_outbox,
        sync::UploaderSettings { .link = m_link, .batch_max_items = static_cast<size_t>(sync.batch_max_items),
            .batch_max_bytes = static_cast<size_t>(sync.batch_max_kib) * 1024,
            .chunk_bytes = static_cast<size_t>(sync.chunk_kib) * 1024 });
    // The worker hands its new snapshot to the main thread, which the screens read.
    m_uploader->start([this] { m_queue.post([this] { m_status = m_uploader->status(); }); });
    // The heartbeat has its own connection and thread: a slow one never delays a submission.
    m_heartbeat = std::make_unique<sync::HeartbeatSender>(*m_outbox, m_link, sync.heartbeat_interval_s,
        [] { return static_cast<int64_t>(std::time(nullptr)); },
        [uploader = m_uploader.get()] { return uploader->status().last_error; });
    m_heartbeat->set_place(m_config.kiosk.place_name);
    return {};
}

void SyncFeature::start_heartbeat(const std::string& pack_version)
{
    if (!m_heartbeat)
        return;
    m_heartbeat->set_pack_version(pack_version);
    m_heartbeat->start();
}

Result<sync::Receipt> SyncFeature::submit(sync::NewSubmission& submission)
{
    if (!m_outbox) {
        sodium_memzero(submission.answers_json.data(), submission.answers_json.size());
        submission.answers_json.clear();
        for (auto& page : submission.pages) // the scanned pages too (issue 18)
            sodium_memzero(page.data(), page.size());
        submission.pages.clear();
        return fail("this kiosk takes no submissions: 'sync.submission_public_key' is not configured");
    }
    auto receipt = m_outbox->enqueue(submission, static_cast<int64_t>(std::time(nullptr)));
    if (!receipt)
        return receipt;
    // The receipt screen comes next: its QR code links to the status page the last heartbeat named,
    // without waiting for the uploader's next snapshot.
    m_status.status_url = m_outbox->status_url().value_or(m_status.status_url);
    if (m_uploader)
        m_uploader->trigger();
    else
        m_status.queued = m_outbox->counts().value_or(sync::OutboxCounts {}).queued;
    return receipt;
}

void SyncFeature::record_rating(const std::string& procedure, int score, const Date& day)
{
    if (!m_outbox)
        return;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", day.year, day.month, day.day);
    if (auto recorded = m_outbox->record_rating(procedure, score, text); !recorded)
        std::fprintf(stderr, "guichet: a rating could not be stored: %s\n", recorded.error().message.c_str());
}

void SyncFeature::prepare(screens::FrameContext& context) const { context.sync = status(); }

std::string SyncFeature::heartbeat_line() const
{
    if (!m_heartbeat)
        return {};
    auto status = m_heartbeat->status();
    if (!status.last_error.empty())
        return status.last_error;
    if (!status.last_sent_unix)
        return "-";
    return sync::rfc3339_utc(*status.last_sent_unix);
}

void SyncFeature::set_printer_state(const std::string& state)
{
    if (m_heartbeat)
        m_heartbeat->set_printer(state);
}

void SyncFeature::set_pack_version(const std::string& version)
{
    if (m_heartbeat)
        m_heartbeat->set_pack_version(version);
}

}
