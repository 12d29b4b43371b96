// The frame every screen is drawn in: one undecorated full-screen window, content centred.
#include "screens/screen.h"

#include <algorithm>
#include <cmath>

namespace guichet::screens {

bool Screen::draw(FrameContext& context)
{
    auto& ui = context.ui;
    ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(display);
    // No window background: the app clears the frame to the theme's background, which costs the
    // software renderer a fill instead of a full-screen blended triangle pair.
    ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    ImGui::Begin("##screen", nullptr,
        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings
            | ImGuiWindowFlags_NoBringToFrontOnFocus);

    float side_margin = ui.px(64);
    float width = std::min(display.x - 2 * side_margin, ui.px(1420));
    // "Listen again", on every screen while the voice is on: in the top-left corner, beside the content
    // when the side margin holds it (landscape), above it otherwise.
    bool listen = context.session.preferences().voice && id() != ScreenId::Welcome && !is_staff_screen(id());
    // Training mode: a strip across the top of every screen says that nothing will be sent.
    float banner = context.training ? ui.px(60) : 0;
    ButtonSpec listen_spec { .id = "common.listen", .label = context.tr("common.listen"), .min_height = ui.px(72) };
    float corner = ui.px(12);
    float listen_width = widgets::button_width(ui, listen_spec);
    bool listen_beside = (display.x - width) / 2 >= listen_width + 3 * corner;
    // Content too tall for a landscape display (large text): a narrower column lets the corner button sit
    // beside it, which gives the content back the height of a row, far more than the width it costs.
    // Once narrowed it stays so for this display and text size, or the layout would swing between the two.
    float narrow_key = display.x * 8 + display.y * 3 + ui.text_scale;
    if (narrow_key != m_narrow_key) {
        m_narrow_key = narrow_key;
        m_narrow = false;
    }
    m_narrow = m_narrow || m_tight;
    // The catalog pages its cards instead: a narrower column would only make each card taller.
    if (listen && !listen_beside && m_narrow && display.x > display.y && id() != ScreenId::Catalog
        && display.x - 2 * (listen_width + 3 * corner) >= ui.px(1100)) {
        width = display.x - 2 * (listen_width + 3 * corner);
        listen_beside = true;
    }
    float listen_room = banner + (listen && !listen_beside ? corner + widgets::button_height(ui, listen_spec) + ui.px(16) : 0);
    float left = std::floor((display.x - width) / 2);
    // Content taller than the display (large text on a short screen) first tightens its spacing, and
    // uses thinner top and bottom margins, so nothing ends up below the edge.
    float margin = m_tight ? ui.px(24) : ui.px(64);
    float top = std::max(std::max(margin, listen_room), std::floor((display.y - m_content_height - listen_room) / 2) + listen_room);
    ImGui::SetCursorPosY(top);
    ImGui::Indent(left);
    float start = ImGui::GetCursorPosY();
    ui.gap_scale = m_gap_scale;
    ui.gap_total = 0;
    ui.room = display.y - listen_room;
    draw_content(context, width);
    float height = ImGui::GetCursorPosY() - start;
    ImGui::Unindent(left);
    if (listen) {
        listen_spec.width = listen_width;
        ImGui::SetCursorPos(ImVec2(corner, banner + corner));
        if (widgets::button(ui, listen_spec))
            context.emit(intent::ListenAgain {});
    }

    if (banner > 0) {
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, 0), ImVec2(display.x, banner), ui.color("selected"));
        ImGui::SetCursorPos(ImVec2(0, (banner - ImGui::GetTextLineHeight()) / 2));
        widgets::paragraph(ui, "training.banner", context.tr("training.banner"), display.x, Align::Center, "on_selected");
    }

    float fixed = height - ui.gap_total * m_gap_scale;
    float room = display.y - listen_room;
    bool tight = fixed + ui.gap_total > room - 2 * ui.px(64);
    float gap_scale = tight && ui.gap_total > 0 ? std::clamp((room - 2 * ui.px(24) - fixed) / ui.gap_total, min_gap_scale, 1.0f) : 1.0f;
    ui.gap_scale = 1.0f;

    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    bool overlay_changed = draw_overlay(context);

    bool changed = std::abs(height - m_content_height) > 0.5f || gap_scale != m_gap_scale || tight != m_tight || overlay_changed;
    m_content_height = height;
    m_gap_scale = gap_scale;
    m_tight = tight;
    return changed;
}

void indent(float width)
{
    if (width > 0)
        ImGui::Indent(width);
}

void unindent(float width)
{
    if (width > 0)
        ImGui::Unindent(width);
}

void center_next(float item_width, float column_width)
{
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (column_width - item_width) / 2));
}

}
