// The ESC/POS receipt read back by our decoder and by zbarimg from its rendered picture, its size, and its
// bytes through write_to_device to a pseudo-terminal, a file, /dev/full and a device that takes nothing.
#include "devices/escpos_device.h"
#include "devices/escpos_render.h"
#include "devices/printing.h"
#include "tests/zbar_decode.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace guichet;
using namespace guichet::devices;

namespace {

const std::string status_link = "https://guichet.saint-julien.example.fr/suivi/ABCD-EFGH?l=fr&k=7Q2X";

PrintedReceipt french_receipt()
{
    PrintedReceipt receipt;
    receipt.place = "Mairie de Saint-Julien-en-Genevois";
    receipt.date_time = "2 décembre 2026 à 17\u00A0h\u00A020";
    receipt.procedure = "Demande de carte grise pour un véhicule d’occasion";
    receipt.code_label = "Votre code de suivi";
    receipt.code = "ABCD-EFGH";
    receipt.code_spelled = "A B C D, tiret, E F G H";
    receipt.qr_text = status_link;
    receipt.qr_caption = "Scannez pour suivre votre demande";
    receipt.sections = {
        { "Et ensuite",
            { "Vous recevrez un courriel à l’adresse indiquée : où, quand, et ce qu’il faut apporter.",
                "Le coût du certificat est de 13,76\u00A0€ plus la taxe régionale ; la prime « cœur de ville » "
                "s’applique aussi à l’Œuvre." } },
        { "À apporter",
            { "Pièce d’identité",
                "Justificatif de domicile de moins de 6 mois — facture d’eau, d’électricité ou de gaz",
                "Ancienne carte grise barrée et signée (ç ê ô û ù ï)" } },
    };
    receipt.footer = "Ouvert du lundi au vendredi, 8 h 30 – 12 h\nTél. 04 50 00 00 00";
    return receipt;
}

size_t code_points(const std::string& text)
{
    size_t count = 0;
    for (unsigned char byte : text)
        count += (byte & 0xC0) != 0x80;
    return count;
}

// Every line joined by one space, runs of ASCII spaces made one: wrapped sentences read whole again.
std::string joined(const EscposDocument& document)
{
    std::string text;
    for (const auto& line : document.lines) {
        for (char c : line)
            if (c != ' ' || (!text.empty() && text.back() != ' '))
                text += c;
        if (!text.empty() && text.back() != ' ')
            text += ' ';
    }
    return text;
}

bool contains_bytes(const std::vector<uint8_t>& bytes, std::string_view needle)
{
    return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end(),
               [](uint8_t byte, char wanted) { return byte == static_cast<uint8_t>(wanted); })
        != bytes.end();
}

std::filesystem::path temp_path(const std::string& name)
{
    return std::filesystem::temp_directory_path() / ("guichet_escpos_" + std::to_string(getpid()) + "_" + name);
}

std::string png_text(const std::vector<uint8_t>& png, const std::string& name)
{
    auto path = temp_path(name);
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    }
    auto text = test::zbar_decode(path);
    std::filesystem::remove(path);
    return text;
}

std::vector<uint8_t> read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

size_t open_fds()
{
    size_t count = 0;
    for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++count;
    return count;
}

// A pseudo-terminal in raw mode, so the slave passes every byte to the master untranslated. The test keeps
// its own slave open, so the master never sees a hang-up between jobs.
struct Pty {
    int master = -1;
    int slave = -1;
    std::string path;

    Pty()
    {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(master >= 0);
        REQUIRE(grantpt(master) == 0);
        REQUIRE(unlockpt(master) == 0);
        char name[128];
        REQUIRE(ptsname_r(master, name, sizeof name) == 0);
        path = name;
        slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(slave >= 0);
        termios mode {};
        REQUIRE(tcgetattr(slave, &mode) == 0);
        cfmakeraw(&mode);
        REQUIRE(tcsetattr(slave, TCSANOW, &mode) == 0);
    }
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;
    ~Pty()
    {
        close(slave);
        close(master);
    }

