// The hub's clock: the system's, or a test's file.
#include "sync/hub/hub_clock.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace guichet::sync::hub {
namespace {

Result<TimePoint> read_time(const std::filesystem::path& file)
{
    std::ifstream in(file);
    if (!in)
        return fail("cannot read the clock file '" + file.string() + "'");
    std::string text;
    std::getline(in, text);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    auto time = parse_rfc3339(text);
    if (!time)
        return fail("the clock file '" + file.string() + "' does not hold an RFC 3339 time: " + time.error().message);
    return *time;
}

}

bool test_hooks_enabled()
{
    auto value = std::getenv(test_hooks_variable);
    return value && std::string_view(value) == "1";
}

Result<HubClock> HubClock::from_file(std::filesystem::path file)
{
    if (!test_hooks_enabled())
        return fail("--clock-file is a test hook: it is accepted only with " + std::string(test_hooks_variable)
            + "=1 in the environment");
    auto time = read_time(file);
    if (!time)
        return fail(time.error().message);
    HubClock clock;
    clock.m_file = std::move(file);
    clock.m_last_ms = std::make_shared<std::atomic<int64_t>>(time->time_since_epoch().count());
    return clock;
}

TimePoint HubClock::now() const
{
    if (m_file) {
        if (auto time = read_time(*m_file)) {
            m_last_ms->store(time->time_since_epoch().count());
            return *time;
        }
        return TimePoint(std::chrono::milliseconds(m_last_ms->load()));
    }
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}
