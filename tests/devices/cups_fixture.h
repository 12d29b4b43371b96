// A real CUPS scheduler for the printing tests: Debian's cupsd started by the test in a temporary
// directory (its configuration, spool, state, cache and logs all there), listening on a Unix socket in that
// directory only (no network port, no browsing), stopped and deleted at the end.
//
// Queues: a PDF queue is cups-pdf (printer-driver-cups-pdf), which turns the job back into a PDF. cups-pdf
// reads only /etc/cups/cups-pdf.conf (its path is compiled in, and `cups-pdf:/NAME` reads
// /etc/cups/cups-pdf-NAME.conf), which writes to the job owner's ${HOME}/PDF as "<title>-job_<id>.pdf":
// /root/PDF when the tests run as root. We do not edit /etc; wait_for_pdf() instead finds the file by its
// job id and moves it into the temporary directory. So that two schedulers (ctest -j) never produce the same
// name, each one starts its job ids at a number of its own (NextJobId in job.cache).
//
// A raw queue (ESC/POS) goes to CUPS's socket backend, pointed at a listener of this fixture on 127.0.0.1
// (what a network receipt printer on port 9100 is). CUPS 2.4's `file:` device with a raw queue
// completes the job without writing a byte (cupsd starts no process for it), so it cannot be the sink.
#pragma once
#include <cups/cups.h>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <random>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace guichet::test {

// A TCP listener on 127.0.0.1 that keeps what each connection sent: one connection is one job from CUPS's
// socket backend.
class RawSink {
public:
    RawSink()
    {
        m_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_listener < 0 || bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0
            || listen(m_listener, 16) != 0 || getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("the raw printer's listener cannot start");
        m_port = ntohs(address.sin_port);
        if (pipe2(m_stop, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2 failed");
        m_thread = std::thread([this] { serve(); });
    }
    ~RawSink()
    {
        char byte = 0;
        [[maybe_unused]] auto ignored = write(m_stop[1], &byte, 1);
        m_thread.join();
        close(m_listener);
        close(m_stop[0]);
        close(m_stop[1]);
    }
    RawSink(const RawSink&) = delete;
    RawSink& operator=(const RawSink&) = delete;

    int port() const { return m_port; }

    // Each finished connection's bytes, oldest first.
    std::vector<std::vector<uint8_t>> jobs() const
    {
        std::lock_guard lock(m_mutex);
        return m_jobs;
    }

    // Waits until `count` connections have closed; false after `timeout`.
    bool wait_for_jobs(size_t count, std::chrono::milliseconds timeout) const
    {
        auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            if (jobs().size() >= count)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return jobs().size() >= count;
    }

private:
    void serve()
    {
        for (;;) {
            pollfd fds[] = { { m_listener, POLLIN, 0 }, { m_stop[0], POLLIN, 0 } };
            if (poll(fds, 2, -1) < 0 && errno != EINTR)
                return;
            if (fds[1].revents)
                return;
            if (!(fds[0].revents & POLLIN))
                continue;
            int client = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0)
                continue;
            // One job at a time: CUPS sends a queue's jobs one after the other.
            std::vector<uint8_t> bytes;
            char buffer[65536];
            for (;;) {
                pollfd both[] = { { client, POLLIN, 0 }, { m_stop[0], POLLIN, 0 } };
                if (poll(both, 2, 10000) <= 0 || both[1].revents)
                    break;
                ssize_t got = read(client, buffer, sizeof buffer);
                if (got <= 0)
                    break;
                bytes.insert(bytes.end(), buffer, buffer + got);
            }
            close(client);
            std::lock_guard lock(m_mutex);
            m_jobs.push_back(std::move(bytes));
        }
    }

    int m_listener = -1;
    int m_port = 0;
    int m_stop[2] = { -1, -1 };
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::vector<std::vector<uint8_t>> m_jobs;
};

class CupsServer {
public:
    // Writes the configuration, starts cupsd and waits (at most 10 s) until it answers; throws with its
    // error log when it does not.
    CupsServer()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "guichet-cups-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_dir = pattern;
        m_started = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(2);
        // cupsd runs its filters and backends as `lp`: they must reach the directory, and write the
        // temporary one.
        chmod(m_dir.c_str(), 0755);
        for (auto sub : { "spool", "state", "cache", "log", "pdf" })
            std::filesystem::create_directories(m_dir / sub);
        std::filesystem::create_directories(m_dir / "tmp");
        chmod((m_dir / "tmp").c_str(), 01777);
        std::ofstream(m_dir / "cupsd.conf") << "Listen " << socket_path().string() << "\n"
                                            << "Browsing No\n"
                                               "BrowseLocalProtocols none\n"
                                               "WebInterface No\n"
                                               "LogLevel warn\n"
                                               "MaxJobs 0\n"
                                               "PreserveJobHistory Yes\n"
                                               "<Location />\n  Order allow,deny\n  Allow localhost\n</Location>\n"
                                               "<Location /admin>\n  Order allow,deny\n  Allow localhost\n</Location>\n";
        std::ofstream(m_dir / "cups-files.conf") << "ServerRoot " << m_dir.string() << "\n"
                                                 << "RequestRoot " << (m_dir / "spool").string() << "\n"
                                                 << "StateDir " << (m_dir / "state").string() << "\n"
                                                 << "CacheDir " << (m_dir / "cache").string() << "\n"
                                                 << "TempDir " << (m_dir / "tmp").string() << "\n"
                                                 << "ErrorLog " << (m_dir / "log" / "error_log").string() << "\n"
                                                 << "AccessLog " << (m_dir / "log" / "access_log").string() << "\n"
                                                 << "PageLog " << (m_dir / "log" / "page_log").string() << "\n"
                                                 << "ServerBin /usr/lib/cups\n"
                                                    "DataDir /usr/share/cups\n"
                                                    "FileDevice Yes\n"
                                                    "User lp\n"
                                                    "Group lp\n"
                                                    "SystemGroup root\n";
        // Job ids of our own (see the top of the file): 1,000 to about 1,000,000,000, random.
        std::random_device random;
        m_first_job_id = 1000 + static_cast<int>(random() % 1'000'000'000u);
        std::ofstream(m_dir / "cache" / "job.cache") << "# Job cache file for CUPS\nNextJobId " << m_first_job_id << "\n";
        try {
            start();
        } catch (...) {
            // No destructor runs for a constructor that throws: stop what started and remove the directory.
            stop();
            std::error_code ignored;
            std::filesystem::remove_all(m_dir, ignored);
            throw;
        }
    }