    // Up to `size` bytes from the master, giving up after two seconds without any.
    std::vector<uint8_t> read_master(size_t size) const
    {
        std::vector<uint8_t> bytes;
        uint8_t buffer[4096];
        while (bytes.size() < size) {
            pollfd ready { .fd = master, .events = POLLIN, .revents = 0 };
            if (poll(&ready, 1, 2000) <= 0)
                break;
            ssize_t got = read(master, buffer, sizeof buffer);
            if (got <= 0)
                break;
            bytes.insert(bytes.end(), buffer, buffer + got);
        }
        return bytes;
    }
};

}

TEST_CASE("An ESC/POS receipt in French decodes with its accents, its QR data and one cut", "[devices][printing]")
{
    auto receipt = french_receipt();
    auto bytes = escpos_receipt(receipt, 80, QrMode::Native);
    REQUIRE(bytes.size() > 2);
    CHECK(bytes[0] == 0x1B);
    CHECK(bytes[1] == '@');

    auto document = decode_escpos(bytes);
    CHECK(document.problems.empty());
    CHECK(document.code_page == 19);
    CHECK(document.cuts == 1);
    REQUIRE(document.qr_payloads.size() == 1);
    CHECK(document.qr_payloads[0] == receipt.qr_text);
    CHECK(document.rasters.empty());

    auto text = joined(document);
    for (std::string expected : { "Mairie de Saint-Julien-en-Genevois", "2 décembre 2026 à 17\u00A0h\u00A020",
             "véhicule d'occasion", "ABCD-EFGH", "A B C D, tiret, E F G H", "Scannez pour suivre votre demande",
             "13,76\u00A0€", "« coeur de ville »", "l'OEuvre", "(ç ê ô û ù ï)", "- Pièce d'identité",
             "moins de 6 mois - facture", "À apporter", "8 h 30 - 12 h", "Tél. 04 50 00 00 00", "où, quand" }) {
        INFO(expected);
        CHECK(text.find(expected) != std::string::npos);
    }
    // The code stands on its own line, in double width and height.
    auto code = std::find(document.lines.begin(), document.lines.end(), "ABCD-EFGH");
    REQUIRE(code != document.lines.end());
    auto index = static_cast<size_t>(code - document.lines.begin());
    auto element = std::find_if(document.elements.begin(), document.elements.end(), [&](const auto& e) {
        return e.kind == EscposDocument::Element::Kind::Text && e.index == index;
    });
    REQUIRE(element != document.elements.end());
    CHECK(element->width_scale == 2);
    CHECK(element->height_scale == 2);
    CHECK(element->align == EscposDocument::Align::Centre);

    // No UTF-8 went to the printer: é, à, €, ’, œ, « and the non-breaking space as UTF-8 are absent.
    for (std::string_view utf8 : { "\xC3\xA9", "\xC3\xA0", "\xE2\x82\xAC", "\xE2\x80\x99", "\xC5\x93", "\xC2\xAB", "\xC2\xA0" }) {
        INFO(utf8);
        CHECK_FALSE(contains_bytes(bytes, utf8));
    }
    // PC858's own bytes: é 0x82, € 0xD5, « 0xAE, non-breaking space 0xFF.
    for (std::string_view pc858 : { "\x82", "\xD5", "\xAE", "\xFF" })
        CHECK(contains_bytes(bytes, pc858));
}

