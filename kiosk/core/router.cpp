// The screen graph of the kiosk, as transition rules.
#include "kiosk/core/router.h"

#include <array>
#include <utility>

namespace guichet {
namespace {

constexpr std::array<std::pair<ScreenId, std::string_view>, 2> names { {
    { ScreenId::Welcome, "welcome" },
    { ScreenId::Catalog, "catalog" },
} };

}

std::string_view screen_name(ScreenId id)
{
    for (auto& [screen, name] : names) {
        if (screen == id)
            return name;
    }
    return "unknown";
}

std::optional<ScreenId> screen_from_name(std::string_view wanted)
{
    for (auto& [screen, name] : names) {
        if (name == wanted)
            return screen;
    }
    return std::nullopt;
}

bool Router::apply(const Intent& intent)
{
    auto before = current();
    if (std::holds_alternative<intent::StartJourney>(intent)) {
        if (before == ScreenId::Welcome)
            m_stack.push_back(ScreenId::Catalog);
    } else if (std::holds_alternative<intent::Back>(intent)) {
        if (m_stack.size() > 1)
            m_stack.pop_back();
    } else if (std::holds_alternative<intent::EndSession>(intent)) {
        reset();
    }
    return current() != before;
}

void Router::reset() { m_stack.assign(1, ScreenId::Welcome); }

}
