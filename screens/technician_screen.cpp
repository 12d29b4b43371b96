// The technician's page, in four tabs: the kiosk's state, the network step by step, the content pack,
// and the tools (audio, touch and display tests, log export, restart).
#include "screens/staff_screens.h"

#include <algorithm>

namespace guichet::screens {

void TechnicianScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    widgets::heading(ui, "staff.technician_title", context.staff_tr("staff.technician_title"), width);
    widgets::gap(ui, 16);

    const std::pair<Tab, const char*> tabs[] = { { Tab::State, "staff.tab_state" }, { Tab::Network, "staff.tab_network" },
        { Tab::Content, "staff.tab_content" }, { Tab::Tools, "staff.tab_tools" } };
    ButtonSpec tab_buttons[4];
    for (int i = 0; i < 4; ++i)
        tab_buttons[i] = { .id = tabs[i].second, .label = context.staff_tr(tabs[i].second), .role = Role::Choice,
            .selected = m_tab == tabs[i].first };
    if (int chosen = widgets::button_row(ui, tab_buttons, width))
        m_tab = tabs[chosen - 1].first;
    widgets::gap(ui, 24);

    switch (m_tab) {
    case Tab::State:
        draw_state(context, width);
        break;
    case Tab::Network:
        draw_network(context, width);
        break;
    case Tab::Content:
        draw_content_tab(context, width);
        break;
    case Tab::Tools:
        draw_tools(context, width);
        break;
    }
    if (!view.message.empty()) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "staff.message", view.message, width);
    }
    widgets::gap(ui, 32);
    ButtonSpec mediator { .id = "staff.show_mediator", .label = context.staff_tr("staff.mediator_title") };
    ButtonSpec leave { .id = "staff.leave", .label = context.staff_tr("staff.leave"), .style = ButtonStyle::Primary };
    if (int chosen = widgets::button_pair(ui, mediator, leave, width); chosen == 1)
        context.emit_staff(staff_intent::ShowMediator {});
    else if (chosen == 2)
        context.emit_staff(staff_intent::Leave {});
}

void TechnicianScreen::draw_state(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    // Label and value on one line each, the labels in a column of their own.
    float label_width = width * 0.34f;
    for (size_t i = 0; i < view.facts.size(); ++i) {
        auto& fact = view.facts[i];
        float top = ImGui::GetCursorPosY();
        widgets::paragraph(ui, "staff.fact_label." + std::to_string(i), fact.label, label_width, Align::Left, "text_muted");
        float after_label = ImGui::GetCursorPosY();
        ImGui::SetCursorPosY(top);
        indent(label_width);
        widgets::paragraph(ui, "staff.fact." + std::to_string(i), fact.value, width - label_width, Align::Left);
        unindent(label_width);
        ImGui::SetCursorPosY(std::max(after_label, ImGui::GetCursorPosY()));
        widgets::gap(ui, 8);
    }
    if (!view.quarantined.empty()) {
        widgets::gap(ui, 16);
        widgets::caption(ui, "staff.quarantined_title", context.staff_tr("staff.quarantined_title"), width, Align::Left);
        widgets::gap(ui, 8);
        // At most three, so the page never runs off the screen; guichetctl queue lists them all.
        for (size_t i = 0; i < std::min<size_t>(view.quarantined.size(), 3); ++i) {
            auto& item = view.quarantined[i];
            std::string retry_id = "staff.retry." + item.id;
            ButtonSpec retry { .id = retry_id, .label = context.staff_tr("staff.retry"), .value = item.receipt };
            float button = widgets::button_width(ui, retry);
            float top = ImGui::GetCursorPosY();
            widgets::paragraph(ui, "staff.quarantined." + item.id, item.receipt + " \u2014 " + item.error,
                width - button - ui.px(16), Align::Left);
            float after = ImGui::GetCursorPosY();
            ImGui::SetCursorPosY(top);
            indent(width - button);
            if (widgets::button(ui, retry))
                context.emit_staff(staff_intent::RetryItem { item.id });
            unindent(width - button);
            ImGui::SetCursorPosY(std::max(after, ImGui::GetCursorPosY()));
            widgets::gap(ui, 8);
        }
    }
    widgets::gap(ui, 16);
    ButtonSpec sync { .id = "staff.send_now", .label = context.staff_tr("staff.sync_now") };
    center_next(widgets::button_width(ui, sync), width);
    if (widgets::button(ui, sync))
        context.emit_staff(staff_intent::SendNow {});
}

