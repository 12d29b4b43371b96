// A receipt's bytes to a character device (a usblp printer), a pseudo-terminal or a plain file (the demo):
// the printer's own status first when it can give one, then every byte, never blocking without bound.
#include "devices/escpos_device.h"

#include <fcntl.h>
#include <linux/lp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <utility>

namespace guichet::devices {
namespace {

// One write() at most this large, so a slow device reports progress (and resets the stall clock) often.
constexpr size_t max_chunk = 16 * 1024;

class UniqueFd {
public:
    explicit UniqueFd(int fd = -1)
        : m_fd(fd)
    {
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
    {
    }
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        return *this;
    }
    ~UniqueFd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }
    // Closes now and says whether the kernel took the close: a file system may report a late write error here.
    int close() { return ::close(std::exchange(m_fd, -1)); }

private:
    int m_fd;
};

// The kiosk does not ignore SIGPIPE, and a FIFO whose reader went away would raise it on write(): while a
// job is written SIGPIPE is blocked in this thread, and one raised by our write is taken back before the
// mask is restored, so the error comes back as EPIPE and never as the signal's default action (exit).
class SigpipeBlock {
public:
    SigpipeBlock()
    {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        sigset_t pending;
        sigemptyset(&pending);
        sigpending(&pending);
        m_was_pending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;
    ~SigpipeBlock()
    {
        int saved = errno;
        if (m_raised && !m_was_pending) {
            timespec zero {};
            while (sigtimedwait(&m_pipe, nullptr, &zero) == -1 && errno == EINTR) { }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
        errno = saved;
    }
    void note_epipe() { m_raised = true; }

private:
    sigset_t m_pipe;
    sigset_t m_old;
    bool m_was_pending = false;
    bool m_raised = false;
};

std::string error_text(int error) { return std::strerror(error); }

bool under_dev(const std::string& path) { return path.starts_with("/dev/"); }

std::string seconds_text(std::chrono::milliseconds duration)
{
    char text[32];
    if (duration.count() % 1000 == 0)
        std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(duration.count() / 1000));
    else
        std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(duration.count()) / 1000.0);
    return text;
}

PrintError open_error(const std::string& path, int error)
{
    switch (error) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return { PrintProblem::NoPrinter, path + ": " + error_text(error) };
    case EBUSY:
        return { PrintProblem::Offline, path + " is busy: another job holds it" };
    case EACCES:
    case EPERM:
        return { PrintProblem::Failed, path + ": permission denied (is the kiosk's user in the lp group?)" };
    default:
        return { PrintProblem::Failed, "cannot open " + path + ": " + error_text(error) };
    }
}

// The status byte of a usblp (or parallel) printer; nothing when the device cannot tell (a pseudo-terminal,
// /dev/full), so the job goes on.
std::optional<PrinterStatus> lp_status(int fd)
{
    int status = 0;
    if (ioctl(fd, LPGETSTATUS, &status) != 0) {
        int error = errno;
        if (error == ENODEV)
            return PrinterStatus { PrinterState::Problem, PrintProblem::NoPrinter, "LPGETSTATUS: " + error_text(error) };
        return std::nullopt;
    }
    return lp_printer_status(status);
}

constexpr int open_flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// Opens the device, or the file (created 0600 when it is not under /dev), appending to a file.
std::expected<UniqueFd, PrintError> open_output(const std::string& path, struct stat& info)
{
    UniqueFd fd(::open(path.c_str(), open_flags));
    if (fd.get() < 0 && errno == ENOENT && !under_dev(path))
        fd = UniqueFd(::open(path.c_str(), open_flags | O_CREAT | O_APPEND, 0600));
    if (fd.get() < 0)
        return std::unexpected(open_error(path, errno));
    if (fstat(fd.get(), &info) != 0)
        return std::unexpected(PrintError { PrintProblem::Failed, "cannot stat " + path + ": " + error_text(errno) });
    if (S_ISREG(info.st_mode)) {
        int flags = fcntl(fd.get(), F_GETFL);
        if (flags < 0 || fcntl(fd.get(), F_SETFL, flags | O_APPEND) != 0)
            return std::unexpected(PrintError { PrintProblem::Failed, path + ": cannot append: " + error_text(errno) });
    } else if (!S_ISCHR(info.st_mode) && !S_ISFIFO(info.st_mode)) {
        return std::unexpected(PrintError { PrintProblem::Failed, path + " is neither a device nor a file" });
    }
    return fd;
}

