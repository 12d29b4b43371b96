// [SECTION] HTTP  [SECTION] one check
#include "sync/pack_client.h"

#include "sync/hub_client.h"
#include "sync/protocol.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace guichet::sync::pack {

struct PackClient::Transfer {
    CURLcode code = CURLE_OK;
    std::string error;
    long http = 0;
    std::string etag;
    uint64_t body_bytes = 0;
    uint64_t wire_bytes = 0;
    bool refused_by_sink = false;
};

namespace {

struct Sink {
    const std::function<bool(const char*, size_t)>* write;
    bool refused = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user)
{
    auto* sink = static_cast<Sink*>(user);
    if (!(*sink->write)(data, size * count)) {
        sink->refused = true;
        return 0;
    }
    return size * count;
}

size_t read_etag(char* data, size_t size, size_t count, void* user)
{
    std::string_view line(data, size * count);
    constexpr std::string_view name = "etag:";
    if (line.size() > name.size()) {
        std::string lower(line.substr(0, name.size()));
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == name) {
            auto value = line.substr(name.size());
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
                value.remove_suffix(1);
            *static_cast<std::string*>(user) = std::string(value.substr(0, 200));
        }
    }
    return size * count;
}

int64_t system_now() { return static_cast<int64_t>(std::time(nullptr)); }

}

std::string_view outcome_name(UpdateOutcome outcome)
{
    switch (outcome) {
    case UpdateOutcome::UpToDate: return "up-to-date";
    case UpdateOutcome::Installed: return "installed";
    case UpdateOutcome::NoPack: return "no-pack";
    case UpdateOutcome::Refused: return "refused";
    case UpdateOutcome::Failed: return "failed";
    }
    return "unknown";
}

// [SECTION] HTTP

PackClient::PackClient(PackStore& store, PackClientSettings settings, Clock clock)
    : m_store(store)
    , m_settings(std::move(settings))
    , m_clock(clock ? std::move(clock) : Clock(system_now))
{
    init_curl_once();
    while (!m_settings.hub_url.empty() && m_settings.hub_url.back() == '/')
        m_settings.hub_url.pop_back();
    m_curl = curl_easy_init();
}

PackClient::~PackClient() { curl_easy_cleanup(static_cast<CURL*>(m_curl)); }

PackClient::Transfer PackClient::get(const std::string& path, const std::string& if_none_match,
    const std::function<bool(const char*, size_t)>& write)
{
    Transfer transfer;
    auto* curl = static_cast<CURL*>(m_curl);
    if (!curl) {
        transfer.code = CURLE_FAILED_INIT;
        transfer.error = curl_easy_strerror(transfer.code);
        return transfer;
    }
    std::string url = m_settings.hub_url + std::string(protocol::version_prefix) + path;
    std::string authorization = "Authorization: Bearer " + m_settings.token;
    std::string condition = "If-None-Match: " + if_none_match;
    curl_slist* headers = curl_slist_append(nullptr, authorization.c_str());
    if (!if_none_match.empty())
        headers = curl_slist_append(headers, condition.c_str());

    curl_easy_reset(curl); // options only: the connection stays for the next file
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    apply_link_limits(curl, m_settings.link);
    Sink sink { &write };
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_etag);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer.etag);

    transfer.code = curl_easy_perform(curl);
    if (transfer.code != CURLE_OK)
        transfer.error = curl_easy_strerror(transfer.code);
    // Known after a failure too: a cut body still had its status line and headers.
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.http);
    curl_off_t body = 0;
    long header_bytes = 0, request_bytes = 0;
    curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &body);
    curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &header_bytes);
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
    transfer.body_bytes = static_cast<uint64_t>(std::max<curl_off_t>(body, 0));
    transfer.wire_bytes = transfer.body_bytes + static_cast<uint64_t>(std::max(header_bytes, 0L))
        + static_cast<uint64_t>(std::max(request_bytes, 0L));
    transfer.refused_by_sink = sink.refused;
    curl_slist_free_all(headers);
    return transfer;
}

// [SECTION] one check

UpdateReport PackClient::check_and_update()
{
    std::lock_guard one_at_a_time(m_run_mutex);
    UpdateReport report;
    report.checked_at = m_clock();
    report = run(std::move(report));
    if (auto status = m_store.status(); status.active)
        report.active_version = status.active->version;
    std::lock_guard lock(m_report_mutex);
    m_last = report;
    return report;
}

std::optional<UpdateReport> PackClient::last_report() const
{
    std::lock_guard lock(m_report_mutex);
    return m_last;
}

