// guichetctl: what a technician can ask the kiosk from a shell, over SSH. It reads the outbox's
// metadata only (receipts, states, times, errors): the sealed contents cannot be read on the kiosk.
// Exit codes: 0 done, 1 the action failed, 2 bad command line or configuration.
#include "guichet/version.h"
#include "kiosk/core/config.h"
#include "kiosk/core/procedure.h"
#include "kiosk/ctl/diagnose.h"
#include "kiosk/ctl/staff_commands.h"
#include "sync/outbox.h"
#include "sync/pack_client.h"
#include "sync/pack_store.h"
#include "sync/uploader.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace guichet;

namespace {

const char* usage = R"(Usage: guichetctl [--config FILE] COMMAND
  status [--json]        queue counts, oldest waiting submission, last error
  queue [--json]         every submission's receipt, state, attempts, ages and last error (never contents)
  receipt CODE           the state of one receipt (what a mediator may tell a citizen)
  sync-now               send what is due now, and report
  diagnose [--json]      check the path to the hub step by step: DNS, TCP, TLS, health, token
  retry ID|RECEIPT       put a quarantined submission back in the queue
  validate PATH [--languages fr,en,pt,es]
                         check procedure files (a folder or one file): each problem with its file and
                         JSON path; the languages default to the kiosk's (--config) or fr,en,pt,es
  pack status [--json]   the active and previous content packs, the highest version accepted
  pack install DIR       install a signed pack folder (a USB stick: manifest.json and blobs/)
  pack check             ask the hub for a newer pack on the kiosk's channel, and install it
  pack rollback          go back to the previous pack (again: undo the rollback)
  set-pin mediator|technician
                         set a staff PIN (6 to 12 digits), read from standard input; stored as an
                         Argon2id hash in 'storage.staff'
  audit [--json]         the latest 200 staff actions: when, role, action (never citizen data)
  --version
The configuration defaults to /etc/guichet/guichet.toml.
)";

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string age(int64_t seconds)
{
    if (seconds < 120)
        return std::to_string(seconds) + " s";
    if (seconds < 7200)
        return std::to_string(seconds / 60) + " min";
    if (seconds < 2 * 86400)
        return std::to_string(seconds / 3600) + " h";
    return std::to_string(seconds / 86400) + " days";
}

nlohmann::json entry_json(const sync::QueueEntry& entry)
{
    nlohmann::json item { { "id", entry.id }, { "receipt", entry.receipt }, { "procedure", entry.procedure },
        { "version", entry.version }, { "state", sync::state_name(entry.state) }, { "attempts", entry.attempts },
        { "created_at", sync::rfc3339_utc(entry.created_at) }, { "last_error", entry.last_error },
        { "sealed_kept", entry.sealed_kept } };
    if (entry.state == sync::ItemState::Queued)
        item["next_attempt_at"] = sync::rfc3339_utc(entry.next_attempt_at);
    if (entry.sent_at)
        item["sent_at"] = sync::rfc3339_utc(*entry.sent_at);
    return item;
}

int fail_with(int code, const std::string& message)
{
    std::fprintf(stderr, "guichetctl: %s\n", message.c_str());
    return code;
}

// What a command that talks to the hub needs: a configured hub and the kiosk's token.
Result<std::string> hub_token(const Config& config, const std::string& config_path)
{
    if (config.sync.hub_url.empty())
        return fail("no hub is configured ('sync.hub_url' is empty in " + config_path + ")");
    return read_kiosk_token(config.sync);
}

}

// Checks procedure files the way the kiosk reads them, against the languages the kiosk offers.
int validate(const std::string& path, const std::vector<std::string>& languages)
{
    auto catalog = load_catalog(path, { .languages = languages });
    for (auto& problem : catalog.problems)
        std::printf("%s\n", to_string(problem).c_str());
    std::printf("%zu procedure%s valid, %zu problem%s\n", catalog.procedures.size(), catalog.procedures.size() == 1 ? "" : "s",
        catalog.problems.size(), catalog.problems.size() == 1 ? "" : "s");
    return catalog.problems.empty() ? 0 : 1;
}

std::vector<std::string> split_languages(const std::string& list)
{
    std::vector<std::string> languages;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = std::min(list.find(',', start), list.size());
        if (comma > start)
            languages.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return languages;
}