std::expected<size_t, PrintError> write_all(int fd, std::span<const uint8_t> bytes, std::chrono::milliseconds stall_limit)
{
    using Clock = std::chrono::steady_clock;
    SigpipeBlock sigpipe;
    size_t done = 0;
    auto last_progress = Clock::now();
    while (done < bytes.size()) {
        size_t chunk = std::min(bytes.size() - done, max_chunk);
        ssize_t written = ::write(fd, bytes.data() + done, chunk);
        if (written > 0) {
            done += static_cast<size_t>(written);
            last_progress = Clock::now();
            continue;
        }
        int error = written < 0 ? errno : EAGAIN;
        if (error == EINTR)
            continue;
        if (error != EAGAIN && error != EWOULDBLOCK) {
            if (error == EPIPE)
                sigpipe.note_epipe();
            return std::unexpected(PrintError { PrintProblem::WriteFailed,
                "the printer failed after " + std::to_string(done) + " of " + std::to_string(bytes.size())
                    + " bytes: " + error_text(error) });
        }
        // The device's buffer is full: wait for room, but not for ever.
        auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_progress);
        if (waited >= stall_limit)
            return std::unexpected(PrintError { PrintProblem::WriteFailed,
                "the printer took no data for " + seconds_text(stall_limit) + " (" + std::to_string(done) + " of "
                    + std::to_string(bytes.size()) + " bytes sent)" });
        pollfd ready { .fd = fd, .events = POLLOUT, .revents = 0 };
        int timeout = static_cast<int>(std::max<long long>(1, (stall_limit - waited).count()));
        if (::poll(&ready, 1, timeout) < 0 && errno != EINTR)
            return std::unexpected(PrintError { PrintProblem::WriteFailed, "poll: " + error_text(errno) });
    }
    return done;
}

}

PrinterStatus lp_printer_status(int status)
{
    char detail[32];
    std::snprintf(detail, sizeof detail, "LPGETSTATUS 0x%02X", static_cast<unsigned>(status) & 0xFFu);
    if (status & LP_POUTPA)
        return { PrinterState::Problem, PrintProblem::NoPaper, detail };
    if (!(status & LP_PSELECD))
        return { PrinterState::Problem, PrintProblem::Offline, detail };
    if (!(status & LP_PERRORP)) // active low: the bit set means no error
        return { PrinterState::Problem, PrintProblem::Failed, detail };
    return { PrinterState::Ready, PrintProblem::Failed, detail };
}

std::expected<size_t, PrintError> write_to_device(const std::string& path, std::span<const uint8_t> bytes)
{
    return write_to_device(path, bytes, device_stall_limit);
}

std::expected<size_t, PrintError> write_to_device(const std::string& path, std::span<const uint8_t> bytes,
    std::chrono::milliseconds stall_limit)
{
    if (path.empty())
        return std::unexpected(PrintError { PrintProblem::NoPrinter, "no printer device is configured" });
    // One job at a time: two receipts interleaved on one roll would both be lost.
    static std::mutex one_job;
    std::lock_guard lock(one_job);

    struct stat info {};
    auto fd = open_output(path, info);
    if (!fd)
        return std::unexpected(fd.error());
    if (S_ISCHR(info.st_mode)) {
        if (auto status = lp_status(fd->get()); status && status->state == PrinterState::Problem)
            return std::unexpected(PrintError { status->problem, path + ": " + status->detail });
    }
    auto written = write_all(fd->get(), bytes, stall_limit);
    if (!written)
        return written;
    if (fd->close() != 0)
        return std::unexpected(PrintError { PrintProblem::WriteFailed, "closing " + path + ": " + error_text(errno) });
    return written;
}

PrinterStatus device_status(const std::string& path)
{
    if (path.empty())
        return {};
    UniqueFd fd(::open(path.c_str(), open_flags));
    if (fd.get() < 0) {
        int error = errno;
        if (error == ENOENT && !under_dev(path)) {
            // The demo's file is made at the first print, if its folder lets us.
            auto folder = std::filesystem::path(path).parent_path();
            if (access(folder.empty() ? "." : folder.c_str(), W_OK) == 0)
                return { PrinterState::Unknown, PrintProblem::Failed, "a file, made at the first print" };
        }
        if (error == EBUSY)
            return { PrinterState::Printing, PrintProblem::Failed, path + " is busy: a job is printing" };
        auto problem = open_error(path, error);
        return { PrinterState::Problem, problem.problem, problem.detail };
    }
    struct stat info {};
    if (fstat(fd.get(), &info) != 0)
        return { PrinterState::Unknown, PrintProblem::Failed, "cannot stat " + path + ": " + error_text(errno) };
    if (S_ISCHR(info.st_mode)) {
        if (auto status = lp_status(fd.get()))
            return *status;
        return { PrinterState::Unknown, PrintProblem::Failed, "a device that cannot report its state" };
    }
    if (S_ISREG(info.st_mode))
        return { PrinterState::Unknown, PrintProblem::Failed, "a file" };
    return { PrinterState::Unknown, PrintProblem::Failed, "neither a device nor a file" };
}

}