TEST_CASE("ESC/POS text is wrapped to 48 columns on 80 mm paper and 32 on 58 mm", "[devices][printing]")
{
    auto receipt = french_receipt();
    receipt.sections.push_back({ "Vos réponses",
        { "Adresse : 1234 avenue du Général-de-Gaulle-et-de-la-Libération-de-la-Haute-Savoie-et-du-Genevois-Français",
            std::string(100, 'x') } });
    receipt.code = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX";
    for (int paper : { 80, 58 }) {
        for (auto mode : { QrMode::Native, QrMode::Raster }) {
            auto document = decode_escpos(escpos_receipt(receipt, paper, mode));
            CHECK(document.problems.empty());
            size_t columns = paper == 80 ? 48 : 32;
            for (const auto& element : document.elements) {
                if (element.kind != EscposDocument::Element::Kind::Text)
                    continue;
                const auto& line = document.lines[element.index];
                INFO(paper << " mm: " << line);
                CHECK(code_points(line) * static_cast<size_t>(element.width_scale) <= columns);
            }
            // Hanging indent: a bullet's following lines start under its text.
            auto text = joined(document);
            CHECK(text.find("Général-de-Gaulle") != std::string::npos);
        }
    }
}

TEST_CASE("The receipt's QR code reads back from its picture, native and raster", "[devices][printing]")
{
    auto receipt = french_receipt();
    for (int paper : { 80, 58 }) {
        for (auto mode : { QrMode::Native, QrMode::Raster }) {
            auto bytes = escpos_receipt(receipt, paper, mode);
            auto document = decode_escpos(bytes);
            if (mode == QrMode::Raster) {
                CHECK(document.qr_payloads.empty());
                REQUIRE(document.rasters.size() == 1);
                CHECK(document.rasters[0].width_dots <= (paper == 80 ? 576 : 384));
            }
            auto png = render_escpos_png(bytes, paper);
            REQUIRE(png);
            REQUIRE(png->size() > 8);
            CHECK(std::vector<uint8_t>(png->begin(), png->begin() + 4) == std::vector<uint8_t> { 0x89, 'P', 'N', 'G' });
            std::string name = std::to_string(paper) + (mode == QrMode::Native ? "_native.png" : "_raster.png");
            INFO(name);
            CHECK(png_text(*png, name) == receipt.qr_text);
        }
    }
    CHECK_FALSE(render_escpos_png(escpos_receipt(receipt, 80, QrMode::Native), 100));
}

TEST_CASE("An 80 mm receipt with a long status link stays under 16 KB in both QR modes", "[devices][printing]")
{
    auto receipt = french_receipt();
    receipt.qr_text = "https://demarches.guichet.saint-julien-en-genevois.example.fr/suivi/ABCD-EFGH-IJKL?lang=fr&src=kiosk-07";
    REQUIRE(receipt.qr_text.size() > 90);
    auto native = escpos_receipt(receipt, 80, QrMode::Native);
    auto raster = escpos_receipt(receipt, 80, QrMode::Raster);
    CAPTURE(native.size(), raster.size());
    CHECK(native.size() <= 16 * 1024);
    CHECK(raster.size() <= 16 * 1024);
    CHECK(native.size() < raster.size());
    // Still readable once shrunk to fit the budget.
    auto png = render_escpos_png(raster, 80);
    REQUIRE(png);
    CHECK(png_text(*png, "long_raster.png") == receipt.qr_text);
}

