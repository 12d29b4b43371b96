// The heartbeat worker and what it reports: queue counts, free disk, versions and the last error.
#include "sync/heartbeat.h"

#include <guichet/version.h>

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>

namespace guichet::sync {
namespace {

// Technician text for the hub: valid UTF-8 (the JSON encoder throws on anything else), no control
// characters, at most `limit` bytes (the hub keeps 1024) cut on a character boundary.
std::string clean_text(std::string_view text, size_t limit)
{
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3 : (byte >> 3) == 0x1e ? 4 : 0;
        bool valid = length > 0 && i + length <= text.size();
        for (size_t k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        std::string_view piece = valid ? text.substr(i, length) : std::string_view("?");
        if (length == 1 && (byte < 0x20 || byte == 0x7f))
            piece = " ";
        if (out.size() + piece.size() > limit)
            break;
        out += piece;
        i += valid ? length : 1;
    }
    return out;
}

}

std::string rating_first_day(int64_t now)
{
    // Ratings are counted by the kiosk's local day (journey_feature.cpp); so is the window.
    std::time_t first = static_cast<std::time_t>(now - int64_t(protocol::rating_days - 1) * 86400);
    std::tm local {};
    localtime_r(&first, &local);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &local);
    return text;
}

std::optional<int64_t> disk_free_bytes(const std::filesystem::path& path)
{
    // The outbox file may not exist yet; its folder does once the outbox is open.
    auto where = path;
    std::error_code error;
    if (!std::filesystem::is_directory(where, error))
        where = where.has_parent_path() ? where.parent_path() : std::filesystem::path(".");
    struct statvfs info {};
    if (::statvfs(where.c_str(), &info) != 0)
        return std::nullopt;
    // f_bavail, not f_bfree: the blocks reserved for root are not the kiosk's to use.
    return static_cast<int64_t>(info.f_bavail) * static_cast<int64_t>(info.f_frsize);
}

Result<QueueSummary> summarize_queue(Outbox& outbox, int64_t now)
{
    auto counts = outbox.counts();
    if (!counts)
        return std::unexpected(counts.error());
    QueueSummary summary { counts->queued, counts->sent, counts->quarantined, std::nullopt };
    if (counts->oldest_queued_created_at)
        summary.oldest_queued_age_s = std::max<int64_t>(0, now - *counts->oldest_queued_created_at);
    return summary;
}

HeartbeatSender::HeartbeatSender(Outbox& outbox, const LinkSettings& settings, int interval_s, Clock clock, LastError last_error)
    : m_outbox(outbox)
    , m_client(settings)
    , m_interval_s(std::max(interval_s, 1))
    , m_clock(std::move(clock))
    , m_last_error(std::move(last_error))
{
    // A heartbeat is a few hundred bytes: if it takes longer than this, the link is not worth waiting on.
    m_client.set_total_timeout_s(std::max(settings.connect_timeout_s, 1) + std::max(settings.low_speed_time_s, 1));
    m_client.set_cancel_flag(&m_cancel);
}

HeartbeatSender::~HeartbeatSender() { stop(); }

void HeartbeatSender::set_pack_version(std::string version)
{
    std::lock_guard lock(m_mutex);
    m_pack_version = std::move(version);
}

void HeartbeatSender::set_place(std::string place)
{
    std::lock_guard lock(m_mutex);
    m_place = std::move(place);
}

void HeartbeatSender::set_printer(std::string state)
{
    std::lock_guard lock(m_mutex);
    m_printer = std::move(state);
}

HeartbeatStatus HeartbeatSender::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

protocol::Heartbeat HeartbeatSender::compose()
{
    protocol::Heartbeat beat;
    beat.kiosk = m_outbox.settings().kiosk;
    beat.app_version = version_string;
    {
        std::lock_guard lock(m_mutex);
        beat.pack_version = clean_text(m_pack_version, 64);
        beat.place = clean_text(m_place, protocol::max_place_bytes);
        beat.printer = clean_text(m_printer, 32);
    }
    std::string last_error = m_last_error ? m_last_error() : std::string();
    if (auto summary = summarize_queue(m_outbox, m_clock())) {
        beat.queued = summary->queued;
        beat.sent = summary->sent;
        beat.quarantined = summary->quarantined;
        beat.oldest_queued_age_s = summary->oldest_queued_age_s;
    } else {
        last_error = "cannot read the outbox: " + summary.error().message; // more urgent than a link error
    }
    beat.disk_free_bytes = disk_free_bytes(m_outbox.settings().path);
    beat.last_error = clean_text(last_error, 500);
    // Issue 17: the rating counts of the last days (absolute, so a repeated report changes nothing at
    // the hub) and the hub's states applied since the last heartbeat it accepted.
    if (auto ratings = m_outbox.ratings_since(rating_first_day(m_clock()), protocol::max_rating_counts))
        beat.ratings = std::move(*ratings);
    if (auto acks = m_outbox.unacknowledged_states(protocol::max_state_acks))
        beat.states_applied = std::move(*acks);
    return beat;
}

HeartbeatStatus HeartbeatSender::send_now()
{
    std::string error;
    {
        std::lock_guard exchange(m_exchange_mutex);
        auto beat = compose();
        auto response = m_client.post("/heartbeat", protocol::encode(beat));
        if (!response.transport_ok())
            error = "cannot reach the hub: " + response.transport_error;
        else if (response.http == 401 || response.http == 403)
            error = protocol::describe_token_refusal(response.http, response.body);
        else if (response.http != 200)
            error = "the hub answered HTTP " + std::to_string(response.http);
        if (error.empty()) {
            // The hub took the acknowledgements; then the states it sends are applied, and acknowledged
            // by the next heartbeat. An older hub answers without states.
            (void)m_outbox.mark_acknowledged(beat.states_applied);
            if (auto answer = protocol::decode_heartbeat_answer(response.body)) {
                if (!answer->states.empty())
                    (void)m_outbox.apply_states(answer->states);
                // Where receipts' QR codes link to; an answer without it (no --public-url, or an
                // older hub) takes the link away, so a code never points at an address given up.
                // Only a web address: a QR code a phone would open as something else is no link.
                const auto& url = answer->status_url;
                bool web = url.starts_with("https://") || url.starts_with("http://");
                (void)m_outbox.set_status_url(web ? url : std::string_view());
            }
        }
    }
    std::lock_guard lock(m_mutex);
    auto now = m_clock();
    ++m_status.attempts;
    m_status.last_attempt_unix = now;
    m_status.last_error = error;
    if (error.empty())
        m_status.last_sent_unix = now;
    return m_status;
}

void HeartbeatSender::start()
{
    std::lock_guard lock(m_wake_mutex);
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_cancel = false;
    m_thread = std::thread([this] { worker(); });
}

void HeartbeatSender::stop()
{
    {
        std::lock_guard lock(m_wake_mutex);
        m_stopping = true;
    }
    m_cancel = true;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_cancel = false;
}

void HeartbeatSender::worker()
{
    for (;;) {
        int delay_s = m_interval_s;
        try {
            if (!send_now().last_error.empty())
                delay_s = std::min(m_interval_s, retry_after_failure_s);
        } catch (const std::exception&) {
            // Nothing here is meant to throw; a heartbeat is never worth the kiosk's life.
            std::lock_guard lock(m_mutex);
            m_status.last_error = "the heartbeat failed inside the kiosk";
        }
        std::unique_lock lock(m_wake_mutex);
        if (m_wake.wait_for(lock, std::chrono::seconds(delay_s), [this] { return m_stopping; }))
            return;
    }
}

}
