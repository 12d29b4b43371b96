// Moving and keeping the focus over the frame's semantic tree.
#include "kiosk/core/focus.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace guichet {

namespace {

bool reachable(const UiNode& node) { return node.interactive() && node.enabled && !node.inert; }

std::vector<const UiNode*> candidates(const UiTree& tree)
{
    std::vector<const UiNode*> found;
    for (auto& node : tree.nodes()) {
        if (reachable(node))
            found.push_back(&node);
    }
    return found;
}

bool dialog_open(const UiTree& tree)
{
    return std::ranges::any_of(tree.nodes(), [](auto& node) { return node.role == Role::Dialog && !node.inert; });
}

// How far `to` lies from `from` in `direction`, or nothing when it does not lie wholly beyond `from`'s edge.
// Straying sideways costs twice as much as going forward, so the arrow keeps to its row or column.
std::optional<float> spatial_score(const Rect& from, const Rect& to, FocusMove direction)
{
    // Layout rounding can make neighbours overlap by a fraction of a pixel.
    constexpr float slack = 0.5f;
    float forward = 0, sideways = 0;
    switch (direction) {
    case FocusMove::Up:
        if (to.y + to.h > from.y + slack)
            return std::nullopt;
        forward = from.center_y() - to.center_y();
        sideways = to.center_x() - from.center_x();
        break;
    case FocusMove::Down:
        if (to.y < from.y + from.h - slack)
            return std::nullopt;
        forward = to.center_y() - from.center_y();
        sideways = to.center_x() - from.center_x();
        break;
    case FocusMove::Left:
        if (to.x + to.w > from.x + slack)
            return std::nullopt;
        forward = from.center_x() - to.center_x();
        sideways = to.center_y() - from.center_y();
        break;
    case FocusMove::Right:
        if (to.x < from.x + from.w - slack)
            return std::nullopt;
        forward = to.center_x() - from.center_x();
        sideways = to.center_y() - from.center_y();
        break;
    case FocusMove::Next:
    case FocusMove::Previous:
        return std::nullopt;
    }
    return forward + 2 * std::abs(sideways);
}

}

bool Focus::move(const UiTree& tree, FocusMove direction)
{
    auto reachable_nodes = candidates(tree);
    if (reachable_nodes.empty())
        return false;
    m_screen = tree.screen();
    auto current = std::ranges::find_if(reachable_nodes, [&](auto* node) { return node->id == m_id; });

    const UiNode* target = nullptr;
    if (current == reachable_nodes.end()) {
        // Nothing focused yet: Previous starts from the end, every other key from the beginning.
        target = direction == FocusMove::Previous ? reachable_nodes.back() : reachable_nodes.front();
    } else if (direction == FocusMove::Next) {
        auto next = std::next(current);
        target = next == reachable_nodes.end() ? reachable_nodes.front() : *next;
    } else if (direction == FocusMove::Previous) {
        target = current == reachable_nodes.begin() ? reachable_nodes.back() : *std::prev(current);
    } else {
        std::optional<float> best;
        for (auto* node : reachable_nodes) {
            if (node == *current)
                continue;
            auto score = spatial_score((*current)->rect, node->rect, direction);
            if (score && (!best || *score < *best)) {
                best = score;
                target = node;
            }
        }
        if (!target)
            return false;
    }
    if (target->id == m_id)
        return false;
    m_id = target->id;
    return true;
}

void Focus::follow(const UiTree& tree)
{
    bool screen_changed = !m_screen.empty() && m_screen != tree.screen();
    m_screen = tree.screen();
    if (m_id.empty())
        return;
    // An id such as "common.back" exists on many screens; a new screen still starts without focus.
    auto* node = tree.find_by_id(m_id);
    if (!screen_changed && node && reachable(*node))
        return;
    auto reachable_nodes = candidates(tree);
    if (dialog_open(tree) && !reachable_nodes.empty())
        m_id = reachable_nodes.front()->id;
    else
        m_id.clear();
}

const UiNode* Focus::focused(const UiTree& tree) const
{
    if (m_id.empty())
        return nullptr;
    return tree.find_by_id(m_id);
}

void Focus::clear() { m_id.clear(); }

void Focus::set(std::string id)
{
    m_id = std::move(id);
    // Set between frames, possibly for a screen the tree has not drawn yet: follow() adopts its screen.
    m_screen.clear();
}

}
