// The event loop of fault_proxy; see proxy_server.h.
// [SECTION] Connection: per-connection state      [SECTION] Loop: poll set, timers, signals, accept
// [SECTION] Pumping: reads, writes, half-closes   [SECTION] Faults: reset, stall, truncate
#include "proxy_server.h"

#include "delay_line.h"
#include "fault_plan.h"
#include "format_text.h"
#include "link_pacer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <vector>

namespace guichet::tools {

namespace {

constexpr size_t segment_bytes = 1460;             // what one read takes when pacing or dropping
constexpr size_t bulk_bytes = 64 * 1024;           // what one read takes when neither applies
constexpr size_t max_queued_bytes = 1024 * 1024;   // per direction and connection, then back-pressure
constexpr int max_reads_per_wake = 64;             // so one busy connection cannot starve the others
constexpr auto drain_timeout = std::chrono::seconds(5); // after a truncation, for peers that never close

// [SECTION] Connection

enum class ConnState {
    Connecting, // waiting for the target to accept
    Open,
    Draining,   // truncated: the rest of the response is read and dropped until both peers close
    Stalled,
    Closed,
};

struct Pipe {
    explicit Pipe(Direction d, Duration delay)
        : direction(d)
        , line(delay)
    {
    }
    Direction direction;
    DelayLine line;
    bool src_eof = false;     // the source sent FIN
    bool dst_shut = false;    // we sent FIN to the destination
    bool dst_blocked = false; // the destination's send buffer is full; wait for POLLOUT
    bool discard = false;     // after a truncation: read and drop
    uint64_t written_bytes = 0;
};

struct Connection {
    Connection(uint64_t connection_id, FaultPlan plan, uint64_t seed, Duration delay, TimePoint now)
        : id(connection_id)
        , up(Direction::Up, delay)
        , down(Direction::Down, delay)
        , faults(plan)
        , rng(seed)
        , started(now)
    {
    }
    uint64_t id;
    UniqueFd client;
    UniqueFd target;
    ConnState state = ConnState::Connecting;
    Pipe up;   // client -> target
    Pipe down; // target -> client
    FaultTrigger faults;
    std::mt19937_64 rng; // its own stream, so loss draws do not depend on how connections interleave
    TimePoint started;
    TimePoint drain_deadline {};
    uint64_t lost_chunks = 0;
    std::string injected = "none";
    int client_slot = -1;
    int target_slot = -1;
    short client_events = 0;
    short target_events = 0;

    int src_fd(const Pipe& pipe) const { return &pipe == &up ? client.get() : target.get(); }
    int dst_fd(const Pipe& pipe) const { return &pipe == &up ? target.get() : client.get(); }
    short& src_events(const Pipe& pipe) { return &pipe == &up ? client_events : target_events; }
    short& dst_events(const Pipe& pipe) { return &pipe == &up ? target_events : client_events; }
};

void set_no_delay(int fd)
{
    // The proxy must not add Nagle delays of its own: latency is what --delay-ms says.
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// SO_LINGER with a zero timeout makes close() send RST instead of FIN.
void close_with_reset(UniqueFd& fd)
{
    if (!fd)
        return;
    linger option { 1, 0 };
    setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &option, sizeof option);
    fd.reset();
}

int socket_error(int fd)
{
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        return errno;
    return error;
}

sockaddr_in to_address(const Endpoint& endpoint)
{
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(endpoint.port);
    inet_pton(AF_INET, endpoint.host.c_str(), &address.sin_addr);
    return address;
}

void earliest(std::optional<TimePoint>& wake, TimePoint candidate)
{
    if (!wake || candidate < *wake)
        wake = candidate;
}

void print_line(const std::string& line)
{
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

}

std::string format_summary(const ProxyStats& stats)
{
    return format_text("fault_proxy summary: connections={} active={} bytes_up={} bytes_down={} resets={} "
                       "stalls={} truncations={} lost_chunks={}",
        stats.connections, stats.active, stats.bytes_up, stats.bytes_down, stats.resets, stats.stalls,
        stats.truncations, stats.lost_chunks);
}

struct ProxyServer::State {
    explicit State(ProxyOptions proxy_options)
        : options(std::move(proxy_options))
        , up_link(options.up_kbps)
        , down_link(options.down_kbps)
        , rng(options.seed ? *options.seed : std::random_device {}())
        , delay(std::chrono::milliseconds(options.delay_ms))
        , rto(std::chrono::milliseconds(options.effective_rto_ms()))
        , buffer(bulk_bytes)
    {
    }

