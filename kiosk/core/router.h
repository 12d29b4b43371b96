// Navigation: which screen is shown, and which one an intent leads to. Plain data, tested without a window.
#pragma once
#include "kiosk/core/intents.h"

#include <optional>
#include <string_view>
#include <vector>

namespace guichet {

enum class ScreenId {
    Welcome,
    Catalog,
};

std::string_view screen_name(ScreenId);
std::optional<ScreenId> screen_from_name(std::string_view);

class Router {
public:
    ScreenId current() const { return m_stack.back(); }
    const std::vector<ScreenId>& stack() const { return m_stack; }

    // Applies a navigation intent; returns true when the current screen changed. Intents that are not
    // about navigation leave the router as it is.
    bool apply(const Intent&);
    // Back to the welcome screen with an empty history (the session ended).
    void reset();

private:
    std::vector<ScreenId> m_stack { ScreenId::Welcome };
};

}
