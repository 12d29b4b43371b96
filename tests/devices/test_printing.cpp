// The A4 receipt (pdf_receipt) read back with poppler and zbar, and CUPS printing against a real scheduler
// (cups_fixture.h): jobs accepted and printed by cups-pdf or a raw queue, and each way a queue fails
// reaching the kiosk as its PrintProblem before a job is queued.
#include "../zbar_decode.h"
#include "cups_fixture.h"
#include "french_receipt.h"
#include "pdf_read.h"
#include "devices/print_outputs.h"
#include "devices/printing.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace guichet;
using namespace guichet::devices;
using namespace guichet::test;
using namespace std::chrono_literals;

namespace Catch {
template<>
struct StringMaker<std::expected<int, PrintError>> {
    static std::string convert(const std::expected<int, PrintError>& result)
    {
        if (result)
            return "job " + std::to_string(*result);
        return std::string(problem_name(result.error().problem)) + ": " + result.error().detail;
    }
};
}

namespace {

int page_count(const std::filesystem::path& pdf)
{
    std::string info = output_of("pdfinfo '" + pdf.string() + "' 2>/dev/null");
    auto at = info.find("Pages:");
    return at == std::string::npos ? 0 : std::atoi(info.c_str() + at + 6);
}

void check_receipt_text(const std::string& text, const PrintedReceipt& receipt)
{
    CHECK_THAT(text, Catch::Contains(receipt.place));
    CHECK_THAT(text, Catch::Contains(receipt.date_time));
    CHECK_THAT(text, Catch::Contains(receipt.procedure));
    CHECK_THAT(text, Catch::Contains(receipt.code));
    CHECK_THAT(text, Catch::Contains(receipt.code_spelled));
    CHECK_THAT(text, Catch::Contains(receipt.qr_caption));
    for (auto& section : receipt.sections) {
        CHECK_THAT(text, Catch::Contains(section.title));
        for (auto& item : section.items)
            CHECK_THAT(text, Catch::Contains(item));
    }
    CHECK_THAT(text, Catch::Contains(receipt.footer));
    for (auto accent : { "é", "à", "ç", "«", "»", "€", "œ", "’" })
        CHECK_THAT(text, Catch::Contains(accent));
}

std::filesystem::path write_file(const std::filesystem::path& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path;
}

PrinterSettings cups_settings(const guichet::test::CupsServer& server, const std::string& queue)
{
    PrinterSettings settings;
    settings.kind = PrinterKind::Cups;
    settings.queue = queue;
    settings.cups_server = server.socket_path().string();
    return settings;
}

// A temporary directory for the tests that need no scheduler, removed at the end.
struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "guichet-receipt-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()));
        path = pattern;
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

size_t open_descriptors()
{
    size_t count = 0;
    for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++count;
    return count;
}

}

TEST_CASE("pdf_receipt draws every line of a French receipt, and a QR code a phone reads", "[printing][cups]")
{
    auto receipt = french_receipt();
    auto pdf = pdf_receipt(receipt);
    REQUIRE(pdf);
    REQUIRE(pdf->size() > 1000);
    CHECK(std::string(pdf->begin(), pdf->begin() + 5) == "%PDF-");

    TempDir dir;
    auto path = write_file(dir.path / "receipt.pdf", *pdf);
    CHECK(page_count(path) == 1);
    check_receipt_text(pdf_text(path), receipt);
    CHECK(pdf_qr(path) == receipt.qr_text);
}

TEST_CASE("pdf_receipt continues on a second page when the sections are long", "[printing][cups]")
{
    auto receipt = french_receipt();
    ReceiptSection answers { "Vos réponses", {} };
    for (int i = 1; i <= 40; ++i)
        answers.items.push_back("Réponse numéro " + std::to_string(i) + " : une réponse assez longue pour remplir la ligne et déborder");
    receipt.sections.push_back(answers);
    auto pdf = pdf_receipt(receipt);
    REQUIRE(pdf);
    TempDir dir;
    auto path = write_file(dir.path / "long.pdf", *pdf);
    CHECK(page_count(path) >= 2);
    auto text = pdf_text(path);
    CHECK_THAT(text, Catch::Contains("Réponse numéro 1 :"));
    CHECK_THAT(text, Catch::Contains("Réponse numéro 40 :"));
}

