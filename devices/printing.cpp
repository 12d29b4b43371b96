// Names of the printing enums, and print_receipt() / printer_status(): the settings choose the output.
#include "devices/printing.h"

#include "devices/print_outputs.h"

namespace guichet::devices {

std::string_view kind_name(PrinterKind kind)
{
    switch (kind) {
    case PrinterKind::None: return "none";
    case PrinterKind::Escpos: return "escpos";
    case PrinterKind::Cups: return "cups";
    }
    return "none";
}

PrinterSettings printer_settings(const PrinterSection& section)
{
    PrinterSettings settings;
    settings.kind = section.kind == "escpos" ? PrinterKind::Escpos
        : section.kind == "cups"             ? PrinterKind::Cups
                                             : PrinterKind::None;
    settings.device = section.device;
    settings.queue = section.queue;
    settings.cups_server = section.cups_server;
    settings.paper_mm = section.paper_mm;
    settings.qr = section.qr == "raster" ? QrMode::Raster : QrMode::Native;
    return settings;
}

std::string_view problem_name(PrintProblem problem)
{
    switch (problem) {
    case PrintProblem::NoPrinter: return "no_printer";
    case PrintProblem::Offline: return "offline";
    case PrintProblem::NoPaper: return "no_paper";
    case PrintProblem::CoverOpen: return "cover_open";
    case PrintProblem::WriteFailed: return "write_failed";
    case PrintProblem::Failed: return "failed";
    }
    return "failed";
}

std::string_view state_name(PrinterState state)
{
    switch (state) {
    case PrinterState::NotConfigured: return "not_configured";
    case PrinterState::Ready: return "ready";
    case PrinterState::Printing: return "printing";
    case PrinterState::Problem: return "problem";
    case PrinterState::Unknown: return "unknown";
    }
    return "unknown";
}

std::expected<PrintJob, PrintError> print_receipt(const PrinterSettings& settings, const PrintedReceipt& receipt)
{
    switch (settings.kind) {
    case PrinterKind::None:
        return std::unexpected(PrintError { PrintProblem::NoPrinter, "no printer is configured" });
    case PrinterKind::Escpos: {
        auto bytes = escpos_receipt(receipt, settings.paper_mm, settings.qr);
        if (!settings.device.empty()) {
            auto written = write_to_device(settings.device, bytes);
            if (!written)
                return std::unexpected(written.error());
            return PrintJob { .cups_job_id = 0, .bytes = *written };
        }
        auto job = print_to_cups(settings, bytes, CupsFormat::Raw, "Guichet");
        if (!job)
            return std::unexpected(job.error());
        return PrintJob { .cups_job_id = *job, .bytes = bytes.size() };
    }
    case PrinterKind::Cups: {
        auto pdf = pdf_receipt(receipt);
        if (!pdf)
            return std::unexpected(PrintError { PrintProblem::Failed, pdf.error().message });
        auto job = print_to_cups(settings, *pdf, CupsFormat::Pdf, "Guichet");
        if (!job)
            return std::unexpected(job.error());
        return PrintJob { .cups_job_id = *job, .bytes = pdf->size() };
    }
    }
    return std::unexpected(PrintError { PrintProblem::Failed, "unknown printer kind" });
}

PrinterStatus printer_status(const PrinterSettings& settings)
{
    switch (settings.kind) {
    case PrinterKind::None:
        return {};
    case PrinterKind::Escpos:
        return settings.device.empty() ? cups_status(settings) : device_status(settings.device);
    case PrinterKind::Cups:
        return cups_status(settings);
    }
    return {};
}

}
