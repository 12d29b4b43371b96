// Scanning a page through SANE (issue 18): the kiosk's one way to read a paper. A scan runs on a worker
// thread (it takes seconds); the page comes back JPEG-encoded in memory (libjpeg-turbo), and every raw
// buffer on the way is wiped. Nothing is written to disk.
#pragma once
#include "kiosk/core/config.h"
#include "kiosk/core/document.h"
#include "kiosk/core/result.h"

#include <atomic>
#include <expected>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace guichet::devices {

// The configuration's [scanner] section.
struct ScannerSettings {
    std::string device;        // a SANE device name ("test:0", "genesys:libusb:001:004"); empty: the first found
    int resolution_dpi = 150;
    double width_mm = 210;     // the scan area, from the glass's top-left corner: A4 by default
    double height_mm = 297;
    int jpeg_quality = 80;     // lowered step by step when a page is over max_page_bytes
    size_t max_page_bytes = 300 * 1024;
    // Other SANE options set before each scan, by name ("source" = "Flatbed"; the tests set the test
    // backend's "test-picture").
    std::vector<std::pair<std::string, std::string>> options;
};

// The settings of the configuration's [scanner] section.
ScannerSettings scanner_settings(const ScannerSection&);

struct ScannerInfo {
    std::string name, vendor, model, type;
};

// Why a scan gave no page, in words the screens translate (strings "scan.problem.<name>").
enum class ScanProblem {
    NoScanner,  // none found, or the configured one is absent
    Busy,       // another program holds it
    CoverOpen,
    Jammed,
    NoPaper,    // a feeder with no sheet
    Lost,       // the scanner went away or failed in the middle of a scan (I/O error)
    Empty,      // nothing came back, or a page of one flat colour: nothing lies on the glass
    TooLarge,   // still over max_page_bytes at the lowest quality
    Cancelled,
    Failed,     // anything else; `detail` says what, for the technician
};
std::string_view problem_name(ScanProblem); // "no_scanner", "busy", …

struct ScanError {
    ScanProblem problem = ScanProblem::Failed;
    std::string detail; // for logs and the technician: never image data
};

// Progress of a scan in [0, 1], called on the scanning thread.
using ScanProgress = std::function<void(double)>;

// The scanners SANE sees now (sane_get_devices); an empty list when there are none.
Result<std::vector<ScannerInfo>> list_scanners();

// Scans one page in colour or greyscale and encodes it as JPEG in memory. Blocking: call it from a worker
// thread. `cancel` is polled between reads (sane_cancel). Thread-safe against itself (one scan at a time).
std::expected<ScannedPage, ScanError> scan_page(const ScannerSettings&, bool color, const ScanProgress&,
    const std::atomic<bool>& cancel);

}
