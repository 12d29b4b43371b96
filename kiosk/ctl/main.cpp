// guichetctl: what a technician can ask the kiosk from a shell, over SSH. It reads the outbox's
// metadata only (receipts, states, times, errors): the sealed contents cannot be read on the kiosk.
// Exit codes: 0 done, 1 the action failed, 2 bad command line or configuration.
#include "guichet/version.h"
#include "kiosk/core/command_line.h"
#include "kiosk/core/config.h"
#include "kiosk/core/procedure.h"
#include "kiosk/ctl/diagnose.h"
#include "kiosk/ctl/print_test.h"
#include "kiosk/ctl/scan_test.h"
#include "kiosk/ctl/staff_commands.h"
#include "sync/heartbeat.h"
#include "sync/outbox.h"
#include "sync/pack_client.h"
#include "sync/pack_store.h"
#include "sync/uploader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace guichet;

namespace {

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
    // What the hub said of it (issue 17), and the state a mediator tells the citizen.
    if (entry.hub_state) {
        item["hub_state"] = *entry.hub_state;
        item["hub_message"] = entry.hub_message;
        item["hub_state_at"] = entry.hub_state_at;
        item["hub_rev"] = entry.hub_rev;
    }
    item["receipt_state"] = sync::receipt_state(entry);
    // Its scanned pages (issue 18): how many the hub holds whole.
    item["pages_total"] = entry.pages_total;
    item["pages_sent"] = entry.pages_sent;
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
    // A warning, not a problem: format 1 files written before retention_days still load everywhere.
    for (auto& procedure : catalog.procedures)
        if (!procedure->retention_days)
            std::printf("warning: '%s': $.retention_days is absent: the hub will keep its processed submissions for its "
                        "default (90 days), whatever data_use.retention says\n",
                procedure->id.c_str());
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
int pack_command(const std::string& sub, const std::string& dir, const std::string& config_path, bool json)
{
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
        auto installed = (*store)->install_from_folder(dir);
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

int run(int argc, char** argv)
{
    std::string config_path = "/etc/guichet/guichet.toml";
    bool json = false;
    std::optional<std::string> languages;
    std::string argument; // the one argument of the command given: CODE, ID, PATH, ROLE or DIR

    CLI::App cli("What a technician can ask the kiosk from a shell: its outbox (metadata only, never contents), "
                 "the path to the hub, content packs, staff PINs.",
        "guichetctl");
    apply_command_line_style(cli, std::string("guichetctl ") + version_string);
    cli.fallthrough(); // --config may come after the command too
    auto* config_option = cli.add_option("--config", config_path, "the kiosk's configuration (default: /etc/guichet/guichet.toml)")
                              ->option_text("FILE");
    cli.require_subcommand(1);
    auto with_json = [&](CLI::App* command) {
        command->add_flag("--json", json, "print JSON instead of text");
        return command;
    };
    auto* status = with_json(cli.add_subcommand("status", "queue counts, oldest waiting submission, last error"));
    auto* queue = with_json(
        cli.add_subcommand("queue", "every submission's receipt, state, attempts, ages and last error (never contents)"));
    auto* receipt = with_json(cli.add_subcommand("receipt", "the state of one receipt (what a mediator may tell a citizen)"));
    receipt->add_option("CODE", argument, "the receipt code")->required();
    cli.add_subcommand("sync-now", "send what is due now and one heartbeat (which brings the hub's states), and report");
    auto* diagnose = with_json(
        cli.add_subcommand("diagnose", "check the path to the hub step by step: DNS, TCP, TLS, health, token"));
    auto* retry = cli.add_subcommand("retry", "put a quarantined submission back in the queue");
    retry->add_option("ID", argument, "the submission's id or receipt")->required();
    auto* validate_command = cli.add_subcommand("validate",
        "check procedure files (a folder or one file): each problem with its file and JSON path");
    validate_command->add_option("PATH", argument, "a folder of procedure files, or one file")->required();
    validate_command
        ->add_option("--languages", languages,
            "the languages to check, e.g. fr,en,pt,es (default: the kiosk's with --config, otherwise fr,en,pt,es)")
        ->option_text("LIST");
    auto* pack = cli.add_subcommand("pack", "the content packs: status, install, check, rollback");
    pack->require_subcommand(1);
    with_json(pack->add_subcommand("status", "the active and previous content packs, the highest version accepted"));
    pack->add_subcommand("install", "install a signed pack folder (a USB stick: manifest.json and blobs/)")
        ->add_option("DIR", argument, "the pack folder")
        ->required();
    pack->add_subcommand("check", "ask the hub for a newer pack on the kiosk's channel, and install it");
    pack->add_subcommand("rollback", "go back to the previous pack (again: undo the rollback)");
    auto* set_pin = cli.add_subcommand("set-pin",
        "set a staff PIN (6 to 12 digits), read from standard input; stored as an Argon2id hash in 'storage.staff'");
    set_pin->add_option("ROLE", argument, "mediator or technician")->required();
    std::string scan_out;
    auto* scan_test = with_json(cli.add_subcommand("scan-test",
        "list the scanners SANE sees and take one test page through the configured one (its size and time; the page is "
        "kept only with --out)"));
    scan_test->add_option("--out", scan_out, "write the test page there as JPEG (a technician's test sheet, never a citizen's)");
    auto* print_test = with_json(cli.add_subcommand("print-test",
        "ask the configured receipt printer its state and print a test receipt (no citizen's data), timed"));
    std::string render_in, render_out;
    int render_paper = 80;
    auto* print_render = cli.add_subcommand("print-render", "draw an ESC/POS byte file as the paper would come out, as a PNG");
    print_render->add_option("FILE", render_in, "the ESC/POS bytes (a printer.device file)")->required();
    print_render->add_option("--out", render_out, "the PNG to write")->required();
    print_render->add_option("--paper", render_paper, "the paper's width in mm: 58 or 80")->check(CLI::IsMember({ 58, 80 }));
    auto* audit
        = with_json(cli.add_subcommand("audit", "the latest 200 staff actions: when, role, action (never citizen data)"));
    cli.footer("Exit codes: 0 done, 1 the action failed, 2 bad command line or configuration.");
    if (auto stop = parse_command_line(cli, argc, argv))
        return *stop;

    if (validate_command->parsed()) {
        if (languages)
            return validate(argument, split_languages(*languages));
        if (config_option->count() == 0)
            return validate(argument, ValidationOptions {}.languages);
        auto config = load_config(config_path);
        if (!config)
            return fail_with(2, config.error().message);
        return validate(argument, config->kiosk.languages);
    }
    if (diagnose->parsed())
        return ctl::diagnose(config_path, json);
    if (pack->parsed())
        return pack_command(pack->get_subcommands().front()->get_name(), argument, config_path, json);
    if (set_pin->parsed())
        return ctl::set_pin(config_path, argument);
    if (audit->parsed())
        return ctl::print_audit(config_path, json, 200);
    if (scan_test->parsed())
        return ctl::scan_test(config_path, scan_out, json);
    if (print_test->parsed())
        return ctl::print_test(config_path, json);
    if (print_render->parsed())
        return ctl::print_render(render_in, render_out, render_paper);

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

    if (status->parsed()) {
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
            out["pages_pending"] = counts->pages_pending;
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("queued: %lld%s\nsent: %lld\nquarantined: %lld\nlast error: %s\n",
                static_cast<long long>(counts->queued), oldest ? (" (oldest waiting " + age(*oldest) + ")").c_str() : "",
                static_cast<long long>(counts->sent), static_cast<long long>(counts->quarantined),
                last_error.empty() ? "none" : last_error.c_str());
            if (counts->pages_pending > 0) // scanned pages not yet all at the hub (issue 18)
                std::printf("pages waiting: %lld\n", static_cast<long long>(counts->pages_pending));
        }
        return 0;
    }
    if (queue->parsed()) {
        auto entries = (*outbox)->entries(100000);
        if (!entries)
            return fail_with(1, entries.error().message);
        if (json) {
            auto out = nlohmann::json::array();
            for (auto& entry : *entries)
                out.push_back(entry_json(entry));
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("%-11s  %-11s  %8s  %9s  %-24s  %-20s  %s\n", "RECEIPT", "STATE", "ATTEMPTS", "AGE", "PROCEDURE",
                "PAGES", "LAST ERROR");
            for (auto& entry : *entries) {
                // "2/3 pièces envoyées", padded by hand: printf counts the bytes of 'è', not the columns.
                auto pages = sync::pages_progress_french(entry);
                if (pages.empty())
                    pages = "-";
                auto columns = std::count_if(pages.begin(), pages.end(), [](char c) { return (c & 0xC0) != 0x80; });
                pages.append(static_cast<size_t>(std::max<std::ptrdiff_t>(0, 20 - columns)), ' ');
                std::printf("%-11s  %-11s  %8lld  %9s  %-24s  %s  %s\n", entry.receipt.c_str(),
                    std::string(sync::state_name(entry.state)).c_str(), static_cast<long long>(entry.attempts),
                    age(now() - entry.created_at).c_str(), entry.procedure.c_str(), pages.c_str(), entry.last_error.c_str());
            }
        }
        return 0;
    }
    if (receipt->parsed()) {
        auto found = (*outbox)->find_by_receipt(argument);
        if (!found)
            return fail_with(1, found.error().message);
        if (!*found)
            return fail_with(1, "no submission with the receipt '" + argument + "' on this kiosk");
        auto& entry = **found;
        // The public status page of this receipt, as its QR code links to it, when the hub named one.
        auto status_url = (*outbox)->status_url().value_or("");
        auto link = status_url.empty() ? std::string() : status_url + entry.receipt;
        if (json) {
            auto item = entry_json(entry);
            if (!link.empty())
                item["status_link"] = link;
            std::printf("%s\n", item.dump(2).c_str());
            return 0;
        }
        // The words a mediator reads out, then the administration's message if it left one.
        auto state = sync::receipt_state(entry);
        std::printf("%s : %s\n", entry.receipt.c_str(), std::string(sync::receipt_state_french(state)).c_str());
        if (auto pages = sync::pages_progress_french(entry); !pages.empty())
            std::printf("%s\n", pages.c_str());
        if (!entry.hub_message.empty())
            std::printf("message : %s\n", entry.hub_message.c_str());
        if (!link.empty())
            std::printf("suivi : %s\n", link.c_str());
        return 0;
    }
    if (retry->parsed()) {
        auto requeued = (*outbox)->requeue(argument, now());
        if (!requeued)
            return fail_with(1, requeued.error().message);
        if (!*requeued)
            return fail_with(1, "no quarantined submission '" + argument + "' (see 'guichetctl queue')");
        std::printf("'%s' is back in the queue\n", argument.c_str());
        return 0;
    }
    // sync-now, the last command left
    auto token = hub_token(*config, config_path);
    if (!token)
        return fail_with(2, token.error().message);
    sync::Uploader uploader(**outbox, { .link = { .hub_url = config->sync.hub_url, .token = *token, .ca_file = config->sync.ca_file },
                                          .batch_max_items = static_cast<size_t>(config->sync.batch_max_items),
                                          .batch_max_bytes = static_cast<size_t>(config->sync.batch_max_kib) * 1024,
                                          .chunk_bytes = static_cast<size_t>(config->sync.chunk_kib) * 1024 });
    auto report = uploader.run_once(sync::Uploader::Scope::AllQueued);
    std::printf("sent: %d, quarantined: %d, deferred: %d, requests: %d%s%s\n", report.sent, report.quarantined,
        report.deferred, report.batches, report.error.empty() ? "" : "\nerror: ", report.error.c_str());
    if (report.chunks > 0) // scanned pages (issue 18)
        std::printf("pages complete: %d, page requests: %d\n", report.pages_done, report.chunks);
    // One heartbeat too, so the hub's states (and the acknowledgements of those already applied) travel
    // now rather than at the next periodic heartbeat. Not after a refused token: it would only be refused.
    if (!report.auth_refused) {
        sync::HeartbeatSender heartbeat(**outbox, { .hub_url = config->sync.hub_url, .token = *token, .ca_file = config->sync.ca_file },
            config->sync.heartbeat_interval_s, [] { return now(); }, [&] { return report.error; });
        heartbeat.set_place(config->kiosk.place_name);
        auto beat = heartbeat.send_now();
        std::printf("heartbeat: %s\n", beat.last_error.empty() ? "accepted" : beat.last_error.c_str());
        if (!beat.last_error.empty() && report.error.empty())
            return 1;
    }
    return report.error.empty() && !report.auth_refused ? 0 : 1;
}

// Inputs are bounded before they are parsed, so nothing should throw; should a bug of ours do so, a
// message and an exit code are better than an abort and a core dump over SSH.
int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        return fail_with(70, std::string("internal error: ") + error.what());
    }
}

