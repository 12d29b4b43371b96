// `guichetctl scan-test`: the scanners SANE sees and one test page through the configured one, for a
// technician (docs/documents.md).
#pragma once
#include <string>

namespace guichet::ctl {

// Prints the scanners, then the test page's device, size, JPEG bytes and time; writes the JPEG to `out`
// when it is given. Returns 0 when the page was scanned, 1 when the scan failed, 2 when the configuration
// cannot be read.
int scan_test(const std::string& config_path, const std::string& out, bool json);

}
