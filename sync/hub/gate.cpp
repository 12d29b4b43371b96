// [SECTION] the stream a worker serves  [SECTION] the gate's threads  [SECTION] the server
//
// Why a gate: httplib gives each accepted connection a worker thread from a pool of 8 for as long as
// the client takes to send its request, so eight clients sending a byte a second silence the hub.
// Here the waiting is done by one epoll thread that peeks at the kernel's buffer (MSG_PEEK) and
// reads nothing, so a held connection costs a file descriptor and a few bytes, not a thread.
#include "sync/hub/gate.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <string>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace guichet::sync::hub {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Set by the hub's logger when an answer says "Connection: close" (an unread body is left behind),
// read by the worker that served it: both run on the worker's thread.
thread_local bool t_answer_closes = false;

// httplib's accept loop hands each socket to its task queue; this one runs the task on the accept
// thread at once, and the task only passes the socket to the gate.
class InlineQueue final : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> task) override { task(); }
    void shutdown() override { }
};

std::string peer_address(int fd, int* port = nullptr)
{
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return {};
    char host[NI_MAXHOST] = "";
    char service[NI_MAXSERV] = "";
    if (getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, service, sizeof service,
            NI_NUMERICHOST | NI_NUMERICSERV)
        != 0)
        return {};
    if (port)
        *port = std::atoi(service);
    return host;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// A short answer for a connection the gate will not serve; best effort, it never waits. A refusal the
// client should retry (503, 429) says when, as every other 503 and 429 of the hub does.
void refuse(int fd, int status, std::string_view reason, std::string_view message, std::optional<int> retry_after_s = {})
{
    std::string body = "{\"error\":\"" + std::string(message) + "\"}";
    std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason)
        + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + (retry_after_s ? "Retry-After: " + std::to_string(*retry_after_s) + "\r\n" : std::string())
        + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    (void)!send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The value of a header in a request head ("" when absent), its name matched without case.
std::string_view header_value(std::string_view head, std::string_view name)
{
    for (size_t line = head.find("\r\n"); line != std::string_view::npos && line + 2 < head.size();
         line = head.find("\r\n", line + 2)) {
        auto start = line + 2;
        if (head.size() - start <= name.size() || head[start + name.size()] != ':')
            continue;
        if (!std::equal(name.begin(), name.end(), head.begin() + static_cast<std::ptrdiff_t>(start),
                [](char a, char b) { return lower(a) == lower(b); }))
            continue;
        auto value = head.substr(start + name.size() + 1);
        value = value.substr(0, value.find("\r\n"));
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        return value;
    }
    return {};
}

// [SECTION] the stream a worker serves

// One request's worth of reading and writing on a non-blocking socket, under a total deadline that
// grows with the bytes moved: base + moved / min_rate. A client that trickles its body or reads its
// answer a byte at a time loses the connection when the deadline passes, whatever each recv takes.
class GateStream final : public httplib::Stream {
public:
    GateStream(int fd, SSL* ssl, std::string pending, const GateLimits& limits)
        : m_fd(fd)
        , m_ssl(ssl)
        , m_buffer(std::move(pending))
        , m_limits(limits)
        , m_start(Clock::now())
    {
    }

    bool is_readable() const override
    {
        return m_position < m_buffer.size() || (m_ssl && SSL_pending(m_ssl) > 0) || wait_for(POLLIN);
    }
    // Whether the next request has begun in what was already read (ours, or OpenSSL's).
    bool has_buffered() const { return m_position < m_buffer.size() || (m_ssl && SSL_pending(m_ssl) > 0); }
    bool is_writable() const override { return wait_for(POLLOUT); }

