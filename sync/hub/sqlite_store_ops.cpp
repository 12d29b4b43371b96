// The hub's SQLite engine: the back office's operations calls (store.h): kiosk tokens that can be
// revoked and rotated, the daily purge of sealed payloads past their retention, the public status.
#include "sync/hub/sqlite_store.h"

#include "sync/clock_text.h"
#include "sync/hub/operations.h"
#include "sync/hub/store_rules.h"

namespace guichet::sync::hub {
namespace {

template<typename T>
std::unexpected<Error> error_of(const Result<T>& result) { return std::unexpected(result.error()); }

}

Result<TokenCheck> SqliteStore::check_token(std::string_view token, std::string_view now)
{
    // A real token is 43 characters; refusing odd lengths early costs nothing and tells nothing.
    if (token.empty() || token.size() > rules::max_token_length)
        return TokenCheck {};
    auto presented = rules::hash_of(token);
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    std::lock_guard lock(m_mutex);
    // Two lookups, each on its own unique index, rather than one OR that the planner might not split.
    auto current = m_db.prepare("SELECT name, token_hash, revoked_at FROM kiosks WHERE token_hash = ?");
    if (!current)
        return error_of(current);
    auto row = current->bind(1, std::span<const uint8_t>(presented)).step();
    if (!row)
        return error_of(row);
    if (*row && rules::same_hash(current->blob(1), presented))
        return TokenCheck { current->is_null(2) ? TokenState::Valid : TokenState::Revoked, current->text(0) };
    auto previous = m_db.prepare(
        "SELECT name, previous_token_hash, revoked_at, previous_valid_until FROM kiosks WHERE previous_token_hash = ?");
    if (!previous)
        return error_of(previous);
    row = previous->bind(1, std::span<const uint8_t>(presented)).step();
    if (!row)
        return error_of(row);
    if (!*row || !rules::same_hash(previous->blob(1), presented))
        return TokenCheck {};
    return rules::previous_token_check(previous->text(0), !previous->is_null(2),
        previous->is_null(3) ? std::nullopt : std::optional(previous->text(3)), *at);
}

Result<void> SqliteStore::revoke_kiosk(std::string_view name, std::string_view now)
{
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    std::lock_guard lock(m_mutex);
    // A second revoke keeps the first time: that is when the token stopped being trusted.
    auto update = m_db.prepare("UPDATE kiosks SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?");
    if (!update)
        return error_of(update);
    if (auto done = update->bind(1, *at).bind(2, name).run(); !done)
        return done;
    if (m_db.changes() != 1)
        return fail("no kiosk named '" + std::string(name.substr(0, 80)) + "' is enrolled here");
    return {};
}

Result<std::string> SqliteStore::rotate_token(std::string_view name, std::string_view now, int64_t grace_s)
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
    std::lock_guard lock(m_mutex);
    // The current token becomes the previous one, valid until the grace ends; a revoked token gets no
    // grace (it was revoked because it is not trusted), and the rotation lifts the revocation.
    auto update = m_db.prepare("UPDATE kiosks SET previous_token_hash = token_hash, "
                               "previous_valid_until = CASE WHEN revoked_at IS NULL THEN ? ELSE ? END, "
                               "token_hash = ?, revoked_at = NULL WHERE name = ?");
    if (!update)
        return error_of(update);
    if (auto done = update->bind(1, *until).bind(2, *at).bind(3, std::span<const uint8_t>(hash)).bind(4, name).run(); !done)
        return error_of(done);
    if (m_db.changes() != 1)
        return fail("no kiosk named '" + std::string(name.substr(0, 80)) + "' is enrolled here");
    return token;
}

Result<std::vector<KioskTokenInfo>> SqliteStore::kiosk_tokens()
{
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare("SELECT name, enrolled_at, revoked_at, previous_valid_until FROM kiosks ORDER BY name");
    if (!query)
        return error_of(query);
    std::vector<KioskTokenInfo> kiosks;
    for (;;) {
        auto row = query->step();
        if (!row)
            return error_of(row);
        if (!*row)
            break;
        KioskTokenInfo info { query->text(0), query->text(1), std::nullopt, std::nullopt };
        if (!query->is_null(2))
            info.revoked_at = query->text(2);
        if (!query->is_null(3))
            info.previous_valid_until = query->text(3);
        kiosks.push_back(std::move(info));
    }
    return kiosks;
}

