// Scanning through SANE's real `test` backend (sane_test_backend.h): pages come back as JPEG of the size
// SANE announces and with its pixels, and each way a scanner fails reaches the kiosk as its ScanProblem.
#include "devices/jpeg.h"
#include "devices/scanner.h"
#include "sane_test_backend.h"

#include <catch2/catch.hpp>
#include <sane/sane.h>
#include <sodium.h>

#include <cmath>
#include <cstring>

using namespace guichet;
using namespace guichet::devices;

// A failed scan shows its problem and detail in a failed assertion.
namespace Catch {
template<>
struct StringMaker<std::expected<ScannedPage, ScanError>> {
    static std::string convert(const std::expected<ScannedPage, ScanError>& result)
    {
        if (result)
            return "a page of " + std::to_string(result->width) + " x " + std::to_string(result->height) + ", "
                + std::to_string(result->jpeg.size()) + " bytes";
        return std::string(problem_name(result.error().problem)) + ": " + result.error().detail;
    }
};
}

namespace {

// A4 at 150 dpi on the test backend's grid: black lines 10 mm apart on white, what JPEG makes of a printed
// page. (Its colour pattern, bands crossed by one-pixel lines, is a worst case: 440 KB at quality 35.)
ScannerSettings a4(std::string device = "test:0")
{
    ScannerSettings settings;
    settings.device = std::move(device);
    settings.resolution_dpi = 150;
    settings.max_page_bytes = 300 * 1024;
    // The test backend keeps a string option's last value from one opening to the next (it writes into
    // its configured default), so each scan names the ones the tests change.
    settings.options = { { "read-return-value", "Default" }, { "source", "Flatbed" }, { "test-picture", "Grid" } };
    return settings;
}

std::expected<ScannedPage, ScanError> scan(const ScannerSettings& settings, bool color = true)
{
    test::use_sane_test_backend();
    std::atomic<bool> cancel = false;
    return scan_page(settings, color, nullptr, cancel);
}

// The same scan read straight through libsane, as a reference: its parameters and raw bytes.
struct DirectScan {
    SANE_Parameters parameters {};
    std::vector<uint8_t> bytes;
};

void set_option(SANE_Handle handle, const char* name, void* value)
{
    SANE_Int count = 0;
    REQUIRE(sane_control_option(handle, 0, SANE_ACTION_GET_VALUE, &count, nullptr) == SANE_STATUS_GOOD);
    for (SANE_Int i = 1; i < count; ++i) {
        auto* option = sane_get_option_descriptor(handle, i);
        if (option && option->name && std::strcmp(option->name, name) == 0) {
            REQUIRE(sane_control_option(handle, i, SANE_ACTION_SET_VALUE, value, nullptr) == SANE_STATUS_GOOD);
            return;
        }
    }
    FAIL("the test backend has no option " << name);
}

DirectScan direct_scan(bool color, const char* test_picture)
{
    test::use_sane_test_backend();
    REQUIRE(list_scanners()); // sane_init, once, by the library
    SANE_Handle handle = nullptr;
    REQUIRE(sane_open("test:1", &handle) == SANE_STATUS_GOOD);
    char mode[16] = {};
    std::strcpy(mode, color ? "Color" : "Gray");
    set_option(handle, "mode", mode);
    SANE_Word dpi = SANE_FIX(150.0); // a fixed-point option in the test backend
    set_option(handle, "resolution", &dpi);
    SANE_Word zero = 0, width = SANE_FIX(210.0), height = SANE_FIX(297.0);
    set_option(handle, "tl-x", &zero);
    set_option(handle, "tl-y", &zero);
    set_option(handle, "br-x", &width);
    set_option(handle, "br-y", &height);
    char picture[32] = {};
    std::strcpy(picture, test_picture);
    set_option(handle, "test-picture", picture);
    DirectScan scan;
    REQUIRE(sane_start(handle) == SANE_STATUS_GOOD);
    REQUIRE(sane_get_parameters(handle, &scan.parameters) == SANE_STATUS_GOOD);
    scan.bytes.resize(static_cast<size_t>(scan.parameters.bytes_per_line) * scan.parameters.lines);
    size_t filled = 0;
    for (;;) {
        SANE_Int length = 0;
        auto status = sane_read(handle, scan.bytes.data() + filled, static_cast<SANE_Int>(scan.bytes.size() - filled), &length);
        if (status == SANE_STATUS_EOF || filled + length == scan.bytes.size()) {
            filled += status == SANE_STATUS_EOF ? 0 : length;
            break;
        }
        REQUIRE(status == SANE_STATUS_GOOD);
        filled += length;
    }
    REQUIRE(filled == scan.bytes.size());
    sane_cancel(handle);
    sane_close(handle);
    return scan;
}

// Brightness only: 4:2:0 keeps it at full resolution and halves the colour's, by design.
double mean_luma_error(const DecodedImage& image, const DirectScan& raw)
{
    REQUIRE(image.channels == 3);
    REQUIRE(image.width == raw.parameters.pixels_per_line);
    REQUIRE(image.height == raw.parameters.lines);
    auto luma = [](const uint8_t* rgb) { return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]; };
    double total = 0;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            total += std::abs(luma(&image.pixels[(static_cast<size_t>(y) * image.width + x) * 3])
                - luma(&raw.bytes[static_cast<size_t>(y) * raw.parameters.bytes_per_line + x * 3]));
    return total / (static_cast<double>(image.width) * image.height);
}

