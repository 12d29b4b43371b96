// One libcurl connection to the hub with the kiosk's link rules: TLS verification always on (with the
// pinned CA if configured), a connect timeout and a low-speed limit so a stalled link is noticed. The
// uploader, the heartbeat and the diagnostics each own one, so they never wait on each other.
#pragma once
#include "sync/curl_link.h"
#include "sync/link_settings.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace guichet::sync {

struct HubResponse {
    int transport = 0; // a CURLcode; 0 when the exchange completed (whatever its HTTP status)
    std::string transport_error;
    long http = 0;
    std::string body;
    std::optional<int64_t> retry_after_s;

    bool transport_ok() const { return transport == 0; }
};

// `text` gzip-compressed (level 6), as the kiosk sends a body with Content-Encoding: gzip; nullopt if
// zlib fails.
std::optional<std::string> gzip(const std::string& text);

class HubClient {
public:
    explicit HubClient(const LinkSettings&);
    ~HubClient();
    HubClient(const HubClient&) = delete;
    HubClient& operator=(const HubClient&) = delete;

    // `path` follows the protocol prefix: get("/health") asks for <hub_url>/v1/health.
    HubResponse get(std::string_view path);
    // Bodies above 1 KiB go gzip-compressed when that makes them smaller.
    HubResponse post(std::string_view path, const std::string& body);
    // PUT of raw bytes (application/octet-stream, never compressed: sealed bytes do not shrink) to a
    // whole target from the hub's root, as protocol::attachment_target gives it ("/v1/…").
    HubResponse put_bytes(std::string_view target, std::span<const uint8_t> bytes);

    // An upper bound for a whole exchange, on top of the low-speed limit (0: none). The uploader
    // leaves it off, since a big batch on EDGE may rightly take minutes; the diagnostics set it.
    void set_total_timeout_s(int seconds) { m_total_timeout_s = seconds; }
    // When the flag turns true, an exchange in progress ends within about a second (a transport error).
    // The flag must outlive the client.
    void set_cancel_flag(const std::atomic<bool>* flag) { m_cancel = flag; }

private:
    HubResponse request(std::string_view path, const std::string* body, const char* extra_header);
    HubResponse exchange(const std::string& url, const char* method, const char* content_type, const void* body,
        size_t body_size, const char* extra_header);

    std::string m_hub_url; // without a trailing '/'
    std::string m_token;
    LinkLimits m_limits;
    int m_total_timeout_s = 0;
    const std::atomic<bool>* m_cancel = nullptr;
    void* m_curl = nullptr; // CURL*, one easy handle so the connection is reused
};

// curl_global_init, once per process, before any thread uses libcurl.
void init_curl_once();

}
