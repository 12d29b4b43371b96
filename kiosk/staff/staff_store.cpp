// Staff PINs, lockout and audit log over one SQLite file (see staff_store.h).
#include "kiosk/staff/staff_store.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace guichet::staff {

namespace {

// Each entry is one migration; never edit a released one, append a new one.
constexpr std::string_view migrations[] = {
    R"(CREATE TABLE pins (
         role TEXT PRIMARY KEY,
         hash TEXT NOT NULL,
         set_at INTEGER NOT NULL);
       CREATE TABLE lockout (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         failures INTEGER NOT NULL,
         retry_at INTEGER NOT NULL);
       INSERT INTO lockout VALUES (1, 0, 0);
       CREATE TABLE audit (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         at INTEGER NOT NULL,
         role TEXT NOT NULL,
         action TEXT NOT NULL,
         detail TEXT NOT NULL);)",
};

constexpr std::array roles { Role::Mediator, Role::Technician };

}

std::string_view role_name(Role role)
{
    return role == Role::Mediator ? "mediator" : "technician";
}

std::optional<Role> parse_role(std::string_view name)
{
    for (auto role : roles)
        if (role_name(role) == name)
            return role;
    return std::nullopt;
}

std::string pin_problem(std::string_view pin)
{
    if (pin.size() < min_pin_digits || pin.size() > max_pin_digits)
        return "a PIN has " + std::to_string(min_pin_digits) + " to " + std::to_string(max_pin_digits)
            + " digits (got " + std::to_string(pin.size()) + " characters)";
    if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "a PIN has digits only";
    if (std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin[0]; }))
        return "a PIN of one repeated digit is too easy to guess";
    return {};
}

HashCost pin_hash_cost()
{
    return { crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE };
}

StaffStore::StaffStore(sync::Database db, LockoutRules rules)
    : m_mutex(std::make_unique<std::mutex>())
    , m_db(std::move(db))
    , m_rules(rules)
{
}

Result<StaffStore> StaffStore::open(const std::filesystem::path& path, LockoutRules rules)
{
    if (sodium_init() < 0)
        return fail("libsodium could not start");
    auto db = sync::Database::open(path);
    if (!db)
        return fail("the staff database '" + path.string() + "': " + db.error().message);
    if (auto migrated = db->migrate(migrations); !migrated)
        return fail("the staff database '" + path.string() + "': " + migrated.error().message);
    return StaffStore(std::move(*db), rules);
}

Result<void> StaffStore::set_pin(Role role, std::string_view pin, int64_t now)
{
    if (auto problem = pin_problem(pin); !problem.empty())
        return fail(problem);
    // Hashing takes a while and needs no lock.
    std::array<char, crypto_pwhash_STRBYTES> hash {};
    auto cost = pin_hash_cost();
    if (crypto_pwhash_str(hash.data(), pin.data(), pin.size(), cost.opslimit, cost.memlimit) != 0)
        return fail("not enough memory to hash the PIN");

    std::lock_guard lock(*m_mutex);
    auto others = m_db.prepare("SELECT hash FROM pins WHERE role != ?");
    if (!others)
        return fail(others.error().message);
    others->bind(1, role_name(role));
    bool clash = false;
    auto visited = others->each_row([&](const sync::Statement& row) {
        clash = crypto_pwhash_str_verify(row.text(0).c_str(), pin.data(), pin.size()) == 0;
        return !clash;
    });
    if (!visited)
        return fail(visited.error().message);
    if (clash)
        return fail("this PIN is already the other role's PIN: choose another one");

    auto tx = sync::Transaction::begin(m_db);
    if (!tx)
        return fail(tx.error().message);
    auto put = m_db.prepare("INSERT INTO pins (role, hash, set_at) VALUES (?, ?, ?) "
                            "ON CONFLICT (role) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at");
    if (!put)
        return fail(put.error().message);
    if (auto ran = put->bind(1, role_name(role)).bind(2, std::string_view(hash.data())).bind(3, now).run(); !ran)
        return fail(ran.error().message);
    if (auto logged = audit_locked(std::nullopt, "pin-set", now, role_name(role)); !logged)
        return logged;
    return tx->commit();
}

Result<bool> StaffStore::has_pin(Role role)
{
    std::lock_guard lock(*m_mutex);
    auto query = m_db.prepare("SELECT 1 FROM pins WHERE role = ?");
    if (!query)
        return fail(query.error().message);
    return query->bind(1, role_name(role)).step();
}

Result<PinCheck> StaffStore::lockout_state(int64_t now)
{
    std::lock_guard lock(*m_mutex);
    return lockout_state_locked(now);
}

