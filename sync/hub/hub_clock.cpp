// The hub's clock: system time, or a test's clock file (hub_clock.h).
#include "sync/hub/hub_clock.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace guichet::sync::hub {

bool test_hooks_enabled()
{
    const char* value = std::getenv(test_hooks_env);
    return value && std::string_view(value) == "1";
}

Result<HubClock> HubClock::from_file(std::filesystem::path file)
{
    if (!test_hooks_enabled())
        return fail("--clock-file is a test hook: it is refused unless the environment has GUICHET_HUB_TEST_HOOKS=1");
    HubClock clock;
    clock.m_file = std::move(file);
    return clock;
}

TimePoint HubClock::now() const
{
    auto system = [] { return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()); };
    if (!m_file)
        return system();
    std::ifstream in(*m_file);
    std::string text;
    std::getline(in, text);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    auto parsed = parse_rfc3339(text);
    if (!parsed) {
        std::cerr << "guichet-hub: cannot read the clock file '" << m_file->string() << "' (" << parsed.error().message
                  << "); using the system clock\n";
        return system();
    }
    return *parsed;
}

}
