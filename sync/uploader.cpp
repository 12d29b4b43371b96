// [SECTION] HTTP  [SECTION] one pass  [SECTION] worker  [SECTION] status
#include "sync/uploader.h"

#include <curl/curl.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <map>

namespace guichet::sync {

struct Uploader::Response {
    CURLcode transport = CURLE_OK;
    long http = 0;
    std::string body;
    std::optional<int64_t> retry_after_s;
    std::string transport_error;
};

namespace {

size_t append_body(char* data, size_t size, size_t count, void* user)
{
    auto* body = static_cast<std::string*>(user);
    if (body->size() + size * count > protocol::max_body_bytes)
        return 0; // a hub that sends more than any answer can hold is lying: stop reading
    body->append(data, size * count);
    return size * count;
}

size_t read_header(char* data, size_t size, size_t count, void* user)
{
    std::string_view line(data, size * count);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size()) {
        std::string lower(line.substr(0, name.size()));
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == name) {
            auto value = std::strtoll(std::string(line.substr(name.size())).c_str(), nullptr, 10);
            if (value > 0)
                static_cast<std::optional<int64_t>*>(user)->emplace(std::min<int64_t>(value, 24 * 3600));
        }
    }
    return size * count;
}

int64_t system_now() { return static_cast<int64_t>(std::time(nullptr)); }

// gzip: sealed bytes are random, so their base64 text carries 6 bits a character; compressing wins
// back most of base64's third on the wire, which on a slow link is a third of the time.
std::optional<std::string> gzip(const std::string& text)
{
    z_stream stream {};
    if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    std::string out(deflateBound(&stream, text.size()), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        return std::nullopt;
    return out;
}

}

// [SECTION] HTTP

Uploader::Uploader(Outbox& outbox, UploaderSettings settings, Clock clock)
    : m_outbox(outbox)
    , m_settings(std::move(settings))
    , m_clock(clock ? std::move(clock) : Clock(system_now))
    , m_random(std::random_device {}())
{
    static std::once_flag curl_initialised;
    std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    while (!m_settings.hub_url.empty() && m_settings.hub_url.back() == '/')
        m_settings.hub_url.pop_back();
    m_curl = curl_easy_init();
}

Uploader::~Uploader()
{
    stop();
    curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

Uploader::Response Uploader::post(const std::string& path, const std::string& body)
{
    auto compressed = body.size() > 1024 ? gzip(body) : std::nullopt;
    if (compressed && compressed->size() < body.size())
        return request(path, &*compressed, "Content-Encoding: gzip");
    return request(path, &body, nullptr);
}

Uploader::Response Uploader::request(const std::string& path, const std::string* body, const char* extra_header)
{
    auto* curl = static_cast<CURL*>(m_curl);
    Response response;
    std::string url = m_settings.hub_url + std::string(protocol::version_prefix) + path;
    std::string authorization = "Authorization: Bearer " + m_settings.token;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, authorization.c_str());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip on a slow link
    if (extra_header)
        headers = curl_slist_append(headers, extra_header);

    curl_easy_reset(curl); // options only: the connection cache stays, so the connection is reused
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(m_settings.connect_timeout_s));
    // A stalled link is noticed: below this rate for that long, the transfer is abandoned.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(m_settings.low_speed_bytes_per_s));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(m_settings.low_speed_time_s));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!m_settings.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, m_settings.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.retry_after_s);

    response.transport = curl_easy_perform(curl);
    if (response.transport != CURLE_OK)
        response.transport_error = curl_easy_strerror(response.transport);
    else
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.http);
    curl_slist_free_all(headers);
    return response;
}

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
    auto response = post("/submissions", protocol::encode(protocol::Batch { m_outbox.settings().kiosk, batch }));

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

    if (response.transport != CURLE_OK)
        return defer("cannot reach the hub: " + response.transport_error, std::nullopt);
    if (response.http == 401 || response.http == 403) {
        // Nothing is wrong with the items: the kiosk's token is. Do not count attempts; wait for a technician.
        report.auth_refused = true;
        report.error = "the hub refused this kiosk's token (HTTP " + std::to_string(response.http)
            + "): enroll the kiosk again and install the new token";
        m_blocked_until = now + m_settings.auth_pause_s;
        return;
    }
    if (response.http == 400 || response.http == 413 || response.http == 422) {
        // The hub finds the batch malformed. Halve it until the item at fault stands alone, so one bad
        // item never holds back the others.
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
    if (report.batches == 0 && report.error.empty()) {
        // Nothing to send: still find out whether the hub can be reached, so the kiosk's indicator
        // tells the truth before the next citizen submits.
        auto health = request("/health", nullptr, nullptr);
        report.reachable = health.transport == CURLE_OK && health.http == 200;
        if (!report.reachable)
            report.error = health.transport != CURLE_OK ? "cannot reach the hub: " + health.transport_error
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

void Uploader::trigger()
{
    {
        std::lock_guard lock(m_wake_mutex);
        m_triggered = true;
    }
    m_wake.notify_all();
}

void Uploader::worker()
{
    for (;;) {
        int64_t now = m_clock();
        if (now >= m_blocked_until)
            run_once();
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
            m_status.oldest_queued_age_s.reset();
            if (counts->oldest_queued_created_at)
                m_status.oldest_queued_age_s = std::max<int64_t>(0, now - *counts->oldest_queued_created_at);
        }
        m_status.next_attempt_unix = next ? *next : std::nullopt;
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