// `pack status|install DIR|check|rollback` over content.packs_dir (docs/content-packs.md). Exit 1 when
// a pack is refused or the hub cannot be asked; the reason is one line on stderr.
int pack_command(const std::vector<std::string>& words, const std::string& config_path, bool json)
{
    const std::string sub = words.size() > 1 ? words[1] : "";
    bool takes_dir = sub == "install";
    if (sub != "status" && sub != "install" && sub != "check" && sub != "rollback")
        return fail_with(2, "'pack' needs status, install DIR, check or rollback\n" + std::string(usage));
    if (words.size() != (takes_dir ? 3u : 2u))
        return fail_with(2, "'pack " + sub + "' takes " + (takes_dir ? "one folder" : "no argument") + "\n" + usage);
    auto config = load_config(config_path);
    if (!config)
        return fail_with(2, config.error().message);
    auto store = sync::pack::PackStore::open({ .dir = config->content.packs_dir,
        .signing_keys = config->content.signing_keys,
        .channel = config->content.channel,
        .languages = config->kiosk.languages,
        .builtin_assets_dir = config->ui.assets_dir });
    if (!store)
        return fail_with(2, store.error().message);
    auto describe = [](const std::optional<sync::pack::PackInfo>& info) -> std::string {
        if (!info)
            return "built-in assets";
        return "version " + std::to_string(info->version) + " (" + info->channel + ", " + std::to_string(info->files)
            + " files, signed by " + info->key_id + (info->created_at.empty() ? "" : ", built " + info->created_at) + ")";
    };
    if (sub == "status") {
        auto status = (*store)->status();
        if (json) {
            auto info_json = [](const std::optional<sync::pack::PackInfo>& info) {
                if (!info)
                    return nlohmann::json(nullptr);
                return nlohmann::json { { "version", info->version }, { "channel", info->channel },
                    { "created_at", info->created_at }, { "key_id", info->key_id }, { "files", info->files },
                    { "bytes", info->bytes } };
            };
            nlohmann::json out { { "active", info_json(status.active) }, { "previous", info_json(status.previous) },
                { "highest_accepted", status.highest_accepted }, { "assets_dir", status.assets_dir.string() },
                { "channel", config->content.channel } };
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("active: %s\nprevious: %s\nhighest accepted: %lld\nassets: %s\nchannel: %s\n",
                describe(status.active).c_str(), describe(status.previous).c_str(),
                static_cast<long long>(status.highest_accepted), status.assets_dir.string().c_str(),
                config->content.channel.c_str());
        }
        return 0;
    }
    if (sub == "install") {
        auto installed = (*store)->install_from_folder(words[2]);
        if (!installed)
            return fail_with(1, "pack refused (" + std::string(sync::pack::refusal_name(installed.error().refusal))
                    + "): " + installed.error().message);
        std::printf("installed %s; %zu file(s) copied, %llu bytes\n", describe(installed->pack).c_str(),
            installed->files_copied, static_cast<unsigned long long>(installed->bytes_copied));
        return 0;
    }
    if (sub == "rollback") {
        auto status = (*store)->rollback();
        if (!status)
            return fail_with(1, status.error().message);
        std::printf("active: %s\nprevious: %s\n", describe(status->active).c_str(), describe(status->previous).c_str());
        return 0;
    }
    // check
    auto token = hub_token(*config, config_path);
    if (!token)
        return fail_with(2, token.error().message);
    sync::pack::PackClient client(**store, { .hub_url = config->sync.hub_url, .token = *token,
                                                .link = { .ca_file = config->sync.ca_file } });
    auto report = client.check_and_update();
    std::printf("outcome: %s\nactive: %s\nrequests: %d, files downloaded: %d, bytes: %llu%s%s\n",
        std::string(sync::pack::outcome_name(report.outcome)).c_str(), describe((*store)->status().active).c_str(),
        report.requests, report.files_downloaded, static_cast<unsigned long long>(report.bytes_transferred),
        report.reason.empty() ? "" : "\nreason: ", report.reason.c_str());
    bool good = report.outcome == sync::pack::UpdateOutcome::UpToDate || report.outcome == sync::pack::UpdateOutcome::Installed
        || report.outcome == sync::pack::UpdateOutcome::NoPack;
    return good ? 0 : 1;
}

