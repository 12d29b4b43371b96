// Argument parsing and the five subcommands of guichet-hub.
#include "sync/hub/cli.h"

#include "sync/clock_text.h"
#include "sync/hub/keys.h"
#include "sync/hub/pack_tools.h"
#include "sync/hub/records.h"
#include "sync/hub/server.h"
#include "sync/hub/store.h"

#include <guichet/version.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <pthread.h>
#include <set>
#include <sys/stat.h>
#include <thread>

namespace guichet::sync::hub {
namespace {

constexpr const char* usage_text = R"(usage: guichet-hub COMMAND [OPTIONS]

  keygen --out DIR                 create the submission key pair: DIR/submission.pub, DIR/submission.key
  enroll NAME --db FILE            enroll kiosk NAME ([a-z0-9-]{1,64}) and print its token, once
  serve --db FILE --listen HOST:PORT [--faults SPEC] [--retry-after SECONDS] [--port-file FILE]
        [--tls-cert FILE --tls-key FILE] [--fleet-page loopback|any|off] [--stale-after DURATION]
                                   serve sync protocol v1 (HOST:0 picks a free port) and the
                                   fleet page at / (loopback clients only by default; kiosks
                                   silent for longer than --stale-after, default 1h, are stale)
  export --db FILE [--since RFC3339]
                                   print stored submissions as JSON lines
  open --key FILE                  read export lines on stdin, open and check each submission
  pack keygen --out FILE           create a pack signing key: FILE (secret, 0600) and FILE.pub
  pack build DIR --key FILE --version N --out PACKDIR [--channel NAME]
                                   sign the assets tree DIR as pack version N (channel: stable)
  pack publish PACKDIR --channel NAME --packs DIR
                                   publish a built pack in the hub's pack depot DIR

serve --packs DIR serves the depot's packs at /v1/packs/{channel}/manifest and /v1/blobs/{hash}.

--faults makes POST /v1/submissions fail on purpose, e.g. 500:0.1,503:0.05,429:0.05 (tests only).
)";

struct Usage {
    std::string message;
};

struct Arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;

    std::optional<std::string> get(const std::string& name) const
    {
        auto found = options.find(name);
        return found == options.end() ? std::nullopt : std::optional(found->second);
    }
};

