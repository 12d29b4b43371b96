// A page from scanner to JPEG (issue 18): the time of scan_page for A4 at 150 dpi in colour and in grey
// (median of 10), the JPEG's bytes, and the process's peak RSS. Against SANE's `test` backend by default
// (its colour pattern, a worst case for JPEG, and its grid, which is closer to a printed page), or a real
// scanner: `bench_scan DEVICE`. Prints numbers; nothing here passes or fails.
// `bench_scan --memory [grid|pattern]`: the peak RSS of a process holding five scanned A4 pages (ScannedPage,
// colour, the configuration's page limit) and, beside them, the five pages decoded to full-size pixels at
// once (more than the kiosk holds: it decodes one page at a time for its small preview and wipes the
// pixels). Goal: <= 80 MB.
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

// Five pages held, then five decoded at once; RSS read after each step (VmHWM is the peak so far).
int memory(const char* picture)
{
    guichet::test::use_sane_test_backend();
    std::printf("five A4 pages at 150 dpi in colour, SANE test picture \"%s\"\n", picture);
    std::printf("peak RSS at start:                     %6.1f MiB\n", peak_rss_kib() / 1024.0);
    ScannerSettings settings;
    settings.device = "test:0";
    settings.options = { { "test-picture", picture } };
    std::vector<ScannedPage> pages;
    size_t jpeg_bytes = 0;
    for (int n = 0; n < 5; ++n) {
        std::atomic<bool> cancel = false;
        auto page = scan_page(settings, true, nullptr, cancel);
        if (!page) {
            std::fprintf(stderr, "bench_scan: %s\n", page.error().detail.c_str());
            return 1;
        }
        jpeg_bytes += page->jpeg.size();
        pages.push_back(std::move(*page));
    }
    std::printf("peak RSS after scanning 5 pages:       %6.1f MiB (JPEGs %zu bytes in all, %dx%d)\n", peak_rss_kib() / 1024.0,
        jpeg_bytes, pages[0].width, pages[0].height);
    std::vector<DecodedImage> decoded;
    size_t pixel_bytes = 0;
    for (auto& page : pages) {
        auto image = decode_jpeg(page.jpeg);
        if (!image) {
            std::fprintf(stderr, "bench_scan: %s\n", image.error().message.c_str());
            return 1;
        }
        pixel_bytes += image->pixels.size();
        decoded.push_back(std::move(*image));
    }
    std::printf("peak RSS with the 5 pages decoded too:  %6.1f MiB (pixels %zu bytes in all)   goal <= 80 MB (76.3 MiB)\n",
        peak_rss_kib() / 1024.0, pixel_bytes);
    return 0;
}

}

int main(int argc, char** argv)
{
    std::string device = argc > 1 ? argv[1] : "";
    if (device == "--memory")
        return memory(argc > 2 && std::string(argv[2]) == "pattern" ? "Color pattern" : "Grid");
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