    ssize_t read(char* out, size_t size) override
    {
        if (m_position == m_buffer.size()) {
            m_buffer.clear();
            m_position = 0;
            // httplib reads request lines a byte at a time: read ahead into our buffer. What is
            // read past this request (a pipelined one) goes back to the gate with the connection.
            char chunk[16 * 1024];
            auto n = receive(chunk, sizeof chunk);
            if (n <= 0)
                return n;
            m_buffer.assign(chunk, static_cast<size_t>(n));
        }
        size_t n = std::min(size, m_buffer.size() - m_position);
        std::memcpy(out, m_buffer.data() + m_position, n);
        m_position += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* data, size_t size) override
    {
        if (m_ssl)
            return tls_transfer(const_cast<char*>(data), size, Direction::Write);
        for (;;) {
            if (!wait_for(POLLOUT))
                return -1;
            auto n = send(m_fd, data, size, MSG_NOSIGNAL);
            if (n >= 0) {
                m_moved += static_cast<size_t>(n);
                return n;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return -1;
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = peer_address(m_fd, &port); }

    void get_local_ip_and_port(std::string& ip, int& port) const override
    {
        sockaddr_storage address {};
        socklen_t length = sizeof address;
        char host[NI_MAXHOST] = "";
        char service[NI_MAXSERV] = "";
        if (getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0
            && getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, service, sizeof service,
                   NI_NUMERICHOST | NI_NUMERICSERV)
                == 0) {
            ip = host;
            port = std::atoi(service);
        }
    }

    socket_t socket() const override { return m_fd; }

    // Bytes read past the request just served: the start of the next one.
    std::string leftover() const { return m_buffer.substr(m_position); }
    bool timed_out() const { return m_timed_out; }

    // The TLS handshake, under the same kind of total deadline as the rest.
    bool handshake()
    {
        for (;;) {
            ERR_clear_error();
            int done = SSL_accept(m_ssl);
            if (done == 1)
                return true;
            int error = SSL_get_error(m_ssl, done);
            if (error == SSL_ERROR_WANT_READ ? !wait_for(POLLIN) : error == SSL_ERROR_WANT_WRITE ? !wait_for(POLLOUT) : true)
                return false;
        }
    }

private:
    enum class Direction { Read, Write };

    // SSL_read or SSL_write on the non-blocking socket, waiting for whichever way OpenSSL needs.
    ssize_t tls_transfer(char* data, size_t size, Direction direction)
    {
        int length = static_cast<int>(std::min<size_t>(size, 1 << 30));
        for (;;) {
            ERR_clear_error();
            int n = direction == Direction::Read ? SSL_read(m_ssl, data, length) : SSL_write(m_ssl, data, length);
            if (n > 0) {
                m_moved += static_cast<size_t>(n);
                return n;
            }
            int error = SSL_get_error(m_ssl, n);
            if (error == SSL_ERROR_ZERO_RETURN)
                return 0;
            if (error == SSL_ERROR_WANT_READ ? !wait_for(POLLIN) : error == SSL_ERROR_WANT_WRITE ? !wait_for(POLLOUT) : true)
                return -1;
        }
    }

    Clock::time_point deadline() const
    {
        return m_start + std::chrono::seconds(m_limits.body_base_s)
            + milliseconds(m_moved * 1000 / std::max<size_t>(m_limits.min_bytes_per_s, 1));
    }

    bool wait_for(short events) const
    {
        for (;;) {
            auto left = std::chrono::duration_cast<milliseconds>(deadline() - Clock::now()).count();
            if (left <= 0) {
                m_timed_out = true;
                return false;
            }
            pollfd one { m_fd, events, 0 };
            int ready = ::poll(&one, 1, static_cast<int>(std::min<long long>(left, 1000)));
            if (ready > 0)
                return true;
            if (ready < 0 && errno != EINTR)
                return false;
        }
    }

    ssize_t receive(char* out, size_t size)
    {
        if (m_ssl)
            return tls_transfer(out, size, Direction::Read);
        for (;;) {
            if (!wait_for(POLLIN))
                return -1;
            auto n = recv(m_fd, out, size, 0);
            if (n >= 0) {
                m_moved += static_cast<size_t>(n);
                return n;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return -1;
        }
    }

    int m_fd;
    SSL* m_ssl;
    std::string m_buffer;
    size_t m_position = 0;
    const GateLimits& m_limits;
    Clock::time_point m_start;
    size_t m_moved = 0;
    mutable bool m_timed_out = false;
};

}

// [SECTION] the gate's threads

struct Connection {
    int fd = -1;
    std::string address;
    std::string pending;         // bytes a worker read past the previous request
    Clock::time_point deadline;  // for the head (or, when idle, for the next request to begin)
    bool idle = false;           // kept alive between requests, nothing of the next one seen yet
    bool head_seen = false;      // the head is whole and the gate waits for its small body
    size_t served = 0;
    SSL* ssl = nullptr;          // with TLS, once a worker has begun the handshake
};

class Gate {
public:
    Gate(GatedServer& server, GateLimits limits, SSL_CTX* tls)
        : m_server(server)
        , m_limits(limits)
        , m_tls(tls)
        , m_epoll(epoll_create1(EPOLL_CLOEXEC))
        , m_wake(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    {
        epoll_event event {};
        event.events = EPOLLIN;
        event.data.fd = m_wake;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &event);
        m_peek.resize(m_limits.max_head_bytes + m_limits.small_body_bytes);
        m_poller = std::thread([this] { poll_loop(); });
        for (int i = 0; i < std::max(m_limits.workers, 1); ++i)
            m_workers.emplace_back([this] { worker_loop(); });
    }

