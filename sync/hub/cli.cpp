// The command line of guichet-hub (CLI11, declared as a table of commands) and what each command does.
#include "sync/hub/cli.h"

#include "kiosk/core/command_line.h"
#include "kiosk/core/input_limits.h"
#include "sync/clock_text.h"
#include "sync/hub/cli_agents.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/cli_ops.h"
#include "sync/hub/keys.h"
#include "sync/hub/open_pages.h"
#include "sync/hub/pack_tools.h"
#include "sync/hub/records.h"
#include "sync/hub/server.h"
#include "sync/hub/store.h"

#include <guichet/version.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <csignal>
#include <fcntl.h>
#include <malloc.h>
#include <tuple>
#include <fstream>
#include <iostream>
#include <map>
#include <pthread.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace guichet::sync::hub {
namespace {

// The values one command was given: its arguments in order, and each option by name (unset when absent).
// The command functions below read them by name, as the table in run_cli declares them.
struct Arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::optional<std::string>> options;

    std::optional<std::string> get(const std::string& name) const
    {
        auto found = options.find(name);
        return found == options.end() ? std::nullopt : found->second;
    }
};

// One command's shape: what it is for, its arguments, its options (`--name PLACEHOLDER`, "(required)").
struct OptionShape {
    std::string name;
    std::string placeholder;
    std::string description;
    bool required = false;
};
struct CommandShape {
    std::string name;
    std::string description;
    std::vector<std::pair<std::string, std::string>> arguments; // name, description
    std::vector<OptionShape> options;
};

// Adds `shape` to `parent`, its values landing in `values` (which must outlive the parse and stay put).
CLI::App* add_command(CLI::App& parent, const CommandShape& shape, Arguments& values)
{
    auto* command = parent.add_subcommand(shape.name, shape.description);
    values.positional.resize(shape.arguments.size());
    for (size_t i = 0; i < shape.arguments.size(); ++i)
        command->add_option(shape.arguments[i].first, values.positional[i], shape.arguments[i].second)->required();
    for (auto& option : shape.options) {
        command->add_option(option.name, values.options[option.name], option.description)
            ->option_text(option.required ? option.placeholder + " (required)" : option.placeholder)
            ->required(option.required)
            ->check(not_empty());
    }
    return command;
}

int usage_error(std::ostream& err, const std::string& message)
{
    err << "guichet-hub: " << message << "\n(run 'guichet-hub --help' for usage)\n";
    return exit_usage;
}

int failure(std::ostream& err, const std::string& message)
{
    err << "guichet-hub: " << message << "\n";
    return exit_failed;
}

// keygen --passphrase: typed twice on a terminal, else the first line of standard input (scripts).
Result<std::string> read_new_passphrase(std::istream& in)
{
    bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
    auto passphrase = read_secret_line(in, terminal, "Passphrase for the secret key (12 characters or more): ", std::cerr);
    if (auto good = check_passphrase(passphrase); !good) {
        wipe(passphrase);
        return std::unexpected(good.error());
    }
    if (terminal) {
        auto again = read_secret_line(in, true, "The same passphrase again: ", std::cerr);
        bool same = again == passphrase;
        wipe(again);
        if (!same) {
            wipe(passphrase);
            return fail("the two passphrases differ; no key was written");
        }
    }
    return passphrase;
}

int keygen(const Arguments& args, bool with_passphrase, std::istream& in, std::ostream& out, std::ostream& err)
{
    std::filesystem::path dir = *args.get("--out");
    std::optional<std::string> passphrase;
    if (with_passphrase) {
        auto read = read_new_passphrase(in);
        if (!read)
            return failure(err, read.error().message);
        passphrase = std::move(*read);
    }
    auto done = write_key_files(dir, passphrase ? std::optional<std::string_view>(*passphrase) : std::nullopt);
    if (passphrase)
        wipe(*passphrase);
    if (!done)
        return failure(err, done.error().message);
    out << (dir / public_key_file).string() << "\n";
    err << "guichet-hub: wrote " << (dir / public_key_file).string() << " (give it to the kiosks) and "
        << (dir / secret_key_file).string() << " (mode 0600" << (with_passphrase ? ", protected by the passphrase" : "")
        << "; keep it with the administration, never on a kiosk or the hub)\n";
    return exit_ok;
}

