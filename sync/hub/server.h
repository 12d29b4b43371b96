// The hub's HTTP side: sync protocol v1 endpoints over one Store, with request logging that never
// contains a payload, optional TLS, and fault injection for tests of the kiosk's retries.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/faults.h"
#include "sync/hub/fleet_page.h"
#include "sync/hub/gate.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/office_status.h"
#include "sync/hub/rate_limit.h"
#include "sync/hub/store.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace guichet::sync::hub {

struct ListenAddress {
    std::string host;
    int port = 0; // 0 picks a free port
};

// "HOST:PORT", with IPv6 hosts in brackets ("[::1]:8443").
Result<ListenAddress> parse_listen_address(std::string_view text);

// serve --public-url: the address citizens and agents reach the hub at, which may be a TLS proxy's in
// front of a hub that speaks plain HTTP. An http:// or https:// URL with a host, an optional path, no
// query, fragment, user name, space or control character; returned without its trailing slashes.
Result<std::string> parse_public_url(std::string_view text);

struct ServerOptions {
    ListenAddress listen;
    FaultPlan faults;
    int retry_after_s = 1; // the Retry-After of 429 and 503 answers: injected, or the store unavailable
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    std::optional<std::filesystem::path> packs_dir; // the pack depot of `pack publish`; none: no pack routes
    GateLimits gate; // timeouts, connection caps and workers (sync/hub/gate.h)
    OfficeOptions office; // the back office under /office/ (sync/hub/office_routes.h)
    HubClock clock;  // now for token grace periods (a test's --clock-file, else the system clock)
    StatusLimit status_limit = StatusLimit::PerAddress; // the rate limit of GET /suivi/{code}
    // serve --public-url (parse_public_url), empty without it. The heartbeat's answer then carries
    // status_url = public_url + "/suivi/", which the kiosk's receipt QR code links to.
    std::string public_url;
};

class HubServer {
public:
    HubServer(Store& store, ServerOptions options);
    ~HubServer();
    HubServer(const HubServer&) = delete;
    HubServer& operator=(const HubServer&) = delete;

    // Binds and listens; returns the port, which is the chosen one when the options asked for 0.
    Result<int> bind();
    // Serves until stop(); call after bind().
    Result<void> run();
    // Safe from any thread; run() returns soon after.
    void stop();

private:
    void install_routes();

    Store& m_store;
    ServerOptions m_options;
    std::unique_ptr<OfficeContext> m_office; // outlives the server, whose handlers hold it
    std::unique_ptr<httplib::SSLServer> m_tls; // only holds the TLS context (certificate, key, options)
    std::unique_ptr<GatedServer> m_http;
    std::atomic<bool> m_stop_requested = false;
    RateLimiter m_status_limiter; // GET /suivi/{code}, per client address
};

}
