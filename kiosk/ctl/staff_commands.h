// `guichetctl set-pin ROLE` and `guichetctl audit`: staff PINs and the audit log (kiosk/staff/staff_store.h).
#pragma once
#include <string>

namespace guichet::ctl {

// Reads the new PIN from standard input: asked twice without echo on a terminal, one line otherwise
// (for provisioning scripts). Returns 0 when set, 1 when refused or failed, 2 for a bad configuration.
int set_pin(const std::string& config_path, const std::string& role);

// Prints the newest audit entries (at most `limit`).
int print_audit(const std::string& config_path, bool json, size_t limit);

}