    ProxyOptions options;
    UniqueFd listener;
    UniqueFd signals;
    LinkPacer up_link;
    LinkPacer down_link;
    std::mt19937_64 rng;
    Duration delay;
    Duration rto;
    std::vector<char> buffer;
    std::vector<std::unique_ptr<Connection>> connections;
    ProxyStats stats;
    uint64_t next_id = 1;
    size_t rotation = 0;
    bool stopping = false;

    LinkPacer& link(const Pipe& pipe) { return pipe.direction == Direction::Up ? up_link : down_link; }

    // [SECTION] Loop

    void prepare(Connection& c, TimePoint now, std::vector<pollfd>& fds, std::optional<TimePoint>& wake)
    {
        c.client_events = 0;
        c.target_events = 0;
        switch (c.state) {
        case ConnState::Connecting:
            c.target_events = POLLOUT;
            break;
        case ConnState::Stalled:
            // Only notice the client leaving; its data stays unread, as on a dead link.
            if (!c.up.src_eof)
                c.client_events = POLLRDHUP;
            break;
        case ConnState::Open:
        case ConnState::Draining:
            for (Pipe* pipe : { &c.up, &c.down }) {
                if (!pipe->src_eof) {
                    if (pipe->discard)
                        c.src_events(*pipe) |= POLLIN;
                    else if (pipe->line.queued_bytes() < max_queued_bytes) {
                        if (link(*pipe).can_send(now))
                            c.src_events(*pipe) |= POLLIN;
                        else
                            earliest(wake, link(*pipe).opens_at());
                    }
                }
                if (auto release = pipe->line.next_release()) {
                    if (*release > now)
                        earliest(wake, *release);
                    else if (pipe->dst_blocked)
                        c.dst_events(*pipe) |= POLLOUT;
                    else
                        earliest(wake, now);
                }
            }
            if (c.state == ConnState::Draining)
                earliest(wake, c.drain_deadline);
            break;
        case ConnState::Closed:
            break;
        }
        // A socket we want nothing from stays out of the set: poll() reports POLLHUP whatever we ask,
        // and a half-closed socket would otherwise wake us in a loop.
        c.client_slot = -1;
        c.target_slot = -1;
        if (c.client_events) {
            c.client_slot = static_cast<int>(fds.size());
            fds.push_back({ c.client.get(), c.client_events, 0 });
        }
        if (c.target_events) {
            c.target_slot = static_cast<int>(fds.size());
            fds.push_back({ c.target.get(), c.target_events, 0 });
        }
    }