TEST_CASE("A receipt's PDF goes through a real CUPS queue and comes out of cups-pdf readable", "[printing][cups]")
{
    guichet::test::CupsServer server;
    server.add_pdf_queue("receipt-pdf");
    auto receipt = french_receipt();
    auto pdf = pdf_receipt(receipt);
    REQUIRE(pdf);

    auto job = print_to_cups(cups_settings(server, "receipt-pdf"), *pdf, CupsFormat::Pdf, "Guichet");
    REQUIRE(job);
    CHECK(*job >= server.first_job_id());
    auto printed = server.wait_for_pdf(*job, 60s);
    INFO(server.log_text());
    REQUIRE(!printed.empty());
    check_receipt_text(pdf_text(printed), receipt);
    CHECK(pdf_qr(printed) == receipt.qr_text);
}

TEST_CASE("An empty queue name prints to the scheduler's default printer, and there is none at first", "[printing][cups]")
{
    guichet::test::CupsServer server;
    std::vector<uint8_t> bytes { 0x1b, 0x40, 'O', 'K', '\n' };
    auto none = print_to_cups(cups_settings(server, ""), bytes, CupsFormat::Raw, "Guichet");
    REQUIRE(!none);
    CHECK(none.error().problem == PrintProblem::NoPrinter);

    server.add_raw_queue("receipt-raw");
    server.set_default("receipt-raw");
    auto job = print_to_cups(cups_settings(server, ""), bytes, CupsFormat::Raw, "Guichet");
    REQUIRE(job);
    REQUIRE(server.raw_sink().wait_for_jobs(1, 30s));
    CHECK(server.raw_sink().jobs().front() == bytes);
}

TEST_CASE("ESC/POS bytes go through a raw CUPS queue untouched", "[printing][cups]")
{
    guichet::test::CupsServer server;
    server.add_raw_queue("receipt-raw");
    // Every byte value, a cut and a NUL in the middle: a filter would have changed something.
    std::vector<uint8_t> bytes { 0x1b, 0x40, 0x1b, 0x74, 19 };
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<uint8_t>(i));
    bytes.insert(bytes.end(), { 0x1d, 0x56, 0x41, 0x00 });
    auto job = print_to_cups(cups_settings(server, "receipt-raw"), bytes, CupsFormat::Raw, "Guichet");
    REQUIRE(job);
    REQUIRE(server.raw_sink().wait_for_jobs(1, 30s));
    CHECK(server.raw_sink().jobs().front() == bytes);
    CHECK(server.wait_for_job(*job, 30s) == IPP_JSTATE_COMPLETED);
}

TEST_CASE("A CUPS queue that cannot print refuses the receipt before a job is queued", "[printing][cups]")
{
    guichet::test::CupsServer server;
    server.add_raw_queue("receipt-raw");
    std::vector<uint8_t> bytes { 0x1b, 0x40, 'O', 'K', '\n' };

    SECTION("no such queue")
    {
        auto job = print_to_cups(cups_settings(server, "no-such-queue"), bytes, CupsFormat::Raw, "Guichet");
        REQUIRE(!job);
        CHECK(job.error().problem == PrintProblem::NoPrinter);
        auto status = cups_status(cups_settings(server, "no-such-queue"));
        CHECK(status.state == PrinterState::Problem);
        CHECK(status.problem == PrintProblem::NoPrinter);
    }
    SECTION("a stopped queue: offline, and no job is held in it")
    {
        server.disable("receipt-raw");
        auto job = print_to_cups(cups_settings(server, "receipt-raw"), bytes, CupsFormat::Raw, "Guichet");
        REQUIRE(!job);
        CHECK(job.error().problem == PrintProblem::Offline);
        CHECK(server.job_count("receipt-raw") == 0);
        auto status = cups_status(cups_settings(server, "receipt-raw"));
        CHECK(status.state == PrinterState::Problem);
        CHECK(status.problem == PrintProblem::Offline);

        server.enable("receipt-raw");
        CHECK(print_to_cups(cups_settings(server, "receipt-raw"), bytes, CupsFormat::Raw, "Guichet"));
    }
    SECTION("a queue that rejects jobs")
    {
        server.reject("receipt-raw");
        auto job = print_to_cups(cups_settings(server, "receipt-raw"), bytes, CupsFormat::Raw, "Guichet");
        REQUIRE(!job);
        CHECK(job.error().problem == PrintProblem::Offline);
        CHECK(server.job_count("receipt-raw") == 0);
    }
    SECTION("the scheduler killed: offline within a few seconds")
    {
        server.kill();
        auto start = std::chrono::steady_clock::now();
        auto job = print_to_cups(cups_settings(server, "receipt-raw"), bytes, CupsFormat::Raw, "Guichet");
        auto status = cups_status(cups_settings(server, "receipt-raw"));
        auto elapsed = std::chrono::steady_clock::now() - start;
        REQUIRE(!job);
        CHECK(job.error().problem == PrintProblem::Offline);
        CHECK(status.state == PrinterState::Problem);
        CHECK(status.problem == PrintProblem::Offline);
        CHECK(elapsed < 10s);
    }
    SECTION("the scheduler hung: offline within a few seconds, not minutes")
    {
        server.freeze();
        auto start = std::chrono::steady_clock::now();
        auto job = print_to_cups(cups_settings(server, "receipt-raw"), bytes, CupsFormat::Raw, "Guichet");
        auto elapsed = std::chrono::steady_clock::now() - start;
        server.thaw();
        REQUIRE(!job);
        CHECK(job.error().problem == PrintProblem::Offline);
        CHECK(elapsed < 20s);
    }
}

