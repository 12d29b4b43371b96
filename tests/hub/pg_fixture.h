// A real PostgreSQL server for the hub's tests: a fresh cluster (initdb) in a temporary directory, served
// by Debian's own binaries (/usr/lib/postgresql/<version>/bin, package postgresql) on a Unix socket in
// that directory only (no TCP), with trust authentication for its one role, stopped and deleted at the end.
//
// PostgreSQL refuses to run as root, and the tests usually do: then every PostgreSQL command runs as the
// `postgres` system user that Debian's postgresql-common creates (fork, setgid, setuid, exec; no shell,
// no su), and the directory is given to that user. As any other user, the commands run as that user.
#pragma once
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <memory>
#include <pwd.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace guichet::test {

class PostgresServer {
public:
    // Creates and starts the cluster; throws with PostgreSQL's own log when it cannot.
    PostgresServer()
    {
        m_bin = find_bin_dir();
        std::string pattern = (std::filesystem::temp_directory_path() / "guichet-pg-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_dir = pattern;
        if (geteuid() == 0) {
            const passwd* user = getpwnam("postgres");
            if (!user)
                throw std::runtime_error("running as root, but there is no 'postgres' system user to run PostgreSQL "
                                         "as (install Debian's postgresql package: scripts/install-deps.sh)");
            m_uid = user->pw_uid;
            m_gid = user->pw_gid;
            if (chown(m_dir.c_str(), m_uid, m_gid) != 0)
                throw std::runtime_error("cannot give " + m_dir.string() + " to the postgres user");
        }
        run_or_throw({ m_bin / "initdb", "-D", data_dir(), "-U", user_name, "--auth=trust", "--encoding=UTF8",
                         "--locale=C", "--no-sync", "--no-instructions" },
            "initdb");
        start();
    }

    ~PostgresServer()
    {
        if (m_running)
            run({ m_bin / "pg_ctl", "-D", data_dir(), "-m", "fast", "-w", "-t", "60", "stop" });
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // Starts the server (again), waiting until it accepts connections.
    void start()
    {
        // Only the Unix socket in our directory: nothing listens on the network, and no other test's
        // server (or the machine's own PostgreSQL) shares the socket name.
        std::string options = "-c listen_addresses='' -c unix_socket_directories='" + m_dir.string()
            + "' -c max_connections=200 -c shared_buffers=16MB";
        run_or_throw({ m_bin / "pg_ctl", "-D", data_dir(), "-l", (m_dir / "server.log").string(), "-o", options, "-w",
                         "-t", "120", "start" },
            "pg_ctl start");
        m_running = true;
    }

    // Stops it like a crash (`pg_ctl stop -m immediate`: no checkpoint, recovery from the WAL at the next
    // start), or cleanly.
    enum class StopMode { Immediate, Fast };
    void stop(StopMode mode = StopMode::Immediate)
    {
        run_or_throw({ m_bin / "pg_ctl", "-D", data_dir(), "-m", mode == StopMode::Immediate ? "immediate" : "fast", "-w",
                         "-t", "60", "stop" },
            "pg_ctl stop");
        m_running = false;
    }

    // A libpq URL for `database` on this server.
    std::string url(const std::string& database = "postgres") const
    {
        return "postgresql:///" + database + "?host=" + m_dir.string() + "&user=" + user_name;
    }

    // Creates a fresh, empty database and returns its URL; each test takes its own.
    std::string create_database()
    {
        static std::atomic<int> counter = 0;
        std::string name = "guichet_test_" + std::to_string(counter++);
        std::unique_ptr<PGconn, decltype(&PQfinish)> admin(PQconnectdb(url().c_str()), &PQfinish);
        if (PQstatus(admin.get()) != CONNECTION_OK)
            throw std::runtime_error(std::string("cannot connect to the test PostgreSQL: ") + PQerrorMessage(admin.get()));
        std::unique_ptr<PGresult, decltype(&PQclear)> done(PQexec(admin.get(), ("CREATE DATABASE " + name).c_str()), &PQclear);
        if (PQresultStatus(done.get()) != PGRES_COMMAND_OK)
            throw std::runtime_error(std::string("CREATE DATABASE failed: ") + PQerrorMessage(admin.get()));
        return url(name);
    }

    const std::filesystem::path& dir() const { return m_dir; }

    static constexpr const char* user_name = "guichet";

private:
    std::string data_dir() const { return (m_dir / "data").string(); }

    static std::filesystem::path find_bin_dir()
    {
        if (const char* forced = std::getenv("GUICHET_PG_BINDIR"))
            return forced;
        std::filesystem::path best;
        std::error_code error;
        for (auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
            auto bin = entry.path() / "bin";
            if (std::filesystem::exists(bin / "initdb") && std::filesystem::exists(bin / "pg_ctl")
                && (best.empty() || std::stoi(entry.path().filename().string()) > std::stoi(best.parent_path().filename().string())))
                best = bin;
        }
        if (best.empty())
            throw std::runtime_error("no PostgreSQL server in /usr/lib/postgresql/*/bin (install Debian's postgresql "
                                     "package: scripts/install-deps.sh)");
        return best;
    }

    // Runs one PostgreSQL command to its end, as the unprivileged user when we are root, with its output
    // in the directory's command.log; returns its exit status.
    int run(const std::vector<std::string>& args)
    {
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        std::string log = (m_dir / "command.log").string();
        // A child of a threaded process may only call async-signal-safe functions: everything is
        // prepared above, and below are only open, dup2, setgroups, setgid, setuid, chdir and execv.
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            int in = open("/dev/null", O_RDONLY);
            if (out < 0 || in < 0)
                _exit(126);
            dup2(in, STDIN_FILENO);
            dup2(out, STDOUT_FILENO);
            dup2(out, STDERR_FILENO);
            if (m_uid != static_cast<uid_t>(-1)) {
                gid_t groups[] = { m_gid };
                if (setgroups(1, groups) != 0 || setgid(m_gid) != 0 || setuid(m_uid) != 0)
                    _exit(126);
            }
            if (chdir(m_dir.c_str()) != 0)
                _exit(126);
            execv(argv[0], argv.data());
            _exit(127);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR)
                return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    void run_or_throw(const std::vector<std::string>& args, const std::string& what)
    {
        if (int code = run(args); code != 0) {
            std::ifstream command(m_dir / "command.log"), server(m_dir / "server.log");
            std::string text((std::istreambuf_iterator<char>(command)), std::istreambuf_iterator<char>());
            std::string server_text((std::istreambuf_iterator<char>(server)), std::istreambuf_iterator<char>());
            throw std::runtime_error(what + " failed (exit " + std::to_string(code) + "):\n" + text + server_text);
        }
    }

    std::filesystem::path m_bin;
    std::filesystem::path m_dir;
    uid_t m_uid = static_cast<uid_t>(-1);
    gid_t m_gid = static_cast<gid_t>(-1);
    bool m_running = false;
};

// One server for a whole test program, started at first use and stopped when the program ends; tests
// that stop or restart PostgreSQL make their own PostgresServer instead.
inline PostgresServer& shared_postgres()
{
    static PostgresServer server;
    return server;
}

}