    std::expected<ProxyStats, std::string> run()
    {
        while (!stopping) {
            TimePoint now = Clock::now();
            std::vector<pollfd> fds { { signals.get(), POLLIN, 0 }, { listener.get(), POLLIN, 0 } };
            std::optional<TimePoint> wake;
            for (auto& connection : connections)
                prepare(*connection, now, fds, wake);
            int timeout = -1;
            if (wake) {
                auto wait = std::chrono::ceil<std::chrono::milliseconds>(*wake - now).count();
                timeout = static_cast<int>(std::clamp<int64_t>(wait, 0, INT_MAX));
            }
            if (poll(fds.data(), fds.size(), timeout) < 0) {
                if (errno == EINTR)
                    continue;
                return std::unexpected(format_text("poll: {}", std::strerror(errno)));
            }
            now = Clock::now();
            // Each round starts with a different connection: on a paced link, whoever reads first gets the
            // free slot, and a fixed order would starve the connections at the end of the list.
            size_t count = connections.size();
            size_t first = count ? rotation++ % count : 0;
            for (size_t k = 0; k < count; ++k)
                service(*connections[(first + k) % count], fds, now);
            std::erase_if(connections, [](const auto& c) { return c->state == ConnState::Closed; });
            if (fds[1].revents)
                accept_clients(now);
            if (fds[0].revents)
                read_signals();
        }
        for (auto& connection : connections)
            finish(*connection, "proxy stopped");
        connections.clear();
        return stats;
    }

    void read_signals()
    {
        signalfd_siginfo info {};
        while (read(signals.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            if (info.ssi_signo == SIGUSR1)
                print_line(format_summary(stats));
            else
                stopping = true;
        }
    }

    void accept_clients(TimePoint now)
    {
        for (;;) {
            int fd = accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                    std::fprintf(stderr, "fault_proxy: accept: %s\n", std::strerror(errno));
                return;
            }
            uint64_t seed = rng();
            std::mt19937_64 plan_rng(seed);
            FaultPlan plan = draw_fault_plan({ options.reset_rate, options.stall_rate, options.truncate_rate },
                options.fault_window, plan_rng);
            auto c = std::make_unique<Connection>(next_id++, plan, plan_rng(), delay, now);
            c->client = UniqueFd(fd);
            set_no_delay(fd);
            ++stats.connections;
            ++stats.active;

            c->target = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
            if (!c->target) {
                close_with_reset(c->client);
                finish(*c, format_text("target socket: {}", std::strerror(errno)));
                continue;
            }
            set_no_delay(c->target.get());
            sockaddr_in address = to_address(options.target);
            if (connect(c->target.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0)
                c->state = ConnState::Open;
            else if (errno != EINPROGRESS) {
                close_with_reset(c->client);
                finish(*c, format_text("connect failed: {}", std::strerror(errno)));
                continue;
            }
            connections.push_back(std::move(c));
        }
    }

    void service(Connection& c, const std::vector<pollfd>& fds, TimePoint now)
    {
        short client_revents = c.client_slot >= 0 ? fds[c.client_slot].revents : 0;
        short target_revents = c.target_slot >= 0 ? fds[c.target_slot].revents : 0;
        switch (c.state) {
        case ConnState::Closed:
            return;
        case ConnState::Connecting:
            if (target_revents) {
                if (int error = socket_error(c.target.get())) {
                    close_with_reset(c.client);
                    finish(c, format_text("connect failed: {}", std::strerror(error)));
                } else {
                    c.state = ConnState::Open;
                }
            }
            return;
        case ConnState::Stalled:
            if (client_revents)
                finish(c, "client left the stalled link");
            return;
        case ConnState::Open:
        case ConnState::Draining:
            break;
        }
        auto revents_of = [&](int fd) { return fd == c.client.get() ? client_revents : target_revents; };
        for (Pipe* pipe : { &c.up, &c.down }) {
            if ((c.src_events(*pipe) & POLLIN) && revents_of(c.src_fd(*pipe))) {
                read_pipe(c, *pipe, now);
                if (c.state == ConnState::Closed || c.state == ConnState::Stalled)
                    return;
            }
        }
        for (Pipe* pipe : { &c.up, &c.down }) {
            if ((c.dst_events(*pipe) & POLLOUT) && revents_of(c.dst_fd(*pipe)))
                pipe->dst_blocked = false;
            flush(c, *pipe, now);
            if (c.state == ConnState::Closed)
                return;
        }
        settle(c, now);
    }

    // [SECTION] Pumping

    void read_pipe(Connection& c, Pipe& pipe, TimePoint now)
    {
        LinkPacer& pacer = link(pipe);
        bool segmented = pacer.limited() || options.loss_percent > 0;
        // On a paced link one segment per connection per round, so concurrent transfers share the
        // bandwidth the way TCP flows roughly do instead of first come, first served.
        int reads = pacer.limited() && !pipe.discard ? 1 : max_reads_per_wake;
        for (int i = 0; i < reads && !pipe.src_eof; ++i) {
            if (!pipe.discard && (pipe.line.queued_bytes() >= max_queued_bytes || !pacer.can_send(now)))
                return;
            size_t want = segmented && !pipe.discard ? segment_bytes : bulk_bytes;
            ssize_t n = recv(c.src_fd(pipe), buffer.data(), want, MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return;
                // A peer's reset goes on to the other side, as it would through a plain link.
                abort_connection(c, format_text("{} error: {}", side_name(pipe, Side::Source), std::strerror(errno)));
                return;
            }
            if (n == 0) {
                pipe.src_eof = true;
                on_source_end(c, pipe, now);
                return;
            }
            if (pipe.discard)
                continue;
            auto verdict = c.faults.on_data(pipe.direction, static_cast<size_t>(n));
            if (verdict.forward > 0)
                enqueue(c, pipe, std::span<const char>(buffer.data(), verdict.forward), now);
            if (verdict.fire) {
                strike(c, c.faults.plan().at_byte, now);
                return;
            }
        }
    }

    void enqueue(Connection& c, Pipe& pipe, std::span<const char> bytes, TimePoint now)
    {
        TimePoint departed = link(pipe).commit(now, bytes.size());
        Duration hold_back = Duration::zero();
        if (options.loss_percent > 0 && std::bernoulli_distribution(options.loss_percent / 100.0)(c.rng)) {
            hold_back = rto;
            ++c.lost_chunks;
            ++stats.lost_chunks;
        }
        pipe.line.push(bytes, departed, hold_back);
    }

    void flush(Connection& c, Pipe& pipe, TimePoint now)
    {
        while (!pipe.dst_blocked && pipe.line.front_due(now)) {
            auto bytes = pipe.line.front_unsent();
            ssize_t n = send(c.dst_fd(pipe), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    pipe.dst_blocked = true;
                    return;
                }
                abort_connection(c, format_text("{} error: {}", side_name(pipe, Side::Destination), std::strerror(errno)));
                return;
            }
            pipe.line.consume(static_cast<size_t>(n));
            pipe.written_bytes += static_cast<uint64_t>(n);
            (pipe.direction == Direction::Up ? stats.bytes_up : stats.bytes_down) += static_cast<uint64_t>(n);
        }
    }

