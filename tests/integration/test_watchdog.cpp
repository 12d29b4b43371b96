// The real guichet binary under a stand-in for systemd's notification socket: it says READY=1 after its
// first frame, then WATCHDOG=1 from its live loop at half the interval systemd gives it, and no faster.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace std::chrono;

namespace {

// A datagram socket like systemd's NOTIFY_SOCKET; each datagram is one notification.
class NotifySocket {
public:
    explicit NotifySocket(const fs::path& path)
        : m_path(path)
    {
        fs::remove(path);
        m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        REQUIRE(path.string().size() < sizeof address.sun_path);
        std::strcpy(address.sun_path, path.c_str());
        REQUIRE(bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        int on = 1; // the kernel stamps each datagram as it is sent: a slow reader does not skew the times
        REQUIRE(setsockopt(m_fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on) == 0);
    }
    ~NotifySocket()
    {
        close(m_fd);
        fs::remove(m_path);
    }

    struct Notification {
        std::string text;
        microseconds sent {}; // when the kiosk sent it (the kernel's stamp, wall clock)
    };

    // The next notification, or nothing once `deadline` has passed.
    std::optional<Notification> next(steady_clock::time_point deadline)
    {
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        pollfd ready { m_fd, POLLIN, 0 };
        if (left <= 0 || poll(&ready, 1, static_cast<int>(left)) <= 0)
            return std::nullopt;
        char buffer[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timeval))];
        iovec data { buffer, sizeof buffer };
        msghdr message {};
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        auto n = recvmsg(m_fd, &message, 0);
        if (n < 0)
            return Notification {};
        Notification notification { std::string(buffer, static_cast<size_t>(n)) };
        for (auto* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_TIMESTAMP) {
                timeval stamp;
                std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
                notification.sent = seconds(stamp.tv_sec) + microseconds(stamp.tv_usec);
            }
        }
        return notification;
    }

private:
    fs::path m_path;
    int m_fd = -1;
};

// The kiosk, headless and live (no script), as systemd would start it; SIGTERM on destruction.
class Kiosk {
public:
    Kiosk(const fs::path& dir, const fs::path& socket, const std::string& watchdog_usec, const std::string& watchdog_pid)
    {
        auto config = dir / "guichet.toml";
        std::ofstream(config) << "[display]\nwidth = 640\nheight = 480\n[speech]\nenabled = false\n[storage]\noutbox = \""
                              << (dir / "outbox.sqlite").string() << "\"\nstaff = \"" << (dir / "staff.sqlite").string()
                              << "\"\n[content]\npacks_dir = \"\"\n";
        m_pid = fork();
        REQUIRE(m_pid >= 0);
        if (m_pid == 0) {
            setenv("NOTIFY_SOCKET", socket.c_str(), 1);
            setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
            if (watchdog_pid.empty())
                unsetenv("WATCHDOG_PID");
            else
                setenv("WATCHDOG_PID", watchdog_pid.c_str(), 1);
            setenv("SDL_AUDIODRIVER", "dummy", 1);
            execl(GUICHET_BINARY, GUICHET_BINARY, "--headless", "--config", config.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~Kiosk()
    {
        kill(m_pid, SIGTERM);
        int status = 0;
        waitpid(m_pid, &status, 0);
    }

private:
    pid_t m_pid = -1;
};

fs::path test_dir(const std::string& name)
{
    auto dir = fs::path(GUICHET_TEST_OUTPUT_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

}

TEST_CASE("the kiosk tells systemd it is ready, then feeds the watchdog from its live loop", "[ui][systemd]")
{
    // The test process is the kiosk's parent, as cage is under the guichet unit: WATCHDOG_PID may name it.
    auto [name, watchdog_pid] = GENERATE(std::pair<std::string, std::string> { "watchdog-own", "" },
        std::pair<std::string, std::string> { "watchdog-parent", std::to_string(getpid()) });
    auto dir = test_dir(name);
    NotifySocket socket(dir / "notify.sock");
    constexpr auto interval = milliseconds(400);
    Kiosk kiosk(dir, dir / "notify.sock", std::to_string(duration_cast<microseconds>(interval).count()), watchdog_pid);

    auto first = socket.next(steady_clock::now() + seconds(30));
    REQUIRE(first);
    CHECK(first->text == "READY=1");

    // Six pings, each at least half an interval after the one before (by the kernel's send stamps): the
    // idle loop wakes for the watchdog and does not spin, which would ping every few milliseconds.
    std::vector<microseconds> pings;
    auto deadline = steady_clock::now() + seconds(30);
    while (pings.size() < 6) {
        auto message = socket.next(deadline);
        REQUIRE(message);
        CHECK(message->text == "WATCHDOG=1");
        pings.push_back(message->sent);
    }
    for (size_t i = 1; i < pings.size(); ++i)
        CHECK(pings[i] - pings[i - 1] >= interval / 2 - milliseconds(5));
}

TEST_CASE("a watchdog meant for another process is left alone", "[ui][systemd]")
{
    auto dir = test_dir("watchdog-other");
    NotifySocket socket(dir / "notify.sock");
    Kiosk kiosk(dir, dir / "notify.sock", "200000", "1");

    auto first = socket.next(steady_clock::now() + seconds(30));
    REQUIRE(first);
    CHECK(first->text == "READY=1");
    CHECK_FALSE(socket.next(steady_clock::now() + seconds(1)));
}