int enroll(const Arguments& args, std::ostream& out, std::ostream& err)
{
    auto& name = args.positional[0];
    if (!is_valid_kiosk_name(name))
        return usage_error(err, "the kiosk name '" + name + "' is not valid: use 1 to 64 lower-case letters, digits or '-'");
    auto store = Store::open(*args.get("--db"));
    if (!store)
        return failure(err, store.error().message);
    auto token = (*store)->enroll(name);
    if (!token)
        return failure(err, token.error().message);
    out << *token << "\n";
    out.flush();
    wipe(*token);
    err << "guichet-hub: enrolled kiosk '" << name << "'; the token above is shown only once: put it in the kiosk's config\n";
    return exit_ok;
}

int serve(const Arguments& args, std::ostream& err)
{
    ServerOptions options;
    auto listen = parse_listen_address(*args.get("--listen"));
    if (!listen)
        return usage_error(err, listen.error().message);
    options.listen = *listen;
    if (auto spec = args.get("--faults")) {
        auto faults = FaultPlan::parse(*spec);
        if (!faults)
            return usage_error(err, "--faults: " + faults.error().message);
        options.faults = *faults;
    }
    if (auto text = args.get("--retry-after")) {
        auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), options.retry_after_s);
        if (error != std::errc() || end != text->data() + text->size() || options.retry_after_s < 0
            || options.retry_after_s > 86400)
            return usage_error(err, "--retry-after '" + *text + "' must be a number of seconds from 0 to 86400");
    }
    if (auto cert = args.get("--tls-cert"))
        options.tls_cert = *cert;
    if (auto key = args.get("--tls-key"))
        options.tls_key = *key;
    if (options.tls_cert.has_value() != options.tls_key.has_value())
        return usage_error(err, "TLS needs both --tls-cert and --tls-key");
    if (auto packs = args.get("--packs"))
        options.packs_dir = *packs;
    // Deprecated: kept so that an existing /etc/default/guichet-hub still starts the hub.
    if (args.get("--fleet-page"))
        err << "guichet-hub: --fleet-page is ignored: the fleet page is now /office/flotte, for signed-in supervisors\n";
    if (auto text = args.get("--stale-after")) {
        auto seconds = parse_duration_s(*text);
        if (!seconds)
            return usage_error(err, "--stale-after " + seconds.error().message);
        options.office.stale_after_s = *seconds;
    }

    // Whole numbers for the gate's limits (sync/hub/gate.h); the range is in each option's help.
    for (auto [name, target, low, high] : { std::tuple { "--head-timeout", &options.gate.head_timeout_ms, 1, 600 },
             std::tuple { "--workers", &options.gate.workers, 1, 256 } }) {
        if (auto text = args.get(name)) {
            int value = 0;
            auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
            if (error != std::errc() || end != text->data() + text->size() || value < low || value > high)
                return usage_error(err, std::string(name) + " '" + *text + "' must be a whole number from " + std::to_string(low)
                        + " to " + std::to_string(high));
            *target = value;
        }
    }
    if (args.get("--head-timeout"))
        options.gate.head_timeout_ms *= 1000;
    if (auto text = args.get("--per-address")) {
        size_t value = 0;
        auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (error != std::errc() || end != text->data() + text->size() || value < 1 || value > 10000)
            return usage_error(err, "--per-address '" + *text + "' must be a whole number from 1 to 10000");
        options.gate.per_address = value;
    }
    // The back office (sync/hub/office_routes.h).
    if (auto dir = args.get("--office-assets"))
        options.office.assets_dir = *dir;
    if (auto text = args.get("--session-idle")) {
        auto seconds = parse_duration_s(*text);
        if (!seconds || *seconds < 60 || *seconds > 12 * 3600)
            return usage_error(err, "--session-idle '" + *text + "' must be a duration from 1m to 12h");
        options.office.session_idle_s = *seconds;
    }
    // Behind a TLS proxy the hub speaks plain HTTP, but browsers reach it by https: its cookies are then
    // Secure and __Host- (office_session.h), as under --tls-cert.
    if (auto text = args.get("--public-url")) {
        auto url = parse_public_url(*text);
        if (!url)
            return usage_error(err, url.error().message);
        options.public_url = *url;
        options.office.secure_cookies = url->starts_with("https://");
    }
    if (auto level = args.get("--agent-hash-cost")) {
        if (*level != "test" && *level != "interactive")
            return usage_error(err, "--agent-hash-cost must be 'interactive' or 'test'");
        if (*level == "test" && !test_hooks_enabled())
            return usage_error(err, "--agent-hash-cost test is a test hook: it is refused unless the environment has GUICHET_HUB_TEST_HOOKS=1");
        options.office.hash_cost = *level == "test" ? HashCostLevel::Test : HashCostLevel::Interactive;
    }
    // Buffers of a megabyte or more come from mmap and go back to the system when freed, instead of
    // raising glibc's threshold and staying in an arena after a burst of large bodies.
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);

    // The procedures, read once: their retention for the purge thread, their labels for the back office.
    auto catalog = serve_catalog(args.get("--procedures"), options.packs_dir, err);
    if (!catalog)
        return usage_error(err, catalog.error().message);
    options.office.procedures = *catalog;
    // Retention (the purge thread below) and the test clock: read before anything starts.
    auto retention = serve_retention(args.get("--clock-file"), catalog->get(), args.get("--keep-status-days"));
    if (!retention)
        return usage_error(err, retention.error().message);
    options.clock = retention->clock;
    if (auto text = args.get("--status-limit")) {
        auto limit = parse_status_limit(*text);
        if (!limit)
            return usage_error(err, "--status-limit " + limit.error().message);
        options.status_limit = *limit;
    }
    if (auto text = args.get("--sign-in-limit")) {
        auto limit = parse_status_limit(*text);
        if (!limit)
            return usage_error(err, "--sign-in-limit " + limit.error().message);
        options.office.sign_in_per_address = *limit == StatusLimit::PerAddress;
    }

    auto store = Store::open(*args.get("--db"));
    if (!store)
        return failure(err, store.error().message);
    // Each (id, version) is kept in the store (insert if absent), so a later pack that drops or changes a
    // version leaves the submissions made with it their labels.
    if (*catalog)
        if (auto remembered = (*catalog)->remember_all(**store); !remembered)
            err << "guichet-hub: warning: cannot keep the procedure definitions in the database: " << remembered.error().message << "\n";

    // Signals are taken by one thread with sigwait, so stopping is ordinary code, not a handler. The
    // mask is set before the server starts its worker threads, which inherit it.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a kiosk that hangs up mid-answer is an error value, not a crash

    HubServer server(**store, options);
    auto port = server.bind();
    if (!port)
        return failure(err, port.error().message);
    if (auto path = args.get("--port-file")) {
        // Written then renamed, so a reader never sees half a number.
        std::filesystem::path target(*path);
        auto temporary = target;
        temporary += ".tmp";
        {
            std::ofstream file(temporary, std::ios::trunc);
            file << *port << "\n";
            if (!file.flush())
                return failure(err, "cannot write the port file '" + temporary.string() + "'");
        }
        std::error_code error;
        std::filesystem::rename(temporary, target, error);
        if (error)
            return failure(err, "cannot write the port file '" + target.string() + "': " + error.message());
    }
    err << "guichet-hub " << version_string << ": listening on " << (options.tls_cert ? "https" : "http") << "://"
        << (options.listen.host.find(':') != std::string::npos ? "[" + options.listen.host + "]" : options.listen.host) << ":"
        << *port;
    if (!options.faults.empty())
        err << " (injecting faults: " << *args.get("--faults") << ")";
    err << std::endl;

    std::atomic<bool> finished = false;
    std::thread waiter([&] {
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        if (finished)
            return;
        err << "guichet-hub: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << " received, stopping" << std::endl;
        server.stop();
    });
    // The daily purge runs beside the server and stops with it (sync/hub/retention.h).
    PurgeThread purge_thread(**store, retention->policy, retention->clock, [&err](const std::string& line) { err << line << std::endl; },
        PurgeThread::default_poll(retention->clock));
    auto ran = server.run();
    purge_thread.stop();
    finished = true;
    pthread_kill(waiter.native_handle(), SIGTERM); // wakes the waiter if no signal came
    waiter.join();
    if (!ran)
        return failure(err, ran.error().message);
    err << "guichet-hub: stopped" << std::endl;
    return exit_ok;
}