    // Passes on each FIN once everything before it was delivered, and closes the connection when both
    // directions are done (or a truncated connection's peers take too long to close).
    void settle(Connection& c, TimePoint now)
    {
        for (Pipe* pipe : { &c.up, &c.down }) {
            if ((pipe->src_eof || pipe->discard) && pipe->line.empty() && !pipe->dst_shut) {
                shutdown(c.dst_fd(*pipe), SHUT_WR);
                pipe->dst_shut = true;
            }
        }
        if (c.up.dst_shut && c.down.dst_shut && c.up.src_eof && c.down.src_eof)
            finish(c, c.state == ConnState::Draining ? "truncated" : "closed");
        else if (c.state == ConnState::Draining && now >= c.drain_deadline)
            finish(c, "truncated, peers slow to close");
    }

    enum class Side { Source, Destination };
    static const char* side_name(const Pipe& pipe, Side side)
    {
        bool client = (pipe.direction == Direction::Up) == (side == Side::Source);
        return client ? "client" : "target";
    }

    // [SECTION] Faults

    void on_source_end(Connection& c, Pipe& pipe, TimePoint now)
    {
        if (pipe.direction != Direction::Down || pipe.discard || c.faults.fired())
            return;
        uint64_t response_bytes = pipe.written_bytes + pipe.line.queued_bytes();
        if (c.faults.fires_at_response_end()) {
            c.faults.mark_fired();
            strike(c, c.up.written_bytes + c.up.line.queued_bytes() + response_bytes, now);
        } else if (c.faults.plan().kind == FaultKind::Truncate && !pipe.line.empty()) {
            // The response ended before the drawn point, but part of it is still in the delay line:
            // cut there instead, so short responses can be truncated too.
            size_t keep = std::uniform_int_distribution<size_t>(0, pipe.line.queued_bytes() - 1)(c.rng);
            pipe.line.keep_first(keep);
            c.faults.mark_fired();
            strike(c, pipe.written_bytes + keep, now);
        }
    }