Result<PinCheck> StaffStore::lockout_state_locked(int64_t now)
{
    auto query = m_db.prepare("SELECT failures, retry_at FROM lockout WHERE id = 1");
    if (!query)
        return fail(query.error().message);
    auto row = query->step();
    if (!row || !*row)
        return fail(row ? "the staff database has no lockout row" : row.error().message);
    PinCheck state;
    state.failures = static_cast<int>(query->int64(0));
    state.retry_at = query->int64(1) > now ? query->int64(1) : 0;
    state.outcome = state.retry_at == 0 ? PinCheck::Outcome::Refused
        : state.failures >= m_rules.lockout_after ? PinCheck::Outcome::Locked
                                                   : PinCheck::Outcome::Waiting;
    return state;
}

Result<PinCheck> StaffStore::check_pin(std::string_view pin, int64_t now)
{
    std::vector<std::pair<Role, std::string>> hashes;
    {
        std::lock_guard lock(*m_mutex);
        auto state = lockout_state_locked(now);
        if (!state)
            return state;
        if (state->retry_at != 0)
            return state; // Waiting or Locked: the PIN is not even looked at
        auto query = m_db.prepare("SELECT role, hash FROM pins");
        if (!query)
            return fail(query.error().message);
        auto visited = query->each_row([&](const sync::Statement& row) {
            if (auto role = parse_role(row.text(0)))
                hashes.emplace_back(*role, row.text(1));
            return true;
        });
        if (!visited)
            return fail(visited.error().message);
    }
    if (hashes.empty())
        return PinCheck { .outcome = PinCheck::Outcome::NoPins };

    // Every hash is checked, whichever matches, so the time taken does not tell which role exists.
    std::optional<Role> match;
    for (auto& [role, hash] : hashes)
        if (crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0)
            match = role;

    std::lock_guard lock(*m_mutex);
    // Two attempts may have raced through the first check: the second one to get here sees the first's
    // failure and is treated as too early, so racing does not buy extra guesses.
    auto state = lockout_state_locked(now);
    if (!state)
        return state;
    if (state->retry_at != 0)
        return state;
    auto tx = sync::Transaction::begin(m_db);
    if (!tx)
        return fail(tx.error().message);
    PinCheck check;
    if (match) {
        check = { .outcome = PinCheck::Outcome::Accepted, .role = match, .retry_at = 0, .failures = 0 };
        if (auto ran = m_db.exec("UPDATE lockout SET failures = 0, retry_at = 0 WHERE id = 1"); !ran)
            return fail(ran.error().message);
        if (auto logged = audit_locked(match, "pin-accepted", now, {}); !logged)
            return std::unexpected(logged.error());
    } else {
        check.failures = state->failures + 1;
        check.retry_at = now + wait_after_failures(check.failures, m_rules);
        check.outcome = check.failures >= m_rules.lockout_after ? PinCheck::Outcome::Locked : PinCheck::Outcome::Refused;
        auto put = m_db.prepare("UPDATE lockout SET failures = ?, retry_at = ? WHERE id = 1");
        if (!put)
            return fail(put.error().message);
        if (auto ran = put->bind(1, int64_t { check.failures }).bind(2, check.retry_at).run(); !ran)
            return fail(ran.error().message);
        auto action = check.outcome == PinCheck::Outcome::Locked ? "pin-locked" : "pin-refused";
        if (auto logged = audit_locked(std::nullopt, action, now, std::to_string(check.failures) + " in a row"); !logged)
            return std::unexpected(logged.error());
    }
    if (auto committed = tx->commit(); !committed)
        return std::unexpected(committed.error());
    return check;
}

Result<void> StaffStore::audit(std::optional<Role> role, std::string_view action, int64_t now, std::string_view detail)
{
    std::lock_guard lock(*m_mutex);
    return audit_locked(role, action, now, detail);
}

Result<void> StaffStore::audit_locked(std::optional<Role> role, std::string_view action, int64_t now, std::string_view detail)
{
    auto put = m_db.prepare("INSERT INTO audit (at, role, action, detail) VALUES (?, ?, ?, ?)");
    if (!put)
        return fail(put.error().message);
    // Kept as strings: an empty string_view may have no data, which SQLite would store as NULL.
    std::string who(role ? role_name(*role) : std::string_view {}), what(action), more(detail);
    return put->bind(1, now).bind(2, who).bind(3, what).bind(4, more).run();
}

Result<std::vector<AuditEntry>> StaffStore::audit_log(size_t limit)
{
    std::lock_guard lock(*m_mutex);
    auto query = m_db.prepare("SELECT id, at, role, action, detail FROM audit ORDER BY id DESC LIMIT ?");
    if (!query)
        return fail(query.error().message);
    std::vector<AuditEntry> entries;
    query->bind(1, static_cast<int64_t>(limit));
    auto visited = query->each_row([&](const sync::Statement& row) {
        entries.push_back({ row.int64(0), row.int64(1), row.text(2), row.text(3), row.text(4) });
        return true;
    });
    if (!visited)
        return fail(visited.error().message);
    return entries;
}

}