// The file a repeated export keeps its cursor in: written next to it, synced, then renamed, so it holds
// the old cursor or the new one, never half of one.
Result<void> write_cursor(const std::filesystem::path& file, const std::string& cursor)
{
    auto temporary = file;
    temporary += ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << cursor << "\n";
        if (!out.flush())
            return fail("cannot write the cursor file '" + temporary.string() + "'");
    }
    if (int fd = ::open(temporary.c_str(), O_RDONLY); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    std::error_code error;
    std::filesystem::rename(temporary, file, error);
    if (error)
        return fail("cannot write the cursor file '" + file.string() + "': " + error.message());
    return {};
}

int export_submissions(const Arguments& args, std::ostream& out, std::ostream& err)
{
    std::string db = *args.get("--db");
    std::optional<std::string> since;
    if (auto text = args.get("--since")) {
        auto when = parse_rfc3339(*text);
        if (!when)
            return usage_error(err, "--since: " + when.error().message);
        since = format_rfc3339(*when);
    }
    auto cursor_file = args.get("--cursor");
    if (since && cursor_file)
        return usage_error(err, "--since and --cursor cannot be used together");
    std::optional<std::string> cursor;
    std::error_code error;
    if (cursor_file && std::filesystem::exists(*cursor_file, error)) {
        auto text = read_file_at_most(*cursor_file, 4096, "a cursor file");
        if (!text)
            return failure(err, text.error().kind == ReadProblem::Kind::TooLarge
                    ? "the cursor file '" + *cursor_file + "' " + text.error().reason
                    : "cannot read the cursor file '" + *cursor_file + "': " + text.error().reason);
        cursor = *text;
        while (!cursor->empty() && (cursor->back() == '\n' || cursor->back() == '\r'))
            cursor->pop_back();
    }
    // Exporting must not create an empty database where the operator mistyped a path.
    if (!is_postgresql_url(db) && !std::filesystem::exists(db, error))
        return failure(err, "the database '" + db + "' does not exist");
    auto store = Store::open(db);
    if (!store)
        return failure(err, store.error().message);
    size_t count = 0;
    auto print = [&](const SubmissionRecord& record) {
        out << to_export_line(record) << '\n';
        ++count;
    };
    Result<std::string> next;
    if (cursor_file)
        next = (*store)->for_each_submission_after(cursor, print);
    else if (auto done = (*store)->for_each_submission(since, print); !done)
        next = std::unexpected(done.error());
    out.flush();
    if (!next)
        return failure(err, "export stopped: " + next.error().message);
    if (!out)
        return failure(err, "cannot write the export");
    // The cursor moves only once every line is written.
    if (cursor_file)
        if (auto done = write_cursor(*cursor_file, *next); !done)
            return failure(err, done.error().message);
    err << "guichet-hub: exported " << count << " submission(s)\n";
    return exit_ok;
}

