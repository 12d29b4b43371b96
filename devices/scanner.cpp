// One page through SANE, encoded as JPEG in memory. SANE is initialised once per process and never shut
// down while it runs (backends keep threads and USB state; sane_exit under a running scan crashes them),
// and it is not thread-safe: one mutex serialises every call into it.
//
// [SECTION] SANE's status in the kiosk's words
// [SECTION] reading the frames
// [SECTION] checks and JPEG
// [SECTION] scan_page, list_scanners
#include "devices/scanner.h"

#include "devices/jpeg.h"
#include "devices/sane_options.h"
#include "devices/wiped_buffer.h"

#include <sane/sane.h>
#include <sane/saneopts.h>
#include <sodium.h>

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

namespace guichet::devices {
namespace {

// A raw scan larger than this is refused before it is read: A4 at 600 dpi in colour is 104 MB; the
// configuration allows at most 600 dpi. It also ends a hand-scanner's scan of unknown length.
constexpr size_t max_raw_bytes = 256 * 1024 * 1024;

// A page whose every channel varies less than this (standard deviation, 0-255) is one flat colour: the
// glass is empty or the lid is closed on nothing. A blank page's sensor noise is about 1; one short line
// of handwriting on an A4 page is already about 5.
constexpr double flat_page_deviation = 2.5;

// Lower qualities tried in turn while the page is over max_page_bytes.
constexpr std::array quality_steps { 80, 65, 50, 35 };

std::mutex sane_mutex; // every call into SANE
std::once_flag sane_once;
SANE_Status sane_started = SANE_STATUS_GOOD;

Result<void> start_sane()
{
    std::call_once(sane_once, [] {
        if (sodium_init() < 0)
            sane_started = SANE_STATUS_NO_MEM;
        else
            sane_started = sane_init(nullptr, nullptr);
    });
    if (sane_started != SANE_STATUS_GOOD)
        return fail(std::string("SANE cannot start: ") + sane_strstatus(sane_started));
    return {};
}

// [SECTION] SANE's status in the kiosk's words

ScanError scan_error(ScanProblem problem, std::string detail) { return { problem, std::move(detail) }; }

ScanError status_error(SANE_Status status, std::string_view when, std::string_view device)
{
    auto detail = std::string(when) + " '" + std::string(device) + "': " + sane_strstatus(status);
    switch (status) {
    case SANE_STATUS_NO_DOCS:
        return scan_error(ScanProblem::NoPaper, detail);
    case SANE_STATUS_COVER_OPEN:
        return scan_error(ScanProblem::CoverOpen, detail);
    case SANE_STATUS_JAMMED:
        return scan_error(ScanProblem::Jammed, detail);
    case SANE_STATUS_DEVICE_BUSY:
        return scan_error(ScanProblem::Busy, detail);
    case SANE_STATUS_IO_ERROR:
        return scan_error(ScanProblem::Lost, detail);
    case SANE_STATUS_CANCELLED:
        return scan_error(ScanProblem::Cancelled, detail);
    case SANE_STATUS_ACCESS_DENIED:
        return scan_error(ScanProblem::Failed, detail + " (is the kiosk's user in the 'scanner' group?)");
    default:
        return scan_error(ScanProblem::Failed, detail);
    }
}

// Ends the scan (sane_cancel, needed after every scan, finished or not) and closes the device.
class OpenDevice {
public:
    explicit OpenDevice(SANE_Handle handle)
        : m_handle(handle)
    {
    }
    OpenDevice(const OpenDevice&) = delete;
    OpenDevice& operator=(const OpenDevice&) = delete;
    ~OpenDevice()
    {
        if (m_started) {
            // Backends built on sanei_thread (the test backend, and others) cancel their reader thread
            // asynchronously in sane_cancel; caught inside malloc just after sane_start, it leaves the
            // allocator locked and the process hangs. A scan that failed at once gives the reader time to
            // reach its writes (a safe place to be cancelled) first.
            auto since_start = std::chrono::steady_clock::now() - m_started_at;
            if (!m_finished && since_start < reader_settle_time)
                std::this_thread::sleep_for(reader_settle_time - since_start);
            if (!m_finished)
                drain_reader();
            // The reader closed its pipe (the page's end, or drained): it is on its way out of its thread.
            // Let it get there before sane_cancel cancels it asynchronously: cancelled inside the thread's
            // teardown, it left the loader's lock held and the next thread the kiosk started hung.
            std::this_thread::sleep_for(reader_exit_time);
            sane_cancel(m_handle);
        }
        sane_close(m_handle);
    }
    SANE_Handle get() const { return m_handle; }
    void started()
    {
        m_started = true;
        m_started_at = std::chrono::steady_clock::now();
    }
    void finished() { m_finished = true; }

private:
    // After a failed read, a backend that offers its reader's pipe (sane_get_select_fd) has it emptied to
    // its end, so the reader thread ends on its own instead of being cancelled in the middle of its work
    // (the test backend's reader, cancelled asynchronously inside malloc, deadlocks the process). The page's
    // bytes read here are dropped and wiped; at most a few seconds are spent.
    void drain_reader()
    {
        SANE_Int fd = -1;
        if (sane_get_select_fd(m_handle, &fd) != SANE_STATUS_GOOD || fd < 0)
            return;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
            return;
        std::array<unsigned char, 64 * 1024> sink;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            ssize_t got = ::read(fd, sink.data(), sink.size());
            if (got == 0)
                break; // the reader closed its end: it is done
            if (got < 0 && errno != EAGAIN && errno != EINTR)
                break;
            if (got < 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        sodium_memzero(sink.data(), sink.size());
    }

    static constexpr auto reader_settle_time = std::chrono::milliseconds(200);
    static constexpr auto reader_exit_time = std::chrono::milliseconds(50);
    SANE_Handle m_handle;
    bool m_started = false;
    bool m_finished = false;
    std::chrono::steady_clock::time_point m_started_at;
};

// [SECTION] reading the frames

// The image as read: one frame (grey or RGB), or three single-colour frames merged into RGB.
struct RawScan {
    WipedBuffer bytes;
    int width = 0, height = 0, pitch = 0, channels = 0, depth = 8;
};

struct Reader {
    SANE_Handle handle;
    const std::string& device;
    const ScanProgress& progress;
    const std::atomic<bool>& cancel;
    int estimated_lines; // from the scan area, for a scanner that does not know its height (-1)
    double last_reported = -1;

