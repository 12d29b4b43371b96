// Parses fault_proxy's command line; every error names the option so a test script's typo is obvious.
#include "proxy_options.h"

#include "format_text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace guichet::tools {

namespace {

template<typename T>
std::expected<T, std::string> parse_number(std::string_view option, std::string_view text)
{
    T value {};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc {} || end != text.data() + text.size() || text.empty())
        return std::unexpected(format_text("{}: '{}' is not a valid number", option, text));
    return value;
}

std::expected<double, std::string> parse_fraction(std::string_view option, std::string_view text, double max)
{
    auto value = parse_number<double>(option, text);
    if (!value)
        return value;
    if (!(*value >= 0 && *value <= max))
        return std::unexpected(format_text("{}: {} is outside 0..{}", option, text, max));
    return value;
}

}

uint32_t ProxyOptions::effective_rto_ms() const
{
    if (rto_ms)
        return *rto_ms;
    return std::max<uint32_t>(200, 3 * 2 * delay_ms);
}

std::expected<Endpoint, std::string> parse_endpoint(std::string_view text)
{
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::unexpected(format_text("'{}' is not HOST:PORT", text));
    Endpoint endpoint { std::string(text.substr(0, colon)), 0 };
    in_addr address {};
    if (inet_pton(AF_INET, endpoint.host.c_str(), &address) != 1)
        return std::unexpected(format_text("'{}' is not a numeric IPv4 address", endpoint.host));
    auto port = parse_number<uint16_t>("port", text.substr(colon + 1));
    if (!port)
        return std::unexpected(format_text("'{}' has no valid port", text));
    endpoint.port = *port;
    return endpoint;
}

std::expected<ProxyOptions, std::string> parse_proxy_options(std::span<const std::string_view> arguments)
{
    ProxyOptions options;
    bool has_listen = false;
    bool has_target = false;
    for (size_t i = 0; i < arguments.size(); ++i) {
        std::string_view option = arguments[i];
        if (option == "--help" || option == "-h") {
            options.help = true;
            return options;
        }
        if (option == "--log") {
            options.log = true;
            continue;
        }
        if (i + 1 >= arguments.size())
            return std::unexpected(format_text("{} needs a value (or is unknown)", option));
        std::string_view value = arguments[++i];
        std::expected<void, std::string> stored;
        auto store = [&](auto parsed, auto& field) {
            if (!parsed)
                stored = std::unexpected(parsed.error());
            else
                field = *parsed;
        };
        if (option == "--listen") {
            store(parse_endpoint(value), options.listen);
            has_listen = true;
        } else if (option == "--target") {
            store(parse_endpoint(value), options.target);
            has_target = true;
        } else if (option == "--port-file") {
            options.port_file = std::string(value);
        } else if (option == "--delay-ms") {
            store(parse_number<uint32_t>(option, value), options.delay_ms);
        } else if (option == "--down-kbps") {
            store(parse_number<uint64_t>(option, value), options.down_kbps);
        } else if (option == "--up-kbps") {
            store(parse_number<uint64_t>(option, value), options.up_kbps);
        } else if (option == "--loss") {
            store(parse_fraction(option, value, 100), options.loss_percent);
        } else if (option == "--rto-ms") {
            uint32_t rto = 0;
            store(parse_number<uint32_t>(option, value), rto);
            options.rto_ms = rto;
        } else if (option == "--reset-rate") {
            store(parse_fraction(option, value, 1), options.reset_rate);
        } else if (option == "--stall-rate") {
            store(parse_fraction(option, value, 1), options.stall_rate);
        } else if (option == "--truncate-rate") {
            store(parse_fraction(option, value, 1), options.truncate_rate);
        } else if (option == "--fault-window") {
            store(parse_number<uint64_t>(option, value), options.fault_window);
            if (stored && options.fault_window == 0)
                return std::unexpected("--fault-window must be at least 1 byte");
        } else if (option == "--seed") {
            uint64_t seed = 0;
            store(parse_number<uint64_t>(option, value), seed);
            options.seed = seed;
        } else {
            return std::unexpected(format_text("unknown option {}", option));
        }
        if (!stored)
            return std::unexpected(stored.error());
    }
    if (!has_listen || !has_target)
        return std::unexpected("--listen and --target are required");
    if (options.target.port == 0)
        return std::unexpected("--target needs a real port, not 0");
    return options;
}

std::string proxy_usage()
{
    return R"(usage: fault_proxy --listen HOST:PORT --target HOST:PORT [options]
A TCP proxy that makes a bad link between a client and a server (IPv4, numeric addresses).
  --listen HOST:PORT     where clients connect; port 0 picks a free port
  --target HOST:PORT     the real server
  --port-file FILE       write the listening port there once ready
  --delay-ms N           one-way latency added to every chunk, each direction (RTT grows by 2N)
  --down-kbps N          bandwidth target->client in kbit/s, one pipe shared by all connections
  --up-kbps N            bandwidth client->target in kbit/s, one pipe shared by all connections
  --loss PERCENT         each chunk (<= 1460 bytes) is held back one retransmission timeout
  --rto-ms N             that timeout (default 3 x 2 x delay, at least 200 ms)
  --reset-rate P         per connection: reset both sides (RST) at a random point
  --stall-rate P         per connection: stop forwarding at a random point, sockets stay open
  --truncate-rate P      per connection: cut the response at a random point, then FIN both sides
  --fault-window BYTES   fault points are drawn in [0, BYTES) (default 65536)
  --seed N               reproducible randomness
  --log                  one line per connection with what was injected
SIGINT/SIGTERM stop the proxy; SIGUSR1 prints the summary line.
)";
}

}
