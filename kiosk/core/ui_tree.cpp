// Recording and querying the frame's semantic tree.
#include "kiosk/core/ui_tree.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace guichet {

std::string_view role_name(Role role)
{
    switch (role) {
    case Role::Heading:
        return "heading";
    case Role::Text:
        return "text";
    case Role::Button:
        return "button";
    case Role::Choice:
        return "choice";
    case Role::Toggle:
        return "toggle";
    case Role::Dialog:
        return "dialog";
    case Role::TextField:
        return "text_field";
    case Role::Key:
        return "key";
    case Role::Image:
        return "image";
    }
    return "unknown";
}

void UiTree::begin_frame(std::string_view screen)
{
    m_screen = screen;
    m_nodes.clear();
}

void UiTree::add(UiNode node) { m_nodes.push_back(std::move(node)); }

void UiTree::begin_modal()
{
    for (auto& node : m_nodes)
        node.inert = true;
}

const UiNode* UiTree::find_by_id(std::string_view id) const
{
    for (auto& node : m_nodes) {
        if (node.id == id)
            return &node;
    }
    return nullptr;
}

std::vector<const UiNode*> UiTree::find_by_label(std::string_view label) const
{
    std::vector<const UiNode*> found;
    for (auto& node : m_nodes) {
        if (node.label == label)
            found.push_back(&node);
    }
    return found;
}

bool UiTree::on_screen(const UiNode& node) const
{
    if (m_viewport.w <= 0)
        return true;
    constexpr float slack = 0.5f; // rounding of the layout
    return node.rect.x >= -slack && node.rect.y >= -slack && node.rect.x + node.rect.w <= m_viewport.w + slack
        && node.rect.y + node.rect.h <= m_viewport.h + slack;
}

bool UiTree::shows_text(std::string_view text) const
{
    for (auto& node : m_nodes) {
        if (!node.inert && on_screen(node) && (node.label.find(text) != std::string::npos || node.value.find(text) != std::string::npos))
            return true;
    }
    return false;
}

namespace {

std::string describe(const UiNode& node)
{
    // A label of thousands of characters (a misconfigured place name) would bury the message.
    std::string label = node.label.substr(0, 80);
    while (label.size() < node.label.size() && !label.empty() && (static_cast<unsigned char>(node.label[label.size()]) & 0xC0) == 0x80)
        label.pop_back(); // never inside a character
    if (label.size() < node.label.size())
        label += "…";
    return std::string(role_name(node.role)) + " '" + node.id + "' (\"" + label + "\")";
}

std::string describe_rect(const Rect& rect)
{
    auto i = [](float v) { return std::to_string(static_cast<int>(std::lround(v))); };
    return "x " + i(rect.x) + " to " + i(rect.x + rect.w) + ", y " + i(rect.y) + " to " + i(rect.y + rect.h);
}

}

std::vector<std::string> UiTree::layout_problems(float min_target) const
{
    constexpr float slack = 0.5f; // rounding of the layout, as on_screen
    std::vector<std::string> problems;
    std::vector<const UiNode*> shown;
    for (auto& node : m_nodes) {
        if (node.inert || node.role == Role::Dialog)
            continue;
        if (node.rect.w > 0 && node.rect.h > 0) // an empty text takes no room and hides nothing
            shown.push_back(&node);
        if (!on_screen(node))
            problems.push_back(describe(node) + " lies outside the " + std::to_string(static_cast<int>(m_viewport.w)) + "x"
                + std::to_string(static_cast<int>(m_viewport.h)) + " display: " + describe_rect(node.rect));
        if (node.interactive() && (node.rect.w < min_target - slack || node.rect.h < min_target - slack))
            problems.push_back(describe(node) + " is smaller than the " + std::to_string(static_cast<int>(min_target))
                + "-pixel touch target: " + describe_rect(node.rect));
    }
    // A frame that shows nothing (a screen that failed to draw, a tree never filled) must not pass for one
    // that fits: every check above would hold on nothing.
    if (shown.empty())
        problems.push_back("nothing is shown on screen '" + m_screen + "': no element takes room on the display");
    for (size_t i = 0; i < shown.size(); ++i) {
        for (size_t j = i + 1; j < shown.size(); ++j) {
            const Rect& a = shown[i]->rect;
            const Rect& b = shown[j]->rect;
            bool overlap = a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h && b.y + slack < a.y + a.h;
            if (overlap)
                problems.push_back(describe(*shown[i]) + " and " + describe(*shown[j]) + " overlap: " + describe_rect(a)
                    + " and " + describe_rect(b));
        }
    }
    return problems;
}

nlohmann::json UiTree::to_json() const
{
    auto nodes = nlohmann::json::array();
    for (auto& node : m_nodes) {
        nlohmann::json item {
            { "id", node.id },
            { "role", role_name(node.role) },
            { "label", node.label },
            { "rect", { node.rect.x, node.rect.y, node.rect.w, node.rect.h } },
            { "enabled", node.enabled },
            { "selected", node.selected },
            { "focused", node.focused },
            { "inert", node.inert },
        };
        if (!node.value.empty())
            item["value"] = node.value;
        nodes.push_back(std::move(item));
    }
    return { { "screen", m_screen }, { "nodes", std::move(nodes) } };
}

}