int main(int argc, char** argv)
{
    std::string config_path = "/etc/guichet/guichet.toml";
    std::vector<std::string> words;
    bool json = false;
    bool config_given = false;
    std::optional<std::string> languages;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc)
            config_path = argv[++i], config_given = true;
        else if (arg == "--languages" && i + 1 < argc)
            languages = argv[++i];
        else if (arg == "--json")
            json = true;
        else if (arg == "--version")
            return std::printf("guichetctl %s\n", version_string), 0;
        else if (arg == "--help")
            return std::fputs(usage, stdout), 0;
        else if (arg.starts_with("--"))
            return fail_with(2, "unknown option '" + arg + "'\n" + usage);
        else
            words.push_back(arg);
    }
    if (words.empty())
        return fail_with(2, std::string("a command is needed\n") + usage);
    const std::string& command = words[0];
    if (command == "validate") {
        if (words.size() != 2)
            return fail_with(2, std::string("'validate' takes one path\n") + usage);
        if (languages)
            return validate(words[1], split_languages(*languages));
        if (!config_given)
            return validate(words[1], ValidationOptions {}.languages);
        auto config = load_config(config_path);
        if (!config)
            return fail_with(2, config.error().message);
        return validate(words[1], config->kiosk.languages);
    }
    if (command == "diagnose") {
        if (words.size() != 1)
            return fail_with(2, std::string("'diagnose' takes no argument\n") + usage);
        return ctl::diagnose(config_path, json);
    }
    if (command == "pack")
        return pack_command(words, config_path, json);
    if (command == "set-pin") {
        if (words.size() != 2)
            return fail_with(2, std::string("'set-pin' takes a role: mediator or technician\n") + usage);
        return ctl::set_pin(config_path, words[1]);
    }
    if (command == "audit") {
        if (words.size() != 1)
            return fail_with(2, std::string("'audit' takes no argument\n") + usage);
        return ctl::print_audit(config_path, json, 200);
    }
    bool takes_argument = command == "retry" || command == "receipt";
    if (command != "status" && command != "queue" && command != "sync-now" && !takes_argument)
        return fail_with(2, "unknown command '" + command + "'\n" + usage);
    if (words.size() != (takes_argument ? 2u : 1u))
        return fail_with(2, "'" + command + "' takes " + (takes_argument ? "one argument" : "no argument") + "\n" + usage);

    auto config = load_config(config_path);
    if (!config)
        return fail_with(2, config.error().message);
    if (config->sync.submission_public_key.empty())
        return fail_with(2, "this kiosk takes no submissions ('sync.submission_public_key' is empty in " + config_path + ")");
    auto key = sync::parse_public_key(config->sync.submission_public_key);
    if (!key)
        return fail_with(2, "'sync.submission_public_key': " + key.error().message);
    auto outbox = sync::Outbox::open({ config->storage.outbox, config->kiosk.id, *key,
        static_cast<int64_t>(config->sync.retention_days) * 86400 });
    if (!outbox)
        return fail_with(1, outbox.error().message);

    if (command == "status") {
        auto counts = (*outbox)->counts();
        auto entries = (*outbox)->entries(1000);
        if (!counts || !entries)
            return fail_with(1, "cannot read the outbox");
        std::string last_error;
        for (auto& entry : *entries) {
            if (!entry.last_error.empty()) {
                last_error = entry.last_error;
                break;
            }
        }
        std::optional<int64_t> oldest;
        if (counts->oldest_queued_created_at)
            oldest = now() - *counts->oldest_queued_created_at;
        if (json) {
            nlohmann::json out { { "queued", counts->queued }, { "sent", counts->sent },
                { "quarantined", counts->quarantined }, { "last_error", last_error } };
            if (oldest)
                out["oldest_queued_age_s"] = *oldest;
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("queued: %lld%s\nsent: %lld\nquarantined: %lld\nlast error: %s\n",
                static_cast<long long>(counts->queued), oldest ? (" (oldest waiting " + age(*oldest) + ")").c_str() : "",
                static_cast<long long>(counts->sent), static_cast<long long>(counts->quarantined),
                last_error.empty() ? "none" : last_error.c_str());
        }
        return 0;
    }
    if (command == "queue") {
        auto entries = (*outbox)->entries(100000);
        if (!entries)
            return fail_with(1, entries.error().message);
        if (json) {
            auto out = nlohmann::json::array();
            for (auto& entry : *entries)
                out.push_back(entry_json(entry));
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("%-11s  %-11s  %8s  %9s  %-24s  %s\n", "RECEIPT", "STATE", "ATTEMPTS", "AGE", "PROCEDURE", "LAST ERROR");
            for (auto& entry : *entries)
                std::printf("%-11s  %-11s  %8lld  %9s  %-24s  %s\n", entry.receipt.c_str(),
                    std::string(sync::state_name(entry.state)).c_str(), static_cast<long long>(entry.attempts),
                    age(now() - entry.created_at).c_str(), entry.procedure.c_str(), entry.last_error.c_str());
        }
        return 0;
    }
    if (command == "receipt") {
        auto found = (*outbox)->find_by_receipt(words[1]);
        if (!found)
            return fail_with(1, found.error().message);
        if (!*found)
            return fail_with(1, "no submission with the receipt '" + words[1] + "' on this kiosk");
        std::printf("%s\n", entry_json(**found).dump(2).c_str());
        return 0;
    }
    if (command == "retry") {
        auto requeued = (*outbox)->requeue(words[1], now());
        if (!requeued)
            return fail_with(1, requeued.error().message);
        if (!*requeued)
            return fail_with(1, "no quarantined submission '" + words[1] + "' (see 'guichetctl queue')");
        std::printf("'%s' is back in the queue\n", words[1].c_str());
        return 0;
    }
    // sync-now
    auto token = hub_token(*config, config_path);
    if (!token)
        return fail_with(2, token.error().message);
    sync::Uploader uploader(**outbox, { .link = { .hub_url = config->sync.hub_url, .token = *token, .ca_file = config->sync.ca_file },
                                          .batch_max_items = static_cast<size_t>(config->sync.batch_max_items),
                                          .batch_max_bytes = static_cast<size_t>(config->sync.batch_max_kib) * 1024 });
    auto report = uploader.run_once(sync::Uploader::Scope::AllQueued);
    std::printf("sent: %d, quarantined: %d, deferred: %d, requests: %d%s%s\n", report.sent, report.quarantined,
        report.deferred, report.batches, report.error.empty() ? "" : "\nerror: ", report.error.c_str());
    return report.error.empty() && !report.auth_refused ? 0 : 1;
}
