// The hub's PostgreSQL engine: the back office's operations calls (store.h): kiosk tokens that can be
// revoked and rotated, the daily purge of sealed payloads past their retention, the public status.
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

#include "sync/clock_text.h"
#include "sync/hub/operations.h"
#include "sync/hub/store_rules.h"

namespace guichet::sync::hub {
using namespace pg;
namespace {

template<typename T>
std::unexpected<Error> error_of(const Result<T>& result) { return std::unexpected(result.error()); }

}

Result<TokenCheck> PgStore::check_token(std::string_view token, std::string_view now)
{
    // A real token is 43 characters; refusing odd lengths early costs nothing and tells nothing.
    if (token.empty() || token.size() > rules::max_token_length)
        return TokenCheck {};
    auto presented = rules::hash_of(token);
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    auto lease = this->lease();
    if (!lease)
        return error_of(lease);
    // Two lookups, each on its own unique index, rather than one OR that the planner might not split.
    auto current = exec(lease->get(), "SELECT name, token_hash, revoked_at FROM kiosks WHERE token_hash = $1",
        { std::span<const uint8_t>(presented) });
    if (!current)
        return error_of(current);
    auto* row = current->get();
    if (PQntuples(row) == 1 && rules::same_hash(bytes(row, 0, 1), presented))
        return TokenCheck { is_null(row, 0, 2) ? TokenState::Valid : TokenState::Revoked, text(row, 0, 0) };
    auto previous = exec(lease->get(),
        "SELECT name, previous_token_hash, revoked_at, previous_valid_until FROM kiosks WHERE previous_token_hash = $1",
        { std::span<const uint8_t>(presented) });
    if (!previous)
        return error_of(previous);
    row = previous->get();
    if (PQntuples(row) != 1 || !rules::same_hash(bytes(row, 0, 1), presented))
        return TokenCheck {};
    return rules::previous_token_check(text(row, 0, 0), !is_null(row, 0, 2),
        is_null(row, 0, 3) ? std::nullopt : std::optional(text(row, 0, 3)), *at);
}

Result<void> PgStore::revoke_kiosk(std::string_view name, std::string_view now)
{
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    auto lease = this->lease();
    if (!lease)
        return error_of(lease);
    // A second revoke keeps the first time: that is when the token stopped being trusted.
    auto updated = exec(lease->get(), "UPDATE kiosks SET revoked_at = coalesce(revoked_at, $1) WHERE name = $2", { *at, name });
    if (!updated)
        return error_of(updated);
    if (std::string_view(PQcmdTuples(updated->get())) != "1")
        return fail("no kiosk named '" + std::string(name.substr(0, 80)) + "' is enrolled here");
    return {};
}

Result<std::string> PgStore::rotate_token(std::string_view name, std::string_view now, int64_t grace_s)
{
    if (grace_s < 0)
        return fail("the grace period cannot be negative");
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    auto until = ops::shift(now, grace_s);
    if (!until)
        return error_of(until);
    auto token = rules::new_token();
    auto hash = rules::hash_of(std::string_view(token));
    auto lease = this->lease();
    if (!lease)
        return error_of(lease);
    // The current token becomes the previous one, valid until the grace ends; a revoked token gets no
    // grace (it was revoked because it is not trusted), and the rotation lifts the revocation. One
    // statement: the row's lock makes two rotations at once follow each other.
    auto updated = exec(lease->get(),
        "UPDATE kiosks SET previous_token_hash = token_hash, "
        "previous_valid_until = CASE WHEN revoked_at IS NULL THEN $1 ELSE $2 END, "
        "token_hash = $3, revoked_at = NULL WHERE name = $4",
        { *until, *at, std::span<const uint8_t>(hash), name });
    if (!updated)
        return error_of(updated);
    if (std::string_view(PQcmdTuples(updated->get())) != "1")
        return fail("no kiosk named '" + std::string(name.substr(0, 80)) + "' is enrolled here");
    return token;
}

Result<std::vector<KioskTokenInfo>> PgStore::kiosk_tokens()
{
    auto lease = this->lease();
    if (!lease)
        return error_of(lease);
    auto found = exec(lease->get(), "SELECT name, enrolled_at, revoked_at, previous_valid_until FROM kiosks ORDER BY name");
    if (!found)
        return error_of(found);
    std::vector<KioskTokenInfo> kiosks;
    auto* rows = found->get();
    for (int row = 0; row < PQntuples(rows); ++row) {
        KioskTokenInfo info { text(rows, row, 0), text(rows, row, 1), std::nullopt, std::nullopt };
        if (!is_null(rows, row, 2))
            info.revoked_at = text(rows, row, 2);
        if (!is_null(rows, row, 3))
            info.previous_valid_until = text(rows, row, 3);
        kiosks.push_back(std::move(info));
    }
    return kiosks;
}

Result<PurgeCount> PgStore::purge(const PurgePolicy& policy, std::string_view now)
{
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    auto day = at->substr(0, 10);
    auto forget_before = ops::shift(*at, -int64_t(policy.keep_status_days) * ops::seconds_per_day);
    if (!forget_before)
        return error_of(forget_before);
    auto lease = this->lease();
    if (!lease)
        return error_of(lease);
    PGconn* connection = lease->get();
    PurgeCount count;
    // Several hubs on one database: the unique day decides which one purges today, without a lock.
    auto claimed = exec(connection, "INSERT INTO purge_runs (day, at, purged, forgotten) VALUES ($1, $2, 0, 0) "
                                    "ON CONFLICT (day) DO NOTHING",
        { day, *at });
    if (!claimed)
        return error_of(claimed);
    if (std::string_view(PQcmdTuples(claimed->get())) != "1") {
        count.ran_today_already = true;
        return count;
    }

    // Step 1: the sealed bytes of final submissions past their procedure's retention, in short
    // transactions (each statement commits on its own) through the submissions_to_purge index.
    std::vector<std::pair<std::optional<std::string>, int>> bounds;
    for (auto& [procedure, days] : policy.retention_days)
        bounds.emplace_back(procedure, days);
    bounds.emplace_back(std::nullopt, policy.default_retention_days);
    std::string named;
    for (size_t i = 0; i < policy.retention_days.size(); ++i)
        named += (i ? ", $" : "$") + std::to_string(i + 3);
    for (auto& [procedure, days] : bounds) {
        auto cutoff = ops::shift(*at, -int64_t(days) * ops::seconds_per_day);
        if (!cutoff)
            return error_of(cutoff);
        std::vector<Param> params { Param(*at), Param(*cutoff) };
        std::string which;
        if (procedure) {
            which = "procedure = $3";
            params.emplace_back(*procedure);
        } else if (!named.empty()) {
            which = "procedure NOT IN (" + named + ")";
            for (auto& [name, ignored] : policy.retention_days)
                params.emplace_back(name);
        } else {
            which = "true";
        }
        auto sql = "UPDATE submissions SET sealed = ''::bytea, purged_at = $1 WHERE id IN (SELECT id FROM submissions "
                   "WHERE final_at IS NOT NULL AND purged_at IS NULL AND final_at <= $2 AND "
            + which + " LIMIT " + std::to_string(ops::purge_chunk) + " FOR UPDATE SKIP LOCKED)";
        for (;;) {
            auto updated = exec(connection, sql.c_str(), params);
            if (!updated)
                return error_of(updated);
            auto changed = std::stoll(PQcmdTuples(updated->get()));
            count.purged += changed;
            if (changed < ops::purge_chunk)
                break;
        }
    }

    // Step 2: forget submissions purged long enough ago, with their history; one CTE picks the chunk
    // once, so both deletes see the same ids.
    for (;;) {
        auto deleted = exec(connection,
            ("WITH doomed AS (SELECT id FROM submissions WHERE purged_at IS NOT NULL AND purged_at <= $1 LIMIT "
                + std::to_string(ops::purge_chunk)
                + "), history AS (DELETE FROM state_history WHERE id IN (SELECT id FROM doomed)) "
                  "DELETE FROM submissions WHERE id IN (SELECT id FROM doomed)")
                .c_str(),
            { *forget_before });
        if (!deleted)
            return error_of(deleted);
        auto changed = std::stoll(PQcmdTuples(deleted->get()));
        count.forgotten += changed;
        if (changed < ops::purge_chunk)
            break;
    }

    if (auto done = exec(connection, "UPDATE purge_runs SET purged = $1, forgotten = $2 WHERE day = $3",
            { count.purged, count.forgotten, day });
        !done)
        return error_of(done);
    return count;
}

Result<std::optional<CaseState>> PgStore::public_status(std::string_view receipt)
{
    // A malformed code takes the same query as an unknown one (with values no row holds: '!' is not in
    // the receipt alphabet), so the two 404s of /suivi cannot be told apart by their timing.
    auto forms = ops::receipt_forms(receipt).value_or(std::array<std::string, 2> { "!", "!" });
    auto lease = this->lease();
    if (!lease)
        return error_of(lease);
    // Two submissions may share a code (40 random bits): the most recent one answers.
    auto found = exec(lease->get(),
        "SELECT state FROM submissions WHERE receipt IN ($1, $2) ORDER BY received_at DESC, seq DESC LIMIT 1",
        { forms[0], forms[1] });
    if (!found)
        return error_of(found);
    if (PQntuples(found->get()) != 1)
        return std::optional<CaseState>();
    return case_state_from(text(found->get(), 0, 0));
}

}
