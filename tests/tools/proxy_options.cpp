// Parses fault_proxy's command line (CLI11, the project's help style); every error names the option so a
// test script's typo is obvious.
#include "proxy_options.h"

#include "format_text.h"
#include "kiosk/core/command_line.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace guichet::tools {

namespace {

// The proxy's command line, its values landing in `options` (endpoints as text in `listen` and `target`).
void declare_options(CLI::App& cli, ProxyOptions& options, std::string& listen, std::string& target)
{
    apply_command_line_style(cli);
    auto endpoint = CLI::Validator(
        [](std::string& text) -> std::string {
            auto parsed = parse_endpoint(text);
            return parsed ? "" : "takes HOST:PORT with a numeric IPv4 address: " + parsed.error();
        },
        "", "endpoint");
    constexpr uint64_t u32 = UINT32_MAX, u64 = UINT64_MAX;
    cli.add_option("--listen", listen, "where clients connect; port 0 picks a free port")
        ->option_text("HOST:PORT (required)")
        ->required()
        ->check(endpoint);
    cli.add_option("--target", target, "the real server")->option_text("HOST:PORT (required)")->required()->check(endpoint);
    cli.add_option("--port-file", options.port_file, "write the listening port there once ready")->option_text("FILE");
    cli.add_option("--delay-ms", options.delay_ms, "one-way latency added to every chunk, each direction (RTT grows by 2N)")
        ->option_text("N")
        ->check(whole_number(0, u32));
    cli.add_option("--down-kbps", options.down_kbps, "bandwidth target->client in kbit/s, one pipe shared by all connections")
        ->option_text("N")
        ->check(whole_number(0, u64));
    cli.add_option("--up-kbps", options.up_kbps, "bandwidth client->target in kbit/s, one pipe shared by all connections")
        ->option_text("N")
        ->check(whole_number(0, u64));
    cli.add_option("--loss", options.loss_percent, "each chunk (<= 1460 bytes) is held back one retransmission timeout")
        ->option_text("PERCENT")
        ->check(decimal_number(0, 100));
    cli.add_option("--rto-ms", options.rto_ms, "that timeout (default 3 x 2 x delay, at least 200 ms)")
        ->option_text("N")
        ->check(whole_number(0, u32));
    cli.add_option("--reset-rate", options.reset_rate, "per connection: reset both sides (RST) at a random point")
        ->option_text("P")
        ->check(decimal_number(0, 1));
    cli.add_option("--stall-rate", options.stall_rate, "per connection: stop forwarding at a random point, sockets stay open")
        ->option_text("P")
        ->check(decimal_number(0, 1));
    cli.add_option("--truncate-rate", options.truncate_rate,
           "per connection: cut the response at a random point, then FIN both sides")
        ->option_text("P")
        ->check(decimal_number(0, 1));
    cli.add_option("--fault-window", options.fault_window, "fault points are drawn in [0, BYTES) (default 65536)")
        ->option_text("BYTES")
        ->check(whole_number(1, u64));
    cli.add_option("--seed", options.seed, "reproducible randomness")->option_text("N")->check(whole_number(0, u64));
    cli.add_flag("--log", options.log, "one line per connection with what was injected");
    cli.footer("SIGINT/SIGTERM stop the proxy; SIGUSR1 prints the summary line.");
}

const char* description = "A TCP proxy that makes a bad link between a client and a server (IPv4, numeric addresses).";

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
    auto port_text = text.substr(colon + 1);
    uint16_t port = 0;
    auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || error != std::errc {} || end != port_text.data() + port_text.size())
        return std::unexpected(format_text("'{}' has no valid port", text));
    endpoint.port = port;
    return endpoint;
}

std::expected<ProxyOptions, std::string> parse_proxy_options(std::span<const std::string_view> arguments)
{
    ProxyOptions options;
    std::string listen, target;
    CLI::App cli(description, "fault_proxy");
    declare_options(cli, options, listen, target);
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend()); // CLI11 takes them last first
    try {
        cli.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        options.help = true;
        return options;
    } catch (const CLI::ParseError& error) {
        return std::unexpected(describe_parse_error(cli, error));
    }
    options.listen = *parse_endpoint(listen);
    options.target = *parse_endpoint(target);
    if (options.target.port == 0)
        return std::unexpected("--target needs a real port, not 0");
    return options;
}

std::string proxy_usage()
{
    ProxyOptions options;
    std::string listen, target;
    CLI::App cli(description, "fault_proxy");
    declare_options(cli, options, listen, target);
    return cli.help();
}

}
