// The screen graph of the kiosk, as transition rules.
#include "kiosk/core/router.h"

#include <array>
#include <utility>

namespace guichet {
namespace {

constexpr std::array<std::pair<ScreenId, std::string_view>, 12> names { {
    { ScreenId::Welcome, "welcome" },
    { ScreenId::Catalog, "catalog" },
    { ScreenId::Intro, "intro" },
    { ScreenId::Step, "step" },
    { ScreenId::Review, "review" },
    { ScreenId::Receipt, "receipt" },
    { ScreenId::StaffPin, "staff-pin" },
    { ScreenId::Mediator, "mediator" },
    { ScreenId::ReceiptLookup, "receipt-lookup" },
    { ScreenId::Technician, "technician" },
    { ScreenId::TouchTest, "touch-test" },
    { ScreenId::TestPattern, "test-pattern" },
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

bool is_staff_screen(ScreenId id)
{
    return id >= ScreenId::StaffPin;
}

std::optional<ScreenId> screen_from_name(std::string_view wanted)
{
    for (auto& [screen, name] : names) {
        if (name == wanted)
            return screen;
    }
    return std::nullopt;
}

ScreenId Router::current() const
{
    switch (m_stack.back()) {
    case Place::Welcome:
        return ScreenId::Welcome;
    case Place::Catalog:
        return ScreenId::Catalog;
    case Place::Procedure:
        break;
    }
    switch (m_journey->stage()) {
    case JourneyStage::Intro:
        return ScreenId::Intro;
    case JourneyStage::Step:
        return ScreenId::Step;
    case JourneyStage::Review:
        return ScreenId::Review;
    case JourneyStage::Receipt:
        return ScreenId::Receipt;
    }
    return ScreenId::Welcome;
}

bool Router::apply(Intent& intent)
{
    auto before = current();
    auto before_step = m_journey && m_journey->stage() == JourneyStage::Step ? &m_journey->step() : nullptr;
    std::visit(
        [this](auto& wanted) {
            using T = std::decay_t<decltype(wanted)>;
            auto place = m_stack.back();
            if constexpr (std::is_same_v<T, intent::StartJourney>) {
                if (place == Place::Welcome)
                    m_stack.push_back(Place::Catalog);
            } else if constexpr (std::is_same_v<T, intent::StartProcedure>) {
                if (place != Place::Catalog || !m_catalog)
                    return;
                if (auto procedure = m_catalog->find(wanted.id)) {
                    m_journey = std::make_unique<Journey>(std::move(procedure));
                    m_stack.push_back(Place::Procedure);
                }
            } else if constexpr (std::is_same_v<T, intent::Back>) {
                // A stored submission cannot be gone back into: Finish is the way out of the receipt.
                if (place == Place::Procedure && (m_journey->stage() == JourneyStage::Receipt || m_journey->back()))
                    return;
                if (place == Place::Procedure)
                    m_journey.reset();
                if (m_stack.size() > 1)
                    m_stack.pop_back();
            } else if constexpr (std::is_same_v<T, intent::EndSession>) {
                reset();
            } else if (place == Place::Procedure) {
                if constexpr (std::is_same_v<T, intent::BeginSteps>) {
                    if (m_journey->stage() == JourneyStage::Intro)
                        m_journey->begin();
                } else if constexpr (std::is_same_v<T, intent::Next>) {
                    m_journey->next(std::move(wanted.draft), m_check);
                } else if constexpr (std::is_same_v<T, intent::ChangeAnswer>) {
                    m_journey->change(wanted.step);
                }
            }
        },
        intent);
    // What the citizen typed must not outlive its use in the intent either (a Next the router ignored).
    if (auto* next = std::get_if<intent::Next>(&intent))
        wipe_json(next->draft);
    auto after_step = m_journey && m_journey->stage() == JourneyStage::Step ? &m_journey->step() : nullptr;
    return current() != before || before_step != after_step;
}

void Router::reset()
{
    m_journey.reset();
    m_stack.assign(1, Place::Welcome);
}

}