    ~Gate() { shut_down(); }

    void admit(int fd)
    {
        // Answers leave as soon as they are written. With Nagle's algorithm, an answer written in two
        // parts (head, then body) waited for the client's delayed ACK, 40 ms on Linux, on every request
        // of a kept-alive connection after the first: a browser's pages and API calls (bench_office_inbox).
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto address = peer_address(fd);
        bool full = false;
        {
            std::lock_guard lock(m_mutex);
            if (!m_stopping && m_open < m_limits.max_connections && m_per_address[address] < m_limits.per_address) {
                ++m_open;
                ++m_per_address[address];
                auto connection = std::make_unique<Connection>();
                connection->fd = fd;
                connection->address = std::move(address);
                connection->deadline = Clock::now() + milliseconds(m_limits.head_timeout_ms);
                m_incoming.push_back(std::move(connection));
                wake();
                return;
            }
            if (m_per_address[address] == 0)
                m_per_address.erase(address);
            full = m_open >= m_limits.max_connections;
        }
        // A plain-text answer would mean nothing to a TLS client: its connection just closes.
        if (!m_tls && full)
            refuse(fd, 503, "Service Unavailable", "the hub holds too many connections; retry later", m_limits.retry_after_s);
        else if (!m_tls)
            refuse(fd, 429, "Too Many Requests", "too many connections from this address; close some and retry",
                m_limits.retry_after_s);
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
    }

    void shut_down()
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return;
            m_stopping = true;
            for (int fd : m_in_workers)
                ::shutdown(fd, SHUT_RDWR); // a worker blocked on this client returns at once
            wake();
        }
        m_ready_changed.notify_all();
        m_poller.join();
        for (auto& worker : m_workers)
            worker.join();
        for (auto& connection : m_ready)
            discard(*connection);
        for (auto& connection : m_incoming)
            discard(*connection);
        ::close(m_epoll);
        ::close(m_wake);
    }