void TechnicianScreen::draw_network(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    if (view.network.empty() && !view.network_running)
        widgets::paragraph(ui, "staff.network_intro", context.staff_tr("staff.network_intro"), width);
    for (size_t i = 0; i < view.network.size(); ++i) {
        auto& line = view.network[i];
        const char* state = line.state == NetworkLine::State::Passed ? "staff.step_passed"
            : line.state == NetworkLine::State::Failed              ? "staff.step_failed"
                                                                     : "staff.step_not_tried";
        std::string text = format_text(context.staff_tr("staff.step_line"), { { "step", line.label },
            { "state", context.staff_tr(state) }, { "detail", line.detail.empty() ? "" : " \u2014 " + line.detail } });
        widgets::paragraph(ui, "staff.network." + std::to_string(i), text, width, Align::Left,
            line.state == NetworkLine::State::Failed ? "error" : "text");
        widgets::gap(ui, 8);
    }
    widgets::gap(ui, 16);
    ButtonSpec check { .id = "staff.check_network",
        .label = context.staff_tr(view.network_running ? "staff.network_running" : "staff.check_network"),
        .style = ButtonStyle::Primary };
    center_next(widgets::button_width(ui, check), width);
    if (widgets::button(ui, check) && !view.network_running)
        context.emit_staff(staff_intent::CheckNetwork {});
}

void TechnicianScreen::draw_content_tab(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    widgets::paragraph(ui, "staff.pack", view.pack_line, width);
    widgets::gap(ui, 24);
    std::vector<ButtonSpec> actions {
        { .id = "staff.check_update",
            .label = context.staff_tr(view.update_running ? "staff.update_running" : "staff.check_update") },
        { .id = "staff.install_usb", .label = context.staff_tr("staff.install_usb") },
    };
    if (view.can_roll_back)
        actions.push_back({ .id = "staff.roll_back", .label = context.staff_tr("staff.roll_back") });
    if (int chosen = widgets::button_row(ui, actions, width); chosen && !view.update_running) {
        std::string_view id = actions[chosen - 1].id;
        if (id == "staff.check_update")
            context.emit_staff(staff_intent::CheckForUpdate {});
        else if (id == "staff.install_usb")
            context.emit_staff(staff_intent::InstallFromUsb {});
        else
            context.emit_staff(staff_intent::RollBack {});
    }
}

void TechnicianScreen::draw_tools(FrameContext& context, float width)
{
    auto& ui = context.ui;
    ButtonSpec tests[] = {
        { .id = "staff.speak_test", .label = context.staff_tr("staff.speak_test") },
        { .id = "staff.scan_test", .label = context.staff_tr("staff.scan_test") },
        { .id = "staff.touch_test", .label = context.staff_tr("staff.touch_test") },
        { .id = "staff.test_pattern", .label = context.staff_tr("staff.test_pattern") },
    };
    if (int chosen = widgets::button_row(ui, tests, width); chosen == 1)
        context.emit_staff(staff_intent::SpeakTest {});
    else if (chosen == 2)
        context.emit_staff(staff_intent::ScanTest {});
    else if (chosen == 3)
        context.emit_staff(staff_intent::ShowTouchTest {});
    else if (chosen == 4)
        context.emit_staff(staff_intent::ShowTestPattern {});
    widgets::gap(ui, 24);
    ButtonSpec actions[] = {
        { .id = "staff.export_logs", .label = context.staff_tr("staff.export_logs") },
        { .id = "staff.restart", .label = context.staff_tr("staff.restart") },
    };
    if (int chosen = widgets::button_row(ui, actions, width); chosen == 1)
        context.emit_staff(staff_intent::ExportLogs {});
    else if (chosen == 2)
        context.emit_staff(staff_intent::Restart {});
}

void TouchTestScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    widgets::heading(ui, "staff.touch_title", context.staff_tr("staff.touch_title"), width);
    widgets::gap(ui, 16);
    ButtonSpec clear { .id = "staff.touch_clear", .label = context.staff_tr("staff.touch_clear") };
    ButtonSpec done { .id = "staff.show_technician", .label = context.staff_tr("staff.done"), .style = ButtonStyle::Primary };
    bool clear_now = false;
    if (int chosen = widgets::button_pair(ui, clear, done, width); chosen == 1)
        clear_now = true;
    else if (chosen == 2)
        context.emit_staff(staff_intent::ShowTechnician {});

    // The whole display is the canvas; the buttons above stay usable.
    ImGuiIO& io = ImGui::GetIO();
    auto* draw = ImGui::GetForegroundDrawList();
    float button_bottom = ImGui::GetCursorScreenPos().y;
    if (io.MouseDown[0] && io.MousePos.y > button_bottom && m_points.size() < 20000)
        m_points.push_back(io.MousePos);
    if (clear_now)
        m_points.clear();
    float radius = ui.px(10);
    for (auto& point : m_points)
        draw->AddCircleFilled(point, radius, ui.color("primary"), 12);
    widgets::gap(ui, 16);
    widgets::caption(ui, "staff.touch_note", context.staff_tr("staff.touch_note"), width);
}

void TestPatternScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    ImVec2 display = ImGui::GetIO().DisplaySize;
    auto* draw = ImGui::GetBackgroundDrawList();
    // Eight colour bars across the top half, a grey ramp below them, a grid over everything.
    const ImU32 bars[] = { IM_COL32(255, 255, 255, 255), IM_COL32(255, 255, 0, 255), IM_COL32(0, 255, 255, 255),
        IM_COL32(0, 255, 0, 255), IM_COL32(255, 0, 255, 255), IM_COL32(255, 0, 0, 255), IM_COL32(0, 0, 255, 255),
        IM_COL32(0, 0, 0, 255) };
    float bar = display.x / 8;
    for (int i = 0; i < 8; ++i)
        draw->AddRectFilled(ImVec2(i * bar, 0), ImVec2((i + 1) * bar, display.y / 2), bars[i]);
    for (int i = 0; i < 16; ++i) {
        int grey = i * 17;
        draw->AddRectFilled(ImVec2(i * display.x / 16, display.y / 2), ImVec2((i + 1) * display.x / 16, display.y),
            IM_COL32(grey, grey, grey, 255));
    }
    float step = ui.px(60);
    for (float x = 0; x < display.x; x += step)
        draw->AddLine(ImVec2(x + 0.5f, 0), ImVec2(x + 0.5f, display.y), IM_COL32(128, 128, 128, 255));
    for (float y = 0; y < display.y; y += step)
        draw->AddLine(ImVec2(0, y + 0.5f), ImVec2(display.x, y + 0.5f), IM_COL32(128, 128, 128, 255));
    draw->AddRect(ImVec2(0.5f, 0.5f), ImVec2(display.x - 0.5f, display.y - 0.5f), IM_COL32(255, 0, 0, 255));

    // One button in the middle brings the technician back.
    ImGui::SetCursorPosY(display.y / 2 - ui.px(48));
    ButtonSpec done { .id = "staff.show_technician", .label = context.staff_tr("staff.done"), .style = ButtonStyle::Primary };
    center_next(widgets::button_width(ui, done), width);
    if (widgets::button(ui, done))
        context.emit_staff(staff_intent::ShowTechnician {});
}

}