    ~CupsServer()
    {
        stop();
        remove_stray_pdfs();
        // GUICHET_KEEP_CUPS_DIR=1 keeps the directory (logs, collected PDFs) to look at a failure.
        if (std::getenv("GUICHET_KEEP_CUPS_DIR"))
            return;
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    CupsServer(const CupsServer&) = delete;
    CupsServer& operator=(const CupsServer&) = delete;

    const std::filesystem::path& dir() const { return m_dir; }
    std::filesystem::path socket_path() const { return m_dir / "cups.sock"; }
    int first_job_id() const { return m_first_job_id; }

    // Starts cupsd (again) and waits until it answers.
    void start()
    {
        if (m_pid > 0)
            return;
        std::vector<std::string> args { "/usr/sbin/cupsd", "-f", "-c", (m_dir / "cupsd.conf").string(), "-s",
            (m_dir / "cups-files.conf").string() };
        m_pid = spawn(args);
        if (m_pid < 0)
            throw std::runtime_error("cannot start cupsd");
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < end) {
            if (answers())
                return;
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                throw std::runtime_error("cupsd exited at start:\n" + log_text());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        throw std::runtime_error("cupsd did not answer within 10 s:\n" + log_text());
    }

    // SIGTERM, then SIGKILL if it is still there after 5 s.
    void stop()
    {
        if (m_pid <= 0)
            return;
        ::kill(m_pid, SIGCONT);
        ::kill(m_pid, SIGTERM);
        if (!reap(std::chrono::seconds(5))) {
            ::kill(m_pid, SIGKILL);
            reap(std::chrono::seconds(5));
        }
        m_pid = -1;
    }

    // The scheduler dies at once, as in a crash; its socket file stays behind.
    void kill()
    {
        if (m_pid <= 0)
            return;
        ::kill(m_pid, SIGKILL);
        reap(std::chrono::seconds(5));
        m_pid = -1;
    }

    // The scheduler hangs (SIGSTOP): connections are accepted by the kernel but nothing answers.
    void freeze() { ::kill(m_pid, SIGSTOP); }
    void thaw() { ::kill(m_pid, SIGCONT); }

    // A cups-pdf queue, enabled and accepting jobs. cups-filters turns the PDF into PostScript for cups-pdf;
    // its default renderer there (Ghostscript) draws the text as outlines, which pdftotext cannot read
    // back, so the queue uses poppler's pdftops, which keeps the fonts.
    void add_pdf_queue(const std::string& name)
    {
        admin({ "/usr/sbin/lpadmin", "-h", socket_path().string(), "-p", name, "-E", "-v", "cups-pdf:/", "-m",
            "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd", "-o", "pdftops-renderer-default=pdftops" });
    }

    // A raw queue to this fixture's listener; its jobs arrive in raw_sink().
    void add_raw_queue(const std::string& name)
    {
        if (!m_sink)
            m_sink = std::make_unique<RawSink>();
        admin({ "/usr/sbin/lpadmin", "-h", socket_path().string(), "-p", name, "-E", "-v",
            "socket://127.0.0.1:" + std::to_string(m_sink->port()), "-m", "raw" });
    }
    const RawSink& raw_sink() const { return *m_sink; }

    void set_default(const std::string& name) { admin({ "/usr/sbin/lpadmin", "-h", socket_path().string(), "-d", name }); }
    // Stops the queue (cupsdisable): it still accepts jobs and holds them.
    void disable(const std::string& name) { admin({ "/usr/sbin/cupsdisable", "-h", socket_path().string(), name }); }
    void enable(const std::string& name) { admin({ "/usr/sbin/cupsenable", "-h", socket_path().string(), name }); }
    // The queue refuses new jobs (cupsreject) but keeps printing.
    void reject(const std::string& name) { admin({ "/usr/sbin/cupsreject", "-h", socket_path().string(), name }); }

    // An http_t to this scheduler, for the tests' own IPP questions.
    std::unique_ptr<http_t, void (*)(http_t*)> connect() const
    {
        return { httpConnect2(socket_path().c_str(), 0, nullptr, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 3000, nullptr),
            [](http_t* http) {
                if (http)
                    httpClose(http);
            } };
    }

    // The jobs of a queue ("" for every queue): CUPS_WHICHJOBS_ALL, _ACTIVE (pending, held, processing)
    // or _COMPLETED.
    int job_count(const std::string& queue, int which = CUPS_WHICHJOBS_ALL) const
    {
        auto http = connect();
        if (!http)
            return -1;
        cups_job_t* jobs = nullptr;
        int count = cupsGetJobs2(http.get(), &jobs, queue.empty() ? nullptr : queue.c_str(), 0, which);
        cupsFreeJobs(count, jobs);
        return count;
    }

    // The job's state (IPP_JSTATE_PENDING 3 … IPP_JSTATE_COMPLETED 9), 0 when unknown.
    int job_state(int job_id) const
    {
        auto http = connect();
        if (!http)
            return 0;
        ipp_t* request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
        char uri[HTTP_MAX_URI];
        httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", 631, "/jobs/%d", job_id);
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nullptr, uri);
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
        ipp_t* response = cupsDoRequest(http.get(), request, "/");
        int state = 0;
        if (auto* attribute = response ? ippFindAttribute(response, "job-state", IPP_TAG_ENUM) : nullptr)
            state = ippGetInteger(attribute, 0);
        ippDelete(response);
        return state;
    }

