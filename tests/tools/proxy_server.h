// The fault proxy's event loop: accepts clients, connects each to the target and pumps both directions
// through the shared link pacers, the per-connection delay lines and fault triggers. One thread on
// poll(): an idle proxy sleeps until a socket, a timer or a signal needs it.
#pragma once
#include "proxy_options.h"
#include "unique_fd.h"

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

namespace guichet::tools {

struct ProxyStats {
    uint64_t connections = 0; // accepted
    uint64_t active = 0;      // still open
    uint64_t bytes_up = 0;    // written to the target
    uint64_t bytes_down = 0;  // written to clients
    uint64_t resets = 0;      // injected, not the ones a peer caused
    uint64_t stalls = 0;
    uint64_t truncations = 0;
    uint64_t lost_chunks = 0; // chunks held back for a retransmission timeout
};

std::string format_summary(const ProxyStats&);

class ProxyServer {
public:
    explicit ProxyServer(ProxyOptions);
    ~ProxyServer();
    ProxyServer(const ProxyServer&) = delete;
    ProxyServer& operator=(const ProxyServer&) = delete;

    // Binds and listens; returns the port clients should use (the chosen one when asked for port 0).
    std::expected<uint16_t, std::string> listen();
    // Serves until SIGINT or SIGTERM, which it blocks and reads through a signalfd; SIGUSR1 prints the
    // summary. Returns the final statistics after closing every connection.
    std::expected<ProxyStats, std::string> run();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}
