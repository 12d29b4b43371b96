// `guichetctl print-test` and `guichetctl print-render`: the receipt printer for a technician, and what an
// ESC/POS byte file would look like on paper (docs/printing.md).
#pragma once
#include <string>

namespace guichet::ctl {

// Asks the configured printer its state, then prints a test receipt (no citizen's data) and says how long
// CUPS or the device took. Returns 0 when it printed, 1 when it did not, 2 when the configuration cannot
// be read or no printer is configured.
int print_test(const std::string& config_path, bool json);

// Renders the ESC/POS bytes of `in` as the paper would come out (a PNG `out`, `paper_mm` wide). Returns 0,
// or 1 with a message when the file cannot be read, holds commands this kiosk does not send, or the
// picture cannot be written.
int print_render(const std::string& in, const std::string& out, int paper_mm);

}
