// Command-line options of fault_proxy, parsed into one struct so the parser can be tested without sockets.
#pragma once
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace guichet::tools {

struct Endpoint {
    std::string host; // numeric IPv4, e.g. 127.0.0.1
    uint16_t port = 0;
};

struct ProxyOptions {
    Endpoint listen;
    Endpoint target;
    std::string port_file;
    uint32_t delay_ms = 0;
    uint64_t down_kbps = 0; // target -> client; 0 = unlimited
    uint64_t up_kbps = 0;   // client -> target; 0 = unlimited
    double loss_percent = 0;
    std::optional<uint32_t> rto_ms; // unset: 3 x (2 x delay), at least 200 ms
    double reset_rate = 0;
    double stall_rate = 0;
    double truncate_rate = 0;
    uint64_t fault_window = 65536; // fault points are drawn uniformly in [0, fault_window) bytes
    std::optional<uint64_t> seed;  // unset: seeded from std::random_device
    bool log = false;
    bool help = false;

    // The hold-back a "lost" chunk suffers: --rto-ms, or three round trips of the configured delay.
    uint32_t effective_rto_ms() const;
};

std::expected<Endpoint, std::string> parse_endpoint(std::string_view text);
std::expected<ProxyOptions, std::string> parse_proxy_options(std::span<const std::string_view> arguments);
std::string proxy_usage();

}
