// Hub ingest under a fleet (issue 16): simulated kiosks post gzipped batches of 100 sealed items of 2 KB
// to real guichet-hub processes on loopback, against SQLite, PostgreSQL with one hub, and PostgreSQL with
// two hubs (kiosks split between them, as behind a load balancer). It prints, per engine:
//   closed loop at 100 and 1,000 kiosks (each posts its next batch once the last is answered): subs/s, latency;
//   open loop: 1,000 kiosks offering 5,000 subs/s together (each posts every 20 s, staggered): latency;
//   storm: 3,000 kiosks, each holding 100 queued submissions, come back at once: drain time, the answers
//   they saw, every submission stored exactly once (counted in the database), the hub's peak memory.
//   bench_hub_ingest [sqlite|pg|pg2|all, or a list such as pg,pg2] [closed|open|storm|all]
//       [--pg-url-extra '&options=-csynchronous_commit%3Doff'] [-- serve options for every hub, e.g. --workers 4]
//
// [SECTION] Bodies: what a kiosk sends, built before any clock runs so the client costs little CPU
// [SECTION] Fleet: one epoll thread plays every kiosk, each from its own 127.1.x.y address
// [SECTION] Machine: CPU and memory of the hubs, PostgreSQL and this program
// [SECTION] Engines: databases, enrolment, hubs, and the count of what was stored
// [SECTION] main
#include "../hub/hub_fixture.h"
#include "../hub/pg_fixture.h"

#include "sync/hub/store.h"
#include "sync/hub_client.h"

#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <map>
#include <memory>
#include <netinet/tcp.h>
#include <optional>
#include <queue>
#include <random>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <tuple>

using namespace guichet;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int items_per_batch = 100;
constexpr size_t sealed_bytes = 2048;
constexpr int fleet_size = 3000;
constexpr const char* storm_procedure = "storm-test"; // storm items are counted in the database by it

