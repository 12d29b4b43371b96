// The hub under abuse (issue 15), measured on a real guichet-hub on loopback:
//  1. with N slow connections held open (each trickling its request head from one of many 127.0.0.x
//     addresses), the latency of /v1/health on fresh connections (p50, p99, max) and whether a
//     kiosk's batch (the real uploader and outbox) is still stored;
//  2. the hub's resident memory (VmHWM, the peak, and VmRSS after) under P parallel worst-case bodies:
//     nesting bombs, batches at the size limit with the largest items, and swarms of values.
//   bench_hub_abuse [--slow 500] [--checks 300] [--parallel 16]
#include "../hub/hub_fixture.h"

#include "sync/outbox.h"
#include "sync/uploader.h"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <netinet/in.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>

using namespace guichet;
using guichet::test::connect_from;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

double mib(long kb) { return static_cast<double>(kb) / 1024.0; }

}

int main(int argc, char** argv)
{
    int slow_count = 500, checks = 300, parallel = 16;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string arg = argv[i];
        int value = std::stoi(argv[i + 1]);
        if (arg == "--slow")
            slow_count = value;
        else if (arg == "--checks")
            checks = value;
        else if (arg == "--parallel")
            parallel = value;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::signal(SIGPIPE, SIG_IGN); // the hub may close a connection before a large body is all sent
    // Each slow client is a descriptor here and one in the hub (which holds up to 768 by default).
    rlimit files {};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    test::TempDir dir;
    auto keys = test::run_hub(dir, { "keygen", "--out", (dir / "keys").string() });
    auto public_key = sync::parse_public_key(test::read_text(dir / "keys/submission.pub").substr(0, 44));
    if (keys.exit_code != 0 || !public_key) {
        std::fprintf(stderr, "bench_hub_abuse: keygen failed: %s\n", keys.err.c_str());
        return 1;
    }
    auto token = test::enroll(dir, dir / "hub.sqlite", "bench");
    // The head deadline is raised from 10 s so that every slow connection is still held while the
    // health checks run (opening 500 takes a while); the other limits are the defaults.
    test::ServedHub hub(dir, dir / "hub.sqlite", { "--head-timeout", "120" });
    std::printf("hub started: VmRSS %.1f MiB\n", mib(test::proc_status_kb(hub.pid(), "VmRSS")));

    // 1. Slow connections: 15 per address (the default cap is 16), a byte a second each.
    std::vector<int> slow;
    auto open_from = Clock::now();
    for (int i = 0; static_cast<int>(slow.size()) < slow_count && i < 100000; ++i) {
        int fd = connect_from("127.0.0." + std::to_string(2 + i / 15), hub.port());
        if (fd < 0)
            break;
        (void)!send(fd, "GET /v1/health HTTP/1.1\r\nHost: hub\r\n", 36, MSG_NOSIGNAL);
        slow.push_back(fd);
    }
    auto opened_s = std::chrono::duration<double>(Clock::now() - open_from).count();
    std::atomic<bool> stop = false;
    std::thread trickle([&] {
        while (!stop) {
            for (int fd : slow)
                (void)!send(fd, "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::vector<double> latencies;
    int failed = 0;
    auto measured_from = Clock::now();
    for (int i = 0; i < checks; ++i) {
        auto client = hub.client();
        client.set_read_timeout(5);
        auto start = Clock::now();
        auto res = client.Get("/v1/health");
        auto ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (!res || res->status != 200)
            ++failed;
        else
            latencies.push_back(ms);
    }
    auto measured_s = std::chrono::duration<double>(Clock::now() - measured_from).count();

    auto outbox = sync::Outbox::open({ dir / "outbox.sqlite", "bench", *public_key });
    if (!outbox) {
        std::fprintf(stderr, "bench_hub_abuse: %s\n", outbox.error().message.c_str());
        return 1;
    }
    for (int i = 0; i < 20; ++i) {
        sync::NewSubmission submission { "acte-naissance", 1, false, R"({"i":)" + std::to_string(i) + "}" };
        (void)(*outbox)->enqueue(submission, std::time(nullptr));
    }
    sync::PassReport report;
    double kiosk_ms = 0;
    {
        // Its connection closes with it, before the bodies below (all from 127.0.0.1, 16 at most).
        sync::Uploader uploader(**outbox, { .link = { .hub_url = "http://127.0.0.1:" + std::to_string(hub.port()), .token = token } });
        auto kiosk_start = Clock::now();
        report = uploader.run_once();
        kiosk_ms = std::chrono::duration<double, std::milli>(Clock::now() - kiosk_start).count();
    }
    stop = true;
    trickle.join();
    // How many slow connections the hub still held: those it has not answered (408) nor closed.
    int still_open = 0;
    for (int fd : slow) {
        char byte;
        if (recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && errno == EAGAIN)
            ++still_open;
        close(fd);
    }
    std::printf("slow connections: %zu opened in %.2f s, %d still held at the end\n", slow.size(), opened_s, still_open);
    std::printf("health with them held: %d checks in %.2f s, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", checks,
        measured_s, failed, percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 1.0));
    std::printf("kiosk batch with them held: %d sent of 20 in %d batch(es), %.0f ms, error '%s'\n", report.sent,
        report.batches, kiosk_ms, report.error.c_str());

    // 2. Memory under parallel worst-case bodies, with the kiosk's valid token.
    std::string bomb(sync::protocol::max_body_bytes - 16, '[');
    std::string swarm = "{\"kiosk\":\"bench\",\"items\":[0";
    for (size_t i = 1; i + 1 < sync::protocol::max_json_values; ++i)
        swarm += ",0";
    swarm += "]}";
    auto large_batch = [&] {
        // Items of the largest sealed size, as many as the body limit allows.
        sync::protocol::Batch batch { "bench", {} };
        std::vector<uint8_t> sealed(sync::protocol::max_sealed_bytes, 0x5a);
        while ((batch.items.size() + 1) * (sealed.size() * 4 / 3 + 200) < sync::protocol::max_body_bytes)
            batch.items.push_back(test::make_item(sealed));
        return sync::protocol::encode(batch);
    };
    struct Kind {
        const char* name;
        std::function<std::string()> body;
    };
    std::vector<Kind> kinds { { "nesting bomb (8 MB of '[')", [&] { return bomb; } },
        { "swarm of 100k values", [&] { return swarm; } }, { "batch at the size limit (largest items)", large_batch } };
    for (auto& kind : kinds) {
        std::vector<std::string> bodies;
        for (int i = 0; i < parallel; ++i)
            bodies.push_back(kind.body());
        std::atomic<int> ok = 0, refused = 0;
        std::vector<std::thread> senders;
        auto start = Clock::now();
        for (int i = 0; i < parallel; ++i) {
            senders.emplace_back([&, i] {
                auto client = hub.client(token);
                // Bodies wait for one of the hub's 8 workers, so the client waits long to write too.
                client.set_read_timeout(120);
                client.set_write_timeout(120);
                auto res = client.Post("/v1/submissions", bodies[static_cast<size_t>(i)], "application/json");
                if (res && res->status == 200)
                    ++ok;
                else if (res && res->status >= 400 && res->status < 500)
                    ++refused;
                else
                    std::printf("  one request failed: %s\n",
                        res ? ("HTTP " + std::to_string(res->status)).c_str() : httplib::to_string(res.error()).c_str());
            });
        }
        for (auto& sender : senders)
            sender.join();
        auto seconds = std::chrono::duration<double>(Clock::now() - start).count();
        auto peak = test::proc_status_kb(hub.pid(), "VmHWM");
        std::this_thread::sleep_for(std::chrono::seconds(1));
        auto after = test::proc_status_kb(hub.pid(), "VmRSS");
        std::printf("%d parallel %s (%.1f MiB each): %d stored, %d refused in %.2f s; hub peak so far %.1f MiB, 1 s after %.1f MiB\n",
            parallel, kind.name, static_cast<double>(bodies[0].size()) / (1024 * 1024), ok.load(), refused.load(), seconds,
            mib(peak), mib(after));
    }
    return 0;
}