double mean_absolute_error(const DecodedImage& image, const DirectScan& raw)
{
    REQUIRE(image.width == raw.parameters.pixels_per_line);
    REQUIRE(image.height == raw.parameters.lines);
    int channels = image.channels;
    double total = 0;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width * channels; ++x)
            total += std::abs(int(image.pixels[static_cast<size_t>(y) * image.width * channels + x])
                - int(raw.bytes[static_cast<size_t>(y) * raw.parameters.bytes_per_line + x]));
    return total / (static_cast<double>(image.width) * image.height * channels);
}

std::string hex_sha256(const std::vector<uint8_t>& bytes)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes.data(), bytes.size());
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

ScanProblem problem_of(const std::expected<ScannedPage, ScanError>& result)
{
    REQUIRE_FALSE(result);
    INFO(result.error().detail);
    return result.error().problem;
}

}

TEST_CASE("list_scanners finds the test backend's devices", "[devices]")
{
    test::use_sane_test_backend();
    auto scanners = list_scanners();
    REQUIRE(scanners);
    REQUIRE(scanners->size() == 4);
    CHECK((*scanners)[0].name == "test:0");
    CHECK((*scanners)[1].name == "test:1");
    CHECK((*scanners)[0].vendor == "Noname");
    CHECK((*scanners)[0].type == "virtual device");
}

TEST_CASE("An A4 colour page at 150 dpi comes back as a JPEG of SANE's size and pixels", "[devices]")
{
    auto reference = direct_scan(true, "Grid");
    REQUIRE(reference.parameters.format == SANE_FRAME_RGB);
    REQUIRE(reference.parameters.depth == 8);

    std::vector<double> reported;
    std::atomic<bool> cancel = false;
    auto page = scan_page(a4(), true, [&](double fraction) { reported.push_back(fraction); }, cancel);
    REQUIRE(page);
    CHECK(page->width == reference.parameters.pixels_per_line);
    CHECK(page->height == reference.parameters.lines);
    CHECK(page->width == 1240); // 210 mm at 150 dpi
    CHECK(page->height == 1753); // 297 mm: 1753.9 lines, which the test backend rounds down
    CHECK(page->color);
    CHECK(page->jpeg.size() <= 300 * 1024);
    CHECK(page->sha256 == hex_sha256(page->jpeg));
    REQUIRE(page->jpeg.size() > 2);
    CHECK(page->jpeg[0] == 0xFF);
    CHECK(page->jpeg[1] == 0xD8);

    // Progress climbs to 1.
    REQUIRE(reported.size() >= 10);
    CHECK(std::is_sorted(reported.begin(), reported.end()));
    CHECK(reported.back() == 1.0);

    auto image = decode_jpeg(page->jpeg);
    REQUIRE(image);
    CHECK(image->width == page->width);
    CHECK(image->height == page->height);
    REQUIRE(image->channels == 3);
    double error = mean_absolute_error(*image, reference);
    INFO("mean absolute error " << error);
    CHECK(error < 4.0);
}

TEST_CASE("The colour pattern, a worst case for JPEG, keeps its brightness at quality 80", "[devices]")
{
    auto reference = direct_scan(true, "Color pattern");
    auto settings = a4();
    settings.options.push_back({ "test-picture", "Color pattern" });
    settings.max_page_bytes = 4 * 1024 * 1024;
    auto page = scan(settings);
    REQUIRE(page);
    auto image = decode_jpeg(page->jpeg);
    REQUIRE(image);
    REQUIRE(image->width == reference.parameters.pixels_per_line);
    REQUIRE(image->height == reference.parameters.lines);
    double error = mean_luma_error(*image, reference);
    INFO("mean absolute error of the brightness " << error << ", of the channels " << mean_absolute_error(*image, reference));
    CHECK(error < 6.0);
}