Result<PurgeCount> SqliteStore::purge(const PurgePolicy& policy, std::string_view now)
{
    auto at = ops::stored_form(now);
    if (!at)
        return error_of(at);
    auto day = at->substr(0, 10);
    auto forget_before = ops::shift(*at, -int64_t(policy.keep_status_days) * ops::seconds_per_day);
    if (!forget_before)
        return error_of(forget_before);
    PurgeCount count;
    // The day is claimed first, in its own transaction: whichever hub inserts the row runs the purge,
    // the others learn it ran. Each chunk below is then a short transaction of its own, so kiosks are
    // not kept waiting behind a large backlog.
    {
        std::lock_guard lock(m_mutex);
        auto claim = m_db.prepare("INSERT INTO purge_runs (day, at, purged, forgotten) VALUES (?, ?, 0, 0) "
                                  "ON CONFLICT (day) DO NOTHING");
        if (!claim)
            return error_of(claim);
        if (auto done = claim->bind(1, day).bind(2, *at).run(); !done)
            return error_of(done);
        if (m_db.changes() == 0) {
            count.ran_today_already = true;
            return count;
        }
    }

    // Step 1: the sealed bytes of final submissions past their procedure's retention. The procedures
    // the policy names each get their own bound; every other procedure gets the default.
    std::vector<std::pair<std::optional<std::string>, int>> bounds;
    for (auto& [procedure, days] : policy.retention_days)
        bounds.emplace_back(procedure, days);
    bounds.emplace_back(std::nullopt, policy.default_retention_days);
    std::string named;
    for (size_t i = 0; i < policy.retention_days.size(); ++i)
        named += i ? ", ?" : "?";
    for (auto& [procedure, days] : bounds) {
        auto cutoff = ops::shift(*at, -int64_t(days) * ops::seconds_per_day);
        if (!cutoff)
            return error_of(cutoff);
        std::string where = "final_at IS NOT NULL AND purged_at IS NULL AND final_at <= ? AND "
            + (procedure ? std::string("procedure = ?") : (named.empty() ? std::string("1") : "procedure NOT IN (" + named + ")"));
        auto sql = "UPDATE submissions SET sealed = x'', purged_at = ? WHERE id IN (SELECT id FROM submissions WHERE " + where
            + " LIMIT " + std::to_string(ops::purge_chunk) + ")";
        for (;;) {
            std::lock_guard lock(m_mutex);
            auto update = m_db.prepare(sql);
            if (!update)
                return error_of(update);
            update->bind(1, *at).bind(2, *cutoff);
            int index = 3;
            if (procedure)
                update->bind(index++, *procedure);
            else
                for (auto& [name, ignored] : policy.retention_days)
                    update->bind(index++, name);
            if (auto done = update->run(); !done)
                return error_of(done);
            auto changed = m_db.changes();
            count.purged += changed;
            if (changed < ops::purge_chunk)
                break;
        }
    }

    // Step 2: forget submissions purged long enough ago (the row, so their status too, and its history).
    for (;;) {
        std::lock_guard lock(m_mutex);
        auto transaction = Transaction::begin(m_db);
        if (!transaction)
            return error_of(transaction);
        auto pick = m_db.prepare("SELECT id FROM submissions WHERE purged_at IS NOT NULL AND purged_at <= ? LIMIT "
            + std::to_string(ops::purge_chunk));
        auto history = m_db.prepare("DELETE FROM state_history WHERE id = ?");
        auto row = m_db.prepare("DELETE FROM submissions WHERE id = ?");
        if (!pick)
            return error_of(pick);
        if (!history)
            return error_of(history);
        if (!row)
            return error_of(row);
        pick->bind(1, *forget_before);
        std::vector<std::string> ids;
        for (;;) {
            auto next = pick->step();
            if (!next)
                return error_of(next);
            if (!*next)
                break;
            ids.push_back(pick->text(0));
        }
        for (auto& id : ids) {
            if (auto done = history->bind(1, id).run(); !done)
                return error_of(done);
            if (auto done = row->bind(1, id).run(); !done)
                return error_of(done);
        }
        if (auto done = transaction->commit(); !done)
            return error_of(done);
        count.forgotten += static_cast<int64_t>(ids.size());
        if (static_cast<int64_t>(ids.size()) < ops::purge_chunk)
            break;
    }

    std::lock_guard lock(m_mutex);
    auto record = m_db.prepare("UPDATE purge_runs SET purged = ?, forgotten = ? WHERE day = ?");
    if (!record)
        return error_of(record);
    if (auto done = record->bind(1, count.purged).bind(2, count.forgotten).bind(3, day).run(); !done)
        return error_of(done);
    return count;
}

Result<std::optional<CaseState>> SqliteStore::public_status(std::string_view receipt)
{
    // A malformed code takes the same query as an unknown one (with values no row holds: '!' is not in
    // the receipt alphabet), so the two 404s of /suivi cannot be told apart by their timing.
    auto forms = ops::receipt_forms(receipt).value_or(std::array<std::string, 2> { "!", "!" });
    std::lock_guard lock(m_mutex);
    // Two submissions may share a code (40 random bits): the most recent one answers.
    auto query = m_db.prepare(
        "SELECT state FROM submissions WHERE receipt IN (?, ?) ORDER BY received_at DESC, seq DESC LIMIT 1");
    if (!query)
        return error_of(query);
    auto row = query->bind(1, forms[0]).bind(2, forms[1]).step();
    if (!row)
        return error_of(row);
    if (!*row)
        return std::optional<CaseState>();
    return case_state_from(query->text(0));
}

}
