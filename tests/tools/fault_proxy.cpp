// fault_proxy: a TCP proxy that emulates a bad link (latency, bandwidth, loss, resets, stalls, truncated
// responses) for the sync tests and benchmarks, since netem is not available where they run.
#include "proxy_options.h"
#include "proxy_server.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace guichet::tools;

namespace {

// Written to a temporary name then renamed, so a reader never sees a half-written port.
bool write_port_file(const std::string& path, uint16_t port)
{
    std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << port << "\n";
        if (!out)
            return false;
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    return !error;
}

}

int main(int argc, char** argv)
{
    std::vector<std::string_view> arguments(argv + 1, argv + argc);
    auto options = parse_proxy_options(arguments);
    if (!options) {
        std::fprintf(stderr, "fault_proxy: %s\n(run 'fault_proxy --help' for usage)\n", options.error().c_str());
        return 2;
    }
    if (options->help) {
        std::fputs(proxy_usage().c_str(), stdout);
        return 0;
    }
    // A drawn seed is printed, so a run that found a bug can be replayed with --seed.
    if (!options->seed)
        options->seed = std::random_device {}();
    ProxyServer server(*options);
    auto port = server.listen();
    if (!port) {
        std::fprintf(stderr, "fault_proxy: %s\n", port.error().c_str());
        return 1;
    }
    if (!options->port_file.empty() && !write_port_file(options->port_file, *port)) {
        std::fprintf(stderr, "fault_proxy: cannot write %s\n", options->port_file.c_str());
        return 1;
    }
    std::printf("fault_proxy: listening on %s:%u, target %s:%u, seed %llu\n", options->listen.host.c_str(), *port,
        options->target.host.c_str(), options->target.port, static_cast<unsigned long long>(*options->seed));
    std::fflush(stdout);
    auto stats = server.run();
    if (!stats) {
        std::fprintf(stderr, "fault_proxy: %s\n", stats.error().c_str());
        return 1;
    }
    std::printf("%s\n", format_summary(*stats).c_str());
    return 0;
}