int copy_database(const Arguments& args, std::ostream& err)
{
    std::string from = *args.get("--from"), to = *args.get("--to");
    // Copying must not create an empty database where the operator mistyped the source's path.
    std::error_code error;
    if (!is_postgresql_url(from) && !std::filesystem::exists(from, error))
        return failure(err, "the database '" + from + "' does not exist");
    if (from == to)
        return usage_error(err, "--from and --to name the same database");
    auto source = Store::open(from);
    if (!source)
        return failure(err, "cannot open the source: " + source.error().message);
    auto target = Store::open(to);
    if (!target)
        return failure(err, "cannot open the target: " + target.error().message);
    auto count = copy_store(**source, **target);
    if (!count)
        return failure(err, "copy stopped (what was committed stays; run it again to finish): " + count.error().message);
    err << "guichet-hub: copied " << count->kiosks << " kiosk(s) and " << count->submissions << " submission(s), "
        << count->added << " of them new in the target\n";
    return exit_ok;
}

int open_submissions(const Arguments& args, std::istream& in, std::ostream& out, std::ostream& err)
{
    std::filesystem::path key_path = *args.get("--key");
    struct stat info {};
    if (::stat(key_path.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
        err << "guichet-hub: warning: '" << key_path.string() << "' can be read by other users; chmod 600 it\n";
    // A protected key's passphrase: the first line of a file, never an argument (visible in ps).
    std::optional<std::string> passphrase;
    if (auto passphrase_path = args.get("--passphrase-file")) {
        std::ifstream file(*passphrase_path);
        if (!file)
            return failure(err, "cannot read the passphrase file '" + *passphrase_path + "'");
        passphrase = read_secret_line(file, false, "", std::cerr);
    }
    auto keys = KeyPair::load(key_path, passphrase ? std::optional<std::string_view>(*passphrase) : std::nullopt);
    if (passphrase)
        wipe(*passphrase);
    if (!keys)
        return failure(err, keys.error().message);
    // Issue 18: --out DIR writes each submission and its pages (read from the hub's --db) as files.
    auto out_dir = args.get("--out");
    std::unique_ptr<Store> store;
    if (out_dir) {
        auto db = args.get("--db");
        if (!db)
            return failure(err, "--out needs --db: the hub's database, where the sealed pages are");
        std::error_code made;
        std::filesystem::create_directories(*out_dir, made);
        if (made)
            return failure(err, "cannot create '" + *out_dir + "': " + made.message());
        auto opened_store = Store::open(*db);
        if (!opened_store)
            return failure(err, opened_store.error().message);
        store = std::move(*opened_store);
    }
    size_t opened = 0;
    size_t failed = 0;
    size_t pages_refused = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        auto result = open_export_line(*keys, line);
        if (store && result.ok) {
            auto written = write_opened_submission(*store, *keys, result.json_line, *out_dir);
            if (!written) {
                wipe(result.json_line);
                return failure(err, written.error().message);
            }
            for (auto& file : written->files)
                out << file.string() << '\n';
            for (auto& missing : written->missing)
                err << "guichet-hub: " << written->files.front().stem().string() << ": " << missing << '\n';
            for (auto& refused : written->refused)
                err << "guichet-hub: " << written->files.front().stem().string() << ": refused: " << refused << '\n';
            pages_refused += written->refused.size();
        } else if (store) {
            err << "guichet-hub: not written: " << result.json_line << '\n';
        } else {
            out << result.json_line << '\n';
        }
        wipe(result.json_line);
        ++(result.ok ? opened : failed);
    }
    out.flush();
    err << "guichet-hub: " << opened << " submission(s) opened, " << failed << " failed the integrity check";
    if (store)
        err << ", " << pages_refused << " page(s) refused";
    err << "\n";
    return failed == 0 && pages_refused == 0 ? exit_ok : exit_failed;
}

// `pack keygen|build|publish`: the signed content packs (docs/content-packs.md).
int run_pack_command(const std::string& sub, const Arguments& given, std::ostream& out, std::ostream& err)
{
    if (sub == "keygen") {
        std::filesystem::path file = *given.get("--out");
        auto id = write_pack_key(file);
        if (!id)
            return failure(err, id.error().message);
        out << file.string() << ".pub\n";
        err << "guichet-hub: wrote the pack signing key " << *id << ": " << file.string()
            << " (mode 0600; keep it offline with whoever approves content) and " << file.string()
            << ".pub (its line goes into the kiosks' content.signing_keys)\n";
        return exit_ok;
    }
    if (sub == "build") {
        BuildOptions options;
        options.source = given.positional[0];
        options.out = *given.get("--out");
        auto text = *given.get("--version");
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.version);
        if (error != std::errc() || end != text.data() + text.size() || options.version < 1)
            return usage_error(err, "--version '" + text + "' must be a whole number above 0");
        if (auto channel = given.get("--channel"))
            options.channel = *channel;
        auto key = load_pack_key(*given.get("--key"));
        if (!key)
            return failure(err, key.error().message);
        auto manifest = build_pack(options, *key);
        sodium_memzero(key->data(), key->size());
        if (!manifest)
            return failure(err, manifest.error().message);
        out << (options.out / pack::manifest_file_name).string() << "\n";
        err << "guichet-hub: built pack version " << manifest->version << " for channel '" << manifest->channel << "': "
            << manifest->files.size() << " file(s), " << manifest->total_bytes() << " bytes\n";
        return exit_ok;
    }
    PackDepot depot(*given.get("--packs"));
    auto manifest = depot.publish(given.positional[0], *given.get("--channel"));
    if (!manifest)
        return failure(err, manifest.error().message);
    err << "guichet-hub: published pack version " << manifest->version << " on channel '" << manifest->channel << "' ("
        << manifest->files.size() << " file(s))\n";
    return exit_ok;
}

}