TEST_CASE("A greyscale page is a grey JPEG with SANE's pixels", "[devices]")
{
    for (auto* picture : { "Grid", "Color pattern" }) {
        INFO(picture);
        auto reference = direct_scan(false, picture);
        REQUIRE(reference.parameters.format == SANE_FRAME_GRAY);
        auto settings = a4();
        settings.options.push_back({ "test-picture", picture });
        settings.max_page_bytes = 4 * 1024 * 1024;
        auto page = scan(settings, false);
        REQUIRE(page);
        CHECK_FALSE(page->color);
        CHECK(page->width == reference.parameters.pixels_per_line);
        CHECK(page->height == reference.parameters.lines);
        auto image = decode_jpeg(page->jpeg);
        REQUIRE(image);
        REQUIRE(image->channels == 1);
        double error = mean_absolute_error(*image, reference);
        INFO("mean absolute error " << error);
        CHECK(error < 6.0);
    }
}

TEST_CASE("A scanner's failures reach the kiosk as their ScanProblem", "[devices]")
{
    auto with_read_status = [](const char* status) {
        auto settings = a4();
        settings.options.push_back({ "read-return-value", status });
        settings.options.push_back({ "select-fd", "yes" }); // the reader's pipe, emptied after the failure
        return settings;
    };
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_IO_ERROR"))) == ScanProblem::Lost);
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_NO_DOCS"))) == ScanProblem::NoPaper);
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_COVER_OPEN"))) == ScanProblem::CoverOpen);
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_JAMMED"))) == ScanProblem::Jammed);
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_DEVICE_BUSY"))) == ScanProblem::Busy);
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_CANCELLED"))) == ScanProblem::Cancelled);
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_NO_MEM"))) == ScanProblem::Failed);
    // An immediate end of data: no line at all.
    CHECK(problem_of(scan(with_read_status("SANE_STATUS_EOF"))) == ScanProblem::Empty);

    // Each failure was the scan's own: the same device scans again.
    CHECK(scan(a4()));
}

TEST_CASE("The feeder is chosen by its option and scans", "[devices]")
{
    // The test backend's feeder runs dry only at the 11th scan of one opening, and each scan opens the
    // device afresh; NO_DOCS itself is checked through sane_read above.
    auto settings = a4();
    settings.options.push_back({ "source", "Automatic Document Feeder" });
    auto page = scan(settings);
    REQUIRE(page);
    CHECK(page->height == 1753);
}

TEST_CASE("A page of one flat colour is Empty", "[devices]")
{
    for (auto* picture : { "Solid white", "Solid black" }) {
        auto settings = a4();
        settings.options.push_back({ "test-picture", picture });
        INFO(picture);
        CHECK(problem_of(scan(settings, true)) == ScanProblem::Empty);
        CHECK(problem_of(scan(settings, false)) == ScanProblem::Empty);
    }
    // The grid is mostly white with thin black lines: a page.
    auto grid = a4();
    grid.options.push_back({ "test-picture", "Grid" });
    CHECK(scan(grid, false));
}

TEST_CASE("A page over max_page_bytes at the lowest quality is TooLarge; a bit over steps the quality down", "[devices]")
{
    auto tiny = a4();
    tiny.max_page_bytes = 1000;
    auto refused = scan(tiny);
    CHECK(problem_of(refused) == ScanProblem::TooLarge);
    CHECK_THAT(refused.error().detail, Catch::Contains("quality 35"));

    auto at_80 = scan(a4());
    REQUIRE(at_80);
    auto tighter = a4();
    tighter.max_page_bytes = at_80->jpeg.size() - 1;
    auto lower = scan(tighter);
    REQUIRE(lower);
    CHECK(lower->jpeg.size() < at_80->jpeg.size());
    CHECK(lower->width == at_80->width);
}

TEST_CASE("A scanner that does not exist is NoScanner", "[devices]")
{
    CHECK(problem_of(scan(a4("test:7"))) == ScanProblem::NoScanner);
    CHECK(problem_of(scan(a4("nosuchbackend:usb:001:002"))) == ScanProblem::NoScanner);
}

TEST_CASE("No device configured: the first SANE finds", "[devices]")
{
    auto page = scan(a4(""));
    REQUIRE(page);
    CHECK(page->width == 1240);
}

