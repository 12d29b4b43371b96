// Starts the real guichet binary headless at 1920x1080 and measures, from exec: the time to the first
// interactive frame (the app's sd_notify READY=1, sent once that frame is rendered), peak and
// proportional memory after the welcome screen, and the CPU it uses while idle on it.
//   bench_startup [runs=20] [idle_seconds=10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long read_status_kb(pid_t pid, const char* field)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0)
            return std::atol(line.c_str() + std::string(field).size() + 1);
    }
    return -1;
}

long read_pss_kb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Pss:", 0) == 0)
            return std::atol(line.c_str() + 4);
    }
    return -1;
}

double cpu_seconds(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string skip;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i < 14; ++i)
        fields >> skip;
    fields >> utime >> stime;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Run {
    double ready_ms = 0;
    pid_t pid = 0;
};

// Starts guichet with NOTIFY_SOCKET pointing at our datagram socket; returns once READY=1 arrives.
Run start_guichet(int socket_fd, const std::string& socket_path)
{
    auto start = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
        freopen("/dev/null", "w", stderr); // its start-up line would interleave with the report
        execl(GUICHET_BINARY, GUICHET_BINARY, "--headless", static_cast<char*>(nullptr));
        _exit(127);
    }
    char buffer[256];
    for (;;) {
        ssize_t n = recv(socket_fd, buffer, sizeof buffer - 1, 0);
        if (n <= 0) {
            std::fprintf(stderr, "bench_startup: no READY=1 from guichet\n");
            std::exit(1);
        }
        buffer[n] = 0;
        if (std::string(buffer).find("READY=1") != std::string::npos)
            break;
    }
    return { std::chrono::duration<double, std::milli>(Clock::now() - start).count(), pid };
}

void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
}

}

int main(int argc, char** argv)
{
    int runs = argc > 1 ? std::atoi(argv[1]) : 20;
    int idle_seconds = argc > 2 ? std::atoi(argv[2]) : 10;

    std::string socket_path = "/tmp/guichet-bench-" + std::to_string(getpid()) + ".sock";
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    socket_path.copy(address.sun_path, sizeof address.sun_path - 1);
    unlink(socket_path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::perror("bench_startup: bind");
        return 1;
    }
    timeval timeout { 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

    std::vector<double> ready;
    long hwm = 0, rss = 0, pss = 0;
    for (int i = 0; i < runs; ++i) {
        auto run = start_guichet(fd, socket_path);
        ready.push_back(run.ready_ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        hwm = std::max(hwm, read_status_kb(run.pid, "VmHWM:"));
        rss = std::max(rss, read_status_kb(run.pid, "VmRSS:"));
        pss = std::max(pss, read_pss_kb(run.pid));
        stop(run.pid);
    }
    std::sort(ready.begin(), ready.end());
    std::printf("exec to first interactive frame (headless, 1920x1080, %d runs): min %.1f ms, median %.1f ms, max %.1f ms\n",
        runs, ready.front(), ready[ready.size() / 2], ready.back());
    std::printf("memory after the welcome screen (worst of %d runs): peak RSS %.1f MB, RSS %.1f MB, PSS %.1f MB\n", runs,
        hwm / 1024.0, rss / 1024.0, pss / 1024.0);

    auto run = start_guichet(fd, socket_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    double before = cpu_seconds(run.pid);
    auto wall_start = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
    double used = cpu_seconds(run.pid) - before;
    double wall = std::chrono::duration<double>(Clock::now() - wall_start).count();
    stop(run.pid);
    std::printf("CPU while idle on the welcome screen for %d s: %.3f s of CPU = %.2f %% of one core\n", idle_seconds, used,
        100.0 * used / wall);

    close(fd);
    unlink(socket_path.c_str());
    return 0;
}
