// What the fault proxy's tests need around the real binary: a small TCP server (echo or blob) on
// 127.0.0.1, a blocking client, and the proxy process itself, started and stopped like a script would.
#pragma once
#include "format_text.h"
#include "unique_fd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace guichet::tools::test {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Deterministic content, so a byte out of place or out of order shows.
inline char pattern_byte(size_t index)
{
    return static_cast<char>((index * 131 + index / 251 + 7) & 0xff);
}

inline std::string pattern(size_t bytes)
{
    std::string text(bytes, '\0');
    for (size_t i = 0; i < bytes; ++i)
        text[i] = pattern_byte(i);
    return text;
}

inline UniqueFd listen_on_loopback(uint16_t& port)
{
    UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd.get(), 64) != 0)
        throw std::runtime_error("cannot listen on 127.0.0.1");
    socklen_t length = sizeof address;
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    return fd;
}

inline UniqueFd connect_to(uint16_t port)
{
    UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    int one = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

inline bool send_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

struct Received {
    std::string data;
    bool eof = false;       // the stream ended with a FIN
    bool timed_out = false; // SO_RCVTIMEO expired
    int error = 0;          // errno of a failed recv, e.g. ECONNRESET
};

// Reads until FIN, an error, a receive timeout or `limit` bytes.
inline Received receive_all(int fd, size_t limit = SIZE_MAX)
{
    Received received;
    char buffer[16384];
    while (received.data.size() < limit) {
        ssize_t n = recv(fd, buffer, std::min(sizeof buffer, limit - received.data.size()), 0);
        if (n > 0) {
            received.data.append(buffer, static_cast<size_t>(n));
        } else if (n == 0) {
            received.eof = true;
            break;
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                received.timed_out = true;
            else
                received.error = errno;
            break;
        }
    }
    return received;
}

inline void set_receive_timeout(int fd, std::chrono::milliseconds timeout)
{
    timeval tv { static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000) };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// The stand-in for the hub. Echo sends back what it gets; Blob sends `blob_bytes` of pattern() on
// accept, then FIN. Handlers poll with a short timeout so the destructor can stop them even when the
// proxy stalled their connection.
class TestServer {
public:
    enum class Mode { Echo, Blob };

    explicit TestServer(Mode mode, size_t blob_bytes = 0)
        : m_mode(mode)
        , m_blob(pattern(blob_bytes))
    {
        m_listener = listen_on_loopback(m_port);
        m_acceptor = std::thread([this] { accept_loop(); });
    }
    ~TestServer()
    {
        m_stop = true;
        m_acceptor.join();
        std::lock_guard lock(m_mutex);
        for (auto& handler : m_handlers)
            handler.join();
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    uint16_t port() const { return m_port; }
    size_t accepted() const { return m_accepted; }

private:
    bool wait_for(int fd, short events) const
    {
        while (!m_stop) {
            pollfd entry { fd, events, 0 };
            int ready = poll(&entry, 1, 50);
            if (ready > 0)
                return true;
            if (ready < 0 && errno != EINTR)
                return false;
        }
        return false;
    }

    void accept_loop()
    {
        while (wait_for(m_listener.get(), POLLIN)) {
            UniqueFd client(accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!client)
                continue;
            ++m_accepted;
            std::lock_guard lock(m_mutex);
            m_handlers.emplace_back([this, fd = std::make_shared<UniqueFd>(std::move(client))] { handle(fd->get()); });
        }
    }

    bool send_polling(int fd, std::string_view bytes) const
    {
        while (!bytes.empty()) {
            if (!wait_for(fd, POLLOUT))
                return false;
            ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (n <= 0)
                return false;
            bytes.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    void handle(int fd) const
    {
        char buffer[16384];
        if (m_mode == Mode::Blob) {
            if (!send_polling(fd, m_blob))
                return;
            shutdown(fd, SHUT_WR);
        }
        // Echo everything back; in blob mode just drain until the peer closes, so closing sends no RST.
        while (wait_for(fd, POLLIN)) {
            ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (n <= 0)
                break;
            if (m_mode == Mode::Echo && !send_polling(fd, std::string_view(buffer, static_cast<size_t>(n))))
                return;
        }
        if (m_mode == Mode::Echo)
            shutdown(fd, SHUT_WR);
    }

    Mode m_mode;
    std::string m_blob;
    uint16_t m_port = 0;
    UniqueFd m_listener;
    std::atomic<bool> m_stop = false;
    std::atomic<size_t> m_accepted = 0;
    std::thread m_acceptor;
    std::mutex m_mutex;
    std::vector<std::thread> m_handlers;
};

// The real fault_proxy binary in front of `target_port`, its output captured in a file. The destructor
// sends SIGTERM and, if the proxy does not stop within 5 s, SIGKILL.
class ProxyProcess {
public:
    ProxyProcess(uint16_t target_port, const std::vector<std::string>& options)
    {
        static std::atomic<int> counter = 0;
        m_dir = std::filesystem::path(FAULT_PROXY_TEST_DIR) / format_text("proxy_{}_{}", getpid(), counter++);
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        auto port_file = m_dir / "port";
        m_output = m_dir / "output.txt";

        std::vector<std::string> arguments { FAULT_PROXY_BINARY, "--listen", "127.0.0.1:0", "--target",
            format_text("127.0.0.1:{}", target_port), "--port-file", port_file.string() };
        arguments.insert(arguments.end(), options.begin(), options.end());
        std::vector<char*> argv;
        for (auto& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, m_output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        int error = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0)
            throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(error));

        auto deadline = SteadyClock::now() + 5s;
        while (SteadyClock::now() < deadline) {
            std::ifstream in(port_file);
            if (in >> m_port)
                return;
            if (waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
                m_pid = -1;
                throw std::runtime_error("fault_proxy exited early: " + output());
            }
            std::this_thread::sleep_for(10ms);
        }
        kill(m_pid, SIGKILL);
        waitpid(m_pid, &m_status, 0);
        m_pid = -1;
        throw std::runtime_error("fault_proxy wrote no port file: " + output());
    }
    ~ProxyProcess()
    {
        stop();
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    ProxyProcess(const ProxyProcess&) = delete;
    ProxyProcess& operator=(const ProxyProcess&) = delete;

    uint16_t port() const { return m_port; }
    pid_t pid() const { return m_pid; }
    void signal(int number) const { kill(m_pid, number); }

    // SIGTERM, then the exit code (128 + signal if it had to be killed).
    int stop()
    {
        if (m_pid <= 0)
            return exit_code();
        kill(m_pid, SIGTERM);
        auto deadline = SteadyClock::now() + 5s;
        while (waitpid(m_pid, &m_status, WNOHANG) == 0) {
            if (SteadyClock::now() > deadline) {
                kill(m_pid, SIGKILL);
                waitpid(m_pid, &m_status, 0);
                break;
            }
            std::this_thread::sleep_for(5ms);
        }
        m_pid = -1;
        return exit_code();
    }

    std::string output() const
    {
        std::ifstream in(m_output);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // Waits until the output contains `needle` (for lines printed on SIGUSR1 or when a connection ends).
    bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout = 3000ms) const
    {
        auto deadline = SteadyClock::now() + timeout;
        while (SteadyClock::now() < deadline) {
            if (output().find(needle) != std::string::npos)
                return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

private:
    int exit_code() const { return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : 128 + WTERMSIG(m_status); }

    std::filesystem::path m_dir;
    std::filesystem::path m_output;
    pid_t m_pid = -1;
    int m_status = 0;
    uint16_t m_port = 0;
};

}