double seconds_between(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

// [SECTION] Bodies ----------------------------------------------------------------------------------

std::string kiosk_name(int index)
{
    char name[32];
    std::snprintf(name, sizeof name, "kiosk-%04d", index);
    return name;
}

// 100 items with fresh UUIDs and 2 KB of random bytes as the sealed payload (the hub never opens it,
// and random bytes are what a seal looks like), encoded by the protocol's own encoder, then gzipped.
std::string make_body(int kiosk, const std::string& procedure)
{
    sync::protocol::Batch batch { kiosk_name(kiosk), {}, {} };
    for (int i = 0; i < items_per_batch; ++i) {
        std::vector<uint8_t> sealed(sealed_bytes);
        randombytes_buf(sealed.data(), sealed.size());
        batch.items.push_back({ test::new_uuid(), procedure, 1, "2026-12-01T09:30:00Z", std::move(sealed) });
    }
    // As the kiosk sends it (sync/hub_client.cpp): gzip level 6, Content-Encoding: gzip.
    auto body = sync::gzip(sync::protocol::encode(batch));
    if (!body)
        throw std::runtime_error("gzip failed");
    return *body;
}

// One batch a kiosk will post, `due_s` after the run starts (0: as soon as the kiosk is free).
struct Post {
    std::string body;
    double due_s = 0;
};
using Plan = std::vector<std::vector<Post>>; // per kiosk index, its posts in order

// Fills every body of the plan on two threads (the machine's cores), before the hubs are started.
void fill_bodies(Plan& plan, const std::string& procedure)
{
    std::vector<Post*> posts;
    std::vector<int> owners;
    for (size_t k = 0; k < plan.size(); ++k)
        for (auto& post : plan[k]) {
            posts.push_back(&post);
            owners.push_back(static_cast<int>(k));
        }
    std::atomic<size_t> next = 0;
    auto work = [&] {
        for (size_t i; (i = next++) < posts.size();)
            posts[i]->body = make_body(owners[i], procedure);
    };
    std::thread other(work);
    work();
    other.join();
}

// [SECTION] Fleet -----------------------------------------------------------------------------------

struct Outcome {
    std::vector<double> attempt_ms;  // the answered attempts that were 200: send start to full answer
    std::vector<double> delivery_ms; // a batch's first attempt to its 200, with the waits between retries
    std::map<std::string, int> errors; // every answer or failure other than 200, by kind
    long stored = 0, duplicates = 0, other_items = 0;
    int batches = 0, batches_failed = 0, stale_reconnects = 0, new_connections = 0;
    double seconds = 0; // first send to last answer
    std::vector<double> done_at_s; // each 200's time since the start, in order
    bool timed_out = false;
    long peak_rss_kb = 0; // the largest VmRSS sampled (all hubs summed) during the run
};

class Fleet {
public:
    struct Settings {
        std::vector<int> ports; // kiosk k talks to ports[k % size]
        const std::vector<std::string>* tokens = nullptr;
        double deadline_s = 600;
        std::vector<pid_t> hub_pids; // sampled for memory
    };

    Fleet(Plan& plan, Settings settings)
        : m_plan(plan)
        , m_settings(std::move(settings))
        , m_kiosks(plan.size())
        , m_random(12345)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        for (size_t k = 0; k < m_kiosks.size(); ++k) {
            auto& kiosk = m_kiosks[k];
            kiosk.index = static_cast<int>(k);
            // 127.1.0.1 onwards: one address per kiosk, so the hub's per-address cap (16) never groups them.
            kiosk.source.sin_family = AF_INET;
            kiosk.source.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | static_cast<uint32_t>(k / 250) << 8 | (k % 250 + 1));
            kiosk.port = m_settings.ports[k % m_settings.ports.size()];
        }
    }
    ~Fleet()
    {
        for (auto& kiosk : m_kiosks)
            if (kiosk.fd >= 0)
                close(kiosk.fd);
        close(m_epoll);
    }
    Fleet(const Fleet&) = delete;
    Fleet& operator=(const Fleet&) = delete;

    Outcome run()
    {
        m_start = Clock::now();
        for (auto& kiosk : m_kiosks) {
            if (!m_plan[static_cast<size_t>(kiosk.index)].empty())
                ++m_active;
            schedule_next(kiosk, m_start);
        }
        auto last_scan = m_start, last_sample = m_start;
        std::vector<epoll_event> events(1024);
        while (m_active > 0) {
            auto now = Clock::now();
            if (seconds_between(m_start, now) > m_settings.deadline_s) {
                std::printf("  ABORTED: %d kiosks still busy after %.0f s\n", m_active, m_settings.deadline_s);
                m_outcome.timed_out = true;
                break;
            }
            fire_timers(now);
            int timeout_ms = 100;
            if (!m_timers.empty())
                timeout_ms = std::clamp(static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(m_timers.top().first - now).count()) + 1, 0, 100);
            int count = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), timeout_ms);
            for (int i = 0; i < count; ++i)
                on_event(m_kiosks[events[static_cast<size_t>(i)].data.u32], events[static_cast<size_t>(i)].events);
            now = Clock::now();
            if (seconds_between(last_sample, now) >= 0.1) {
                last_sample = now;
                long total = 0;
                for (pid_t pid : m_settings.hub_pids)
                    total += std::max(0L, test::proc_status_kb(pid, "VmRSS"));
                m_outcome.peak_rss_kb = std::max(m_outcome.peak_rss_kb, total);
            }
            if (seconds_between(last_scan, now) >= 1) {
                last_scan = now;
                for (auto& kiosk : m_kiosks) // an attempt without an answer for 120 s is a failure, retried
                    if ((kiosk.state == State::Connecting || kiosk.state == State::Sending || kiosk.state == State::Reading)
                        && seconds_between(kiosk.started, now) > 120)
                        fail(kiosk, "no answer within 120 s");
            }
        }
        m_outcome.seconds = seconds_between(m_start, m_last_answer);
        return std::move(m_outcome);
    }

