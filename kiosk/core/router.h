// Navigation: which screen is shown, and which one an intent leads to. Inside a procedure the journey
// decides (intro, steps, review, receipt). Plain data, tested without a window.
#pragma once
#include "kiosk/core/intents.h"
#include "kiosk/core/journey.h"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace guichet {

enum class ScreenId {
    Welcome,
    Catalog,
    Intro,
    Step,
    Review,
    Receipt,
    // The staff desk (kiosk/app/staff_desk.h), drawn over the citizen's journey without touching it.
    StaffPin,
    Mediator,
    ReceiptLookup,
    Technician,
    TouchTest,
    TestPattern,
};

std::string_view screen_name(ScreenId);
std::optional<ScreenId> screen_from_name(std::string_view);
bool is_staff_screen(ScreenId);

class Router {
public:
    // The procedures a journey can start, and what answers are checked against (today, postcodes).
    void set_catalog(const Catalog* catalog) { m_catalog = catalog; }
    void set_check_context(CheckContext context) { m_check = std::move(context); }
    CheckContext& check_context() { return m_check; }

    ScreenId current() const;
    size_t depth() const { return m_stack.size(); } // welcome, catalog, procedure

    // Applies a navigation intent; returns true when the current screen changed. Intents that are not
    // about navigation (and Submit, which the app carries out) leave the router as it is. A Next's
    // draft is consumed: moved into the journey, or wiped when no journey takes it.
    bool apply(Intent&);
    bool apply(Intent&& intent) { return apply(intent); }
    // Back to the welcome screen with an empty history; the journey and its answers are wiped.
    void reset();

    Journey* journey() { return m_journey.get(); }
    const Journey* journey() const { return m_journey.get(); }

private:
    enum class Place {
        Welcome,
        Catalog,
        Procedure, // the journey says which of its screens
    };
    std::vector<Place> m_stack { Place::Welcome };
    std::unique_ptr<Journey> m_journey;
    const Catalog* m_catalog = nullptr;
    CheckContext m_check;
};

}