int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err)
{
    CLI::App cli("The reference server of sync protocol v1, and the administration's tools around it: keys, "
                 "kiosk tokens, export and opening of submissions, signed content packs.",
        "guichet-hub");
    apply_command_line_style(cli, std::string("guichet-hub ") + version_string);
    cli.require_subcommand(1);
    cli.footer("Exit codes: 0 done, 1 failed (for open: a submission failed its integrity check), 2 bad command line.");

    const OptionShape db { "--db", "FILE|URL", "the hub's database: a SQLite file, or a postgresql:// URL", true };
    const std::vector<CommandShape> commands {
        { "keygen", "create the submission key pair: DIR/submission.pub, DIR/submission.key", {},
            { { "--out", "DIR", "the folder for the key pair", true } } },
        { "enroll", "enroll a kiosk and print its token, once", { { "NAME", "the kiosk's name: [a-z0-9-]{1,64}" } }, { db } },
        { "serve", "serve sync protocol v1 and the back office at /office/", {},
            { db, { "--listen", "HOST:PORT", "where kiosks connect (HOST:0 picks a free port)", true },
                { "--faults", "SPEC", "make POST /v1/submissions fail on purpose, e.g. 500:0.1,503:0.05,429:0.05 (tests only)" },
                { "--retry-after", "SECONDS", "the Retry-After of 429 and 503 answers (injected, or the database unavailable), 0 to 86400 (default 1)" },
                { "--port-file", "FILE", "write the listening port there once ready" },
                { "--tls-cert", "FILE", "serve HTTPS with this certificate (needs --tls-key)" },
                { "--tls-key", "FILE", "the certificate's private key (needs --tls-cert)" },
                { "--fleet-page", "loopback|any|off", "ignored (the fleet page is /office/flotte, for signed-in supervisors)" },
                { "--stale-after", "DURATION", "the fleet page (/office/flotte) marks kiosks silent for longer as stale (default 1h)" },
                { "--packs", "DIR", "serve the depot's packs at /v1/packs/{channel}/manifest and /v1/blobs/{hash}" },
                { "--head-timeout", "SECONDS", "a request's head must arrive within this, 1 to 600 (default 10)" },
                { "--per-address", "N", "open connections from one client address, 1 to 10000 (default 16)" },
                { "--workers", "N", "threads that answer requests, 1 to 256 (default 8)" },
                { "--office-assets", "DIR", "the back office's static files (default: the build's office-assets, or /usr/share/guichet-hub/office)" },
                { "--session-idle", "DURATION", "agents are signed out after this long without a request, 1m to 12h (default 30m)" },
                { "--public-url", "URL", "where citizens and agents reach the hub (e.g. https://guichet.mairie.fr behind a TLS proxy): receipt QR codes link to URL/suivi/CODE, and https makes the session cookies Secure" },
                { "--clock-file", "FILE", "read the time from FILE at each use (tests only: needs GUICHET_HUB_TEST_HOOKS=1)" },
                { "--agent-hash-cost", "interactive|test", "the Argon2id cost of the dummy hash for unknown names (test: needs GUICHET_HUB_TEST_HOOKS=1)" },
                { "--procedures", "DIR", "the procedure files: their retention_days for the daily purge (default: 90 days for all), their labels for the back office" },
                { "--keep-status-days", "N", "forget a submission (its state at /suivi) this long after its purge, 1 to 3650 (default 365)" },
                { "--status-limit", "per-address|off", "the rate limit of /suivi/CODE: per client address (default), or off behind a proxy that limits it" },
                { "--sign-in-limit", "per-address|off", "sign-in attempts: at most 10 a minute (20 at once) per client address (default), or off behind a proxy that limits them" } } },
        { "purge", "delete the sealed answers of processed submissions past their retention, and forget old ones (serve does it daily)", {},
            { db, { "--procedures", "DIR", "the procedure files whose retention_days apply (default: 90 days for all)" },
                { "--keep-status-days", "N", "forget a submission this long after its purge, 1 to 3650 (default 365)" },
                { "--now", "RFC3339", "purge as if it were this time" } } },
        { "export", "print stored submissions as JSON lines", {},
            { db, { "--since", "RFC3339", "only submissions received from then on (by each hub's clock)" },
                { "--cursor", "FILE", "only submissions committed since the export that wrote FILE, then move FILE on: "
                                      "for a consumer that exports again and again, with one hub or several" } } },
        { "copy", "copy a hub's kiosks (token hashes) and submissions into another database, e.g. SQLite to PostgreSQL", {},
            { { "--from", "FILE|URL", "the hub's database now (only read)", true },
                { "--to", "FILE|URL", "the new database (created or brought up to date; run again to resume)", true } } },
        { "open", "read export lines on stdin, open and check each submission", {},
            { { "--key", "FILE", "the submission secret key (keygen's submission.key)", true },
                { "--passphrase-file", "FILE", "the first line of FILE is the passphrase of a protected key (keygen --passphrase)" },
                { "--out", "DIR", "write each submission as DIR/<receipt or id>.json and its pages as DIR/<…>-page-<n>.jpg (needs --db)" },
                { "--db", "FILE|URL", "the hub's database, where --out reads the sealed pages" } } },
    };
    const std::vector<CommandShape> pack_commands {
        { "keygen", "create a pack signing key: FILE (secret, 0600) and FILE.pub", {},
            { { "--out", "FILE", "the secret key's file", true } } },
        { "build", "sign the assets tree DIR as pack version N", { { "DIR", "the assets tree" } },
            { { "--key", "FILE", "the pack signing key", true }, { "--version", "N", "the pack's version, above 0", true },
                { "--out", "PACKDIR", "where the pack goes", true },
                { "--channel", "NAME", "the channel (default: stable)" } } },
        { "publish", "publish a built pack in the hub's pack depot", { { "PACKDIR", "the built pack" } },
            { { "--channel", "NAME", "the channel to publish on", true },
                { "--packs", "DIR", "the hub's pack depot (serve --packs)", true } } },
    };
    const std::vector<CommandShape> kiosk_commands {
        { "list", "list the enrolled kiosks and the state of their tokens", {}, { db } },
        { "revoke", "refuse a kiosk's token from now on (undone only by rotate)", { { "NAME", "the kiosk's name" } }, { db } },
        { "rotate", "give a kiosk a new token, printed once; the old one works for the grace period",
            { { "NAME", "the kiosk's name" } },
            { db, { "--grace", "DURATION", "how long the old token keeps working, e.g. 12h or 7d, or 0 (default 7d)" } } },
    };
    std::map<std::string, Arguments> values; // by command: "serve", "pack build", ...
    bool keygen_passphrase = false;
    for (auto& shape : commands) {
        auto* added = add_command(cli, shape, values[shape.name]);
        if (shape.name == "keygen")
            added->add_flag("--passphrase", keygen_passphrase,
                "protect submission.key with a passphrase (asked twice on a terminal, else the first line of stdin; "
                "12 characters or more)");
    }
    auto* pack = cli.add_subcommand("pack", "the signed content packs: keygen, build, publish (docs/content-packs.md)");
    pack->require_subcommand(1);
    for (auto& shape : pack_commands)
        add_command(*pack, shape, values["pack " + shape.name]);

    // The back office's agents (cli_agents.h).
    auto* agent = cli.add_subcommand("agent", "the back office's agents: add, list, disable, reset");
    AgentCommandValues agent_values;
    add_agent_commands(*agent, agent_values);
    auto* kiosk = cli.add_subcommand("kiosk", "the kiosks' tokens: list, revoke, rotate");
    kiosk->require_subcommand(1);
    for (auto& shape : kiosk_commands)
        add_command(*kiosk, shape, values["kiosk " + shape.name]);

    if (auto stop = parse_command_line(cli, args, out, err))
        return *stop;

    auto command = cli.get_subcommands().front()->get_name();
    if (command == "pack") {
        auto sub = pack->get_subcommands().front()->get_name();
        return run_pack_command(sub, values["pack " + sub], out, err);
    }
    if (command == "agent")
        return run_agent_command(*agent, agent_values, in, out, err);
    if (command == "kiosk") {
        auto sub = kiosk->get_subcommands().front()->get_name();
        auto& kiosk_given = values["kiosk " + sub];
        return kiosk_command(sub, kiosk_given.positional.empty() ? std::nullopt : std::optional(kiosk_given.positional[0]),
            *kiosk_given.get("--db"), kiosk_given.get("--grace"), out, err);
    }
    auto& given = values[command];
    if (command == "keygen")
        return keygen(given, keygen_passphrase, in, out, err);
    if (command == "enroll")
        return enroll(given, out, err);
    if (command == "serve")
        return serve(given, err);
    if (command == "export")
        return export_submissions(given, out, err);
    if (command == "copy")
        return copy_database(given, err);
    if (command == "purge")
        return purge_command(*given.get("--db"), given.get("--procedures"), given.get("--now"), given.get("--keep-status-days"), err);
    return open_submissions(given, in, out, err);
}

}