    // Waits until the job is completed, aborted or canceled; returns its last state.
    int wait_for_job(int job_id, std::chrono::milliseconds timeout) const
    {
        auto end = std::chrono::steady_clock::now() + timeout;
        int state = job_state(job_id);
        while (state < IPP_JSTATE_CANCELED && std::chrono::steady_clock::now() < end) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            state = job_state(job_id);
        }
        return state;
    }

    // Waits for the job to complete, then moves cups-pdf's output into dir()/pdf/job-<id>.pdf and returns
    // that path; empty after `timeout` or when the job ended otherwise.
    std::filesystem::path wait_for_pdf(int job_id, std::chrono::milliseconds timeout)
    {
        auto end = std::chrono::steady_clock::now() + timeout;
        if (wait_for_job(job_id, timeout) != IPP_JSTATE_COMPLETED)
            return {};
        // cups-pdf has written the file before its backend exits, so the job is complete only after it;
        // a short loop still covers a slow file system.
        std::string suffix = "-job_" + std::to_string(job_id) + ".pdf";
        do {
            for (auto& folder : pdf_output_dirs()) {
                std::error_code error;
                for (auto& entry : std::filesystem::directory_iterator(folder, error)) {
                    std::string file = entry.path().filename().string();
                    if (file.size() > suffix.size() && file.ends_with(suffix)) {
                        auto target = m_dir / "pdf" / ("job-" + std::to_string(job_id) + ".pdf");
                        std::filesystem::copy_file(entry.path(), target, std::filesystem::copy_options::overwrite_existing);
                        std::filesystem::remove(entry.path(), error);
                        return target;
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } while (std::chrono::steady_clock::now() < end);
        return {};
    }

    // The scheduler's error log and the admin commands' output, for a failed test's message.
    std::string log_text() const
    {
        std::string text;
        for (auto name : { "log/error_log", "log/commands.log" }) {
            std::ifstream file(m_dir / name);
            text += std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        }
        return text;
    }

private:
    // Is it answering IPP on its socket?
    bool answers() const
    {
        auto http = connect();
        if (!http)
            return false;
        ipp_t* response = cupsDoRequest(http.get(), ippNewRequest(IPP_OP_CUPS_GET_DEFAULT), "/");
        bool answered = response != nullptr;
        ippDelete(response);
        return answered;
    }

    // Where cups-pdf writes, from /etc/cups/cups-pdf.conf's defaults: the job owner's ${HOME}/PDF, and the
    // anonymous folder for an owner without an account.
    std::vector<std::filesystem::path> pdf_output_dirs() const
    {
        std::vector<std::filesystem::path> dirs;
        if (const passwd* user = getpwnam(cupsUser()))
            dirs.push_back(std::filesystem::path(user->pw_dir) / "PDF");
        dirs.push_back("/var/spool/cups-pdf/ANONYMOUS");
        return dirs;
    }

    // PDFs of this scheduler's jobs that no test collected.
    void remove_stray_pdfs() const
    {
        for (auto& folder : pdf_output_dirs()) {
            std::error_code error;
            for (auto& entry : std::filesystem::directory_iterator(folder, error)) {
                std::string file = entry.path().filename().string();
                auto mark = file.rfind("-job_");
                if (mark == std::string::npos || !file.ends_with(".pdf"))
                    continue;
                long id = std::strtol(file.c_str() + mark + 5, nullptr, 10);
                std::error_code ignored;
                if (id >= m_first_job_id && id < static_cast<long>(m_first_job_id) + 1'000'000
                    && entry.last_write_time(ignored) >= m_started)
                    std::filesystem::remove(entry.path(), ignored);
            }
        }
    }

    // fork and exec with stdin from /dev/null and stdout and stderr to log/commands.log.
    pid_t spawn(const std::vector<std::string>& args) const
    {
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        std::string log = (m_dir / "log" / "commands.log").string();
        // Only async-signal-safe calls in the child of a possibly threaded process.
        pid_t pid = fork();
        if (pid == 0) {
            int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            int in = open("/dev/null", O_RDONLY);
            if (out < 0 || in < 0)
                _exit(126);
            dup2(in, STDIN_FILENO);
            dup2(out, STDOUT_FILENO);
            dup2(out, STDERR_FILENO);
            execv(argv[0], argv.data());
            _exit(127);
        }
        return pid;
    }

    void admin(const std::vector<std::string>& args) const
    {
        pid_t pid = spawn(args);
        int status = 0;
        while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            throw std::runtime_error(args[0] + " " + args.back() + " failed:\n" + log_text());
    }

    bool reap(std::chrono::seconds bound)
    {
        auto end = std::chrono::steady_clock::now() + bound;
        while (std::chrono::steady_clock::now() < end) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    std::filesystem::path m_dir;
    std::filesystem::file_time_type m_started;
    int m_first_job_id = 1;
    pid_t m_pid = -1;
    std::unique_ptr<RawSink> m_sink;
};

}
