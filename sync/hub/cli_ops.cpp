// guichet-hub kiosk list|revoke|rotate, purge, and serve's retention options.
#include "sync/hub/cli_ops.h"

#include "sync/hub/cli.h"
#include "sync/hub/fleet_page.h"
#include "sync/hub/keys.h"
#include "sync/hub/store.h"

#include <charconv>
#include <iostream>

namespace guichet::sync::hub {
namespace {

int failed(std::ostream& err, const std::string& message)
{
    err << "guichet-hub: " << message << "\n";
    return exit_failed;
}

int usage(std::ostream& err, const std::string& message)
{
    err << "guichet-hub: " << message << "\n(run 'guichet-hub --help' for usage)\n";
    return exit_usage;
}

Result<int> keep_days(const std::optional<std::string>& text)
{
    if (!text)
        return PurgePolicy {}.keep_status_days;
    int value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < 1 || value > 3650)
        return fail("--keep-status-days '" + *text + "' must be a whole number of days from 1 to 3650");
    return value;
}

}

// The audit log's line for a command run on the hub's machine (actor "cli"). The change itself is
// done: a failure to log it is said, not turned into a failed command.
void audit_cli(Store& store, std::string_view now, std::string_view action, std::string_view target, std::string detail,
    std::ostream& err)
{
    if (auto done = store.audit({ 0, std::string(now), "cli", std::string(action), std::string(target), std::move(detail) }); !done)
        err << "guichet-hub: warning: the audit log did not record this: " << done.error().message << "\n";
}

int kiosk_command(const std::string& sub, const std::optional<std::string>& name, const std::string& db,
    const std::optional<std::string>& grace, std::ostream& out, std::ostream& err)
{
    int64_t grace_s = 7 * 86400;
    if (grace) {
        if (*grace == "0") {
            grace_s = 0;
        } else {
            auto seconds = parse_duration_s(*grace);
            if (!seconds)
                return usage(err, "--grace " + seconds.error().message + ", or 0");
            grace_s = *seconds;
        }
    }
    if (sub != "list" && (!name || !is_valid_kiosk_name(*name)))
        return usage(err, "the kiosk name '" + name.value_or("") + "' is not valid: use 1 to 64 lower-case letters, digits or '-'");
    auto store = Store::open(db);
    if (!store)
        return failed(err, store.error().message);
    auto now = now_rfc3339();
    if (sub == "list") {
        auto kiosks = (*store)->kiosk_tokens();
        if (!kiosks)
            return failed(err, kiosks.error().message);
        for (auto& kiosk : *kiosks) {
            out << kiosk.name << "\tenrolled " << kiosk.enrolled_at << "\t";
            if (kiosk.revoked_at)
                out << "revoked " << *kiosk.revoked_at;
            else
                out << "active";
            if (kiosk.previous_valid_until && now < *kiosk.previous_valid_until && !kiosk.revoked_at)
                out << "\tprevious token valid until " << *kiosk.previous_valid_until;
            out << "\n";
        }
        return exit_ok;
    }
    if (sub == "revoke") {
        if (auto done = (*store)->revoke_kiosk(*name, now); !done)
            return failed(err, done.error().message);
        audit_cli(**store, now, "kiosk-revoke", *name, "", err);
        err << "guichet-hub: revoked kiosk '" << *name << "': its requests are refused (401, reason 'revoked') until "
            << "'guichet-hub kiosk rotate " << *name << "' gives it a new token\n";
        return exit_ok;
    }
    auto token = (*store)->rotate_token(*name, now, grace_s);
    if (!token)
        return failed(err, token.error().message);
    audit_cli(**store, now, "kiosk-rotate", *name, "grace_s=" + std::to_string(grace_s), err);
    out << *token << "\n";
    out.flush();
    wipe(*token);
    err << "guichet-hub: new token for kiosk '" << *name << "' (shown only once: put it in the kiosk's config); ";
    if (grace_s > 0)
        err << "the old token works for " << grace_s << " s more, unless the kiosk was revoked\n";
    else
        err << "the old token no longer works\n";
    return exit_ok;
}

int purge_command(const std::string& db, const std::optional<std::string>& procedures, const std::optional<std::string>& now,
    const std::optional<std::string>& keep_status_days, std::ostream& err)
{
    auto days = keep_days(keep_status_days);
    if (!days)
        return usage(err, days.error().message);
    std::string at = now_rfc3339();
    if (now) {
        auto parsed = parse_rfc3339(*now);
        if (!parsed)
            return usage(err, "--now '" + *now + "': " + parsed.error().message);
        at = format_rfc3339(*parsed);
    }
    auto policy = purge_policy_from(procedures ? std::optional<std::filesystem::path>(*procedures) : std::nullopt, *days);
    if (!policy)
        return failed(err, policy.error().message);
    auto store = Store::open(db);
    if (!store)
        return failed(err, store.error().message);
    auto count = (*store)->purge(*policy, at);
    if (!count)
        return failed(err, "purge failed: " + count.error().message);
    if (!count->ran_today_already)
        audit_cli(**store, at, "purge", "", purge_detail(*count), err);
    err << describe(*count, at) << "\n";
    return exit_ok;
}

Result<std::shared_ptr<const ProcedureCatalog>> serve_catalog(const std::optional<std::string>& procedures,
    const std::optional<std::filesystem::path>& packs, std::ostream& err)
{
    if (!procedures && !packs)
        return std::shared_ptr<const ProcedureCatalog>();
    ProcedureCatalog catalog;
    if (procedures) {
        auto loaded = ProcedureCatalog::load(*procedures);
        if (!loaded)
            return fail("--procedures: " + loaded.error().message);
        if (!loaded->problems().empty()) {
            std::string message = "--procedures: the procedure files in '" + *procedures + "' have problems:";
            for (auto& problem : loaded->problems())
                message += "\n  " + problem;
            return fail(message);
        }
        catalog = std::move(*loaded);
    }
    if (packs) {
        size_t before = catalog.problems().size();
        if (auto added = catalog.add_pack_depot(*packs); !added)
            err << "guichet-hub: warning: the back office has no labels from the pack depot: " << added.error().message << "\n";
        for (size_t i = before; i < catalog.problems().size(); ++i)
            err << "guichet-hub: warning: pack depot: " << catalog.problems()[i] << "\n";
    }
    return std::shared_ptr<const ProcedureCatalog>(std::make_shared<ProcedureCatalog>(std::move(catalog)));
}

Result<ServeRetention> serve_retention(const std::optional<std::string>& clock_file,
    const ProcedureCatalog* procedures, const std::optional<std::string>& keep_status_days)
{
    ServeRetention retention;
    if (clock_file) {
        auto clock = HubClock::from_file(*clock_file);
        if (!clock)
            return fail("--clock-file: " + clock.error().message);
        retention.clock = *clock;
    }
    auto days = keep_days(keep_status_days);
    if (!days)
        return fail(days.error().message);
    retention.policy = procedures ? purge_policy_from(*procedures, *days) : PurgePolicy { .keep_status_days = *days };
    return retention;
}

}
