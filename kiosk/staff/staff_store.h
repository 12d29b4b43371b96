// Staff PINs and the audit log. A PIN is kept only as an Argon2id hash (libsodium crypto_pwhash_str);
// wrong PINs in a row earn growing waits and then a lockout that survives a restart; every staff action
// is written to an audit log that holds a role, an action and a time, never anything a citizen typed.
#pragma once
#include "kiosk/core/lockout.h"
#include "kiosk/core/result.h"
#include "sync/sqlite.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::staff {

enum class Role {
    Mediator,
    Technician,
};

std::string_view role_name(Role);
std::optional<Role> parse_role(std::string_view);

// A PIN is 6 to 12 digits: a keypad can type it, and a million guesses is the least it costs.
constexpr size_t min_pin_digits = 6;
constexpr size_t max_pin_digits = 12;
// Empty when `pin` is acceptable, otherwise why not, for a person.
std::string pin_problem(std::string_view pin);

// The waits and the lockout after wrong PINs (kiosk/core/lockout.h, shared with the hub's agents).
using guichet::LockoutRules;
using guichet::wait_after_failures;

struct PinCheck {
    enum class Outcome {
        Accepted, // `role` is the PIN's owner
        Refused,  // a wrong PIN; `retry_at` says when the next try is allowed
        Waiting,  // too soon after a wrong PIN: not checked, not counted
        Locked,   // locked until `retry_at`
        NoPins,   // no PIN was ever set: staff access is closed
    };
    Outcome outcome = Outcome::Refused;
    std::optional<Role> role;
    int64_t retry_at = 0; // unix seconds
    int failures = 0;     // wrong PINs in a row, this one included
};

struct AuditEntry {
    int64_t id = 0;
    int64_t at = 0; // unix seconds
    std::string role; // "mediator", "technician", or "" before a PIN was accepted
    std::string action;
    std::string detail;
};

// The Argon2id cost of a PIN hash: libsodium's "interactive" level, 2 passes over 64 MiB, above
// OWASP's floor (19 MiB, 2 passes).
struct HashCost {
    unsigned long long opslimit;
    size_t memlimit;
};
HashCost pin_hash_cost();

// Safe to share between threads (the PIN check runs on a worker so the screen stays live).
class StaffStore {
public:
    static Result<StaffStore> open(const std::filesystem::path& path, LockoutRules = {});

    // Refuses a malformed PIN and a PIN equal to the other role's: a PIN alone says who is at the kiosk.
    Result<void> set_pin(Role, std::string_view pin, int64_t now);
    Result<bool> has_pin(Role);

    // Checks a typed PIN against every role's hash, honouring the waits and the lockout.
    Result<PinCheck> check_pin(std::string_view pin, int64_t now);
    // When the next attempt is allowed (0: now), and the wrong PINs in a row so far.
    Result<PinCheck> lockout_state(int64_t now);

    // `action` and `detail` come from the program's own vocabulary, never from what a citizen typed.
    Result<void> audit(std::optional<Role>, std::string_view action, int64_t now, std::string_view detail = {});
    // The newest entries first.
    Result<std::vector<AuditEntry>> audit_log(size_t limit);

private:
    StaffStore(sync::Database, LockoutRules);
    Result<void> audit_locked(std::optional<Role>, std::string_view action, int64_t now, std::string_view detail);
    Result<PinCheck> lockout_state_locked(int64_t now);

    std::unique_ptr<std::mutex> m_mutex;
    sync::Database m_db;
    LockoutRules m_rules;
};

}