    void report(double fraction)
    {
        fraction = std::clamp(fraction, 0.0, 1.0);
        if (progress && (fraction >= last_reported + 0.01 || fraction == 1.0)) {
            last_reported = fraction;
            progress(fraction);
        }
    }

    // After the announced bytes: what a backend still sends is dropped (wiped) until its EOF, up to as
    // much again as the frame.
    std::expected<void, ScanError> read_to_end(size_t frame_bytes)
    {
        WipedBuffer extra(64 * 1024);
        size_t dropped = 0;
        while (dropped <= frame_bytes) {
            SANE_Int length = 0;
            auto status = sane_read(handle, extra.data(), static_cast<SANE_Int>(extra.size()), &length);
            if (status == SANE_STATUS_EOF)
                return {};
            if (status != SANE_STATUS_GOOD)
                return std::unexpected(status_error(status, "reading from", device));
            dropped += static_cast<size_t>(std::max(length, 0));
        }
        return std::unexpected(scan_error(ScanProblem::Lost, "'" + device + "' sends more than it announced"));
    }

    // Reads one frame's bytes. `frame_share` and `frames_before` place its progress among the frames.
    std::expected<size_t, ScanError> read_frame(const SANE_Parameters& parameters, WipedBuffer& into, double frames_before,
        double frame_count)
    {
        size_t line = static_cast<size_t>(parameters.bytes_per_line);
        bool known = parameters.lines >= 0;
        size_t expected = line * static_cast<size_t>(known ? parameters.lines : std::max(estimated_lines, 1));
        if (known && expected > max_raw_bytes)
            return std::unexpected(scan_error(ScanProblem::Failed,
                "the scan of '" + device + "' would take " + std::to_string(expected / (1024 * 1024))
                    + " MiB; at most " + std::to_string(max_raw_bytes / (1024 * 1024)) + " MiB are read"));
        into.resize(std::max<size_t>(expected, line));
        size_t filled = 0;
        for (;;) {
            if (cancel.load())
                return std::unexpected(scan_error(ScanProblem::Cancelled, "cancelled during the scan"));
            if (filled == into.size() && known) {
                // Every line is in; read on to the backend's EOF all the same, which lets it end its
                // reader cleanly (SANE's reader threads are killed by sane_cancel wherever they are).
                auto end = read_to_end(into.size());
                if (!end)
                    return std::unexpected(end.error());
                break;
            }
            if (filled == into.size()) {
                if (into.size() >= max_raw_bytes)
                    return std::unexpected(scan_error(ScanProblem::Failed,
                        "the scan of '" + device + "' goes on past " + std::to_string(max_raw_bytes / (1024 * 1024)) + " MiB"));
                into.resize(std::min(into.size() * 2, max_raw_bytes));
            }
            SANE_Int length = 0;
            auto want = static_cast<SANE_Int>(std::min<size_t>(into.size() - filled, 1 << 20));
            auto status = sane_read(handle, into.data() + filled, want, &length);
            if (status == SANE_STATUS_EOF)
                break;
            if (status != SANE_STATUS_GOOD)
                return std::unexpected(status_error(status, "reading from", device));
            if (length < 0 || length > want)
                return std::unexpected(scan_error(ScanProblem::Lost, "'" + device + "' returned a bad read length"));
            if (length == 0) // a non-blocking backend with nothing yet
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            filled += static_cast<size_t>(length);
            report((frames_before + std::min(0.99, static_cast<double>(filled) / expected)) / frame_count);
        }
        return filled;
    }
};

int channels_of(SANE_Frame format) { return format == SANE_FRAME_RGB ? 3 : 1; }

// Reads every frame of the scan started on `device`; sane_start has been called once already for the first.
std::expected<RawScan, ScanError> read_scan(OpenDevice& open, Reader& reader)
{
    RawScan scan;
    WipedBuffer frame;
    int frames_read = 0;
    for (;;) {
        SANE_Parameters parameters {};
        if (auto status = sane_get_parameters(open.get(), &parameters); status != SANE_STATUS_GOOD)
            return std::unexpected(status_error(status, "asking the image size of", reader.device));
        bool single_colour = parameters.format == SANE_FRAME_RED || parameters.format == SANE_FRAME_GREEN
            || parameters.format == SANE_FRAME_BLUE;
        if (!single_colour && parameters.format != SANE_FRAME_GRAY && parameters.format != SANE_FRAME_RGB)
            return std::unexpected(scan_error(ScanProblem::Failed, "'" + reader.device + "' sends frames of an unknown kind"));
        if (parameters.depth != 1 && parameters.depth != 8 && parameters.depth != 16)
            return std::unexpected(scan_error(ScanProblem::Failed,
                "'" + reader.device + "' sends " + std::to_string(parameters.depth) + "-bit samples; 1, 8 or 16 are read"));
        if (parameters.depth == 1 && parameters.format != SANE_FRAME_GRAY)
            return std::unexpected(scan_error(ScanProblem::Failed, "'" + reader.device + "' sends 1-bit colour"));
        int channels = channels_of(parameters.format);
        long long needed = parameters.depth == 1 ? (parameters.pixels_per_line + 7) / 8
                                                 : static_cast<long long>(parameters.pixels_per_line) * channels * parameters.depth / 8;
        if (parameters.pixels_per_line <= 0 || parameters.bytes_per_line < needed)
            return std::unexpected(scan_error(ScanProblem::Failed, "'" + reader.device + "' gives an impossible line size ("
                    + std::to_string(parameters.pixels_per_line) + " pixels in " + std::to_string(parameters.bytes_per_line) + " bytes)"));

        auto filled = reader.read_frame(parameters, frame, frames_read, single_colour ? 3.0 : 1.0);
        if (!filled)
            return std::unexpected(filled.error());
        int lines = static_cast<int>(*filled / static_cast<size_t>(parameters.bytes_per_line)); // a partial line is dropped
        ++frames_read;

        if (!single_colour) {
            scan.bytes = std::move(frame);
            scan.width = parameters.pixels_per_line;
            scan.height = lines;
            scan.pitch = parameters.bytes_per_line;
            scan.channels = channels;
            scan.depth = parameters.depth;
        } else {
            // Three-pass: each colour in its own frame, merged into RGB as it comes. A frame shorter than the
            // first (unknown heights) shortens the page.
            if (scan.channels == 0) {
                scan.width = parameters.pixels_per_line;
                scan.height = lines;
                scan.depth = parameters.depth;
                scan.channels = 3;
                scan.pitch = scan.width * 3 * (scan.depth / 8);
                scan.bytes.resize(static_cast<size_t>(scan.pitch) * std::max(lines, 0));
            }
            if (parameters.pixels_per_line != scan.width || parameters.depth != scan.depth)
                return std::unexpected(scan_error(ScanProblem::Failed, "'" + reader.device + "' sends colour frames of different sizes"));
            scan.height = std::min(scan.height, lines);
            int offset = parameters.format == SANE_FRAME_RED ? 0 : parameters.format == SANE_FRAME_GREEN ? 1 : 2;
            int sample = scan.depth / 8;
            for (int y = 0; y < scan.height; ++y) {
                auto* from = frame.data() + static_cast<size_t>(y) * parameters.bytes_per_line;
                auto* to = scan.bytes.data() + static_cast<size_t>(y) * scan.pitch;
                for (int x = 0; x < scan.width; ++x)
                    std::memcpy(to + (x * 3 + offset) * sample, from + x * sample, sample);
            }
            frame.wipe();
        }
        if (parameters.last_frame)
            break;
        if (frames_read >= 3)
            return std::unexpected(scan_error(ScanProblem::Failed, "'" + reader.device + "' sends more than three frames"));
        if (auto status = sane_start(open.get()); status != SANE_STATUS_GOOD)
            return std::unexpected(status_error(status, "starting the next frame on", reader.device));
    }
    reader.report(1.0);
    return scan;
}

// [SECTION] checks and JPEG

// 8-bit samples, rows packed: 16-bit samples keep their high byte (SANE sends them in the host's byte
// order), 1-bit lineart becomes black (a set bit) and white. Greyscale asked of a colour-only scanner is
// made here (ITU-R BT.601 luma).
void to_8_bit(RawScan& scan, bool want_color)
{
    bool to_grey = !want_color && scan.channels == 3;
    if (scan.depth == 8 && !to_grey)
        return;
    int out_channels = to_grey ? 1 : scan.channels;
    WipedBuffer out(static_cast<size_t>(scan.width) * out_channels * std::max(scan.height, 0));
    for (int y = 0; y < scan.height; ++y) {
        auto* from = scan.bytes.data() + static_cast<size_t>(y) * scan.pitch;
        auto* to = out.data() + static_cast<size_t>(y) * scan.width * out_channels;
        auto sample = [&](int index) -> unsigned {
            if (scan.depth == 1)
                return (from[index / 8] >> (7 - index % 8)) & 1 ? 0 : 255;
            if (scan.depth == 16) {
                uint16_t value;
                std::memcpy(&value, from + index * 2, 2);
                return value >> 8;
            }
            return from[index];
        };
        for (int x = 0; x < scan.width; ++x) {
            if (to_grey)
                to[x] = static_cast<uint8_t>((299 * sample(x * 3) + 587 * sample(x * 3 + 1) + 114 * sample(x * 3 + 2) + 500) / 1000);
            else
                for (int c = 0; c < out_channels; ++c)
                    to[x * out_channels + c] = static_cast<uint8_t>(sample(x * out_channels + c));
        }
    }
    scan.bytes = std::move(out); // the old bytes are wiped by the move
    scan.channels = out_channels;
    scan.pitch = scan.width * out_channels;
    scan.depth = 8;
}

// The largest standard deviation of a channel over every pixel: near 0 for a page of one flat colour.
double largest_channel_deviation(const RawScan& scan)
{
    std::array<double, 3> sum {}, squares {};
    for (int y = 0; y < scan.height; ++y) {
        auto* row = scan.bytes.data() + static_cast<size_t>(y) * scan.pitch;
        std::array<uint64_t, 3> row_sum {}, row_squares {};
        for (int x = 0; x < scan.width; ++x)
            for (int c = 0; c < scan.channels; ++c) {
                unsigned value = row[x * scan.channels + c];
                row_sum[c] += value;
                row_squares[c] += value * value;
            }
        for (int c = 0; c < scan.channels; ++c) {
            sum[c] += static_cast<double>(row_sum[c]);
            squares[c] += static_cast<double>(row_squares[c]);
        }
    }
    double count = static_cast<double>(scan.width) * scan.height;
    double largest = 0;
    for (int c = 0; c < scan.channels; ++c) {
        double mean = sum[c] / count;
        largest = std::max(largest, std::sqrt(std::max(0.0, squares[c] / count - mean * mean)));
    }
    return largest;
}

std::string sha256_hex(const std::vector<uint8_t>& bytes)
{
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest {};
    crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex {};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return hex.data();
}

// The page as JPEG within max_page_bytes, lowering the quality step by step.
std::expected<ScannedPage, ScanError> encode_page(const RawScan& scan, const ScannerSettings& settings)
{
    std::vector<int> qualities { settings.jpeg_quality };
    for (int step : quality_steps)
        if (step < settings.jpeg_quality)
            qualities.push_back(step);
    std::vector<uint8_t> work;
    struct Wipe {
        std::vector<uint8_t>& bytes;
        ~Wipe()
        {
            if (!bytes.empty())
                sodium_memzero(bytes.data(), bytes.size());
        }
    } wipe_work { work };
    RawImage raw { .pixels = scan.bytes.data(), .width = scan.width, .height = scan.height, .pitch = scan.pitch,
        .channels = scan.channels };
    size_t smallest = 0;
    for (int quality : qualities) {
        auto size = encode_jpeg(raw, quality, work);
        if (!size)
            return std::unexpected(scan_error(ScanProblem::Failed, size.error().message));
        smallest = *size;
        if (*size > settings.max_page_bytes)
            continue;
        ScannedPage page;
        page.jpeg.assign(work.begin(), work.begin() + static_cast<std::ptrdiff_t>(*size));
        page.width = scan.width;
        page.height = scan.height;
        page.color = scan.channels == 3;
        page.sha256 = sha256_hex(page.jpeg);
        return page;
    }
    return std::unexpected(scan_error(ScanProblem::TooLarge,
        "the page is " + std::to_string(smallest) + " bytes as JPEG at quality " + std::to_string(qualities.back())
            + "; at most " + std::to_string(settings.max_page_bytes) + " are allowed (scanner.max_page_kib)"));
}

// [SECTION] scan_page, list_scanners

// Mode, resolution, area and the configuration's options, in that order: some backends reset the area
// when the resolution changes, and the extra options may depend on the mode.
std::expected<void, ScanError> configure(SANE_Handle handle, const ScannerSettings& settings, bool color, const std::string& device)
{
    auto failed = [&](const Error& error) { return std::unexpected(scan_error(ScanProblem::Failed, "'" + device + "': " + error.message)); };
    if (sane::has_active_option(handle, SANE_NAME_SCAN_MODE)) {
        auto mode = color ? sane::set_mode(handle, "Color", { "color", "colour" }) : sane::set_mode(handle, "Gray", { "gray", "grey" });
        if (!mode)
            return failed(mode.error());
    }
    if (sane::has_active_option(handle, SANE_NAME_BIT_DEPTH))
        if (auto depth = sane::set_number(handle, SANE_NAME_BIT_DEPTH, 8, sane::Fit::Clamp); !depth)
            return failed(depth.error());
    if (auto resolution = sane::set_number(handle, SANE_NAME_SCAN_RESOLUTION, settings.resolution_dpi, sane::Fit::Clamp); !resolution)
        return failed(resolution.error());
    // The area from the glass's top-left corner; a smaller glass scans what it has.
    std::pair<const char*, double> corners[] { { SANE_NAME_SCAN_TL_X, 0 }, { SANE_NAME_SCAN_TL_Y, 0 },
        { SANE_NAME_SCAN_BR_X, settings.width_mm }, { SANE_NAME_SCAN_BR_Y, settings.height_mm } };
    for (auto [name, mm] : corners) {
        if (!sane::has_active_option(handle, name))
            continue; // a sheet-fed scanner without an area, or a fixed-width hand scanner
        auto unit = sane::option_unit(handle, name);
        double value = unit && *unit == SANE_UNIT_PIXEL ? mm / 25.4 * settings.resolution_dpi : mm;
        if (auto set = sane::set_number(handle, name, value, sane::Fit::Clamp); !set)
            return failed(set.error());
    }
    if (auto extra = sane::set_all_from_text(handle, settings.options); !extra)
        return failed(extra.error());
    return {};
}

std::expected<ScannedPage, ScanError> scan_locked(const ScannerSettings& settings, bool color, const ScanProgress& progress,
    const std::atomic<bool>& cancel)
{
    std::string device = settings.device;
    if (device.empty()) {
        const SANE_Device** list = nullptr;
        if (auto status = sane_get_devices(&list, SANE_FALSE); status != SANE_STATUS_GOOD)
            return std::unexpected(scan_error(ScanProblem::NoScanner, std::string("SANE cannot list scanners: ") + sane_strstatus(status)));
        if (!list || !list[0])
            return std::unexpected(scan_error(ScanProblem::NoScanner, "SANE finds no scanner"));
        device = list[0]->name;
    }
    if (cancel.load())
        return std::unexpected(scan_error(ScanProblem::Cancelled, "cancelled before the scan"));
    SANE_Handle handle = nullptr;
    if (auto status = sane_open(device.c_str(), &handle); status != SANE_STATUS_GOOD || !handle) {
        // An unknown name is INVAL for the dll backend and for most backends; asked again, the dll backend
        // says UNSUPPORTED (it remembers the backend it could not load).
        if (status == SANE_STATUS_INVAL || status == SANE_STATUS_UNSUPPORTED)
            return std::unexpected(scan_error(ScanProblem::NoScanner, "no scanner '" + device + "': " + sane_strstatus(status)));
        return std::unexpected(status_error(status, "opening", device));
    }
    OpenDevice open(handle);
    if (auto configured = configure(handle, settings, color, device); !configured)
        return std::unexpected(configured.error());
    if (cancel.load())
        return std::unexpected(scan_error(ScanProblem::Cancelled, "cancelled before the scan"));
    auto status = sane_start(handle);
    open.started(); // sane_cancel is due even after a failed start
    if (status != SANE_STATUS_GOOD)
        return std::unexpected(status_error(status, "starting a scan on", device));
    int estimated_lines = static_cast<int>(std::lround(settings.height_mm / 25.4 * settings.resolution_dpi));
    Reader reader { .handle = handle, .device = device, .progress = progress, .cancel = cancel, .estimated_lines = estimated_lines };
    auto scan = read_scan(open, reader);
    if (!scan)
        return std::unexpected(scan.error());
    open.finished();
    if (scan->height <= 0)
        return std::unexpected(scan_error(ScanProblem::Empty, "'" + device + "' sent no line"));
    to_8_bit(*scan, color);
    if (auto deviation = largest_channel_deviation(*scan); deviation < flat_page_deviation)
        return std::unexpected(scan_error(ScanProblem::Empty,
            "the page from '" + device + "' is one flat colour (deviation " + std::to_string(deviation) + ")"));
    return encode_page(*scan, settings);
}

}

ScannerSettings scanner_settings(const ScannerSection& section)
{
    ScannerSettings settings;
    settings.device = section.device;
    settings.resolution_dpi = section.resolution_dpi;
    settings.jpeg_quality = section.jpeg_quality;
    settings.max_page_bytes = static_cast<size_t>(section.max_page_kib) * 1024;
    settings.options = section.options;
    return settings;
}

std::string_view problem_name(ScanProblem problem)
{
    switch (problem) {
    case ScanProblem::NoScanner:
        return "no_scanner";
    case ScanProblem::Busy:
        return "busy";
    case ScanProblem::CoverOpen:
        return "cover_open";
    case ScanProblem::Jammed:
        return "jammed";
    case ScanProblem::NoPaper:
        return "no_paper";
    case ScanProblem::Lost:
        return "lost";
    case ScanProblem::Empty:
        return "empty";
    case ScanProblem::TooLarge:
        return "too_large";
    case ScanProblem::Cancelled:
        return "cancelled";
    case ScanProblem::Failed:
        break;
    }
    return "failed";
}

Result<std::vector<ScannerInfo>> list_scanners()
{
    if (auto started = start_sane(); !started)
        return std::unexpected(started.error());
    std::lock_guard lock(sane_mutex);
    const SANE_Device** list = nullptr;
    if (auto status = sane_get_devices(&list, SANE_FALSE); status != SANE_STATUS_GOOD)
        return fail(std::string("SANE cannot list scanners: ") + sane_strstatus(status));
    std::vector<ScannerInfo> scanners;
    for (auto** device = list; device && *device; ++device) {
        auto text = [](const char* value) { return std::string(value ? value : ""); };
        scanners.push_back({ text((*device)->name), text((*device)->vendor), text((*device)->model), text((*device)->type) });
    }
    return scanners;
}

std::expected<ScannedPage, ScanError> scan_page(const ScannerSettings& settings, bool color, const ScanProgress& progress,
    const std::atomic<bool>& cancel)
{
    if (auto started = start_sane(); !started)
        return std::unexpected(scan_error(ScanProblem::NoScanner, started.error().message));
    std::unique_lock lock(sane_mutex, std::try_to_lock);
    if (!lock.owns_lock())
        return std::unexpected(scan_error(ScanProblem::Busy, "another scan is running in this program"));
    try {
        return scan_locked(settings, color, progress, cancel);
    } catch (const std::bad_alloc&) {
        // The raw buffers are wiped by their destructors on the way out.
        return std::unexpected(scan_error(ScanProblem::Failed, "not enough memory for the scan"));
    }
}

}
