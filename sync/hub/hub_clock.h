// The hub's idea of "now" for the back office: the system clock, or, for tests only, the time written in
// a file (`serve --clock-file FILE`, refused unless GUICHET_HUB_TEST_HOOKS=1), read again at each use so
// a test moves time forward by rewriting the file (session idle expiry, sign-in waits, purge).
#pragma once
#include "kiosk/core/result.h"
#include "sync/clock_text.h"

#include <filesystem>
#include <optional>
#include <string>

namespace guichet::sync::hub {

// The environment variable that unlocks test-only hooks (--clock-file, cheap Argon2id costs).
inline constexpr const char* test_hooks_env = "GUICHET_HUB_TEST_HOOKS";
bool test_hooks_enabled(); // GUICHET_HUB_TEST_HOOKS=1

class HubClock {
public:
    HubClock() = default; // the system clock
    // A virtual clock read from `file` (one RFC 3339 time); fails unless test hooks are enabled.
    static Result<HubClock> from_file(std::filesystem::path file);

    // Now, as a time point and in the stored form (RFC 3339 UTC with milliseconds, clock_text.h). A
    // clock file that cannot be read or parsed falls back to the system clock and says so on stderr:
    // a test sees the failure in the log rather than a hub that stopped answering.
    TimePoint now() const;
    std::string now_text() const { return format_rfc3339(now()); }
    bool is_virtual() const { return m_file.has_value(); }

private:
    std::optional<std::filesystem::path> m_file;
};

}
