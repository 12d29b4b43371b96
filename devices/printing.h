// Printing the citizen's take-home receipt (issue 19): what goes on paper, already translated, and the two
// ways it comes out: an ESC/POS receipt printer (a USB character device, a file, or a CUPS raw queue) or
// any CUPS printer (an A4 PDF). Blocking calls: the kiosk runs them on a worker thread.
#pragma once
#include "kiosk/core/config.h"
#include "kiosk/core/result.h"

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::devices {

// A titled list on the paper: "Et ensuite", "Les aides à demander", "À apporter", "Vos réponses".
struct ReceiptSection {
    std::string title;
    std::vector<std::string> items; // each a sentence or a "label : value" line; printed as bullets
};

// Everything printed, in the session's language, in UTF-8. Never holds what the citizen typed unless the
// procedure marks that answer printable (docs/printing.md).
struct PrintedReceipt {
    std::string place;        // the service point: "Mairie de Saint-Julien"
    std::string date_time;    // "2 décembre 2026 à 17 h 20"
    std::string procedure;    // the procedure's title
    std::string code_label;   // "Votre code de suivi"
    std::string code;         // "ABCD-EFGH", in large type
    std::string code_spelled; // "A B C D, tiret, E F G H": read aloud at a counter without confusion
    std::string qr_text;      // the status link ("https://…/suivi/ABCD-EFGH") or the code alone
    std::string qr_caption;   // "Scannez pour suivre votre demande"
    std::vector<ReceiptSection> sections;
    std::string footer;       // the service point's hours and phone, one or two lines
};

enum class PrinterKind {
    None,   // no printer: the button is not shown
    Escpos, // a thermal receipt printer speaking ESC/POS
    Cups,   // any CUPS queue that takes a PDF
};
std::string_view kind_name(PrinterKind); // "none", "escpos", "cups"

enum class QrMode {
    Native, // the printer's own QR command (GS ( k)
    Raster, // the QR code sent as a bitmap (GS v 0), for printers without the command
};

// The configuration's [printer] section, parsed.
struct PrinterSettings {
    PrinterKind kind = PrinterKind::None;
    std::string device;      // escpos: "/dev/usb/lp0" or a plain file (the demo); empty: use `queue`
    std::string queue;       // a CUPS queue: raw for escpos, PDF-capable for cups; empty: CUPS's default
    std::string cups_server; // a CUPS server ("/run/cups/cups.sock", "localhost:631"); empty: libcups's default
    int paper_mm = 80;       // escpos: 58 or 80
    QrMode qr = QrMode::Native;
};

// The settings of the configuration's [printer] section.
PrinterSettings printer_settings(const PrinterSection&);

// Why a print did not come out, in words the screens translate (strings "print.problem.<name>").
enum class PrintProblem {
    NoPrinter,  // none configured, no such queue, or the device is absent
    Offline,    // the printer or its queue does not answer, or the queue is stopped
    NoPaper,
    CoverOpen,
    WriteFailed, // the device or CUPS failed in the middle of the job
    Failed,      // anything else; `detail` says what, for the technician
};
std::string_view problem_name(PrintProblem); // "no_printer", "offline", …

struct PrintError {
    PrintProblem problem = PrintProblem::Failed;
    std::string detail; // for logs and the technician: never the receipt's contents
};

// What the printer says of itself, for the technician page and the heartbeat.
enum class PrinterState {
    NotConfigured,
    Ready,
    Printing,
    Problem, // `problem` says which
    Unknown, // a device that cannot report (a file, a pseudo-terminal)
};
struct PrinterStatus {
    PrinterState state = PrinterState::NotConfigured;
    PrintProblem problem = PrintProblem::Failed; // with PrinterState::Problem
    std::string detail;                          // "media-empty-error", "LPGETSTATUS 0x30", a queue's message
};
std::string_view state_name(PrinterState); // "not_configured", "ready", …

// The ESC/POS bytes of a receipt: initialise, code page PC858 (French accents and €), text wrapped to the
// paper's width, the code in double size, the QR code (native or raster), a cut.
std::vector<uint8_t> escpos_receipt(const PrintedReceipt&, int paper_mm, QrMode);

// An A4 PDF of the receipt (cairo and pango), in memory.
Result<std::vector<uint8_t>> pdf_receipt(const PrintedReceipt&);

// Prints the receipt the way the settings say. Returns when the device took every byte, or when CUPS
// accepted the job (its id). Thread-safe against itself.
struct PrintJob {
    int cups_job_id = 0; // 0 for a device or a file
    size_t bytes = 0;
};
std::expected<PrintJob, PrintError> print_receipt(const PrinterSettings&, const PrintedReceipt&);

// Asks the printer how it is, without printing. Bounded in time (a few seconds at most).
PrinterStatus printer_status(const PrinterSettings&);

}
