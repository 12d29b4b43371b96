// The hub's notion of "now": the system clock, or for tests a virtual clock kept in a file
// (`serve --clock-file FILE`, accepted only with GUICHET_HUB_TEST_HOOKS=1), so that a test can move time
// past a rotation's grace, a retention period or a lockout without waiting.
#pragma once
#include "kiosk/core/result.h"
#include "sync/clock_text.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace guichet::sync::hub {

// The environment variable that allows test-only options such as --clock-file.
constexpr const char* test_hooks_variable = "GUICHET_HUB_TEST_HOOKS";
bool test_hooks_enabled();

class HubClock {
public:
    // The system clock.
    HubClock() = default;
    // A virtual clock: the RFC 3339 time in `file`, read again at each use so a test moves time by
    // rewriting it. Refused unless test hooks are enabled, and when the file does not hold a time now.
    static Result<HubClock> from_file(std::filesystem::path file);

    // Now, in the stored form (milliseconds, UTC). A virtual clock whose file cannot be read at the moment
    // (a test rewriting it) gives the last time it read, never the system's: a jump to the real date
    // would purge or expire things the test did not mean to.
    TimePoint now() const;
    std::string now_text() const { return format_rfc3339(now()); }

    bool is_virtual() const { return m_file.has_value(); }

private:
    std::optional<std::filesystem::path> m_file;
    std::shared_ptr<std::atomic<int64_t>> m_last_ms; // shared by copies: the last time read from the file
};

}
