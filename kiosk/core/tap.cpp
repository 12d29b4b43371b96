// Resolving taps against the frames the citizen saw (see tap.h).
#include "kiosk/core/tap.h"

namespace guichet {
namespace {

bool contains(const Rect& rect, float x, float y) { return x >= rect.x && x < rect.x + rect.w && y >= rect.y && y < rect.y + rect.h; }

bool reachable(const UiNode& node) { return node.interactive() && node.enabled && !node.inert; }

}

const UiNode* control_at(const UiTree& shown, float x, float y)
{
    auto& nodes = shown.nodes();
    for (auto node = nodes.rbegin(); node != nodes.rend(); ++node) {
        if (reachable(*node) && contains(node->rect, x, y))
            return &*node;
    }
    return nullptr;
}

void TapTracker::press(float x, float y, const UiTree& shown)
{
    m_pressed.reset();
    if (auto* node = control_at(shown, x, y)) {
        m_pressed = node->id;
        m_pressed_rect = node->rect;
    }
}

std::optional<std::string> TapTracker::release(float x, float y, const UiTree& shown)
{
    auto pressed = std::move(m_pressed);
    m_pressed.reset();
    if (!pressed)
        return std::nullopt;
    auto* node = shown.find_by_id(*pressed);
    if (!node || !reachable(*node))
        return std::nullopt; // the screen changed under the finger, or a dialog came over it
    if (contains(m_pressed_rect, x, y) || contains(node->rect, x, y))
        return pressed;
    return std::nullopt;
}

}