TEST_CASE("cups_status tells a ready queue, a stopped one and a missing one apart", "[printing][cups]")
{
    guichet::test::CupsServer server;
    server.add_pdf_queue("receipt-pdf");
    auto ready = cups_status(cups_settings(server, "receipt-pdf"));
    CHECK(ready.state == PrinterState::Ready);

    server.disable("receipt-pdf");
    auto stopped = cups_status(cups_settings(server, "receipt-pdf"));
    CHECK(stopped.state == PrinterState::Problem);
    CHECK(stopped.problem == PrintProblem::Offline);
    CHECK_THAT(stopped.detail, Catch::Contains("stopped"));

    auto missing = cups_status(cups_settings(server, "nowhere"));
    CHECK(missing.state == PrinterState::Problem);
    CHECK(missing.problem == PrintProblem::NoPrinter);
}

TEST_CASE("A hundred receipts in a row through the PDF queue: all printed, nothing leaked", "[printing][cups][slow]")
{
    guichet::test::CupsServer server;
    server.add_pdf_queue("receipt-pdf");
    auto pdf = pdf_receipt(french_receipt());
    REQUIRE(pdf);
    auto settings = cups_settings(server, "receipt-pdf");
    // One print first, so that libcups's lazily opened files (client.conf, locale) are counted before.
    auto first = print_to_cups(settings, *pdf, CupsFormat::Pdf, "Guichet");
    REQUIRE(first);
    size_t descriptors = open_descriptors();

    std::vector<int> jobs { *first };
    for (int i = 0; i < 99; ++i) {
        auto job = print_to_cups(settings, *pdf, CupsFormat::Pdf, "Guichet");
        REQUIRE(job);
        jobs.push_back(*job);
    }
    CHECK(open_descriptors() == descriptors);
    int printed = 0;
    for (int job : jobs)
        if (!server.wait_for_pdf(job, 120s).empty())
            ++printed;
    INFO(server.log_text());
    CHECK(printed == 100);
    CHECK(server.job_count("receipt-pdf", CUPS_WHICHJOBS_ACTIVE) == 0);
    CHECK(server.job_count("receipt-pdf", CUPS_WHICHJOBS_COMPLETED) == 100);
}

TEST_CASE("print_receipt with a CUPS printer: the job is accepted and cups-pdf prints the receipt", "[printing][cups]")
{
    guichet::test::CupsServer server;
    server.add_pdf_queue("receipt-pdf");
    auto receipt = french_receipt();
    auto settings = cups_settings(server, "receipt-pdf");
    CHECK(printer_status(settings).state == PrinterState::Ready);

    auto job = print_receipt(settings, receipt);
    REQUIRE(job);
    CHECK(job->cups_job_id >= server.first_job_id());
    CHECK(job->bytes > 1000);
    auto printed = server.wait_for_pdf(job->cups_job_id, 60s);
    INFO(server.log_text());
    REQUIRE(!printed.empty());
    check_receipt_text(pdf_text(printed), receipt);
    CHECK(pdf_qr(printed) == receipt.qr_text);
}

TEST_CASE("print_receipt with an ESC/POS printer behind a raw CUPS queue sends escpos_receipt's bytes", "[printing][cups]")
{
    guichet::test::CupsServer server;
    server.add_raw_queue("receipt-raw");
    auto receipt = french_receipt();
    PrinterSettings settings;
    settings.kind = PrinterKind::Escpos;
    settings.queue = "receipt-raw";
    settings.cups_server = server.socket_path().string();
    settings.paper_mm = 80;
    settings.qr = QrMode::Native;

    auto job = print_receipt(settings, receipt);
    REQUIRE(job);
    CHECK(job->cups_job_id >= server.first_job_id());
    REQUIRE(server.raw_sink().wait_for_jobs(1, 30s));
    CHECK(server.raw_sink().jobs().front() == escpos_receipt(receipt, 80, QrMode::Native));
    CHECK(printer_status(settings).state == PrinterState::Ready);
}