TEST_CASE("decode_escpos survives truncated and random bytes and lists what it could not read", "[devices][printing]")
{
    auto bytes = escpos_receipt(french_receipt(), 58, QrMode::Raster);
    size_t with_problems = 0;
    for (size_t length = 0; length <= bytes.size(); length += (length < 400 ? 1 : 37)) {
        auto document = decode_escpos(std::span(bytes.data(), length));
        with_problems += !document.problems.empty();
    }
    CHECK(with_problems > 0);
    // Cut inside the raster's bits, and inside the native QR data: both say "truncated".
    auto raster_at = std::search(bytes.begin(), bytes.end(), std::begin("\x1Dv0"), std::end("\x1Dv0") - 1);
    REQUIRE(raster_at != bytes.end());
    auto cut = decode_escpos(std::span(bytes.data(), static_cast<size_t>(raster_at - bytes.begin()) + 20));
    REQUIRE_FALSE(cut.problems.empty());
    CHECK_THAT(cut.problems.back(), Catch::Contains("truncated"));
    auto native = escpos_receipt(french_receipt(), 80, QrMode::Native);
    auto store_at = std::search(native.begin(), native.end(), status_link.begin(), status_link.end());
    REQUIRE(store_at != native.end());
    auto cut_native = decode_escpos(std::span(native.data(), static_cast<size_t>(store_at - native.begin()) + 5));
    CHECK(cut_native.qr_payloads.empty());
    REQUIRE_FALSE(cut_native.problems.empty());
    CHECK_THAT(cut_native.problems.back(), Catch::Contains("truncated"));

    std::mt19937 random(19);
    for (int round = 0; round < 300; ++round) {
        std::vector<uint8_t> noise(random() % 4096);
        for (auto& byte : noise) // mostly commands, so the decoder's branches are reached
            byte = (random() % 4 == 0) ? static_cast<uint8_t>("\x1B\x1D\x0A\x1C\x10(kv0"[random() % 9]) : static_cast<uint8_t>(random());
        auto document = decode_escpos(noise);
        CHECK(document.problems.size() <= 65);
        if (round % 50 == 0)
            CHECK(render_escpos_png(noise, 80));
    }
    // Thousands of empty rasters 65535 rows tall: the picture stops at its height limit.
    std::vector<uint8_t> tall;
    for (int i = 0; i < 5000; ++i)
        tall.insert(tall.end(), { 0x1D, 'v', '0', 0, 0, 0, 0xFF, 0xFF });
    CHECK(decode_escpos(tall).rasters.size() == 5000);
    CHECK(render_escpos_png(tall, 58));
    // Text before any ESC t is not taken for PC858.
    std::vector<uint8_t> early { 'a', 0x82, '\n' };
    auto document = decode_escpos(early);
    CHECK(document.problems.size() == 1);
    CHECK(document.lines.size() == 1);
}

TEST_CASE("write_to_device sends every byte to a pseudo-terminal, untranslated", "[devices][printing]")
{
    Pty pty;
    auto bytes = escpos_receipt(french_receipt(), 80, QrMode::Raster); // every byte value, LF and CR among them
    std::vector<uint8_t> received;
    std::thread reader([&] { received = pty.read_master(bytes.size()); });
    auto written = write_to_device(pty.path, bytes);
    reader.join();
    REQUIRE(written);
    CHECK(*written == bytes.size());
    CHECK(received == bytes);

    auto status = device_status(pty.path);
    CHECK(status.state == PrinterState::Unknown);
}

TEST_CASE("write_to_device appends to a plain file and leaks no descriptor", "[devices][printing]")
{
    auto path = temp_path("receipts.bin");
    std::filesystem::remove(path);
    CHECK(device_status(path.string()).state == PrinterState::Unknown);
    auto bytes = escpos_receipt(french_receipt(), 58, QrMode::Native);
    REQUIRE(write_to_device(path.string(), bytes));
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    size_t before = open_fds();
    for (int i = 0; i < 100; ++i) {
        auto written = write_to_device(path.string(), bytes);
        REQUIRE(written);
        CHECK(*written == bytes.size());
    }
    CHECK(open_fds() == before);
    auto content = read_file(path);
    REQUIRE(content.size() == 101 * bytes.size());
    CHECK(std::equal(bytes.begin(), bytes.end(), content.end() - static_cast<long>(bytes.size())));
    CHECK(device_status(path.string()).state == PrinterState::Unknown);
    std::filesystem::remove(path);
}

