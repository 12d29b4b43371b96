// A page from scanner to JPEG (issue 18): the time of scan_page for A4 at 150 dpi in colour and in grey
// (median of 10), the JPEG's bytes, and the process's peak RSS. Against SANE's `test` backend by default
// (its colour pattern, a worst case for JPEG, and its grid, which is closer to a printed page), or a real
// scanner: `bench_scan DEVICE`. Prints numbers; nothing here passes or fails.
#include "devices/jpeg.h"
#include "devices/scanner.h"
#include "../devices/sane_test_backend.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace guichet;
using namespace guichet::devices;

namespace {

long peak_rss_kib()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void bench(const std::string& device, const char* picture, bool color, size_t max_page_bytes, int runs)
{
    ScannerSettings settings;
    settings.device = device;
    settings.resolution_dpi = 150;
    settings.max_page_bytes = max_page_bytes;
    if (picture)
        settings.options = { { "test-picture", picture } };
    std::vector<double> ms;
    size_t bytes = 0;
    int width = 0, height = 0;
    std::string problem;
    for (int i = 0; i < runs; ++i) {
        std::atomic<bool> cancel = false;
        auto start = std::chrono::steady_clock::now();
        auto page = scan_page(settings, color, nullptr, cancel);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (!page) {
            problem = std::string(problem_name(page.error().problem)) + ": " + page.error().detail;
            break;
        }
        bytes = page->jpeg.size();
        width = page->width;
        height = page->height;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-14s %-6s limit %6zu KiB: ", picture ? picture : device.c_str(), color ? "colour" : "grey",
        max_page_bytes / 1024);
    if (!problem.empty())
        std::printf("%s\n", problem.c_str());
    else
        std::printf("median %6.1f ms (min %6.1f, max %6.1f, %d runs), %dx%d, JPEG %7zu bytes, peak RSS %ld MiB\n",
            ms[ms.size() / 2], ms.front(), ms.back(), runs, width, height, bytes, peak_rss_kib() / 1024);
}

}

int main(int argc, char** argv)
{
    std::string device = argc > 1 ? argv[1] : "";
    int runs = 10;
    std::printf("peak RSS before any scan: %ld MiB\n", peak_rss_kib() / 1024);
    if (device.empty()) {
        guichet::test::use_sane_test_backend();
        for (auto* picture : { "Grid", "Color pattern" })
            for (bool color : { true, false }) {
                bench("test:0", picture, color, 400 * 1024, runs); // the configuration's default limit
                bench("test:0", picture, color, 16 * 1024 * 1024, runs); // no limit: quality 80 only
            }
    } else {
        for (bool color : { true, false })
            bench(device, nullptr, color, 400 * 1024, runs);
    }
    return 0;
}
