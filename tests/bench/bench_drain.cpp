// Drains a backlog of sealed submissions from a real outbox to a real guichet-hub, on loopback or
// through the fault proxy emulating an EDGE-like link (240 kbit/s down, 200 kbit/s up, 840 ms round
// trip, 1 % loss), and compares the time with the floor the upstream bandwidth allows.
//   bench_drain [--items 1000] [--size 2048] [--link loopback|edge] [--batch-items 100] [--batch-kib 256]
#include "../hub/hub_fixture.h"
#include "../sync/fault_proxy_process.h"

#include "sync/outbox.h"
#include "sync/uploader.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

using namespace guichet;

namespace {

constexpr int edge_up_kbps = 200, edge_down_kbps = 240, edge_one_way_ms = 420;

}

int main(int argc, char** argv)
{
    int items = 1000, size = 2048, batch_items = 100, batch_kib = 256;
    std::string link = "loopback";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string arg = argv[i], value = argv[i + 1];
        if (arg == "--items")
            items = std::stoi(value);
        else if (arg == "--size")
            size = std::stoi(value);
        else if (arg == "--link")
            link = value;
        else if (arg == "--batch-items")
            batch_items = std::stoi(value);
        else if (arg == "--batch-kib")
            batch_kib = std::stoi(value);
    }
    test::TempDir dir;
    auto keys = test::run_hub(dir, { "keygen", "--out", (dir / "keys").string() });
    auto public_key = sync::parse_public_key(test::read_text(dir / "keys/submission.pub").substr(0, 44));
    if (keys.exit_code != 0 || !public_key) {
        std::fprintf(stderr, "bench_drain: keygen failed: %s\n", keys.err.c_str());
        return 1;
    }
    auto token = test::enroll(dir, dir / "hub.sqlite", "bench");
    test::ServedHub hub(dir, dir / "hub.sqlite");
    std::unique_ptr<test::FaultProxy> proxy;
    std::string url = "http://127.0.0.1:" + std::to_string(hub.port());
    if (link == "edge") {
        proxy = std::make_unique<test::FaultProxy>(dir.path(), hub.port(),
            std::vector<std::string> { "--delay-ms", std::to_string(edge_one_way_ms), "--up-kbps",
                std::to_string(edge_up_kbps), "--down-kbps", std::to_string(edge_down_kbps), "--loss", "1", "--seed", "3" });
        url = proxy->url();
    }

    auto outbox = sync::Outbox::open({ dir / "outbox.sqlite", "bench", *public_key });
    if (!outbox)
        return 1;
    int64_t sealed_bytes = 0;
    for (int i = 0; i < items; ++i) {
        std::string answers = R"({"n":)" + std::to_string(i) + R"(,"text":")";
        while (static_cast<int>(answers.size()) < size - 2)
            answers += "abcdefghijklmnopqrstuvwxyz0123456789"[randombytes_uniform(36)];
        answers += "\"}";
        sync::NewSubmission submission { "bench", 1, false, std::move(answers) };
        if (!(*outbox)->enqueue(submission, static_cast<int64_t>(std::time(nullptr))))
            return 1;
    }
    auto due = (*outbox)->due(INT64_MAX, static_cast<size_t>(items), SIZE_MAX);
    for (auto& item : *due)
        sealed_bytes += static_cast<int64_t>(item.sealed.size());

    sync::Uploader uploader(**outbox, { .link = { .hub_url = url, .token = token }, .batch_max_items = static_cast<size_t>(batch_items),
                                          .batch_max_bytes = static_cast<size_t>(batch_kib) * 1024 });
    auto start = std::chrono::steady_clock::now();
    int requests = 0, passes = 0;
    for (; passes < 1000; ++passes) {
        auto report = uploader.run_once(sync::Uploader::Scope::AllQueued);
        requests += report.batches;
        if (!report.error.empty())
            std::fprintf(stderr, "bench_drain: %s (retrying)\n", report.error.c_str());
        if ((*outbox)->counts()->queued == 0)
            break;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (auto left = (*outbox)->counts()->queued; left > 0) {
        std::printf("%s link: NOT drained: %lld submissions still queued after %.1f s and %d passes\n", link.c_str(),
            static_cast<long long>(left), seconds, passes);
        return 1;
    }
    std::printf("%s link, %d submissions of %d bytes (%.0f kB sealed), batches of <= %d items / %d KiB: "
                "drained in %.1f s, %d requests\n",
        link.c_str(), items, size, sealed_bytes / 1000.0, batch_items, batch_kib, seconds, requests);
    if (link == "edge") {
        double floor = sealed_bytes * 8.0 / (edge_up_kbps * 1000.0);
        std::printf("  floor (sealed bytes / %d kbit/s up): %.1f s; ratio %.2f\n", edge_up_kbps, floor, seconds / floor);
    }
    return 0;
}
