// A receipt to CUPS (issue 19): the time from calling print_receipt (PrinterKind::Cups: the A4 PDF drawn,
// then sent) to CUPS accepting the job, 20 times, median and max, split into drawing the PDF and sending it,
// and the PDF's bytes. Against a cupsd of its own with a cups-pdf queue (tests/devices/cups_fixture.h).
// Prints numbers; nothing here passes or fails.
#include "devices/print_outputs.h"
#include "devices/printing.h"
#include "../devices/cups_fixture.h"
#include "../devices/french_receipt.h"
#include "kiosk/app/app.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace guichet::devices;

namespace {

double ms_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* what, std::vector<double> times)
{
    std::sort(times.begin(), times.end());
    std::printf("%-34s median %7.1f ms   max %7.1f ms\n", what, times[times.size() / 2], times.back());
}

}

int main()
{
    constexpr int runs = 20;
    guichet::test::CupsServer server;
    server.add_pdf_queue("receipt-pdf");
    PrinterSettings settings;
    settings.kind = PrinterKind::Cups;
    settings.queue = "receipt-pdf";
    settings.cups_server = server.socket_path().string();
    auto paper = guichet::test::french_receipt();

    std::vector<double> total, drawing, sending;
    std::vector<int> jobs;
    size_t bytes = 0;
    for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        auto job = print_receipt(settings, paper);
        total.push_back(ms_since(start));
        if (!job) {
            std::printf("print_receipt failed: %s: %s\n", problem_name(job.error().problem).data(), job.error().detail.c_str());
            return 1;
        }
        jobs.push_back(job->cups_job_id);
        bytes = job->bytes;

        start = std::chrono::steady_clock::now();
        auto pdf = pdf_receipt(paper);
        drawing.push_back(ms_since(start));
        start = std::chrono::steady_clock::now();
        auto sent = print_to_cups(settings, *pdf, CupsFormat::Pdf, "Guichet");
        sending.push_back(ms_since(start));
        if (sent)
            jobs.push_back(*sent);
    }
    std::printf("print_receipt to a cups-pdf queue, %d runs, PDF of %zu bytes\n", runs, bytes);
    report("print_receipt, call to accepted", total);
    report("  pdf_receipt alone", drawing);
    report("  print_to_cups alone", sending);

    // The same PDF's bytes to a raw queue: no filter, no Ghostscript running beside the next submission, so
    // the scheduler's own cost of accepting a job.
    server.add_raw_queue("receipt-raw");
    auto raw_settings = settings;
    raw_settings.queue = "receipt-raw";
    auto pdf = pdf_receipt(paper);
    std::vector<double> raw;
    for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        auto sent = print_to_cups(raw_settings, *pdf, CupsFormat::Raw, "Guichet");
        raw.push_back(ms_since(start));
        server.raw_sink().wait_for_jobs(static_cast<size_t>(i) + 1, std::chrono::seconds(30));
    }
    report("print_to_cups, idle raw queue", raw);

    // Not the kiosk's wait (it returns at "accepted"), for scale: the last job out of cups-pdf.
    auto start = std::chrono::steady_clock::now();
    for (int job : jobs)
        server.wait_for_pdf(job, std::chrono::seconds(120));
    std::printf("%zu jobs printed by cups-pdf %.1f s after the last was accepted\n", jobs.size(), ms_since(start) / 1000);

    // The kiosk prints on a worker (PrintFeature): a frame never waits for CUPS. What a print costs the
    // frames is the CPU it takes beside them: the real app's frames at 1920x1080 (headless, software),
    // first alone, then while a worker prints receipt after receipt as the feature does.
    SDL_Init(SDL_INIT_EVENTS);
    guichet::VirtualClock clock;
    guichet::app::AppSetup setup;
    setup.mode = guichet::app::Mode::Headless;
    setup.windowed = guichet::app::Size { 1920, 1080 };
    auto created = guichet::app::App::create(setup, clock);
    if (!created) {
        std::printf("the kiosk did not start: %s\n", created.error().message.c_str());
        return 1;
    }
    auto& kiosk = **created;
    auto frames = [&](int count, const std::atomic<bool>* until_done) {
        std::vector<double> times;
        for (int i = 0; i < count || (until_done && !*until_done); ++i) {
            clock.advance(guichet::Millis(16));
            auto frame_start = std::chrono::steady_clock::now();
            kiosk.render_frame();
            kiosk.present();
            times.push_back(ms_since(frame_start));
        }
        return times;
    };
    frames(20, nullptr); // warm-up: the font atlas
    auto alone = frames(300, nullptr);
    auto while_printing = [&](const PrinterSettings& where) {
        std::atomic<bool> done = false;
        std::thread printer([&] {
            for (int i = 0; i < 5; ++i)
                (void)print_receipt(where, paper);
            done = true;
        });
        auto times = frames(0, &done);
        printer.join();
        return times;
    };
    auto to_cups = while_printing(settings);
    // Then to an ESC/POS printer that is a file, as the demo's: no CUPS filter runs beside the frames.
    PrinterSettings escpos;
    escpos.kind = PrinterKind::Escpos;
    escpos.device = (server.dir() / "receipt.escpos").string();
    auto to_escpos = while_printing(escpos);
    auto percentile = [](std::vector<double> times, double p) {
        std::sort(times.begin(), times.end());
        return times[std::min(times.size() - 1, static_cast<size_t>(p * static_cast<double>(times.size())))];
    };
    auto line = [&](const char* what, const std::vector<double>& times) {
        std::printf("%-40s median %5.2f ms  p95 %5.2f ms  max %5.2f ms (%zu frames)\n", what, percentile(times, 0.5),
            percentile(times, 0.95), percentile(times, 1.0), times.size());
    };
    line("welcome frames alone:", alone);
    line("while 5 receipts go to CUPS (PDF):", to_cups);
    line("while 5 receipts go to an ESC/POS file:", to_escpos);
    SDL_Quit();
}
