// A scanned document's upload on an EDGE-like link (issue 18), with real components only: three pages
// scanned by devices::scan_page from SANE's `test` backend (its "Grid" picture, A4 at 150 dpi, grey and
// colour), enqueued with their submission in a real sync::Outbox, sent by the real Uploader to a real
// guichet-hub behind the fault proxy (240/200 kbit/s, 420 ms one way, 1 % loss).
//  1. For chunk sizes of 64, 128 and 256 KiB: the sealed bytes (submission + pages), the floor the uplink
//     allows (bytes * 8 / 200 kbit/s), the time from the first pass to the last page acknowledged whole by
//     the hub, and time / floor (goal <= 1.2). Median of --runs runs (default 3).
//  2. The link cut half-way (the proxy dies half a chunk after the hub acknowledged half the page bytes) and a new
//     link after it: what went up in all, against an uncut run with the same chunk size. The difference is
//     what was sent again (goal: at most one chunk per page).
//   bench_upload_pages [--runs N] [--chunks 64,128,256] [--no-cut | --cut-only]
// Prints numbers; nothing here passes or fails on time.
#include "../devices/sane_test_backend.h"
#include "../hub/hub_fixture.h"
#include "../sync/fault_proxy_process.h"
#include "../sync/sync_test_support.h"

#include "devices/scanner.h"
#include "sync/uploader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

using namespace guichet;
using namespace guichet::sync;
namespace fs = std::filesystem;

namespace {

constexpr int edge_up_kbps = 200, edge_down_kbps = 240, edge_one_way_ms = 420;

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

std::vector<std::string> edge_link(int seed)
{
    return { "--delay-ms", std::to_string(edge_one_way_ms), "--up-kbps", std::to_string(edge_up_kbps), "--down-kbps",
        std::to_string(edge_down_kbps), "--loss", "1", "--seed", std::to_string(seed) };
}

int64_t summary_value(const std::string& summary, const std::string& name)
{
    auto at = summary.find(name + "=");
    return at == std::string::npos ? -1 : std::stoll(summary.substr(at + name.size() + 1));
}

// From the kiosk's outbox file: the sealed bytes of everything (submission + pages), and those of pages
// the hub has not acknowledged yet.
struct Sealed {
    int64_t submission = 0, pages = 0, pages_left = 0;
};

Sealed sealed_bytes(const fs::path& outbox_file)
{
    Sealed sealed;
    auto db = Database::open(outbox_file);
    if (!db)
        return sealed;
    if (auto statement = db->prepare("SELECT coalesce(sum(sealed_size), 0) FROM submissions"); statement && statement->step().value_or(false))
        sealed.submission = statement->int64(0);
    if (auto statement = db->prepare("SELECT coalesce(sum(size), 0), coalesce(sum(CASE WHEN done = 0 THEN size - acked ELSE 0 END), 0) FROM attachments");
        statement && statement->step().value_or(false)) {
        sealed.pages = statement->int64(0);
        sealed.pages_left = statement->int64(1);
    }
    return sealed;
}

// One kiosk with its outbox, a fresh hub and the three pages enqueued.
struct Rig {
    test::TempDir dir;
    test::KeyPair keys;
    fs::path hub_db = dir / "hub.sqlite";
    std::string token = test::enroll(dir, hub_db, "mairie-01");
    std::unique_ptr<Outbox> outbox;
    test::ServedHub hub { dir, hub_db };

    explicit Rig(const std::vector<ScannedPage>& pages)
    {
        auto opened = Outbox::open({ dir / "outbox.sqlite", "mairie-01", keys.public_key });
        if (!opened)
            throw std::runtime_error(opened.error().message);
        outbox = std::move(*opened);
        // The answers as the kiosk seals them: the document step lists its pages (plan, point 4).
        nlohmann::json list = nlohmann::json::array();
        NewSubmission submission { "acte-naissance", 1, false, {} };
        for (size_t n = 0; n < pages.size(); ++n) {
            list.push_back({ { "n", n }, { "sha256", pages[n].sha256 }, { "bytes", pages[n].jpeg.size() },
                { "width", pages[n].width }, { "height", pages[n].height }, { "type", "image/jpeg" } });
            submission.pages.push_back(pages[n].jpeg); // enqueue wipes its copy
        }
        submission.answers_json = nlohmann::json { { "nom", "Martin" }, { "piece-identite", { { "pages", list } } } }.dump();
        auto receipt = outbox->enqueue(submission, now());
        if (!receipt)
            throw std::runtime_error(receipt.error().message);
    }

    UploaderSettings settings(const std::string& url, size_t chunk_bytes) const
    {
        return { .link = { .hub_url = url, .token = token }, .chunk_bytes = chunk_bytes };
    }

