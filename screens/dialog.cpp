// Drawing a modal card.
#include "screens/dialog.h"

#include <algorithm>
#include <cmath>

namespace guichet::screens {

bool DialogFrame::begin(FrameContext& context, std::string_view window_id)
{
    auto& ui = context.ui;
    ui.tree.begin_modal();
    ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(display);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ui.color("backdrop"));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    std::string name(window_id);
    ImGui::Begin(name.c_str(), nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    ImGui::SetWindowFocus();

    ImGui::SetCursorPos(ImVec2(0, 0));
    bool backdrop = ImGui::InvisibleButton("##backdrop", display);
    ImGui::SetItemAllowOverlap();

    m_width = std::min(display.x - ui.px(96), ui.px(1200));
    m_padding = ui.px(56);
    m_inner = m_width - 2 * m_padding;
    m_left = std::floor((display.x - m_width) / 2);
    auto* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);
    m_top = std::max(ui.px(48), std::floor((display.y - m_card_height) / 2));
    ImGui::SetCursorPos(ImVec2(0, m_top + m_padding));
    ImGui::Indent(m_left + m_padding);
    m_start = ImGui::GetCursorPosY();
    return backdrop;
}

bool DialogFrame::end(FrameContext& context, std::string_view id, std::string_view label)
{
    auto& ui = context.ui;
    float height = ImGui::GetCursorPosY() - m_start + 2 * m_padding;
    ImGui::Unindent(m_left + m_padding);
    auto* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSetCurrent(0);
    ImVec2 card_min(m_left, m_top), card_max(m_left + m_width, m_top + height);
    fill_frame(draw, card_min, card_max, ui.color("border"), ui.color("surface"), ui.px(24), ui.px(3));
    draw->ChannelsMerge();
    bool changed = std::abs(height - m_card_height) > 0.5f;
    m_card_height = height;
    ui.tree.add({ .id = std::string(id), .role = Role::Dialog, .label = std::string(label),
        .rect = { card_min.x, card_min.y, m_width, height } });
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    return changed;
}

}
