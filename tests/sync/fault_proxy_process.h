// Runs the real fault_proxy (tests/tools) in front of a hub for a test, on a random port.
#pragma once
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

namespace guichet::test {

class FaultProxy {
public:
    // `output`: where its standard output goes (its summary line at exit), when a test reads it.
    FaultProxy(const std::filesystem::path& dir, int target_port, std::vector<std::string> faults,
        const std::filesystem::path& output = {})
    {
        auto port_file = dir / ("proxy-port-" + std::to_string(++s_count));
        std::vector<std::string> args { GUICHET_FAULT_PROXY, "--listen", "127.0.0.1:0", "--target",
            "127.0.0.1:" + std::to_string(target_port), "--port-file", port_file.string() };
        args.insert(args.end(), faults.begin(), faults.end());
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (!output.empty())
            posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int spawned = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0)
            throw std::runtime_error("cannot start fault_proxy");
        for (int i = 0; i < 1000; ++i) {
            std::ifstream in(port_file);
            if (in >> m_port)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("fault_proxy wrote no port file");
    }
    ~FaultProxy() { stop(); }
    // Stops it; it prints its summary line as it exits.
    void stop()
    {
        if (m_pid <= 0)
            return;
        kill(m_pid, SIGTERM);
        waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    static inline int s_count = 0;
    pid_t m_pid = -1;
    int m_port = 0;
};

}