TEST_CASE("A scan is cancelled between reads and the scanner is free again", "[devices]")
{
    test::use_sane_test_backend();
    auto slow = a4();
    // Small slow reads, so the scan is still running when the kiosk cancels it.
    slow.options.push_back({ "read-limit", "true" });
    slow.options.push_back({ "read-limit-size", "16384" });
    slow.options.push_back({ "read-delay", "true" });
    slow.options.push_back({ "read-delay-duration", "2000" });
    std::atomic<bool> cancel = false;
    double last = 0;
    auto cancelled = scan_page(slow, true, [&](double fraction) {
        last = fraction;
        if (fraction > 0.2)
            cancel = true;
    }, cancel);
    CHECK(problem_of(cancelled) == ScanProblem::Cancelled);
    CHECK(last < 0.5);

    std::atomic<bool> already = true;
    CHECK(problem_of(scan_page(a4(), true, nullptr, already)) == ScanProblem::Cancelled);
    CHECK(scan(a4()));
}

TEST_CASE("Options of each SANE type are set by name; a wrong one is named", "[devices]")
{
    // bool (three-pass: three single-colour frames merged), int, fixed and string options.
    auto settings = a4("test:3"); // a device of its own: the test backend keeps the options set
    settings.options.insert(settings.options.end(), { { "test-picture", "Color pattern" }, { "three-pass", "yes" },
        { "three-pass-order", "BGR" }, { "read-limit-size", "65536" }, { "read-limit", "true" },
        { "enable-test-options", "true" }, { "fixed", "1.5" }, { "int", "42" }, { "string", "hello" } });
    settings.max_page_bytes = 4 * 1024 * 1024;
    auto three_pass = scan(settings);
    REQUIRE(three_pass);
    CHECK(three_pass->color);
    CHECK(three_pass->width == 1240);
    CHECK(three_pass->height == 1753);
    // The same pattern in one pass and in three is the same picture.
    auto colour_pattern = a4();
    colour_pattern.options.push_back({ "test-picture", "Color pattern" });
    colour_pattern.max_page_bytes = 4 * 1024 * 1024;
    auto one_pass = scan(colour_pattern);
    REQUIRE(one_pass);
    auto merged = decode_jpeg(three_pass->jpeg);
    auto single = decode_jpeg(one_pass->jpeg);
    REQUIRE(merged);
    REQUIRE(single);
    CHECK(merged->pixels == single->pixels);

    auto unknown = a4();
    unknown.options.push_back({ "no-such-option", "1" });
    auto refused = scan(unknown);
    CHECK(problem_of(refused) == ScanProblem::Failed);
    CHECK_THAT(refused.error().detail, Catch::Contains("no option 'no-such-option'"));

    auto bad_choice = a4();
    bad_choice.options.push_back({ "test-picture", "Landscape" });
    refused = scan(bad_choice);
    CHECK(problem_of(refused) == ScanProblem::Failed);
    CHECK_THAT(refused.error().detail, Catch::Contains("'Solid white'"));

    auto not_a_number = a4();
    not_a_number.options.insert(not_a_number.options.end(), { { "read-limit", "true" }, { "read-limit-size", "lots" } });
    refused = scan(not_a_number);
    CHECK(problem_of(refused) == ScanProblem::Failed);
    CHECK_THAT(refused.error().detail, Catch::Contains("is a number"));
}

TEST_CASE("A hand scanner that does not know its height (-1 lines) still gives its page", "[devices]")
{
    auto settings = a4("test:2"); // a device of its own: the test backend keeps the option set
    settings.options.push_back({ "hand-scanner", "true" });
    auto page = scan(settings);
    REQUIRE(page);
    CHECK(page->width == static_cast<int>(110 * 150 / 25.4)); // the test backend's hand scanner is 11 cm wide
    CHECK(page->height > 0);
    auto image = decode_jpeg(page->jpeg);
    REQUIRE(image);
    CHECK(image->height == page->height);
}

TEST_CASE("A smaller glass than A4 scans what it has", "[devices]")
{
    auto settings = a4();
    settings.width_mm = 400; // past the test glass's 300 mm
    auto page = scan(settings);
    REQUIRE(page);
    CHECK(page->width == static_cast<int>(300 * 150 / 25.4));
}

TEST_CASE("problem_name gives each problem's string id", "[devices]")
{
    CHECK(problem_name(ScanProblem::NoScanner) == "no_scanner");
    CHECK(problem_name(ScanProblem::CoverOpen) == "cover_open");
    CHECK(problem_name(ScanProblem::NoPaper) == "no_paper");
    CHECK(problem_name(ScanProblem::TooLarge) == "too_large");
    CHECK(problem_name(ScanProblem::Failed) == "failed");
}
