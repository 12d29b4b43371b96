// Recording and querying the frame's semantic tree.
#include "kiosk/core/ui_tree.h"

#include <nlohmann/json.hpp>

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