UpdateReport PackClient::run(UpdateReport report)
{
    auto finish = [&](UpdateOutcome outcome, std::string reason = {}, std::optional<Refusal> refusal = std::nullopt) {
        report.outcome = outcome;
        report.reason = std::move(reason);
        report.refusal = refusal;
        return report;
    };
    auto refused = [&](const PackError& error) { return finish(UpdateOutcome::Refused, error.message, error.refusal); };
    auto count = [&](const Transfer& transfer) {
        ++report.requests;
        report.body_bytes += transfer.body_bytes;
        report.bytes_transferred += transfer.wire_bytes;
    };
    auto http_failure = [&](const Transfer& transfer) {
        if (transfer.http == 401 || transfer.http == 403)
            return finish(UpdateOutcome::Failed, "the hub refused this kiosk's token (HTTP " + std::to_string(transfer.http)
                    + "): enroll the kiosk again and install the new token");
        return finish(UpdateOutcome::Failed, "the hub answered HTTP " + std::to_string(transfer.http));
    };
    if (m_settings.hub_url.empty())
        return finish(UpdateOutcome::Failed, "no hub is configured ('sync.hub_url')");

    auto& channel = m_store.settings().channel;
    auto before = m_store.status();
    int64_t active_version = before.active ? before.active->version : 0;
    std::string envelope;
    auto manifest = get("/packs/" + channel + "/manifest", before.etag, [&](const char* data, size_t size) {
        if (envelope.size() + size > max_manifest_bytes)
            return false;
        envelope.append(data, size);
        return true;
    });
    count(manifest);
    if (manifest.refused_by_sink)
        return finish(UpdateOutcome::Refused, "the manifest is larger than " + std::to_string(max_manifest_bytes) + " bytes",
            Refusal::Malformed);
    if (manifest.code != CURLE_OK) {
        if (manifest.http == 200 && manifest.body_bytes > 0)
            return finish(UpdateOutcome::Refused, "the manifest download was cut short after " + std::to_string(manifest.body_bytes)
                    + " bytes (" + manifest.error + ")", Refusal::Truncated);
        return finish(UpdateOutcome::Failed, "cannot reach the hub: " + manifest.error);
    }
    if (manifest.http == 304)
        return finish(UpdateOutcome::UpToDate);
    if (manifest.http == 404)
        return finish(UpdateOutcome::NoPack, "the hub has no pack on channel '" + channel + "'");
    if (manifest.http != 200)
        return http_failure(manifest);

    auto verified = m_store.verify(envelope);
    if (!verified)
        return refused(verified.error());
    report.offered_version = verified->manifest.version;
    if (verified->manifest.version == active_version) {
        (void)m_store.remember_etag(manifest.etag);
        return finish(UpdateOutcome::UpToDate);
    }
    if (auto newer = m_store.check_newer(verified->manifest); !newer)
        return refused(newer.error());

    for (auto& file : m_store.missing_files(verified->manifest)) {
        auto target = m_store.incoming_path(file);
        int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return finish(UpdateOutcome::Refused, "cannot write '" + target.string() + "': " + std::strerror(errno), Refusal::Storage);
        uint64_t written = 0;
        bool disk_error = false;
        auto blob = get("/blobs/" + file.hash, {}, [&](const char* data, size_t size) {
            if (written + size > file.size)
                return false; // longer than signed: stop reading
            while (size > 0) {
                auto n = ::write(fd, data, size);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    disk_error = true;
                    return false;
                }
                data += n;
                size -= static_cast<size_t>(n);
                written += static_cast<uint64_t>(n);
            }
            return true;
        });
        ::close(fd);
        count(blob);
        auto drop = [&] { ::unlink(target.c_str()); };
        if (disk_error)
            return drop(), finish(UpdateOutcome::Refused, "cannot write '" + target.string() + "' (disk full?)", Refusal::Storage);
        if (blob.refused_by_sink)
            return drop(), finish(UpdateOutcome::Refused, "'" + file.path + "' from the hub is longer than the "
                    + std::to_string(file.size) + " bytes the manifest says", Refusal::SizeMismatch);
        if (blob.code != CURLE_OK) {
            drop();
            if (blob.http == 200)
                return finish(UpdateOutcome::Refused, "the download of '" + file.path + "' was cut short: "
                        + std::to_string(written) + " of " + std::to_string(file.size) + " bytes (" + blob.error + ")",
                    Refusal::Truncated);
            return finish(UpdateOutcome::Failed, "cannot reach the hub: " + blob.error);
        }
        if (blob.http == 404)
            return drop(), finish(UpdateOutcome::Refused, "the hub does not have '" + file.path + "' (" + file.hash.substr(0, 12)
                    + "...) that its manifest lists", Refusal::MissingFile);
        if (blob.http != 200)
            return drop(), http_failure(blob);
        if (auto adopted = m_store.adopt_file(target, file); !adopted)
            return refused(adopted.error());
        ++report.files_downloaded;
    }

    auto installed = m_store.install(*verified);
    if (!installed)
        return refused(installed.error());
    (void)m_store.remember_etag(manifest.etag);
    return finish(UpdateOutcome::Installed);
}

}
