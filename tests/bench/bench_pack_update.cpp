// What a content update costs on the wire: a 30-file pack (the 5 real procedures, the 4 strings files,
// the 2 themes, and generated images and recordings) published on a real guichet-hub, installed by a
// kiosk's PackClient; then one procedure changes, version 2 is published, and the second update's
// bytes are compared with the floor (the changed file + the manifest). Through the fault proxy on an
// EDGE-like link with --link edge, to show the time too.
//   bench_pack_update [--link loopback|edge]
#include "../hub/hub_fixture.h"
#include "../sync/fault_proxy_process.h"

#include "sync/pack_client.h"

#include <chrono>
#include <cstdio>
#include <string>

using namespace guichet;
using namespace guichet::sync::pack;
namespace fs = std::filesystem;

namespace {

constexpr int edge_up_kbps = 200, edge_down_kbps = 240, edge_one_way_ms = 420;

std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

bool run(const test::TempDir& dir, const std::vector<std::string>& args)
{
    auto outcome = test::run_hub(dir, args);
    if (outcome.exit_code != 0)
        std::fprintf(stderr, "bench_pack_update: guichet-hub %s failed: %s\n", args[0].c_str(), outcome.err.c_str());
    return outcome.exit_code == 0;
}

void print(const char* what, const UpdateReport& report, double seconds)
{
    std::printf("%-22s outcome=%-10s files=%2d requests=%2d body_bytes=%8llu wire_bytes=%8llu time=%.3f s%s%s\n", what,
        std::string(outcome_name(report.outcome)).c_str(), report.files_downloaded, report.requests,
        static_cast<unsigned long long>(report.body_bytes), static_cast<unsigned long long>(report.bytes_transferred), seconds,
        report.reason.empty() ? "" : " reason=", report.reason.c_str());
}

}

int main(int argc, char** argv)
{
    std::string link = "loopback";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "--link")
            link = argv[i + 1];
    }
    test::TempDir dir;
    auto source = dir / "source";
    fs::path assets = GUICHET_SOURCE_DIR "/assets";
    fs::create_directories(source);
    for (auto* sub : { "procedures", "strings", "themes" })
        fs::copy(assets / sub, source / sub, fs::copy_options::recursive);
    // Generated media to reach 30 files: 9 images of 20-60 KB and 10 recordings of 40-130 KB.
    [[maybe_unused]] int ready = sodium_init();
    auto noise = [](size_t size) {
        std::string bytes(size, '\0');
        randombytes_buf(bytes.data(), bytes.size());
        return bytes;
    };
    fs::create_directories(source / "images");
    fs::create_directories(source / "recordings" / "fr");
    for (int i = 0; i < 9; ++i)
        test::write_text(source / "images" / ("category-" + std::to_string(i) + ".png"), noise(20000 + 5000 * static_cast<size_t>(i)));
    for (int i = 0; i < 10; ++i)
        test::write_text(source / "recordings" / "fr" / ("prompt-" + std::to_string(i) + ".wav"), noise(40000 + 10000 * static_cast<size_t>(i)));
    size_t files = 0;
    for (auto& entry : fs::recursive_directory_iterator(source))
        files += entry.is_regular_file() ? 1 : 0;

    auto key = dir / "pack.key";
    auto depot = dir / "depot";
    auto token = test::enroll(dir, dir / "hub.sqlite", "bench");
    if (!run(dir, { "pack", "keygen", "--out", key.string() }))
        return 1;
    auto publish = [&](int version) {
        auto out = dir / ("pack-v" + std::to_string(version));
        return run(dir, { "pack", "build", source.string(), "--key", key.string(), "--version", std::to_string(version), "--out", out.string() })
            && run(dir, { "pack", "publish", out.string(), "--channel", "stable", "--packs", depot.string() });
    };
    test::ServedHub hub(dir, dir / "hub.sqlite", { "--packs", depot.string() });
    std::unique_ptr<test::FaultProxy> proxy;
    std::string url = "http://127.0.0.1:" + std::to_string(hub.port());
    if (link == "edge") {
        proxy = std::make_unique<test::FaultProxy>(dir.path(), hub.port(),
            std::vector<std::string> { "--delay-ms", std::to_string(edge_one_way_ms), "--up-kbps", std::to_string(edge_up_kbps),
                "--down-kbps", std::to_string(edge_down_kbps), "--loss", "1", "--seed", "3" });
        url = proxy->url();
    }

    auto store = PackStore::open({ .dir = dir / "packs", .signing_keys = { trimmed(test::read_text(key.string() + ".pub")) },
        .builtin_assets_dir = assets });
    if (!store) {
        std::fprintf(stderr, "bench_pack_update: %s\n", store.error().message.c_str());
        return 1;
    }
    PackClient client(**store, { .hub_url = url, .token = token });
    auto timed = [&] {
        auto start = std::chrono::steady_clock::now();
        auto report = client.check_and_update();
        return std::pair { report, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() };
    };

    std::printf("bench_pack_update: link=%s, pack of %zu files\n", link.c_str(), files);
    if (!publish(1))
        return 1;
    auto [first, first_s] = timed();
    print("v1 (everything)", first, first_s);
    auto [same, same_s] = timed();
    print("no change (304)", same, same_s);

    auto changed = source / "procedures" / "change-of-address.json";
    auto procedure = nlohmann::json::parse(test::read_text(changed));
    procedure["version"] = procedure["version"].get<int64_t>() + 1;
    procedure["title"]["fr"] = "Déclarer un changement d’adresse (mise à jour)";
    test::write_text(changed, procedure.dump(2) + "\n");
    if (!publish(2))
        return 1;
    auto [second, second_s] = timed();
    print("v2 (one file changed)", second, second_s);

    auto manifest_bytes = fs::file_size(depot / "channels" / "stable.json");
    auto changed_bytes = fs::file_size(changed);
    auto floor = static_cast<double>(manifest_bytes + changed_bytes);
    std::printf("floor: changed file %llu + manifest %llu = %.0f bytes\n", static_cast<unsigned long long>(changed_bytes),
        static_cast<unsigned long long>(manifest_bytes), floor);
    std::printf("second update / floor: body %.3f, wire (with HTTP headers and requests) %.3f  (goal <= 1.1)\n",
        static_cast<double>(second.body_bytes) / floor, static_cast<double>(second.bytes_transferred) / floor);
    std::printf("first update wire bytes / pack bytes: %.3f\n",
        static_cast<double>(first.bytes_transferred) / static_cast<double>(first.body_bytes));
    bool ok = first.outcome == UpdateOutcome::Installed && second.outcome == UpdateOutcome::Installed && second.files_downloaded == 1;
    return ok ? 0 : 1;
}
