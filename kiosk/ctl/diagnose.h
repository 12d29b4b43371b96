// `guichetctl diagnose`: the kiosk's path to its hub, step by step (sync/diagnostics.h), for a technician.
#pragma once
#include <string>

namespace guichet::ctl {

// Prints each step with its time and result; returns 0 when every step passed, 1 when one failed,
// 2 when the configuration cannot be read.
int diagnose(const std::string& config_path, bool json);

}
