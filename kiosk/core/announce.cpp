// Turning the semantic tree into the sentences speech reads.
#include "kiosk/core/announce.h"

#include <algorithm>
#include <array>
#include <vector>

namespace guichet {

namespace {

std::string join(const std::vector<std::string_view>& parts, std::string_view separator)
{
    std::string text;
    for (auto part : parts) {
        if (part.empty())
            continue;
        if (!text.empty())
            text += separator;
        text += part;
    }
    return text;
}

std::string_view group_of(std::string_view id)
{
    auto dot = id.rfind('.');
    return dot == std::string_view::npos ? std::string_view {} : id.substr(0, dot);
}

struct Position {
    int position = 1;
    int count = 1;
};

// Where `node` stands among the run of consecutive choices of its group, in tree order.
Position choice_position(const UiTree& tree, const UiNode& node)
{
    auto& nodes = tree.nodes();
    auto it = std::ranges::find_if(nodes, [&](auto& other) { return &other == &node; });
    if (it == nodes.end())
        it = std::ranges::find_if(nodes, [&](auto& other) { return other.id == node.id; });
    if (it == nodes.end())
        return {};
    auto group = group_of(node.id);
    auto same_group = [&](const UiNode& other) { return other.role == Role::Choice && group_of(other.id) == group; };
    auto first = it;
    while (first != nodes.begin() && same_group(*std::prev(first)))
        --first;
    auto last = std::next(it);
    while (last != nodes.end() && same_group(*last))
        ++last;
    return { .position = static_cast<int>(it - first) + 1, .count = static_cast<int>(last - first) };
}

// A sentence that already ends with its own punctuation needs no added full stop.
bool ends_sentence(std::string_view text)
{
    static constexpr std::array<std::string_view, 5> endings = { ".", "?", "!", ":", "…" };
    return std::ranges::any_of(endings, [&](auto ending) { return text.ends_with(ending); });
}

void append_sentence(std::string& text, std::string_view sentence)
{
    if (sentence.empty())
        return;
    if (!text.empty())
        text += ends_sentence(text) ? " " : ". ";
    text += sentence;
}

}

std::string describe(const UiTree& tree, const UiNode& node, std::string_view language, const Strings& strings)
{
    std::string choice_role;
    std::vector<std::string_view> parts;
    switch (node.role) {
    case Role::Heading:
    case Role::Text:
    case Role::Dialog:
        parts = { node.label };
        break;
    case Role::Button:
        // The review's "Change" buttons carry the question they change as their value.
        parts = { strings.get(language, "speech.button"), node.value.empty() ? node.label : node.value };
        break;
    case Role::Choice: {
        auto [position, count] = choice_position(tree, node);
        choice_role = format_text(strings.get(language, "speech.choice"),
            { { "position", std::to_string(position) }, { "count", std::to_string(count) } });
        parts = { choice_role, node.label };
        if (node.selected)
            parts.push_back(strings.get(language, "speech.selected"));
        break;
    }
    case Role::Toggle:
        parts = { strings.get(language, "speech.toggle"), node.label,
            node.selected ? strings.get(language, "speech.checked") : strings.get(language, "speech.unchecked") };
        break;
    case Role::TextField:
        parts = { strings.get(language, "speech.text_field"), node.label,
            node.value.empty() ? strings.get(language, "speech.empty") : node.value };
        break;
    case Role::Key:
        parts = { strings.get(language, "speech.key"), node.label };
        break;
    case Role::Image:
        parts = { strings.get(language, "speech.image"), node.label };
        break;
    }
    if (node.interactive() && !node.enabled)
        parts.push_back(strings.get(language, "speech.disabled"));
    return join(parts, ", ");
}

std::string screen_summary(const UiTree& tree)
{
    std::string text;
    std::vector<std::string_view> choices;
    for (auto& node : tree.nodes()) {
        if (node.inert || node.label.empty())
            continue;
        if (node.role == Role::Heading || node.role == Role::Text)
            append_sentence(text, node.label);
        else if (node.role == Role::Choice)
            choices.push_back(node.label);
    }
    append_sentence(text, join(choices, ", "));
    return text;
}

}
