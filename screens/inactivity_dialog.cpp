// Drawing the inactivity warning.
#include "screens/inactivity_dialog.h"

#include <algorithm>
#include <cmath>

namespace guichet::screens {

bool InactivityDialog::draw(FrameContext& context)
{
    auto& ui = context.ui;
    ui.tree.begin_modal();
    ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(display);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ui.color("backdrop"));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    ImGui::Begin("##inactivity", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    ImGui::SetWindowFocus();

    // A tap anywhere on the dimmed screen also says "I am here".
    ImGui::SetCursorPos(ImVec2(0, 0));
    if (ImGui::InvisibleButton("##backdrop", display))
        context.emit(intent::ExtendSession {});
    ImGui::SetItemAllowOverlap();

    float card_width = std::min(display.x - ui.px(96), ui.px(1200));
    float padding = ui.px(56);
    float inner = card_width - 2 * padding;
    auto left = std::floor((display.x - card_width) / 2);
    auto* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);

    float top = std::max(ui.px(48), std::floor((display.y - m_card_height) / 2));
    ImGui::SetCursorPos(ImVec2(0, top + padding));
    ImGui::Indent(left + padding);
    float start = ImGui::GetCursorPosY();

    int seconds = context.session.seconds_left();
    widgets::heading(ui, "inactivity.title", context.tr("inactivity.title"), inner);
    widgets::gap(ui, 24);
    widgets::paragraph(ui, "inactivity.countdown",
        format_text(context.tr("inactivity.countdown"), { { "seconds", std::to_string(seconds) } }), inner);
    widgets::gap(ui, 40);

    auto extensions = context.session.extensions_left();
    if (!extensions || *extensions > 0) {
        ButtonSpec more { .id = "inactivity.more_time", .label = context.tr("inactivity.more_time"),
            .width = std::min(inner, ui.px(760)), .min_height = ui.px(120), .style = ButtonStyle::Primary };
        center_next(more.width, inner);
        if (widgets::button(ui, more))
            context.emit(intent::ExtendSession {});
        widgets::gap(ui, 24);
    } else {
        widgets::paragraph(ui, "inactivity.no_more", context.tr("inactivity.no_more"), inner);
        widgets::gap(ui, 24);
    }
    ButtonSpec finish { .id = "inactivity.finish", .label = context.tr("inactivity.finish"), .width = std::min(inner, ui.px(760)) };
    center_next(finish.width, inner);
    bool finish_focused = false;
    if (widgets::button(ui, finish))
        context.emit(intent::EndSession {});
    else
        finish_focused = ui.tree.nodes().back().focused;
    float height = ImGui::GetCursorPosY() - start + 2 * padding;
    ImGui::Unindent(left + padding);

    draw->ChannelsSetCurrent(0);
    ImVec2 card_min(left, top), card_max(left + card_width, top + height);
    fill_frame(draw, card_min, card_max, ui.color("border"), ui.color("surface"), ui.px(24), ui.px(3));
    draw->ChannelsMerge();
    bool changed = std::abs(height - m_card_height) > 0.5f;
    m_card_height = height;
    ui.tree.add({ .id = "inactivity", .role = Role::Dialog, .label = context.tr("inactivity.title"),
        .rect = { card_min.x, card_min.y, card_width, height } });

    // Enter or Space answers "more time" without touching the screen.
    bool answer_key = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space));
    if (answer_key && !finish_focused)
        context.emit(intent::ExtendSession {});

    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    return changed;
}

}
