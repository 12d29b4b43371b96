// write_to_device() with the stall limit as a parameter: the kiosk uses the 10 s default through
// print_outputs.h; the tests pass a fraction of a second to see a stuck device refused quickly.
#pragma once
#include "devices/print_outputs.h"

#include <chrono>

namespace guichet::devices {

// How long a device may take no byte at all before the job is given up.
inline constexpr std::chrono::milliseconds device_stall_limit { 10'000 };

std::expected<size_t, PrintError> write_to_device(const std::string& path, std::span<const uint8_t> bytes,
    std::chrono::milliseconds stall_limit);

// What a printer's LPGETSTATUS byte says (<linux/lp.h>): paper out, not selected (offline) or an error are
// problems; a usblp printer that is ready answers 0x18.
PrinterStatus lp_printer_status(int status_byte);

}