// Every option takes a value, as `--name value` or `--name=value`.
std::expected<Arguments, Usage> parse_arguments(const std::string& command, const std::vector<std::string>& args,
    const std::set<std::string>& known, size_t positional_count, const std::set<std::string>& required)
{
    Arguments parsed;
    for (size_t i = 1; i < args.size(); ++i) {
        auto& arg = args[i];
        if (arg.starts_with("--")) {
            auto equals = arg.find('=');
            auto name = arg.substr(0, equals);
            if (!known.contains(name))
                return std::unexpected(Usage { "unknown option '" + name + "' for '" + command + "'" });
            std::string value;
            if (equals != std::string::npos) {
                value = arg.substr(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                return std::unexpected(Usage { "option '" + name + "' needs a value" });
            }
            if (value.empty())
                return std::unexpected(Usage { "option '" + name + "' needs a non-empty value" });
            if (!parsed.options.emplace(name, value).second)
                return std::unexpected(Usage { "option '" + name + "' is given twice" });
        } else if (arg.starts_with("-") && arg.size() > 1) {
            return std::unexpected(Usage { "unknown option '" + arg + "' for '" + command + "'" });
        } else {
            parsed.positional.push_back(arg);
        }
    }
    if (parsed.positional.size() > positional_count)
        return std::unexpected(Usage { "unexpected argument '" + parsed.positional[positional_count] + "' for '" + command + "'" });
    if (parsed.positional.size() < positional_count)
        return std::unexpected(Usage { "'" + command + "' needs " + std::to_string(positional_count) + " argument(s)" });
    for (auto& name : required) {
        if (!parsed.options.contains(name))
            return std::unexpected(Usage { "'" + command + "' needs " + name });
    }
    return parsed;
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

int keygen(const Arguments& args, std::ostream& out, std::ostream& err)
{
    std::filesystem::path dir = *args.get("--out");
    if (auto done = write_key_files(dir); !done)
        return failure(err, done.error().message);
    out << (dir / public_key_file).string() << "\n";
    err << "guichet-hub: wrote " << (dir / public_key_file).string() << " (give it to the kiosks) and "
        << (dir / secret_key_file).string() << " (mode 0600; keep it with the administration, never on a kiosk or the hub)\n";
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
    auto token = store->enroll(name);
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
    if (auto text = args.get("--fleet-page")) {
        auto access = parse_fleet_page_access(*text);
        if (!access)
            return usage_error(err, "--fleet-page " + access.error().message);
        options.fleet_page = *access;
    }
    if (auto text = args.get("--stale-after")) {
        auto seconds = parse_duration_s(*text);
        if (!seconds)
            return usage_error(err, "--stale-after " + seconds.error().message);
        options.stale_after_s = *seconds;
    }

    auto store = Store::open(*args.get("--db"));
    if (!store)
        return failure(err, store.error().message);

    // Signals are taken by one thread with sigwait, so stopping is ordinary code, not a handler. The
    // mask is set before the server starts its worker threads, which inherit it.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a kiosk that hangs up mid-answer is an error value, not a crash

    HubServer server(*store, options);
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
    auto ran = server.run();
    finished = true;
    pthread_kill(waiter.native_handle(), SIGTERM); // wakes the waiter if no signal came
    waiter.join();
    if (!ran)
        return failure(err, ran.error().message);
    err << "guichet-hub: stopped" << std::endl;
    return exit_ok;
}

int export_submissions(const Arguments& args, std::ostream& out, std::ostream& err)
{
    std::filesystem::path db = *args.get("--db");
    std::optional<std::string> since;
    if (auto text = args.get("--since")) {
        auto when = parse_rfc3339(*text);
        if (!when)
            return usage_error(err, "--since: " + when.error().message);
        since = format_rfc3339(*when);
    }
    // Exporting must not create an empty database where the operator mistyped a path.
    std::error_code error;
    if (!std::filesystem::exists(db, error))
        return failure(err, "the database '" + db.string() + "' does not exist");
    auto store = Store::open(db);
    if (!store)
        return failure(err, store.error().message);
    size_t count = 0;
    auto done = store->for_each_submission(since, [&](const SubmissionRecord& record) {
        out << to_export_line(record) << '\n';
        ++count;
    });
    out.flush();
    if (!done)
        return failure(err, "export stopped: " + done.error().message);
    if (!out)
        return failure(err, "cannot write the export");
    err << "guichet-hub: exported " << count << " submission(s)\n";
    return exit_ok;
}

int open_submissions(const Arguments& args, std::istream& in, std::ostream& out, std::ostream& err)
{
    std::filesystem::path key_path = *args.get("--key");
    struct stat info {};
    if (::stat(key_path.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
        err << "guichet-hub: warning: '" << key_path.string() << "' can be read by other users; chmod 600 it\n";
    auto keys = KeyPair::load(key_path);
    if (!keys)
        return failure(err, keys.error().message);
    size_t opened = 0;
    size_t failed = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        auto result = open_export_line(*keys, line);
        out << result.json_line << '\n';
        wipe(result.json_line);
        ++(result.ok ? opened : failed);
    }
    out.flush();
    err << "guichet-hub: " << opened << " submission(s) opened, " << failed << " failed the integrity check\n";
    return failed == 0 ? exit_ok : exit_failed;
}

// `pack keygen|build|publish`: the signed content packs (docs/content-packs.md).
int run_pack_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    if (args.size() < 2)
        return usage_error(err, "'pack' needs a subcommand: keygen, build or publish");
    struct PackShape {
        std::set<std::string> known;
        size_t positional;
        std::set<std::string> required;
    };
    static const std::map<std::string, PackShape> shapes {
        { "keygen", { { "--out" }, 0, { "--out" } } },
        { "build", { { "--key", "--version", "--out", "--channel" }, 1, { "--key", "--version", "--out" } } },
        { "publish", { { "--channel", "--packs" }, 1, { "--channel", "--packs" } } },
    };
    auto& sub = args[1];
    auto shape = shapes.find(sub);
    if (shape == shapes.end())
        return usage_error(err, "unknown pack subcommand '" + sub + "'");
    std::vector<std::string> rest(args.begin() + 1, args.end());
    auto parsed = parse_arguments("pack " + sub, rest, shape->second.known, shape->second.positional, shape->second.required);
    if (!parsed)
        return usage_error(err, parsed.error().message);

    if (sub == "keygen") {
        std::filesystem::path file = *parsed->get("--out");
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
        options.source = parsed->positional[0];
        options.out = *parsed->get("--out");
        auto text = *parsed->get("--version");
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.version);
        if (error != std::errc() || end != text.data() + text.size() || options.version < 1)
            return usage_error(err, "--version '" + text + "' must be a whole number above 0");
        if (auto channel = parsed->get("--channel"))
            options.channel = *channel;
        auto key = load_pack_key(*parsed->get("--key"));
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
    PackDepot depot(*parsed->get("--packs"));
    auto manifest = depot.publish(parsed->positional[0], *parsed->get("--channel"));
    if (!manifest)
        return failure(err, manifest.error().message);
    err << "guichet-hub: published pack version " << manifest->version << " on channel '" << manifest->channel << "' ("
        << manifest->files.size() << " file(s))\n";
    return exit_ok;
}

}

int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err)
{
    if (args.empty())
        return usage_error(err, "no command given");
    auto& command = args[0];
    for (auto& arg : args) {
        if (arg == "--help" || arg == "-h") {
            out << usage_text;
            return exit_ok;
        }
    }
    if (command == "--version") {
        out << "guichet-hub " << version_string << "\n";
        return exit_ok;
    }
    if (command == "pack")
        return run_pack_command(args, out, err);

    struct Shape {
        std::set<std::string> known;
        size_t positional;
        std::set<std::string> required;
    };
    static const std::map<std::string, Shape> shapes {
        { "keygen", { { "--out" }, 0, { "--out" } } },
        { "enroll", { { "--db" }, 1, { "--db" } } },
        { "serve",
            { { "--db", "--listen", "--faults", "--retry-after", "--port-file", "--tls-cert", "--tls-key",
                  "--fleet-page", "--stale-after", "--packs" }, 0,
                { "--db", "--listen" } } },
        { "export", { { "--db", "--since" }, 0, { "--db" } } },
        { "open", { { "--key" }, 0, { "--key" } } },
    };
    auto shape = shapes.find(command);
    if (shape == shapes.end())
        return usage_error(err, "unknown command '" + command + "'");
    auto parsed = parse_arguments(command, args, shape->second.known, shape->second.positional, shape->second.required);
    if (!parsed)
        return usage_error(err, parsed.error().message);

    if (command == "keygen")
        return keygen(*parsed, out, err);
    if (command == "enroll")
        return enroll(*parsed, out, err);
    if (command == "serve")
        return serve(*parsed, err);
    if (command == "export")
        return export_submissions(*parsed, out, err);
    return open_submissions(*parsed, in, out, err);
}

}
