// Tests of fault_proxy: its pure pieces (options, pacer, delay line, fault plan) directly, then the real
// binary between a client and a small server on 127.0.0.1. Timings are checked as lower bounds only.
#include "delay_line.h"
#include "fault_plan.h"
#include "link_pacer.h"
#include "proxy_options.h"
#include "proxy_server.h"
#include "proxy_test_support.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace guichet::tools;
using namespace guichet::tools::test;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

std::expected<ProxyOptions, std::string> parse(std::vector<std::string_view> arguments)
{
    return parse_proxy_options(arguments);
}

milliseconds elapsed_since(SteadyClock::time_point start)
{
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
}

// One byte there and back through an echo server.
milliseconds round_trip(int fd)
{
    auto start = SteadyClock::now();
    REQUIRE(send_all(fd, "x"));
    char byte = 0;
    REQUIRE(recv(fd, &byte, 1, 0) == 1);
    REQUIRE(byte == 'x');
    return elapsed_since(start);
}

// Sends `bytes` from another thread (an echo needs both directions moving) and reads the echo to EOF.
Received echo_through(uint16_t port, const std::string& bytes)
{
    UniqueFd fd = connect_to(port);
    std::thread writer([&] {
        send_all(fd.get(), bytes);
        shutdown(fd.get(), SHUT_WR);
    });
    Received received = receive_all(fd.get());
    writer.join();
    return received;
}

uint64_t cpu_ticks(pid_t pid)
{
    std::ifstream in(format_text("/proc/{}/stat", pid));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    uint64_t ticks = 0;
    for (int index = 0; fields >> field; ++index)
        if (index == 11 || index == 12) // utime and stime, counted from the state field
            ticks += std::stoull(field);
    return ticks;
}

}

// [SECTION] Pure pieces

TEST_CASE("fault proxy options parse every documented flag", "[proxy]")
{
    auto options = parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:8080", "--port-file", "p.txt",
        "--delay-ms", "50", "--down-kbps", "256", "--up-kbps", "64", "--loss", "2.5", "--rto-ms", "300",
        "--reset-rate", "0.1", "--stall-rate", "0.2", "--truncate-rate", "0.3", "--fault-window", "4096",
        "--seed", "7", "--log" });
    REQUIRE(options);
    CHECK(options->listen.port == 0);
    CHECK(options->target.host == "127.0.0.1");
    CHECK(options->target.port == 8080);
    CHECK(options->port_file == "p.txt");
    CHECK(options->delay_ms == 50);
    CHECK(options->down_kbps == 256);
    CHECK(options->up_kbps == 64);
    CHECK(options->loss_percent == Approx(2.5));
    CHECK(options->effective_rto_ms() == 300);
    CHECK(options->reset_rate == Approx(0.1));
    CHECK(options->stall_rate == Approx(0.2));
    CHECK(options->truncate_rate == Approx(0.3));
    CHECK(options->fault_window == 4096);
    CHECK(options->seed == 7u);
    CHECK(options->log);
}