    int64_t pages_pending() const { return outbox->counts().value().pages_pending; }

    // Passes until every page is whole at the hub (each pass stops at the first transient failure).
    int drain(Uploader& uploader)
    {
        int passes = 0;
        while (pages_pending() > 0 && passes < 50) {
            auto report = uploader.run_once(Uploader::Scope::AllQueued);
            ++passes;
            if (!report.error.empty())
                std::fprintf(stderr, "  (pass %d: %s)\n", passes, report.error.c_str());
        }
        return passes;
    }
};

struct Run {
    int64_t sealed = 0;
    double seconds = 0;
    int64_t bytes_up = 0;
    int passes = 0;
    bool complete = false;
};

Run uncut(const std::vector<ScannedPage>& pages, size_t chunk_bytes, int seed)
{
    Rig rig(pages);
    Run run;
    auto sealed = sealed_bytes(rig.dir / "outbox.sqlite");
    run.sealed = sealed.submission + sealed.pages;
    auto summary_file = rig.dir / "edge.txt";
    {
        test::FaultProxy edge(rig.dir.path(), rig.hub.port(), edge_link(seed), summary_file);
        Uploader uploader(*rig.outbox, rig.settings(edge.url(), chunk_bytes));
        auto start = std::chrono::steady_clock::now();
        run.passes = rig.drain(uploader);
        run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        edge.stop();
    }
    run.complete = rig.pages_pending() == 0;
    run.bytes_up = summary_value(test::read_all(summary_file), "bytes_up");
    return run;
}

struct CutRun {
    int64_t sealed = 0, acked_at_cut = 0, left_at_cut = 0, up_before = 0, up_after = 0;
    bool complete = false;
};

// The uploader's worker sends as the kiosk does; once the hub has acknowledged half the sealed page bytes,
// half a chunk later (mid-chunk) the proxy dies (the link is cut); a new link (a new proxy, same EDGE
// profile) then carries the rest.
CutRun cut_half_way(const std::vector<ScannedPage>& pages, size_t chunk_bytes, int seed)
{
    Rig rig(pages);
    CutRun run;
    auto outbox_file = rig.dir / "outbox.sqlite";
    auto sealed = sealed_bytes(outbox_file);
    run.sealed = sealed.submission + sealed.pages;
    auto before_file = rig.dir / "before.txt", after_file = rig.dir / "after.txt";
    {
        test::FaultProxy edge(rig.dir.path(), rig.hub.port(), edge_link(seed), before_file);
        Uploader uploader(*rig.outbox, rig.settings(edge.url(), chunk_bytes));
        uploader.start();
        uploader.trigger();
        for (int i = 0; i < 20 * 600; ++i) {
            if (sealed_bytes(outbox_file).pages_left * 2 <= sealed.pages)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        // Cut in the middle of the next chunk, not just after an acknowledgement (which would cost nothing):
        // half a chunk's transmission time on the uplink later.
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(chunk_bytes) * 8 / edge_up_kbps / 2));
        edge.stop(); // the cut: what was in flight is lost
        uploader.stop();
    }
    auto at_cut = sealed_bytes(outbox_file);
    run.left_at_cut = at_cut.pages_left;
    run.acked_at_cut = sealed.pages - at_cut.pages_left;
    {
        test::FaultProxy edge(rig.dir.path(), rig.hub.port(), edge_link(seed + 100), after_file);
        Uploader uploader(*rig.outbox, rig.settings(edge.url(), chunk_bytes));
        rig.drain(uploader);
        edge.stop();
    }
    run.complete = rig.pages_pending() == 0;
    run.up_before = summary_value(test::read_all(before_file), "bytes_up");
    run.up_after = summary_value(test::read_all(after_file), "bytes_up");
    return run;
}

template<typename T, typename Key>
T median_by(std::vector<T> runs, Key key)
{
    std::sort(runs.begin(), runs.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return runs[runs.size() / 2];
}

}

