// Test helpers for the hub: a temporary directory, running the real guichet-hub binary with files for
// its standard streams, and a served hub on 127.0.0.1 with a random port that stops on SIGTERM.
#pragma once
#include "sync/protocol.h"
#include "sync/sqlite.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace guichet::test {

// A TCP connection to the hub on 127.0.0.1 from `source`, another address of 127.0.0.0/8 (all of it is
// loopback on Linux), so one machine plays many clients; -1 when it fails.
inline int connect_from(const std::string& source, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in local {};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    sockaddr_in remote {};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<uint16_t>(port));
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0
        || connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

inline std::string read_text(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

inline void write_text(const std::filesystem::path& path, const std::string& text)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
}

class TempDir {
public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "guichet-hub-test-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// Starts the binary with stdin/stdout/stderr bound to files (no pipes, so no deadlock on big output).
inline pid_t spawn_hub(const std::vector<std::string>& args, const std::filesystem::path& in,
    const std::filesystem::path& out, const std::filesystem::path& err)
{
    std::vector<std::string> all { GUICHET_HUB_BINARY };
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : all)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + all[0]);
    return pid;
}

inline int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs one command to its end. Each call gets its own stream files in `dir`.
inline Outcome run_hub(const TempDir& dir, const std::vector<std::string>& args, const std::string& input = {})
{
    static int counter = 0;
    auto stem = "run" + std::to_string(++counter);
    auto in = dir / (stem + ".in"), out = dir / (stem + ".out"), err = dir / (stem + ".err");
    write_text(in, input);
    pid_t pid = spawn_hub(args, in, out, err);
    // A command that should end but does not (a server that should have refused to start) is killed
    // after 10 s and reported as exit code -1, so the test fails instead of hanging the run.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return { -1, read_text(out), read_text(err) };
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return { exit_code_of(status), read_text(out), read_text(err) };
}

// `guichet-hub serve` on 127.0.0.1 with a random port, stopped with SIGTERM when the test ends.
class ServedHub {
public:
    ServedHub(const TempDir& dir, const std::filesystem::path& db, std::vector<std::string> extra = {})
        : m_log(dir / ("serve" + std::to_string(++s_count) + ".log"))
    {
        auto port_file = dir / ("port" + std::to_string(s_count));
        std::vector<std::string> args { "serve", "--db", db.string(), "--listen", "127.0.0.1:0", "--port-file",
            port_file.string() };
        args.insert(args.end(), extra.begin(), extra.end());
        m_pid = spawn_hub(args, "/dev/null", "/dev/null", m_log);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            if (std::filesystem::exists(port_file)) {
                m_port = std::stoi(read_text(port_file));
                return;
            }
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                throw std::runtime_error("guichet-hub serve exited early: " + read_text(m_log));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
        throw std::runtime_error("guichet-hub serve wrote no port file within 10 s: " + read_text(m_log));
    }
    ~ServedHub() { stop(); }
    ServedHub(const ServedHub&) = delete;
    ServedHub& operator=(const ServedHub&) = delete;

    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }
    std::string log() const { return read_text(m_log); }

    httplib::Client client(const std::string& token = {}) const
    {
        httplib::Client client("127.0.0.1", m_port);
        client.set_connection_timeout(5);
        client.set_read_timeout(10);
        if (!token.empty())
            client.set_bearer_token_auth(token.c_str());
        return client;
    }

    // SIGTERM (or SIGINT), then the exit code; SIGKILL after 10 s so a hung server fails the test, not
    // the run.
    int stop(int signal_number = SIGTERM)
    {
        if (m_pid <= 0)
            return m_exit_code;
        kill(m_pid, signal_number);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        int status = 0;
        while (waitpid(m_pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                kill(m_pid, SIGKILL);
                waitpid(m_pid, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        m_pid = -1;
        m_exit_code = exit_code_of(status);
        return m_exit_code;
    }

private:
    static inline int s_count = 0;
    std::filesystem::path m_log;
    pid_t m_pid = -1;
    int m_port = 0;
    int m_exit_code = -1;
};

// A field of /proc/PID/status in kB ("VmRSS", "VmHWM": the peak), or -1.
inline long proc_status_kb(pid_t pid, const std::string& field)
{
    std::istringstream lines(read_text("/proc/" + std::to_string(pid) + "/status"));
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(field + ":"))
            return std::stol(line.substr(field.size() + 1));
    }
    return -1;
}

// Enrolls a kiosk through the binary and returns its token.
inline std::string enroll(const TempDir& dir, const std::filesystem::path& db, const std::string& name)
{
    auto outcome = run_hub(dir, { "enroll", name, "--db", db.string() });
    if (outcome.exit_code != 0)
        throw std::runtime_error("enroll failed: " + outcome.err);
    auto token = outcome.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
        token.pop_back();
    return token;
}

// Runs `sql` (one or more statements, test values only) on a hub's SQLite file behind the hub's back:
// what tests plant that other areas would write (receipts, states, figures). Throws on failure, as
// enroll does, so the test fails with the database's message.
inline void run_sql(const std::filesystem::path& db, const std::string& sql)
{
    auto database = sync::Database::open(db, sync::Durability::Full);
    if (!database)
        throw std::runtime_error("cannot open " + db.string() + ": " + database.error().message);
    if (auto done = database->exec(sql); !done)
        throw std::runtime_error(sql.substr(0, 200) + ": " + done.error().message);
}

// A fresh lower-case UUID v4.
inline std::string new_uuid()
{
    [[maybe_unused]] static bool ready = sodium_init() >= 0;
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    static const char* hex = "0123456789abcdef";
    std::string text;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text += '-';
        text += hex[bytes[i] >> 4];
        text += hex[bytes[i] & 15];
    }
    return text;
}

// The plaintext a kiosk seals (protocol::SealedPayload's JSON form), written out here so the tests
// state the format rather than borrow the encoder they check against.
inline std::string payload_text(const sync::protocol::SealedPayload& payload)
{
    return nlohmann::json { { "id", payload.id }, { "kiosk", payload.kiosk }, { "procedure", payload.procedure },
        { "version", payload.version }, { "created_at", payload.created_at }, { "assisted", payload.assisted },
        { "answers", nlohmann::json::parse(payload.answers_json) } }
        .dump();
}

inline std::vector<uint8_t> seal(const uint8_t* public_key, const sync::protocol::SealedPayload& payload)
{
    auto plaintext = payload_text(payload);
    std::vector<uint8_t> sealed(plaintext.size() + crypto_box_SEALBYTES);
    crypto_box_seal(sealed.data(), reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(), public_key);
    return sealed;
}

inline sync::protocol::Item make_item(std::vector<uint8_t> sealed, std::string procedure = "carte-grise")
{
    return { new_uuid(), std::move(procedure), 3, "2024-05-01T09:30:00Z", std::move(sealed) };
}

}
