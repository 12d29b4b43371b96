// `guichetctl scan-test` (see scan_test.h).
#include "kiosk/ctl/scan_test.h"

#include "devices/scanner.h"
#include "kiosk/core/config.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>

namespace guichet::ctl {

int scan_test(const std::string& config_path, const std::string& out, bool json)
{
    auto config = load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "guichetctl: %s\n", config.error().message.c_str());
        return 2;
    }
    auto scanners = devices::list_scanners();
    auto settings = devices::scanner_settings(config->scanner);
    auto started = std::chrono::steady_clock::now();
    std::atomic<bool> cancel = false;
    auto page = devices::scan_page(settings, false, {}, cancel);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    if (page && !out.empty()) {
        std::ofstream file(out, std::ios::binary);
        file.write(reinterpret_cast<const char*>(page->jpeg.data()), static_cast<std::streamsize>(page->jpeg.size()));
        if (!file) {
            std::fprintf(stderr, "guichetctl: cannot write %s\n", out.c_str());
            return 1;
        }
    }
    std::string device = settings.device.empty() ? "the first found" : settings.device;
    if (json) {
        nlohmann::json found = nlohmann::json::array();
        if (scanners) {
            for (auto& scanner : *scanners)
                found.push_back({ { "name", scanner.name }, { "vendor", scanner.vendor }, { "model", scanner.model }, { "type", scanner.type } });
        }
        nlohmann::json result { { "scanners", found }, { "device", settings.device }, { "ok", page.has_value() }, { "ms", millis } };
        if (page) {
            result["width"] = page->width;
            result["height"] = page->height;
            result["jpeg_bytes"] = page->jpeg.size();
        } else {
            result["problem"] = devices::problem_name(page.error().problem);
            result["detail"] = page.error().detail;
        }
        std::printf("%s\n", result.dump(2).c_str());
        return page ? 0 : 1;
    }
    if (!scanners)
        std::printf("scanners: cannot list them: %s\n", scanners.error().message.c_str());
    else if (scanners->empty())
        std::printf("scanners: none found\n");
    for (auto& scanner : scanners ? *scanners : std::vector<devices::ScannerInfo> {})
        std::printf("scanner: %s (%s %s, %s)\n", scanner.name.c_str(), scanner.vendor.c_str(), scanner.model.c_str(), scanner.type.c_str());
    if (!page) {
        std::printf("test scan on %s: FAILED (%s): %s\n", device.c_str(), std::string(devices::problem_name(page.error().problem)).c_str(),
            page.error().detail.c_str());
        return 1;
    }
    std::printf("test scan on %s: %d x %d pixels, %zu bytes of JPEG, %lld ms%s\n", device.c_str(), page->width, page->height,
        page->jpeg.size(), static_cast<long long>(millis), out.empty() ? " (not kept)" : (", written to " + out).c_str());
    return 0;
}

}