int main(int argc, char** argv)
{
    int runs = 3;
    std::vector<int> chunks_kib { 64, 128, 256 };
    bool cut = true, table = true;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--runs" && i + 1 < argc)
            runs = std::max(1, std::stoi(argv[++i]));
        else if (arg == "--chunks" && i + 1 < argc) {
            chunks_kib.clear();
            std::string list = argv[++i];
            for (size_t at = 0; at < list.size();) {
                auto comma = list.find(',', at);
                chunks_kib.push_back(std::stoi(list.substr(at, comma - at)));
                at = comma == std::string::npos ? list.size() : comma + 1;
            }
        } else if (arg == "--no-cut")
            cut = false;
        else if (arg == "--cut-only")
            table = false;
    }
    [[maybe_unused]] int ready = sodium_init();
    test::use_sane_test_backend();

    std::printf("bench_upload_pages: 3 pages, SANE test backend \"Grid\", A4 150 dpi; EDGE link %d/%d kbit/s (down/up), "
                "%d ms one way, 1 %% loss; median of %d run(s)\n\n",
        edge_down_kbps, edge_up_kbps, edge_one_way_ms, runs);
    std::printf("%-6s %5s %9s %9s %8s %8s %6s %9s %6s %s\n", "pages", "chunk", "sealed B", "wire up B", "floor s",
        "time s", "ratio", "min-max s", "passes", "");
    struct Kind {
        const char* name = "";
        bool color = false;
        std::vector<ScannedPage> pages;
    };
    std::vector<Kind> kinds(2); // ScannedPage is move-only: no initializer list
    kinds[0].name = "grey";
    kinds[1].name = "colour";
    kinds[1].color = true;
    for (auto& kind : kinds) {
        devices::ScannerSettings settings; // the configuration's defaults: A4, 150 dpi, its page limit
        settings.device = "test:0";
        settings.options = { { "test-picture", "Grid" } };
        for (int n = 0; n < 3; ++n) {
            std::atomic<bool> cancel = false;
            auto page = devices::scan_page(settings, kind.color, nullptr, cancel);
            if (!page) {
                std::fprintf(stderr, "bench_upload_pages: scan failed: %s\n", page.error().detail.c_str());
                return 1;
            }
            kind.pages.push_back(std::move(*page));
        }
    }
    for (auto& kind : kinds) {
        for (int kib : table ? chunks_kib : std::vector<int> {}) {
            std::vector<Run> results;
            for (int r = 0; r < runs; ++r)
                results.push_back(uncut(kind.pages, static_cast<size_t>(kib) * 1024, 1 + r));
            auto mid = median_by(results, [](const Run& run) { return run.seconds; });
            double floor = static_cast<double>(mid.sealed) * 8 / (edge_up_kbps * 1000.0);
            double low = std::min_element(results.begin(), results.end(), [](auto& a, auto& b) { return a.seconds < b.seconds; })->seconds;
            double high = std::max_element(results.begin(), results.end(), [](auto& a, auto& b) { return a.seconds < b.seconds; })->seconds;
            std::printf("%-6s %5d %9lld %9lld %8.1f %8.1f %6.2f %4.1f-%-4.1f %6d %s\n", kind.name, kib,
                static_cast<long long>(mid.sealed), static_cast<long long>(mid.bytes_up), floor, mid.seconds,
                mid.seconds / floor, low, high, mid.passes, mid.complete ? "" : "INCOMPLETE");
            std::fflush(stdout);
        }
    }
    std::printf("\nsealed B: submission + 3 sealed pages; floor: sealed B * 8 / %d kbit/s; time: first pass to the last page "
                "acknowledged whole by the hub; ratio = time / floor (goal <= 1.2)\n",
        edge_up_kbps);
    if (!cut)
        return 0;

    std::printf("\nlink cut mid-chunk once the hub holds half the page bytes, then a new link (one run each):\n");
    std::printf("%-6s %5s %9s %9s %9s %9s %9s %9s %9s %s\n", "pages", "chunk", "sealed B", "acked@cut", "up before",
        "up after", "up total", "uncut up", "again B", "bound (1 chunk/page)");
    for (auto& kind : kinds) {
        for (int kib : chunks_kib) {
            size_t chunk = static_cast<size_t>(kib) * 1024;
            auto reference = uncut(kind.pages, chunk, 1);
            auto run = cut_half_way(kind.pages, chunk, 1);
            int64_t total = run.up_before + run.up_after;
            std::printf("%-6s %5d %9lld %9lld %9lld %9lld %9lld %9lld %9lld %lld%s\n", kind.name, kib,
                static_cast<long long>(run.sealed), static_cast<long long>(run.acked_at_cut),
                static_cast<long long>(run.up_before), static_cast<long long>(run.up_after), static_cast<long long>(total),
                static_cast<long long>(reference.bytes_up), static_cast<long long>(total - reference.bytes_up),
                static_cast<long long>(3 * chunk), run.complete && reference.complete ? "" : " INCOMPLETE");
            std::fflush(stdout);
        }
    }
    std::printf("\nup: bytes the proxy forwarded to the hub (bodies + HTTP headers); again B = up total - uncut up "
                "(the same document and chunk size without a cut): what the cut made the kiosk send again\n");
    return 0;
}
