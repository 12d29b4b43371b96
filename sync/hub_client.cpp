// The kiosk's HTTP exchanges with the hub (libcurl), shared by the uploader, the heartbeat and the
// diagnostics so that all three follow the same TLS, timeout and low-speed rules.
#include "sync/hub_client.h"

#include "sync/curl_link.h"
#include "sync/protocol.h"

#include <curl/curl.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace guichet::sync {
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

// libcurl calls it about once a second even on a stalled link; non-zero aborts the transfer.
int check_cancel(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

}

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

void init_curl_once()
{
    static std::once_flag initialised;
    std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HubClient::HubClient(const LinkSettings& settings)
    : m_hub_url(settings.hub_url)
    , m_token(settings.token)
    , m_limits(settings.limits())
{
    init_curl_once();
    while (!m_hub_url.empty() && m_hub_url.back() == '/')
        m_hub_url.pop_back();
    m_curl = curl_easy_init();
}

HubClient::~HubClient() { curl_easy_cleanup(static_cast<CURL*>(m_curl)); }

HubResponse HubClient::get(std::string_view path) { return request(path, nullptr, nullptr); }

HubResponse HubClient::post(std::string_view path, const std::string& body)
{
    auto compressed = body.size() > 1024 ? gzip(body) : std::nullopt;
    if (compressed && compressed->size() < body.size())
        return request(path, &*compressed, "Content-Encoding: gzip");
    return request(path, &body, nullptr);
}

HubResponse HubClient::request(std::string_view path, const std::string* body, const char* extra_header)
{
    std::string url = m_hub_url + std::string(protocol::version_prefix) + std::string(path);
    return exchange(url, nullptr, "Content-Type: application/json", body ? body->data() : nullptr, body ? body->size() : 0,
        extra_header);
}

HubResponse HubClient::put_bytes(std::string_view target, std::span<const uint8_t> bytes)
{
    // A zero-length body still goes as a body (the hub answers it 400), not as a GET.
    static const uint8_t none = 0;
    return exchange(m_hub_url + std::string(target), "PUT", "Content-Type: application/octet-stream",
        bytes.empty() ? &none : bytes.data(), bytes.size(), nullptr);
}

// `body` null: a GET. `method` null: GET or POST as the body says.
HubResponse HubClient::exchange(const std::string& url, const char* method, const char* content_type, const void* body,
    size_t body_size, const char* extra_header)
{
    auto* curl = static_cast<CURL*>(m_curl);
    HubResponse response;
    if (!curl) {
        response.transport = CURLE_FAILED_INIT;
        response.transport_error = curl_easy_strerror(CURLE_FAILED_INIT);
        return response;
    }
    std::string authorization = "Authorization: Bearer " + m_token;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, content_type);
    headers = curl_slist_append(headers, authorization.c_str());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip on a slow link
    if (extra_header)
        headers = curl_slist_append(headers, extra_header);

    curl_easy_reset(curl); // options only: the connection cache stays, so the connection is reused
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
    }
    if (method)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    apply_link_limits(curl, m_limits);
    if (m_total_timeout_s > 0)
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(m_total_timeout_s));
    if (m_cancel) {
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, m_cancel);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.retry_after_s);

    auto code = curl_easy_perform(curl);
    response.transport = static_cast<int>(code);
    if (code != CURLE_OK)
        response.transport_error = curl_easy_strerror(code);
    else
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.http);
    curl_slist_free_all(headers);
    return response;
}

}
