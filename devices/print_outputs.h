// The ways a receipt leaves the kiosk, behind print_receipt() and printer_status() (printing.h): a device
// or file written byte by byte (escpos_device.cpp), and a CUPS queue (cups_printer.cpp).
#pragma once
#include "devices/printing.h"

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace guichet::devices {

// Writes every byte to a character device ("/dev/usb/lp0"), a pseudo-terminal or a plain file (appended).
// A usblp device is asked for its status first (LPGETSTATUS): no paper, offline or an error refuse the job
// before a byte is sent. Returns the bytes written.
std::expected<size_t, PrintError> write_to_device(const std::string& path, std::span<const uint8_t> bytes);
PrinterStatus device_status(const std::string& path);

enum class CupsFormat {
    Pdf, // application/pdf, through the queue's filters
    Raw, // application/vnd.cups-raw: ESC/POS bytes to a raw queue, untouched
};
// Submits one job and returns its id once the scheduler has accepted every byte.
std::expected<int, PrintError> print_to_cups(const PrinterSettings&, std::span<const uint8_t> bytes, CupsFormat,
    std::string_view title);
PrinterStatus cups_status(const PrinterSettings&);

}