    void strike(Connection& c, uint64_t at_byte, TimePoint now)
    {
        FaultKind kind = c.faults.plan().kind;
        c.injected = format_text("{}@{}", fault_name(kind), at_byte);
        switch (kind) {
        case FaultKind::Reset:
            ++stats.resets;
            abort_connection(c, "reset injected");
            break;
        case FaultKind::Stall:
            // Everything stops where it is, including what is still in the delay lines.
            ++stats.stalls;
            c.state = ConnState::Stalled;
            break;
        case FaultKind::Truncate:
            // The response keeps what is queued up to the cut; the rest, and anything more the client
            // sends, is read and dropped so both peers see a FIN rather than a reset.
            ++stats.truncations;
            c.state = ConnState::Draining;
            c.drain_deadline = now + drain_timeout;
            c.down.discard = true;
            c.up.discard = true;
            c.up.line.clear();
            break;
        case FaultKind::None:
            break;
        }
    }

    void abort_connection(Connection& c, const std::string& end)
    {
        close_with_reset(c.client);
        close_with_reset(c.target);
        finish(c, end);
    }

    void finish(Connection& c, const std::string& end)
    {
        if (c.state == ConnState::Closed)
            return;
        c.state = ConnState::Closed;
        c.client.reset();
        c.target.reset();
        --stats.active;
        if (!options.log)
            return;
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - c.started);
        const FaultPlan& plan = c.faults.plan();
        std::string planned = plan.kind == FaultKind::None ? "none" : format_text("{}@{}", fault_name(plan.kind), plan.at_byte);
        print_line(format_text("fault_proxy: conn={} planned={} injected={} up_bytes={} down_bytes={} "
                               "lost_chunks={} ms={} end={}",
            c.id, planned, c.injected, c.up.written_bytes, c.down.written_bytes, c.lost_chunks, elapsed.count(), end));
    }
};

ProxyServer::ProxyServer(ProxyOptions options)
    : m_state(std::make_unique<State>(std::move(options)))
{
}

ProxyServer::~ProxyServer() = default;

std::expected<uint16_t, std::string> ProxyServer::listen()
{
    State& s = *m_state;
    // Signals are blocked before the port is announced, so a SIGTERM sent right after a test reads the
    // port file is queued on the signalfd rather than killing the proxy without its summary.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    s.signals = UniqueFd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!s.signals)
        return std::unexpected(format_text("signalfd: {}", std::strerror(errno)));

    s.listener = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s.listener)
        return std::unexpected(format_text("socket: {}", std::strerror(errno)));
    int one = 1;
    setsockopt(s.listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address = to_address(s.options.listen);
    if (bind(s.listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        return std::unexpected(format_text("bind {}:{}: {}", s.options.listen.host, s.options.listen.port, std::strerror(errno)));
    if (::listen(s.listener.get(), 128) != 0)
        return std::unexpected(format_text("listen: {}", std::strerror(errno)));
    socklen_t length = sizeof address;
    getsockname(s.listener.get(), reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

std::expected<ProxyStats, std::string> ProxyServer::run()
{
    if (!m_state->listener)
        return std::unexpected("run() before listen()");
    return m_state->run();
}

}