private:
    void wake()
    {
        uint64_t one = 1;
        (void)!::write(m_wake, &one, sizeof one);
    }

    static void discard(Connection& connection)
    {
        if (connection.ssl) {
            (void)SSL_shutdown(connection.ssl); // a close_notify if the socket takes it now; never waits
            SSL_free(connection.ssl);
            connection.ssl = nullptr;
        }
        ::shutdown(connection.fd, SHUT_RDWR);
        ::close(connection.fd);
    }

    // Closes a connection and gives its address its share back.
    void forget(std::unique_ptr<Connection> connection)
    {
        discard(*connection);
        std::lock_guard lock(m_mutex);
        --m_open;
        if (--m_per_address[connection->address] == 0)
            m_per_address.erase(connection->address);
    }

    void drop_held(int fd)
    {
        auto found = m_held.find(fd);
        if (found == m_held.end())
            return;
        auto connection = std::move(found->second);
        m_held.erase(found);
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        forget(std::move(connection));
    }

    // Looks at what the client has sent so far, without reading it: waits for more, hands the
    // connection to a worker, or refuses it.
    void examine(int fd)
    {
        auto& connection = *m_held.at(fd);
        size_t room = m_peek.size() - std::min(m_peek.size(), connection.pending.size());
        auto n = recv(fd, m_peek.data(), room, MSG_PEEK);
        bool ended = n == 0;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return drop_held(fd);
            n = 0;
        }
        std::string_view peeked(m_peek.data(), static_cast<size_t>(n));
        std::string view = connection.pending;
        view.append(peeked);
        if (view.empty())
            return ended ? drop_held(fd) : void();
        if (connection.idle) {
            // The next request has begun: its head has the head timeout from now.
            connection.idle = false;
            connection.deadline = Clock::now() + milliseconds(m_limits.head_timeout_ms);
        }
        // Inside TLS nothing can be read without a handshake: any byte sends the connection to a
        // worker, whose handshake and request have the head deadline and the body's allowance.
        if (m_tls)
            return dispatch(fd);
        auto head_end = view.find("\r\n\r\n");
        if (head_end == std::string::npos || head_end + 4 > m_limits.max_head_bytes) {
            if (view.size() >= m_limits.max_head_bytes) {
                refuse(fd, 431, "Request Header Fields Too Large",
                    "the request head is longer than " + std::to_string(m_limits.max_head_bytes) + " bytes");
                return drop_held(fd);
            }
            if (ended)
                return drop_held(fd);
            return; // more of the head is on its way
        }
        std::string_view head(view.data(), head_end + 4);
        // A small body is waited for here too, unless the client waits for "100 Continue" first.
        auto declared = header_value(head, "Content-Length");
        size_t length = 0;
        for (char c : declared.substr(0, 12))
            length = (c >= '0' && c <= '9') ? length * 10 + static_cast<size_t>(c - '0') : length;
        if (!ended && header_value(head, "Transfer-Encoding").empty() && header_value(head, "Expect").empty()
            && length <= m_limits.small_body_bytes && view.size() < head.size() + length) {
            // The body gets the time a worker would give it, from the end of the head: a kiosk on a
            // slow link is not cut off by the head's deadline, and a trickler still has a total one.
            if (!connection.head_seen) {
                connection.head_seen = true;
                connection.deadline = Clock::now() + std::chrono::seconds(m_limits.body_base_s)
                    + milliseconds(length * 1000 / std::max<size_t>(m_limits.min_bytes_per_s, 1));
            }
            return;
        }
        dispatch(fd);
    }

    void dispatch(int fd)
    {
        auto found = m_held.find(fd);
        auto ready = std::move(found->second);
        m_held.erase(found);
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        {
            std::lock_guard lock(m_mutex);
            m_ready.push_back(std::move(ready));
        }
        m_ready_changed.notify_one();
    }

    void poll_loop()
    {
        std::vector<epoll_event> events(256);
        auto next_sweep = Clock::now();
        for (;;) {
            int count = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), 100);
            std::vector<std::unique_ptr<Connection>> arrived;
            {
                std::lock_guard lock(m_mutex);
                if (m_stopping)
                    break;
                arrived.swap(m_incoming);
            }
            for (auto& connection : arrived) {
                int fd = connection->fd;
                set_nonblocking(fd);
                bool has_pending = !connection->pending.empty();
                m_held[fd] = std::move(connection);
                epoll_event event {};
                event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
                event.data.fd = fd;
                epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
                if (has_pending)
                    examine(fd); // a pipelined request may be whole already
            }
            for (int i = 0; i < count; ++i) {
                int fd = events[static_cast<size_t>(i)].data.fd;
                if (fd == m_wake) {
                    uint64_t value;
                    (void)!::read(m_wake, &value, sizeof value);
                } else if (m_held.contains(fd)) {
                    examine(fd);
                }
            }
            auto now = Clock::now();
            if (now >= next_sweep) {
                next_sweep = now + milliseconds(100);
                std::vector<int> expired;
                for (auto& [fd, connection] : m_held) {
                    if (connection->deadline <= now)
                        expired.push_back(fd);
                }
                for (int fd : expired) {
                    if (!m_held.at(fd)->idle && !m_tls)
                        refuse(fd, 408, "Request Timeout", "the request did not arrive in time");
                    drop_held(fd);
                }
            }
        }
        for (auto& [fd, connection] : m_held)
            discard(*connection);
        m_held.clear();
    }

    void worker_loop()
    {
        for (;;) {
            std::unique_ptr<Connection> connection;
            {
                std::unique_lock lock(m_mutex);
                m_ready_changed.wait(lock, [this] { return m_stopping || !m_ready.empty(); });
                if (m_stopping)
                    return;
                connection = std::move(m_ready.front());
                m_ready.pop_front();
                m_in_workers.insert(connection->fd);
            }
            bool kept = serve(*connection);
            std::unique_lock lock(m_mutex);
            m_in_workers.erase(connection->fd);
            if (!kept || m_stopping) {
                lock.unlock();
                forget(std::move(connection));
                continue;
            }
            connection->idle = true;
            connection->head_seen = false;
            connection->deadline = Clock::now() + std::chrono::seconds(m_server.keep_alive_timeout_s());
            m_incoming.push_back(std::move(connection));
            wake();
        }
    }

    // One request (with TLS, the handshake first, and any request already buffered inside TLS);
    // whether the connection may be kept.
    bool serve(Connection& connection)
    {
        if (m_tls && !connection.ssl) {
            connection.ssl = SSL_new(m_tls);
            if (!connection.ssl || SSL_set_fd(connection.ssl, connection.fd) != 1)
                return false;
            GateLimits handshake_limits = m_limits;
            handshake_limits.body_base_s = std::max(1, m_limits.head_timeout_ms / 1000);
            GateStream handshake(connection.fd, connection.ssl, {}, handshake_limits);
            if (!handshake.handshake())
                return false;
        }
        // Inside TLS the head is read by the worker, so it gets the head's deadline rather than the
        // body's 30 s (and still one second more per 4 KiB moved).
        GateLimits limits = m_limits;
        if (m_tls)
            limits.body_base_s = std::max(1, m_limits.head_timeout_ms / 1000);
        for (;;) {
            GateStream stream(connection.fd, connection.ssl, std::move(connection.pending), limits);
            bool last = ++connection.served >= m_server.keep_alive_max();
            bool closed = false;
            t_answer_closes = false;
            bool kept = false;
            try {
                kept = m_server.serve_one(stream, last, closed);
            } catch (...) {
                kept = false; // httplib answers a handler's exception itself; this is a last guard
            }
            kept = kept && !last && !closed && !t_answer_closes && !stream.timed_out();
            connection.pending = stream.leftover();
            // The gate cannot see inside TLS: a request OpenSSL or we already hold is served here.
            if (!kept || !m_tls || !stream.has_buffered())
                return kept;
        }
    }

    GatedServer& m_server;
    const GateLimits m_limits;
    SSL_CTX* m_tls; // none: plain HTTP
    int m_epoll;
    int m_wake;
    std::vector<char> m_peek; // the poll thread's
    std::unordered_map<int, std::unique_ptr<Connection>> m_held; // the poll thread's

    std::mutex m_mutex; // guards what follows
    bool m_stopping = false;
    size_t m_open = 0;
    std::unordered_map<std::string, size_t> m_per_address;
    std::vector<std::unique_ptr<Connection>> m_incoming; // new, or back from a worker
    std::deque<std::unique_ptr<Connection>> m_ready;
    std::unordered_set<int> m_in_workers;
    std::condition_variable m_ready_changed;

    std::thread m_poller;
    std::vector<std::thread> m_workers;
};

// [SECTION] the server

GatedServer::GatedServer(GateLimits limits, SSL_CTX* tls)
{
    new_task_queue = [] { return new InlineQueue; };
    m_gate = std::make_unique<Gate>(*this, limits, tls);
}

GatedServer::~GatedServer() { shut_down_gate(); }

void GatedServer::shut_down_gate()
{
    if (m_gate)
        m_gate->shut_down();
}

bool GatedServer::serve_one(httplib::Stream& stream, bool close_connection, bool& connection_closed)
{
    return process_request(stream, close_connection, connection_closed, nullptr);
}

bool GatedServer::process_and_close_socket(socket_t sock)
{
    m_gate->admit(sock);
    return true;
}

void GatedServer::note_answer(const httplib::Response& res)
{
    t_answer_closes = res.get_header_value("Connection") == "close";
}

}