TEST_CASE("fault proxy options reject bad input", "[proxy]")
{
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:0" }));
    CHECK_FALSE(parse({ "--listen", "localhost:0", "--target", "127.0.0.1:80" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1", "--target", "127.0.0.1:80" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:70000", "--target", "127.0.0.1:80" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--reset-rate", "1.5" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--loss", "-1" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--delay-ms", "ten" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--fault-window", "0" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--jitter-ms", "5" }));
    CHECK_FALSE(parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--delay-ms" }));
    auto error = parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--stall-rate", "2" });
    REQUIRE_FALSE(error);
    CHECK_THAT(error.error(), Catch::Contains("--stall-rate"));
}

TEST_CASE("fault proxy options name what is missing and take --help", "[proxy]")
{
    auto missing = parse({ "--listen", "127.0.0.1:0" });
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error(), Catch::Contains("--target"));
    auto unknown = parse({ "--listen", "127.0.0.1:0", "--target", "127.0.0.1:80", "--jitter-ms", "5" });
    REQUIRE_FALSE(unknown);
    CHECK_THAT(unknown.error(), Catch::Contains("unknown option '--jitter-ms'"));
    auto help = parse({ "--help" });
    REQUIRE(help);
    CHECK(help->help);
    CHECK_THAT(proxy_usage(), Catch::Contains("--truncate-rate") && Catch::Contains("SIGUSR1"));
}

TEST_CASE("fault proxy retransmission timeout defaults to three round trips", "[proxy]")
{
    ProxyOptions options;
    CHECK(options.effective_rto_ms() == 200);
    options.delay_ms = 20;
    CHECK(options.effective_rto_ms() == 200);
    options.delay_ms = 100;
    CHECK(options.effective_rto_ms() == 600);
    options.rto_ms = 50;
    CHECK(options.effective_rto_ms() == 50);
}

TEST_CASE("fault proxy link pacer spaces chunks at the configured rate", "[proxy]")
{
    LinkPacer unlimited(0);
    TimePoint now = Clock::now();
    CHECK_FALSE(unlimited.limited());
    CHECK(unlimited.can_send(now));
    CHECK(unlimited.commit(now, 1'000'000) == now);

    LinkPacer link(800); // 100 bytes per millisecond
    CHECK(link.transmit_time(1000) == 10ms);
    CHECK(link.commit(now, 1000) == now + 10ms);
    // Back to back on the same link, whichever connection sends: the pipe is shared.
    CHECK(link.commit(now, 1000) == now + 20ms);
    CHECK(link.can_send(now + 10ms));
    for (int i = 0; i < 10; ++i)
        link.commit(now, 1000);
    CHECK_FALSE(link.can_send(now));
    CHECK(link.opens_at() > now);
    // An idle link earns no credit for a later burst.
    TimePoint later = now + 10s;
    CHECK(link.commit(later, 1000) == later + 10ms);
}

TEST_CASE("fault proxy delay line keeps order behind a held-back chunk", "[proxy]")
{
    DelayLine line(50ms);
    TimePoint now = Clock::now();
    std::string a = "aaaa", b = "bb", c = "c";
    CHECK(line.push(a, now) == now + 50ms);
    CHECK(line.push(b, now + 1ms, 200ms) == now + 251ms); // lost: held back one timeout
    CHECK(line.push(c, now + 2ms) == now + 251ms);        // may not overtake it
    CHECK(line.queued_bytes() == 7);
    CHECK_FALSE(line.front_due(now + 49ms));
    REQUIRE(line.front_due(now + 50ms));
    CHECK(std::string(line.front_unsent().data(), line.front_unsent().size()) == "aaaa");
    line.consume(3);
    CHECK(line.front_unsent().size() == 1);
    line.consume(1);
    CHECK_FALSE(line.front_due(now + 250ms));
    CHECK(line.next_release() == now + 251ms);
    CHECK(line.queued_bytes() == 3);
}

TEST_CASE("fault proxy delay line keeps only the first bytes when cut", "[proxy]")
{
    DelayLine line;
    TimePoint now = Clock::now();
    std::string a = "abcd", b = "efgh";
    line.push(a, now);
    line.push(b, now);
    line.consume(1);
    line.keep_first(5); // "bcd" + "ef"
    CHECK(line.queued_bytes() == 5);
    std::string out;
    while (!line.empty()) {
        auto bytes = line.front_unsent();
        out.append(bytes.data(), bytes.size());
        line.consume(bytes.size());
    }
    CHECK(out == "bcdef");
    line.push(a, now);
    line.clear();
    CHECK(line.empty());
    CHECK(line.queued_bytes() == 0);
}

TEST_CASE("fault proxy plan picks faults by rate and is reproducible", "[proxy]")
{
    std::mt19937_64 rng(1);
    for (int i = 0; i < 100; ++i) {
        CHECK(draw_fault_plan({ 1, 0, 0 }, 100, rng).kind == FaultKind::Reset);
        CHECK(draw_fault_plan({ 0, 1, 0 }, 100, rng).kind == FaultKind::Stall);
        CHECK(draw_fault_plan({ 0, 0, 1 }, 100, rng).kind == FaultKind::Truncate);
        auto none = draw_fault_plan({ 0, 0, 0 }, 100, rng);
        CHECK(none.kind == FaultKind::None);
        CHECK(none.at_byte < 100);
    }
    std::map<FaultKind, int> counts;
    for (int i = 0; i < 10000; ++i)
        ++counts[draw_fault_plan({ 0.1, 0.2, 0.3 }, 1000, rng).kind];
    CHECK(counts[FaultKind::Reset] == Approx(1000).margin(200));
    CHECK(counts[FaultKind::Stall] == Approx(2000).margin(250));
    CHECK(counts[FaultKind::Truncate] == Approx(3000).margin(300));

    std::mt19937_64 first(42), second(42);
    for (int i = 0; i < 20; ++i) {
        auto a = draw_fault_plan({ 0.5, 0, 0 }, 65536, first);
        auto b = draw_fault_plan({ 0.5, 0, 0 }, 65536, second);
        CHECK(a.kind == b.kind);
        CHECK(a.at_byte == b.at_byte);
    }
}

TEST_CASE("fault proxy trigger strikes at the drawn byte", "[proxy]")
{
    SECTION("reset counts both directions and forwards up to the point")
    {
        FaultTrigger trigger({ FaultKind::Reset, 150 });
        auto first = trigger.on_data(Direction::Up, 100);
        CHECK((first.forward == 100 && !first.fire));
        auto second = trigger.on_data(Direction::Down, 100);
        CHECK((second.forward == 50 && second.fire));
        CHECK(trigger.fired());
        CHECK_FALSE(trigger.fires_at_response_end());
        auto after = trigger.on_data(Direction::Down, 10);
        CHECK((after.forward == 10 && !after.fire));
    }
    SECTION("truncate counts only the response")
    {
        FaultTrigger trigger({ FaultKind::Truncate, 10 });
        CHECK_FALSE(trigger.on_data(Direction::Up, 1000).fire);
        auto verdict = trigger.on_data(Direction::Down, 1000);
        CHECK((verdict.forward == 10 && verdict.fire));
    }
    SECTION("a short response still meets its stall")
    {
        FaultTrigger trigger({ FaultKind::Stall, 60000 });
        CHECK_FALSE(trigger.on_data(Direction::Down, 500).fire);
        CHECK(trigger.fires_at_response_end());
    }
    SECTION("no plan forwards everything")
    {
        FaultTrigger trigger({ FaultKind::None, 0 });
        auto verdict = trigger.on_data(Direction::Down, 1000);
        CHECK((verdict.forward == 1000 && !verdict.fire));
        CHECK_FALSE(trigger.fires_at_response_end());
    }
}

TEST_CASE("fault proxy summary line names every counter", "[proxy]")
{
    ProxyStats stats { 3, 1, 10, 20, 1, 2, 3, 4 };
    CHECK(format_summary(stats)
        == "fault_proxy summary: connections=3 active=1 bytes_up=10 bytes_down=20 resets=1 stalls=2 "
           "truncations=3 lost_chunks=4");
}

// [SECTION] The real binary

TEST_CASE("fault proxy passes 1 MB through byte-exact", "[proxy][net]")
{
    TestServer echo(TestServer::Mode::Echo);
    ProxyProcess proxy(echo.port(), {});
    std::string sent = pattern(1024 * 1024);
    Received received = echo_through(proxy.port(), sent);
    CHECK(received.eof);
    CHECK(received.error == 0);
    REQUIRE(received.data.size() == sent.size());
    CHECK(received.data == sent);
    CHECK(proxy.stop() == 0);
    CHECK_THAT(proxy.output(), Catch::Contains("bytes_up=1048576 bytes_down=1048576 resets=0"));
}

TEST_CASE("fault proxy delay adds at least twice the delay to a round trip", "[proxy][net]")
{
    TestServer echo(TestServer::Mode::Echo);
    ProxyProcess proxy(echo.port(), { "--delay-ms", "100" });
    UniqueFd fd = connect_to(proxy.port());
    for (int i = 0; i < 3; ++i)
        CHECK(round_trip(fd.get()) >= 200ms);
}

TEST_CASE("fault proxy down-kbps paces a 100 KB transfer", "[proxy][net]")
{
    constexpr size_t bytes = 100 * 1024;
    TestServer blob(TestServer::Mode::Blob, bytes);
    ProxyProcess proxy(blob.port(), { "--down-kbps", "1600" });
    auto start = SteadyClock::now();
    UniqueFd fd = connect_to(proxy.port());
    Received received = receive_all(fd.get());
    auto took = elapsed_since(start);
    CHECK(received.eof);
    CHECK(received.data == pattern(bytes));
    // 102400 bytes at 1600 kbit/s is 512 ms; allow 10 % for the first chunk read ahead.
    CHECK(took >= 460ms);
}

TEST_CASE("fault proxy up-kbps paces an upload", "[proxy][net]")
{
    TestServer echo(TestServer::Mode::Echo);
    ProxyProcess proxy(echo.port(), { "--up-kbps", "1600" });
    std::string sent = pattern(50 * 1024);
    auto start = SteadyClock::now();
    Received received = echo_through(proxy.port(), sent);
    CHECK(received.data == sent);
    // 51200 bytes at 1600 kbit/s is 256 ms; the echo back is not limited.
    CHECK(elapsed_since(start) >= 230ms);
}

TEST_CASE("fault proxy bandwidth is one pipe shared by all connections", "[proxy][net]")
{
    constexpr size_t bytes = 50 * 1024;
    TestServer blob(TestServer::Mode::Blob, bytes);
    ProxyProcess proxy(blob.port(), { "--down-kbps", "1600" });
    auto start = SteadyClock::now();
    std::vector<milliseconds> took(2);
    std::vector<Received> received(2);
    std::vector<std::thread> clients;
    for (size_t i = 0; i < 2; ++i)
        clients.emplace_back([&, i] {
            UniqueFd fd = connect_to(proxy.port());
            received[i] = receive_all(fd.get());
            took[i] = elapsed_since(start);
        });
    for (auto& client : clients)
        client.join();
    for (auto& r : received)
        CHECK(r.data == pattern(bytes));
    // Alone, each would need 256 ms; sharing the 1600 kbit/s, the pair needs 512 ms.
    CHECK(std::max(took[0], took[1]) >= 460ms);
}

TEST_CASE("fault proxy loss holds chunks back for the retransmission timeout", "[proxy][net]")
{
    TestServer echo(TestServer::Mode::Echo);
    ProxyProcess proxy(echo.port(), { "--loss", "100", "--rto-ms", "150" });
    {
        UniqueFd fd = connect_to(proxy.port());
        CHECK(round_trip(fd.get()) >= 300ms);
    }
    proxy.stop();
    CHECK_THAT(proxy.output(), Catch::Contains("lost_chunks=2"));
}

TEST_CASE("fault proxy reset-rate 1 makes the client see a reset", "[proxy][net]")
{
    constexpr size_t bytes = 200 * 1024;
    TestServer blob(TestServer::Mode::Blob, bytes);
    ProxyProcess proxy(blob.port(), { "--reset-rate", "1", "--log" });
    UniqueFd fd = connect_to(proxy.port());
    Received received = receive_all(fd.get());
    CHECK(received.error == ECONNRESET);
    CHECK_FALSE(received.eof);
    CHECK(received.data.size() < bytes);
    CHECK(received.data == pattern(received.data.size()));
    proxy.stop();
    CHECK_THAT(proxy.output(), Catch::Contains("injected=reset@") && Catch::Contains("resets=1 stalls=0"));
}

TEST_CASE("fault proxy truncate-rate 1 cuts the response before a clean EOF", "[proxy][net]")
{
    constexpr size_t bytes = 200 * 1024;
    TestServer blob(TestServer::Mode::Blob, bytes);
    ProxyProcess proxy(blob.port(), { "--truncate-rate", "1", "--log" });
    UniqueFd fd = connect_to(proxy.port());
    Received received = receive_all(fd.get());
    CHECK(received.eof);
    CHECK(received.error == 0);
    CHECK(received.data.size() < bytes);
    CHECK(received.data == pattern(received.data.size()));
    fd.reset();
    // Both peers closed normally, so the proxy ends the connection without waiting out its drain timer.
    CHECK(proxy.wait_for_output("end=truncated\n", 2000ms));
    proxy.stop();
    CHECK_THAT(proxy.output(), Catch::Contains(format_text("injected=truncate@{} ", received.data.size())));
    CHECK_THAT(proxy.output(), Catch::Contains("truncations=1"));
}

TEST_CASE("fault proxy stall-rate 1 makes a client with a receive timeout time out", "[proxy][net]")
{
    constexpr size_t bytes = 200 * 1024;
    TestServer blob(TestServer::Mode::Blob, bytes);
    ProxyProcess proxy(blob.port(), { "--stall-rate", "1", "--log" });
    UniqueFd fd = connect_to(proxy.port());
    set_receive_timeout(fd.get(), 1000ms);
    Received received = receive_all(fd.get());
    CHECK(received.timed_out);
    CHECK_FALSE(received.eof);
    CHECK(received.error == 0);
    CHECK(received.data.size() < bytes);
    CHECK(received.data == pattern(received.data.size()));
    proxy.signal(SIGUSR1);
    CHECK(proxy.wait_for_output("stalls=1"));
    // The client giving up frees the stalled connection.
    fd.reset();
    CHECK(proxy.wait_for_output("end=client left the stalled link"));
}

TEST_CASE("fault proxy serves dozens of sequential and concurrent connections", "[proxy][net]")
{
    TestServer echo(TestServer::Mode::Echo);
    ProxyProcess proxy(echo.port(), { "--delay-ms", "5" });
    std::string small = pattern(10 * 1024);
    for (int i = 0; i < 40; ++i)
        CHECK(echo_through(proxy.port(), small).data == small);

    std::string large = pattern(128 * 1024);
    std::vector<std::thread> clients;
    std::atomic<int> exact = 0;
    for (int i = 0; i < 30; ++i)
        clients.emplace_back([&] {
            if (echo_through(proxy.port(), large).data == large)
                ++exact;
        });
    for (auto& client : clients)
        client.join();
    CHECK(exact == 30);
    CHECK(proxy.stop() == 0);
    CHECK_THAT(proxy.output(), Catch::Contains("connections=70 active=0"));
}

TEST_CASE("fault proxy sleeps when idle and prints its summary on SIGUSR1", "[proxy][net]")
{
    TestServer echo(TestServer::Mode::Echo);
    ProxyProcess proxy(echo.port(), { "--delay-ms", "20", "--down-kbps", "1000", "--loss", "10" });
    UniqueFd fd = connect_to(proxy.port());
    round_trip(fd.get());
    uint64_t before = cpu_ticks(proxy.pid());
    std::this_thread::sleep_for(1000ms);
    uint64_t used = cpu_ticks(proxy.pid()) - before;
    CHECK(used <= 10); // clock ticks (usually 10 ms each); a busy loop would burn about 100
    proxy.signal(SIGUSR1);
    CHECK(proxy.wait_for_output("fault_proxy summary: connections=1 active=1 bytes_up=1 bytes_down=1"));
}

TEST_CASE("fault proxy resets the client when the target is unreachable", "[proxy][net]")
{
    uint16_t closed_port = 0;
    listen_on_loopback(closed_port); // bound then closed at once: nothing listens there now
    ProxyProcess proxy(closed_port, { "--log" });
    UniqueFd fd = connect_to(proxy.port());
    Received received = receive_all(fd.get());
    CHECK(received.data.empty());
    CHECK(received.error == ECONNRESET);
    CHECK(proxy.wait_for_output("end=connect failed"));
}

TEST_CASE("fault proxy gives the same faults for the same seed", "[proxy][net]")
{
    TestServer blob(TestServer::Mode::Blob, 4096);
    auto plans = [&] {
        ProxyProcess proxy(blob.port(), { "--seed", "42", "--reset-rate", "0.5", "--fault-window", "2000", "--log" });
        for (int i = 0; i < 12; ++i) {
            UniqueFd fd = connect_to(proxy.port());
            receive_all(fd.get());
        }
        proxy.stop();
        // Lines read "fault_proxy: conn=N planned=KIND@BYTE injected=..."; they come in closing order.
        std::map<int, std::string> by_connection;
        std::istringstream lines(proxy.output());
        for (std::string line; std::getline(lines, line);) {
            std::istringstream words(line);
            std::string prefix, connection, planned;
            if (words >> prefix >> connection >> planned && connection.starts_with("conn="))
                by_connection[std::stoi(connection.substr(5))] = planned.substr(planned.find('=') + 1);
        }
        return by_connection;
    };
    auto first = plans();
    auto second = plans();
    CHECK(first.size() == 12);
    CHECK(first == second);
    auto resets = std::count_if(first.begin(), first.end(), [](auto& entry) { return entry.second.starts_with("reset@"); });
    CHECK(resets > 0);
    CHECK(resets < 12);
}
