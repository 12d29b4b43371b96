// [SECTION] set-up  [SECTION] one pass  [SECTION] worker  [SECTION] status
#include "sync/uploader.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <map>

namespace guichet::sync {

namespace {

int64_t system_now() { return static_cast<int64_t>(std::time(nullptr)); }

}

// [SECTION] set-up

Uploader::Uploader(Outbox& outbox, UploaderSettings settings, Clock clock)
    : m_outbox(outbox)
    , m_settings(std::move(settings))
    , m_clock(clock ? std::move(clock) : Clock(system_now))
    , m_client(m_settings.link)
    , m_random(std::random_device {}())
{
}

Uploader::~Uploader() { stop(); }

// [SECTION] one pass

int64_t Uploader::backoff_delay(int failures)
{
    // Full jitter: uniform in [1, min(cap, base * 2^failures)], so kiosks that lost the link together
    // do not all come back at the same second.
    int64_t ceiling = m_settings.backoff_cap_s;
    if (failures < 30)
        ceiling = std::min<int64_t>(ceiling, static_cast<int64_t>(m_settings.backoff_base_s) << failures);
    ceiling = std::max<int64_t>(ceiling, 1);
    return std::uniform_int_distribution<int64_t>(1, ceiling)(m_random);
}

void Uploader::handle_batch(std::vector<protocol::Item> batch, PassReport& report, int depth)
{
    int64_t now = m_clock();
    std::vector<std::string> ids;
    for (auto& item : batch)
        ids.push_back(item.id);
    ++report.batches;
    auto response = m_client.post("/submissions", protocol::encode(protocol::Batch { m_outbox.settings().kiosk, batch }));

    auto defer = [&](std::string error, std::optional<int64_t> retry_after) {
        ++m_failures;
        int64_t delay = backoff_delay(m_failures);
        if (retry_after)
            delay = std::max(delay, *retry_after);
        m_blocked_until = now + delay;
        (void)m_outbox.retry_later(ids, m_blocked_until, error);
        report.deferred += static_cast<int>(ids.size());
        report.error = std::move(error);
    };

    if (!response.transport_ok())
        return defer("cannot reach the hub: " + response.transport_error, std::nullopt);
    if (response.http == 401 || response.http == 403) {
        // Nothing is wrong with the items: the kiosk's token is. Do not count attempts; wait for a technician.
        report.auth_refused = true;
        report.error = protocol::describe_token_refusal(response.http, response.body);
        m_blocked_until = now + m_settings.auth_pause_s;
        return;
    }
    if (response.http == 400 || response.http == 413 || response.http == 422) {
        // The hub finds the batch as a whole malformed (a hub answers a single bad item `rejected`
        // in a 200, below, so this is rare: an older hub, or a body too large). Halve it until the
        // item at fault stands alone, so one bad item never holds back the others.
        if (batch.size() > 1 && depth < 16) {
            auto middle = batch.begin() + static_cast<std::ptrdiff_t>(batch.size() / 2);
            std::vector<protocol::Item> second(std::make_move_iterator(middle), std::make_move_iterator(batch.end()));
            batch.erase(middle, batch.end());
            handle_batch(std::move(batch), report, depth + 1);
            if (report.error.empty() && !report.auth_refused)
                handle_batch(std::move(second), report, depth + 1);
            return;
        }
        (void)m_outbox.quarantine(ids.front(), "refused by the hub (HTTP " + std::to_string(response.http) + "): "
                + response.body.substr(0, 200));
        ++report.quarantined;
        return;
    }
    if (response.http != 200)
        return defer("the hub answered HTTP " + std::to_string(response.http), response.retry_after_s);

    auto answer = protocol::decode_batch_response(response.body);
    if (!answer) // a truncated or garbled answer: the items may be stored; resending is safe (idempotent)
        return defer("the hub's answer could not be read: " + answer.error().message, std::nullopt);

    std::map<std::string, const protocol::ItemResult*> by_id;
    for (auto& result : answer->results)
        by_id[result.id] = &result;
    std::vector<std::string> sent, missing;
    for (auto& id : ids) {
        auto found = by_id.find(id);
        if (found == by_id.end()) {
            missing.push_back(id);
        } else if (found->second->status == protocol::Status::Stored || found->second->status == protocol::Status::Duplicate) {
            sent.push_back(id);
        } else {
            (void)m_outbox.quarantine(id, std::string(protocol::status_name(found->second->status)) + " at the hub: "
                    + found->second->reason.substr(0, 200));
            ++report.quarantined;
        }
    }
    if (auto marked = m_outbox.mark_sent(sent, now); !marked)
        report.error = "cannot record the hub's acknowledgement: " + marked.error().message;
    else
        report.sent += static_cast<int>(sent.size());
    // States the hub sent along (issue 17); the next heartbeat acknowledges them. If they cannot be
    // kept now, the hub sends them again until they are acknowledged.
    if (!answer->states.empty())
        (void)m_outbox.apply_states(answer->states);
    m_failures = 0;
    {
        std::lock_guard lock(m_status_mutex);
        m_status.last_success_unix = now;
    }
    if (!missing.empty()) {
        ids = missing;
        defer("the hub's answer left out " + std::to_string(missing.size()) + " item(s)", std::nullopt);
    }
}

// Scanned pages (issue 18) go after their submission, which the hub must hold first: the batches of
// this pass come before, and a page of a submission still queued is not offered by the outbox.
void Uploader::send_pages(int64_t horizon, PassReport& report)
{
    for (;;) {
        auto chunk = m_outbox.next_chunk(horizon, std::clamp<size_t>(m_settings.chunk_bytes, 1, protocol::max_chunk_bytes));
        if (!chunk) {
            report.error = "cannot read the outbox: " + chunk.error().message;
            return;
        }
        if (!*chunk || !send_chunk(**chunk, report))
            return;
    }
}

bool Uploader::send_chunk(const PendingChunk& chunk, PassReport& report)
{
    int64_t now = m_clock();
    ++report.chunks;
    auto response = m_client.put_bytes(protocol::attachment_target(chunk.id, chunk.n, chunk.offset), chunk.bytes);
    std::string page = "page " + std::to_string(chunk.n + 1) + " of " + chunk.id;

    auto stop_for_now = [&](std::string error, std::optional<int64_t> retry_after) {
        ++m_failures;
        int64_t delay = backoff_delay(m_failures);
        if (retry_after)
            delay = std::max(delay, *retry_after);
        m_blocked_until = now + delay;
        report.error = std::move(error);
        return false;
    };
    auto recorded = [&](Result<void> done) {
        if (!done)
            report.error = "cannot record the hub's acknowledgement: " + done.error().message;
        return done.has_value();
    };

    if (!response.transport_ok())
        return stop_for_now("cannot reach the hub: " + response.transport_error, std::nullopt);
    if (response.http == 401 || response.http == 403) {
        report.auth_refused = true;
        report.error = protocol::describe_token_refusal(response.http, response.body);
        m_blocked_until = now + m_settings.auth_pause_s;
        return false;
    }
    auto answer = protocol::decode_chunk_answer(response.body);
    if (response.http == 200) {
        if (!answer) // the chunk may be stored: sending it again is safe (the hub keeps what it has)
            return stop_for_now("the hub's answer could not be read: " + answer.error().message, std::nullopt);
        bool done = answer->received >= chunk.size;
        if (!recorded(m_outbox.record_chunk(chunk.id, chunk.n, answer->received, done)))
            return false;
        report.page_bytes += std::max<int64_t>(0, answer->received - chunk.offset);
        report.pages_done += done ? 1 : 0;
        m_failures = 0;
        std::lock_guard lock(m_status_mutex);
        m_status.last_success_unix = now;
        return true;
    }
    if (response.http == 409 && answer && answer->received != chunk.offset) {
        // The hub holds another amount than the kiosk recorded (an answer lost on the way): go on from its count.
        return recorded(m_outbox.record_chunk(chunk.id, chunk.n, answer->received, false));
    }
    if (response.http == 422) {
        // The whole page arrived and its SHA-256 did not match: the hub dropped it; send it again from 0,
        // but not forever: a page refused again and again is held for the technician.
        auto refusals = m_outbox.restart_page(chunk.id, chunk.n, page + ": the hub refused its checksum; sent again from the start");
        if (!refusals) {
            report.error = "cannot record the hub's answer: " + refusals.error().message;
            return false;
        }
        if (*refusals >= max_page_refusals)
            (void)m_outbox.retry_page_later(chunk.id, chunk.n, 0, page + ": the hub refused its checksum "
                    + std::to_string(*refusals) + " times in a row; held (guichetctl retry sends it again)");
        return true;
    }
    if (response.http == 429 || response.http >= 500)
        return stop_for_now("the hub answered HTTP " + std::to_string(response.http), response.retry_after_s);
    // 404 (the hub does not know this submission or page), 400, 413, a 409 that makes no sense: nothing
    // a retry now would change. The error stays on the submission for the technician; the page waits.
    (void)m_outbox.retry_page_later(chunk.id, chunk.n, now + m_settings.backoff_cap_s,
        page + ": the hub answered HTTP " + std::to_string(response.http) + " " + response.body.substr(0, 200));
    return true;
}

PassReport Uploader::run_once(Scope scope)
{
    PassReport report;
    for (;;) {
        int64_t horizon = scope == Scope::AllQueued ? std::numeric_limits<int64_t>::max() : m_clock();
        auto batch = m_outbox.due(horizon, m_settings.batch_max_items, m_settings.batch_max_bytes);
        if (!batch) {
            report.error = "cannot read the outbox: " + batch.error().message;
            break;
        }
        if (batch->empty())
            break;
        handle_batch(std::move(*batch), report, 0);
        if (!report.error.empty() || report.auth_refused)
            break;
    }
    if (report.error.empty() && !report.auth_refused)
        send_pages(scope == Scope::AllQueued ? std::numeric_limits<int64_t>::max() : m_clock(), report);
    if (report.batches == 0 && report.chunks == 0 && report.error.empty()) {
        // Nothing to send: still find out whether the hub can be reached, so the kiosk's indicator
        // tells the truth before the next citizen submits.
        auto health = m_client.get("/health");
        report.reachable = health.transport_ok() && health.http == 200;
        if (!report.reachable)
            report.error = !health.transport_ok() ? "cannot reach the hub: " + health.transport_error
                                                        : "the hub answered HTTP " + std::to_string(health.http);
    }
    (void)m_outbox.purge_acknowledged(m_clock());
    refresh_status(report);
    ++m_passes;
    return report;
}

// [SECTION] worker

void Uploader::start(std::function<void()> on_change)
{
    m_on_change = std::move(on_change);
    m_stopping = false;
    m_thread = std::thread([this] { worker(); });
}

void Uploader::stop()
{
    {
        std::lock_guard lock(m_wake_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void Uploader::trigger(Scope scope)
{
    {
        std::lock_guard lock(m_wake_mutex);
        m_triggered = true;
        m_trigger_all = m_trigger_all || scope == Scope::AllQueued;
    }
    m_wake.notify_all();
}

void Uploader::worker()
{
    for (;;) {
        int64_t now = m_clock();
        bool all = false;
        {
            std::lock_guard lock(m_wake_mutex);
            std::swap(all, m_trigger_all);
        }
        if (now >= m_blocked_until)
            run_once(all ? Scope::AllQueued : Scope::Due);
        // Sleep until the next due item, the end of a backoff, the periodic look, a trigger or stop.
        now = m_clock();
        int64_t wake_at = now + m_settings.periodic_s;
        if (m_blocked_until > now) {
            wake_at = std::min(wake_at, m_blocked_until);
        } else if (auto next = m_outbox.next_attempt_at(); next && *next) {
            wake_at = std::min(wake_at, std::max(**next, now + 1));
        }
        std::unique_lock lock(m_wake_mutex);
        m_wake.wait_for(lock, std::chrono::seconds(std::max<int64_t>(wake_at - now, 1)),
            [this] { return m_triggered || m_stopping; });
        if (m_stopping)
            return;
        if (m_triggered) {
            m_triggered = false;
            m_blocked_until = 0; // asked for now: a new submission, or "send now"
        }
    }
}

// [SECTION] status

void Uploader::refresh_status(const PassReport& report)
{
    auto counts = m_outbox.counts();
    auto next = m_outbox.next_attempt_at();
    auto status_url = m_outbox.status_url(); // the heartbeat keeps it there
    int64_t now = m_clock();
    {
        std::lock_guard lock(m_status_mutex);
        if (report.auth_refused)
            m_status.link = LinkState::AuthRefused;
        else if (!report.error.empty())
            m_status.link = LinkState::Offline;
        else if (report.batches > 0 || report.reachable)
            m_status.link = LinkState::Online;
        if (!report.error.empty())
            m_status.last_error = report.error;
        if (counts) {
            m_status.queued = counts->queued;
            m_status.sent = counts->sent;
            m_status.quarantined = counts->quarantined;
            m_status.pages_pending = counts->pages_pending;
            m_status.oldest_queued_age_s.reset();
            if (counts->oldest_queued_created_at)
                m_status.oldest_queued_age_s = std::max<int64_t>(0, now - *counts->oldest_queued_created_at);
        }
        m_status.next_attempt_unix = next ? *next : std::nullopt;
        if (status_url)
            m_status.status_url = *status_url;
    }
    if (m_on_change)
        m_on_change();
}

SyncStatus Uploader::status() const
{
    std::lock_guard lock(m_status_mutex);
    return m_status;
}

}
