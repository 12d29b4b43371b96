// Enqueue latency with synchronous=FULL: seal a 2 KB answers object, insert it with its UUID and
// receipt code, COMMIT. This is what a citizen waits for between "Send" and the receipt.
//   bench_enqueue [count=1000] [size=2048] [dir=/tmp]
#include "sync/outbox.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

using namespace guichet;

int main(int argc, char** argv)
{
    int count = argc > 1 ? std::atoi(argv[1]) : 1000;
    int size = argc > 2 ? std::atoi(argv[2]) : 2048;
    std::filesystem::path dir = argc > 3 ? argv[3] : std::filesystem::temp_directory_path();
    dir /= "guichet-bench-enqueue";
    std::filesystem::remove_all(dir);
    if (sodium_init() < 0)
        return 1;
    sync::PublicKey public_key;
    unsigned char secret_key[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(public_key.data(), secret_key);
    auto outbox = sync::Outbox::open({ dir / "outbox.sqlite", "bench", public_key });
    if (!outbox) {
        std::fprintf(stderr, "bench_enqueue: %s\n", outbox.error().message.c_str());
        return 1;
    }
    std::vector<double> times;
    for (int i = 0; i < count; ++i) {
        std::string answers = R"({"n":)" + std::to_string(i) + R"(,"text":")" + std::string(static_cast<size_t>(std::max(0, size - 24)), 'a') + "\"}";
        sync::NewSubmission submission { "bench", 1, false, std::move(answers) };
        auto start = std::chrono::steady_clock::now();
        auto receipt = (*outbox)->enqueue(submission, static_cast<int64_t>(std::time(nullptr)));
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (!receipt) {
            std::fprintf(stderr, "bench_enqueue: %s\n", receipt.error().message.c_str());
            return 1;
        }
    }
    std::sort(times.begin(), times.end());
    std::printf("enqueue (seal + insert + COMMIT, WAL, synchronous=FULL) of %d-byte answers, %d times on %s: "
                "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        size, count, dir.parent_path().c_str(), times[times.size() / 2], times[times.size() * 99 / 100], times.back());
    std::filesystem::remove_all(dir);
    return 0;
}