private:
    enum class State { Waiting, Connecting, Sending, Reading, Done };
    struct Kiosk {
        int index = 0;
        int port = 0;
        sockaddr_in source {};
        size_t next = 0; // the post under way (or next)
        int fd = -1;
        State state = State::Waiting;
        Clock::time_point due, started, first_started;
        bool first_attempt = true, reused = false;
        int failures = 0; // consecutive, for the backoff
        std::string head, in;
        size_t written = 0;
    };

    void watch(Kiosk& kiosk, uint32_t events, int op = EPOLL_CTL_MOD)
    {
        epoll_event event {};
        event.events = events;
        event.data.u32 = static_cast<uint32_t>(kiosk.index);
        epoll_ctl(m_epoll, op, kiosk.fd, &event);
    }

    void close_connection(Kiosk& kiosk)
    {
        if (kiosk.fd < 0)
            return;
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, kiosk.fd, nullptr);
        close(kiosk.fd);
        kiosk.fd = -1;
    }

    void wait_until(Kiosk& kiosk, Clock::time_point due)
    {
        kiosk.state = State::Waiting;
        kiosk.due = due;
        m_timers.push({ due, kiosk.index });
    }

    // The kiosk's next post, at its due time (or now), or the kiosk is done.
    void schedule_next(Kiosk& kiosk, Clock::time_point now)
    {
        auto& posts = m_plan[static_cast<size_t>(kiosk.index)];
        if (kiosk.next >= posts.size()) {
            if (kiosk.state != State::Done && !posts.empty())
                --m_active;
            kiosk.state = State::Done;
            close_connection(kiosk);
            return;
        }
        kiosk.first_attempt = true;
        kiosk.failures = 0;
        auto due = m_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(posts[kiosk.next].due_s));
        wait_until(kiosk, std::max(due, now));
    }

    void fire_timers(Clock::time_point now)
    {
        while (!m_timers.empty() && m_timers.top().first <= now) {
            auto [due, index] = m_timers.top();
            m_timers.pop();
            auto& kiosk = m_kiosks[static_cast<size_t>(index)];
            if (kiosk.state == State::Waiting && kiosk.due == due)
                start(kiosk);
        }
    }

    void start(Kiosk& kiosk)
    {
        auto& body = m_plan[static_cast<size_t>(kiosk.index)][kiosk.next].body;
        kiosk.started = Clock::now();
        if (kiosk.first_attempt) {
            kiosk.first_started = kiosk.started;
            kiosk.first_attempt = false;
        }
        kiosk.head = "POST /v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(kiosk.port)
            + "\r\nAuthorization: Bearer " + (*m_settings.tokens)[static_cast<size_t>(kiosk.index)]
            + "\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(body.size())
            + "\r\n\r\n";
        kiosk.written = 0;
        kiosk.in.clear();
        if (kiosk.fd >= 0) {
            kiosk.reused = true;
            kiosk.state = State::Sending;
            watch(kiosk, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
            return;
        }
        kiosk.reused = false;
        ++m_outcome.new_connections;
        kiosk.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(kiosk.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        setsockopt(kiosk.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in remote {};
        remote.sin_family = AF_INET;
        remote.sin_port = htons(static_cast<uint16_t>(kiosk.port));
        remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(kiosk.fd, reinterpret_cast<sockaddr*>(&kiosk.source), sizeof kiosk.source) != 0
            || (connect(kiosk.fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0 && errno != EINPROGRESS)) {
            std::string what = std::string("connect: ") + std::strerror(errno);
            close(kiosk.fd);
            kiosk.fd = -1;
            kiosk.state = State::Connecting;
            fail(kiosk, what);
            return;
        }
        kiosk.state = State::Connecting;
        watch(kiosk, EPOLLIN | EPOLLOUT | EPOLLRDHUP, EPOLL_CTL_ADD);
    }

    void on_event(Kiosk& kiosk, uint32_t events)
    {
        if (kiosk.state == State::Waiting || kiosk.state == State::Done) {
            // An idle kept-alive connection the hub closed (after 5 s idle): reconnect at the next post.
            char byte[256];
            if (kiosk.fd >= 0 && recv(kiosk.fd, byte, sizeof byte, MSG_DONTWAIT) <= 0 && errno != EAGAIN)
                close_connection(kiosk);
            else if (kiosk.fd >= 0 && (events & (EPOLLRDHUP | EPOLLHUP)))
                close_connection(kiosk);
            return;
        }
        if (kiosk.state == State::Connecting) {
            int error = 0;
            socklen_t length = sizeof error;
            getsockopt(kiosk.fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0)
                return fail(kiosk, std::string("connect: ") + std::strerror(error));
            if (!(events & (EPOLLOUT | EPOLLIN)))
                return;
            kiosk.state = State::Sending;
        }
        bool write_broken = false;
        if (kiosk.state == State::Sending && (events & EPOLLOUT)) {
            auto& body = m_plan[static_cast<size_t>(kiosk.index)][kiosk.next].body;
            size_t total = kiosk.head.size() + body.size();
            while (kiosk.written < total) {
                iovec parts[2];
                int count = 0;
                if (kiosk.written < kiosk.head.size())
                    parts[count++] = { kiosk.head.data() + kiosk.written, kiosk.head.size() - kiosk.written };
                size_t body_from = kiosk.written > kiosk.head.size() ? kiosk.written - kiosk.head.size() : 0;
                parts[count++] = { const_cast<char*>(body.data()) + body_from, body.size() - body_from };
                msghdr message {};
                message.msg_iov = parts;
                message.msg_iovlen = static_cast<size_t>(count);
                ssize_t sent = sendmsg(kiosk.fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (sent > 0) {
                    kiosk.written += static_cast<size_t>(sent);
                    continue;
                }
                if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                    break;
                write_broken = true; // the hub closed: its answer (a refusal) may be waiting to be read
                break;
            }
            if (kiosk.written == total) {
                kiosk.state = State::Reading;
                watch(kiosk, EPOLLIN | EPOLLRDHUP);
            }
        }
        if (write_broken || (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            read_answer(kiosk, write_broken);
    }

    void read_answer(Kiosk& kiosk, bool write_broken)
    {
        char buffer[65536];
        bool closed = false;
        int error = 0;
        for (;;) {
            ssize_t got = recv(kiosk.fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0) {
                kiosk.in.append(buffer, static_cast<size_t>(got));
                continue;
            }
            if (got == 0)
                closed = true;
            else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                closed = true;
                error = errno;
            }
            break;
        }
        auto head_end = kiosk.in.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            std::string head = kiosk.in.substr(0, head_end + 2);
            std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
            auto header = [&](const std::string& name) -> std::optional<std::string> {
                auto at = head.find("\r\n" + name + ":");
                if (at == std::string::npos)
                    return std::nullopt;
                auto from = at + name.size() + 3;
                auto value = head.substr(from, head.find("\r\n", from) - from);
                value.erase(0, value.find_first_not_of(' '));
                return value;
            };
            size_t length = std::stoul(header("content-length").value_or("0"));
            if (kiosk.in.size() >= head_end + 4 + length) {
                int status = std::atoi(kiosk.in.c_str() + 9);
                std::optional<int> retry_after;
                if (auto value = header("retry-after"))
                    retry_after = std::atoi(value->c_str());
                if (header("connection").value_or("") == "close" || closed)
                    close_connection(kiosk);
                return answered(kiosk, status, retry_after, std::string_view(kiosk.in).substr(head_end + 4, length));
            }
        }
        if (closed || write_broken) {
            // No whole answer and the connection is gone. A kept-alive connection the hub had just
            // closed as idle is reconnected at once (as curl does); anything else counts as a failure.
            if (kiosk.reused && kiosk.in.empty() && kiosk.written < 65536) {
                ++m_outcome.stale_reconnects;
                close_connection(kiosk);
                return start(kiosk);
            }
            fail(kiosk, kiosk.in.empty() ? std::string("connection ") + (error ? std::strerror(error) : "closed") + " before any answer"
                                         : "connection closed inside an answer");
        }
    }

    void answered(Kiosk& kiosk, int status, std::optional<int> retry_after, std::string_view body)
    {
        auto now = Clock::now();
        m_last_answer = now;
        if (status == 200) {
            auto count = [&](std::string_view what) {
                long n = 0;
                for (size_t at = body.find(what); at != std::string_view::npos; at = body.find(what, at + 1))
                    ++n;
                return n;
            };
            long stored = count("\"stored\""), duplicates = count("\"duplicate\"");
            m_outcome.stored += stored;
            m_outcome.duplicates += duplicates;
            m_outcome.other_items += items_per_batch - stored - duplicates;
            m_outcome.attempt_ms.push_back(std::chrono::duration<double, std::milli>(now - kiosk.started).count());
            m_outcome.delivery_ms.push_back(std::chrono::duration<double, std::milli>(now - kiosk.first_started).count());
            ++m_outcome.batches;
            m_outcome.done_at_s.push_back(seconds_between(m_start, now));
            ++kiosk.next;
            return schedule_next(kiosk, now);
        }
        if (status == 429 || status == 503) {
            ++m_outcome.errors[std::to_string(status) + (retry_after ? " with Retry-After" : " without Retry-After")];
            if (retry_after) { // honoured, plus up to a second of jitter
                kiosk.failures = 0;
                return wait_until(kiosk, now + std::chrono::milliseconds(*retry_after * 1000 + jitter_ms(1000)));
            }
            return back_off(kiosk, now);
        }
        ++m_outcome.errors["HTTP " + std::to_string(status) + " (batch given up)"];
        ++m_outcome.batches_failed;
        ++kiosk.next;
        schedule_next(kiosk, now);
    }

    void fail(Kiosk& kiosk, const std::string& what)
    {
        close_connection(kiosk);
        ++m_outcome.errors[what];
        back_off(kiosk, Clock::now());
    }

    // The kiosk's own rule (sync/uploader.h): full jitter, rand(0, min(cap, 2 s x 2^n)); its cap is
    // 900 s, here 60 s so a run stays bounded.
    void back_off(Kiosk& kiosk, Clock::time_point now)
    {
        close_connection(kiosk);
        int ceiling_ms = static_cast<int>(std::min(60'000.0, 2000.0 * std::pow(2.0, std::min(kiosk.failures, 10))));
        ++kiosk.failures;
        wait_until(kiosk, now + std::chrono::milliseconds(jitter_ms(ceiling_ms)));
    }

    int jitter_ms(int ceiling) { return std::uniform_int_distribution<int>(0, ceiling)(m_random); }

    Plan& m_plan;
    Settings m_settings;
    std::vector<Kiosk> m_kiosks;
    std::mt19937 m_random;
    int m_epoll = -1;
    int m_active = 0;
    Clock::time_point m_start, m_last_answer;
    std::priority_queue<std::pair<Clock::time_point, int>, std::vector<std::pair<Clock::time_point, int>>, std::greater<>> m_timers;
    Outcome m_outcome;
};

// [SECTION] Machine ---------------------------------------------------------------------------------

// CPU seconds used so far by a process (utime + stime), or 0 when it is gone.
double cpu_seconds(pid_t pid)
{
    auto text = test::read_text("/proc/" + std::to_string(pid) + "/stat");
    auto after = text.rfind(')');
    if (after == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(after + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14)
            utime = std::stoull(field);
        if (i == 15)
            stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Every process named postgres (the test server's backends and helpers).
double postgres_cpu_seconds()
{
    double total = 0;
    auto close_dir = [](DIR* dir) { closedir(dir); };
    std::unique_ptr<DIR, decltype(close_dir)> proc(opendir("/proc"), close_dir);
    while (auto* entry = readdir(proc.get())) {
        if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0])))
            continue;
        if (test::read_text(std::string("/proc/") + entry->d_name + "/comm").starts_with("postgres"))
            total += cpu_seconds(std::atoi(entry->d_name));
    }
    return total;
}

double own_cpu_seconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The whole machine's busy and total jiffies (/proc/stat), to show what else was running.
std::pair<double, double> machine_jiffies()
{
    std::istringstream line(test::read_text("/proc/stat"));
    std::string cpu;
    line >> cpu;
    double busy = 0, total = 0, value = 0;
    for (int i = 0; i < 8 && line >> value; ++i) {
        total += value;
        if (i != 3 && i != 4) // idle, iowait
            busy += value;
    }
    return { busy, total };
}

struct CpuSnapshot {
    std::vector<double> hubs;
    double postgres = 0, client = 0, machine_busy = 0, machine_total = 0;
    static CpuSnapshot take(const std::vector<pid_t>& hub_pids, bool with_postgres)
    {
        CpuSnapshot snapshot;
        for (pid_t pid : hub_pids)
            snapshot.hubs.push_back(cpu_seconds(pid));
        snapshot.postgres = with_postgres ? postgres_cpu_seconds() : 0;
        snapshot.client = own_cpu_seconds();
        std::tie(snapshot.machine_busy, snapshot.machine_total) = machine_jiffies();
        return snapshot;
    }
};

// [SECTION] Engines ---------------------------------------------------------------------------------

struct Engine {
    std::string name; // sqlite, pg, pg2
    std::string where; // the --db value
    int hubs = 1;
    bool postgres = false;
    std::vector<std::string> hub_args; // extra `serve` options, to try a setting (--workers 4)
};

// Rows of the storm's procedure in the database: every storm item has a fresh id (the primary key), so
// 300,000 rows means each was stored exactly once.
long count_storm_rows(const Engine& engine)
{
    std::string query = std::string("SELECT count(*) FROM submissions WHERE procedure = '") + storm_procedure + "'";
    if (!engine.postgres) {
        sqlite3* db = nullptr;
        long count = -1;
        if (sqlite3_open_v2(engine.where.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
            sqlite3_stmt* statement = nullptr;
            if (sqlite3_prepare_v2(db, query.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
                count = sqlite3_column_int64(statement, 0);
            sqlite3_finalize(statement);
        }
        sqlite3_close(db);
        return count;
    }
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(engine.where.c_str()), &PQfinish);
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), query.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        return -1;
    return std::atol(PQgetvalue(result.get(), 0, 0));
}

std::vector<std::string> enroll_fleet(const std::string& where, int count)
{
    auto store = sync::hub::Store::open(where);
    if (!store)
        throw std::runtime_error("cannot open " + where + ": " + store.error().message);
    std::vector<std::string> tokens;
    for (int k = 0; k < count; ++k) {
        auto token = (*store)->enroll(kiosk_name(k));
        if (!token)
            throw std::runtime_error("enroll failed: " + token.error().message);
        tokens.push_back(*token);
    }
    return tokens;
}

struct Row {
    std::string engine, phase;
    int kiosks = 0;
    Outcome outcome;
    std::vector<long> peak_kb;    // VmHWM of each hub process at the end of the phase
    std::vector<double> hub_cpu;  // CPU seconds of each hub during the phase
    double postgres_cpu = 0, client_cpu = 0, machine_busy_percent = 0;
    long counted = -1; // storm: rows found in the database
};

// Submissions a second between the 10th and the 90th percentile of batches answered: the hub's pace
// once busy, without the ramp and without a tail of kiosks still backing off after refusals.
double core_rate(const Outcome& o)
{
    if (o.done_at_s.size() < 10)
        return 0;
    size_t from = o.done_at_s.size() / 10, to = o.done_at_s.size() * 9 / 10;
    double span = o.done_at_s[to] - o.done_at_s[from];
    return span > 0 ? static_cast<double>((to - from) * items_per_batch) / span : 0;
}

void print_row(const Row& row)
{
    auto& o = row.outcome;
    double subs = static_cast<double>(o.stored + o.duplicates);
    std::printf("%-6s %-12s %5d kiosks: %6.0f subs/s (10-90%%: %.0f; %ld stored, %ld dup, %ld other) in %6.1f s; attempt p50 %6.0f ms p99 %6.0f ms max %6.0f ms; "
                "delivery p50 %6.0f ms p99 %6.0f ms\n",
        row.engine.c_str(), row.phase.c_str(), row.kiosks, o.seconds > 0 ? subs / o.seconds : 0, core_rate(o), o.stored, o.duplicates, o.other_items,
        o.seconds, percentile(o.attempt_ms, 0.5), percentile(o.attempt_ms, 0.99), percentile(o.attempt_ms, 1.0),
        percentile(o.delivery_ms, 0.5), percentile(o.delivery_ms, 0.99));
    // Where the tail sits in time: a stall at one moment (start-up, a checkpoint) or spread over the run.
    std::vector<std::pair<double, double>> slow; // (answered at s, attempt ms) for attempts above 200 ms
    for (size_t i = 0; i < o.attempt_ms.size() && i < o.done_at_s.size(); ++i)
        if (o.attempt_ms[i] > 200)
            slow.emplace_back(o.done_at_s[i], o.attempt_ms[i]);
    if (!slow.empty() && slow.size() * 10 < o.attempt_ms.size()) {
        std::printf("       %zu attempts above 200 ms, answered at:", slow.size());
        for (size_t i = 0; i < slow.size() && i < 12; ++i)
            std::printf(" %.1fs (%.0f ms)", slow[i].first, slow[i].second);
        std::printf("%s\n", slow.size() > 12 ? " ..." : "");
    }
    std::printf("       hub peak (VmHWM)");
    for (long kb : row.peak_kb)
        std::printf(" %.0f MiB", static_cast<double>(kb) / 1024);
    std::printf(", sampled RSS peak %.0f MiB; CPU s: hub", static_cast<double>(o.peak_rss_kb) / 1024);
    for (double s : row.hub_cpu)
        std::printf(" %.1f", s);
    std::printf(", postgres %.1f, client %.1f; machine busy %.0f%%; %d new connections, %d stale reconnects%s\n", row.postgres_cpu,
        row.client_cpu, row.machine_busy_percent, o.new_connections, o.stale_reconnects, o.timed_out ? "; TIMED OUT" : "");
    for (auto& [kind, count] : o.errors)
        std::printf("       %6d x %s\n", count, kind.c_str());
    if (row.counted >= 0)
        std::printf("       database holds %ld storm rows (expected %d): %s\n", row.counted, fleet_size * items_per_batch,
            row.counted == fleet_size * items_per_batch ? "each stored once" : "MISMATCH");
}

// Starts the engine's hub(s), lets the fleet play the plan, stops them, and measures.
Row run_phase(const Engine& engine, const test::TempDir& dir, const std::vector<std::string>& tokens, Plan& plan,
    const std::string& phase, double deadline_s)
{
    std::vector<std::unique_ptr<test::ServedHub>> hubs;
    std::vector<int> ports;
    std::vector<pid_t> pids;
    for (int h = 0; h < engine.hubs; ++h) {
        hubs.push_back(std::make_unique<test::ServedHub>(dir, engine.where, engine.hub_args));
        ports.push_back(hubs.back()->port());
        pids.push_back(hubs.back()->pid());
    }
    Row row { engine.name, phase, 0, {}, {}, {}, 0, 0, 0, -1 };
    for (auto& posts : plan)
        row.kiosks += posts.empty() ? 0 : 1;
    auto before = CpuSnapshot::take(pids, engine.postgres);
    {
        Fleet fleet(plan, { ports, &tokens, deadline_s, pids });
        row.outcome = fleet.run();
    }
    auto after = CpuSnapshot::take(pids, engine.postgres);
    for (size_t h = 0; h < hubs.size(); ++h) {
        row.peak_kb.push_back(test::proc_status_kb(pids[h], "VmHWM"));
        row.hub_cpu.push_back(after.hubs[h] - before.hubs[h]);
    }
    row.postgres_cpu = after.postgres - before.postgres;
    row.client_cpu = after.client - before.client;
    row.machine_busy_percent = 100 * (after.machine_busy - before.machine_busy) / std::max(1.0, after.machine_total - before.machine_total);
    for (auto& hub : hubs)
        hub->stop();
    if (phase == "storm")
        row.counted = count_storm_rows(engine);
    print_row(row);
    return row;
}

// The plans, built once and played against every engine (each engine has its own database).
struct Plans {
    Plan closed_100, closed_1000, open, storm;
};

Plans make_plans(bool closed, bool open, bool storm)
{
    Plans plans;
    auto started = Clock::now();
    if (closed) {
        plans.closed_100.assign(100, std::vector<Post>(12)); // 120,000 subs
        plans.closed_1000.assign(1000, std::vector<Post>(2)); // 200,000 subs
        fill_bodies(plans.closed_100, "carte-grise");
        fill_bodies(plans.closed_1000, "carte-grise");
    }
    if (open) {
        // 1,000 kiosks, each every 20 s, kiosk k first at k x 20 ms: 50 batches (5,000 subs) a second
        // for 30 s.
        plans.open.assign(1000, {});
        for (int k = 0; k < 1000; ++k)
            for (double due = k * 0.020; due < 30; due += 20)
                plans.open[static_cast<size_t>(k)].push_back({ {}, due });
        fill_bodies(plans.open, "carte-grise");
    }
    if (storm) {
        plans.storm.assign(fleet_size, std::vector<Post>(1));
        fill_bodies(plans.storm, storm_procedure);
    }
    size_t bytes = 0, count = 0;
    for (auto* plan : { &plans.closed_100, &plans.closed_1000, &plans.open, &plans.storm })
        for (auto& posts : *plan)
            for (auto& post : posts) {
                bytes += post.body.size();
                ++count;
            }
    std::printf("bodies: %zu batches of %d items of %zu random bytes, gzipped %.0f KiB each on average, built in %.1f s\n", count,
        items_per_batch, sealed_bytes, count ? static_cast<double>(bytes) / static_cast<double>(count) / 1024 : 0.0,
        seconds_between(started, Clock::now()));
    return plans;
}

}

// [SECTION] main ------------------------------------------------------------------------------------

int main(int argc, char** argv)
{
    std::string which_engine = argc > 1 ? argv[1] : "all", which_phase = argc > 2 ? argv[2] : "all";
    bool closed = which_phase == "all" || which_phase == "closed", open = which_phase == "all" || which_phase == "open",
         storm = which_phase == "all" || which_phase == "storm";
    // The engines may be listed with commas (pg,pg2), so one run builds the bodies once for both.
    auto wanted = [&](const std::string& name) { return which_engine == "all" || ("," + which_engine + ",").find("," + name + ",") != std::string::npos; };
    if (!(closed || open || storm) || !(wanted("sqlite") || wanted("pg") || wanted("pg2"))) {
        std::fprintf(stderr, "usage: bench_hub_ingest [sqlite|pg|pg2|all, or a list such as pg,pg2] [closed|open|storm|all] "
                             "[--pg-url-extra TEXT] [-- serve options]\n");
        return 2;
    }
    // Settings to try without changing the hub: text appended to the PostgreSQL URL the hubs get (libpq
    // parameters, such as per-session server settings), and extra `serve` options.
    std::string pg_url_extra;
    std::vector<std::string> hub_args;
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--pg-url-extra" && i + 1 < argc)
            pg_url_extra = argv[++i];
        else if (arg == "--") {
            hub_args.assign(argv + i + 1, argv + argc);
            break;
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        return 1;
    rlimit files {};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max; // 3,000 kiosk sockets; the hubs inherit it too
    setrlimit(RLIMIT_NOFILE, &files);

    try {
        auto plans = make_plans(closed, open, storm);
        std::unique_ptr<test::PostgresServer> postgres;
        std::vector<Row> rows;
        for (std::string name : { "sqlite", "pg", "pg2" }) {
            if (!wanted(name))
                continue;
            test::TempDir dir;
            Engine engine { name, (dir / "hub.sqlite").string(), name == "pg2" ? 2 : 1, name != "sqlite", hub_args };
            if (engine.postgres) {
                if (!postgres)
                    postgres = std::make_unique<test::PostgresServer>();
                engine.where = postgres->create_database() + pg_url_extra;
            }
            auto enrolled_from = Clock::now();
            auto tokens = enroll_fleet(engine.where, storm ? fleet_size : 1000);
            std::string settings;
            for (auto& arg : hub_args)
                settings += " " + arg;
            std::printf("%s: %zu kiosks enrolled in %.1f s (%d hub%s; serve defaults: 8 workers, 16 connections per address, 768 in all%s%s)\n",
                name.c_str(), tokens.size(), seconds_between(enrolled_from, Clock::now()), engine.hubs, engine.hubs > 1 ? "s" : "",
                settings.empty() ? "" : "; with", settings.c_str());
            if (engine.postgres && !pg_url_extra.empty())
                std::printf("%s: hub URL ends with '%s'\n", name.c_str(), pg_url_extra.c_str());
            if (closed) {
                rows.push_back(run_phase(engine, dir, tokens, plans.closed_100, "closed", 300));
                rows.push_back(run_phase(engine, dir, tokens, plans.closed_1000, "closed", 300));
            }
            if (open)
                rows.push_back(run_phase(engine, dir, tokens, plans.open, "open 5k/s", 180));
            if (storm)
                rows.push_back(run_phase(engine, dir, tokens, plans.storm, "storm", 600));
        }
        std::printf("\n| engine | phase | kiosks | subs/s | subs/s 10-90%% | p50 ms | p99 ms | delivery p99 ms | s | non-200 answers | hub peak MiB |\n"
                    "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (auto& row : rows) {
            auto& o = row.outcome;
            int errors = 0;
            for (auto& [kind, count] : o.errors)
                errors += count;
            std::string peaks;
            for (long kb : row.peak_kb)
                peaks += (peaks.empty() ? "" : " + ") + std::to_string(kb / 1024);
            std::printf("| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %d | %s |\n", row.engine.c_str(), row.phase.c_str(), row.kiosks,
                o.seconds > 0 ? static_cast<double>(o.stored + o.duplicates) / o.seconds : 0, core_rate(o), percentile(o.attempt_ms, 0.5),
                percentile(o.attempt_ms, 0.99), percentile(o.delivery_ms, 0.99), o.seconds, errors, peaks.c_str());
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_hub_ingest: %s\n", error.what());
        return 1;
    }
    return 0;
}