TEST_CASE("write_to_device refuses an absent device and reports a failed or stuck one", "[devices][printing]")
{
    auto bytes = escpos_receipt(french_receipt(), 80, QrMode::Native);

    auto absent = write_to_device("/dev/usb/lp9", bytes);
    REQUIRE_FALSE(absent);
    CHECK(absent.error().problem == PrintProblem::NoPrinter);
    auto absent_status = device_status("/dev/usb/lp9");
    CHECK(absent_status.state == PrinterState::Problem);
    CHECK(absent_status.problem == PrintProblem::NoPrinter);
    CHECK(device_status("").state == PrinterState::NotConfigured);
    CHECK_FALSE(std::filesystem::exists("/dev/usb/lp9"));

    auto full = write_to_device("/dev/full", bytes);
    REQUIRE_FALSE(full);
    CHECK(full.error().problem == PrintProblem::WriteFailed);
    CHECK_THAT(full.error().detail, Catch::Contains("No space left"));

    // A printer that takes nothing (the master is never read): given up after the stall limit.
    Pty pty;
    std::vector<uint8_t> large(1 << 20, 'x');
    auto start = std::chrono::steady_clock::now();
    auto stuck = write_to_device(pty.path, large, std::chrono::milliseconds(300));
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(stuck);
    CHECK(stuck.error().problem == PrintProblem::WriteFailed);
    CHECK_THAT(stuck.error().detail, Catch::Contains("took no data for 0.3 s"));
    CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("A usblp status byte says no paper, offline or an error before a byte is sent", "[devices][printing]")
{
    CHECK(lp_printer_status(0x18).state == PrinterState::Ready);
    CHECK(lp_printer_status(0x18).detail == "LPGETSTATUS 0x18");
    CHECK(lp_printer_status(0x38).problem == PrintProblem::NoPaper);
    CHECK(lp_printer_status(0x38).state == PrinterState::Problem);
    CHECK(lp_printer_status(0x08).problem == PrintProblem::Offline);
    CHECK(lp_printer_status(0x10).problem == PrintProblem::Failed);
    CHECK(lp_printer_status(0x10).state == PrinterState::Problem);
}

TEST_CASE("A FIFO whose reader goes away is a write error, not a SIGPIPE", "[devices][printing]")
{
    auto path = temp_path("fifo");
    std::filesystem::remove(path);
    REQUIRE(mkfifo(path.c_str(), 0600) == 0);
    // No reader yet: nobody would take the receipt.
    auto nobody = write_to_device(path.string(), std::vector<uint8_t>(10, 'x'));
    REQUIRE_FALSE(nobody);
    CHECK(nobody.error().problem == PrintProblem::NoPrinter);

    int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    std::thread hang_up([&] {
        pollfd ready { .fd = reader, .events = POLLIN, .revents = 0 };
        poll(&ready, 1, 2000);
        char byte;
        [[maybe_unused]] auto got = read(reader, &byte, 1);
        close(reader);
    });
    auto cut = write_to_device(path.string(), std::vector<uint8_t>(1 << 20, 'x'), std::chrono::milliseconds(2000));
    hang_up.join();
    REQUIRE_FALSE(cut);
    CHECK(cut.error().problem == PrintProblem::WriteFailed);
    CHECK_THAT(cut.error().detail, Catch::Contains("Broken pipe"));
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    CHECK_FALSE(sigismember(&pending, SIGPIPE));
    std::filesystem::remove(path);
}

TEST_CASE("A receipt without a QR code, or with data too long for one, prints neither symbol nor caption", "[devices][printing]")
{
    auto receipt = french_receipt();
    for (std::string qr_text : { std::string(), std::string(3000, 'A') }) {
        receipt.qr_text = qr_text;
        for (auto mode : { QrMode::Native, QrMode::Raster }) {
            auto document = decode_escpos(escpos_receipt(receipt, 80, mode));
            CHECK(document.problems.empty());
            CHECK(document.qr_payloads.empty());
            CHECK(document.rasters.empty());
            CHECK(joined(document).find("Scannez") == std::string::npos);
            CHECK(joined(document).find("ABCD-EFGH") != std::string::npos);
            CHECK(document.cuts == 1);
        }
    }
    auto empty = decode_escpos(escpos_receipt({}, 58, QrMode::Native));
    CHECK(empty.problems.empty());
    CHECK(empty.cuts == 1);
}
