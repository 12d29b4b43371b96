// Layout of a procedure's intro screen.
#include "screens/intro_screen.h"

#include <algorithm>

namespace guichet::screens {

void IntroScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& procedure = context.journey->procedure();
    ImVec2 display = ImGui::GetIO().DisplaySize;
    std::string layout_key = std::to_string(reinterpret_cast<uintptr_t>(context.journey)) + "/"
        + std::to_string(ui.text_scale) + "/" + std::to_string(display.x) + "x" + std::to_string(display.y);
    if (layout_key != m_layout_key) { // try it whole first
        m_layout_key = layout_key;
        m_parts = 1;
        m_part = 0;
    }
    float start = ImGui::GetCursorPosY();
    bool split = m_parts > 1;

    widgets::heading(ui, "intro.title", context.text(procedure.title), width);
    widgets::gap(ui, 12);
    // The measure of a line grows with the text, so large text keeps as many words a line and takes
    // fewer lines than it would in the normal-size column.
    float text_width = std::min(width, ui.px(1100) * ui.text_scale);
    float margin = (width - text_width) / 2;
    if (!split || m_part == 0) {
        widgets::caption(ui, "intro.duration",
            format_text(context.tr("intro.duration"), { { "minutes", std::to_string(procedure.duration_minutes) } }), width);
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "intro.summary", context.text(procedure.summary), width);
        widgets::gap(ui, 40);
    }
    if (!split || m_part == 1) {
        indent(margin);
        widgets::paragraph(ui, "intro.what_you_need", context.tr("intro.what_you_need"), text_width, Align::Left, "text");
        widgets::gap(ui, 8);
        if (procedure.what_you_need.empty())
            widgets::paragraph(ui, "intro.need.none", context.tr("intro.nothing_needed"), text_width, Align::Left);
        for (size_t i = 0; i < procedure.what_you_need.size(); ++i)
            widgets::paragraph(ui, "intro.need." + std::to_string(i), "•  " + context.text(procedure.what_you_need[i]),
                text_width, Align::Left);
        unindent(margin);
        widgets::gap(ui, 32);
    }
    if (!split || m_part >= 2) {
        // In four parts, the third says who receives the answers and the fourth why and for how long.
        bool recipient = m_parts < 4 || m_part == 2;
        bool purpose = m_parts < 4 || m_part == 3;
        indent(margin);
        widgets::paragraph(ui, "intro.data_use", context.tr("intro.data_use"), text_width, Align::Left);
        widgets::gap(ui, 8);
        auto& use = procedure.data_use;
        if (recipient)
            widgets::caption(ui, "intro.recipient", context.tr("intro.recipient") + " " + context.text(use.recipient), text_width,
                Align::Left);
        if (purpose) {
            widgets::caption(ui, "intro.purpose", context.tr("intro.purpose") + " " + context.text(use.purpose), text_width,
                Align::Left);
            widgets::caption(ui, "intro.retention", context.tr("intro.retention") + " " + context.text(use.retention), text_width,
                Align::Left);
        }
        unindent(margin);
    }
    widgets::gap(ui, 48);

    bool last = m_part == m_parts - 1;
    int pressed = widgets::button_pair(ui, { .id = "intro.back", .label = context.tr("common.back") },
        last ? ButtonSpec { .id = "intro.start", .label = context.tr("intro.start"), .style = ButtonStyle::Primary }
             : ButtonSpec { .id = "intro.more", .label = context.tr("common.next"), .style = ButtonStyle::Primary },
        width);
    if (pressed == 1 && m_part > 0) {
        m_part -= 1;
        context.emit(intent::ListenAgain {}); // the voice reads the part now shown
    } else if (pressed == 1) {
        context.emit(intent::Back {});
    } else if (pressed == 2 && !last) {
        m_part += 1;
        context.emit(intent::ListenAgain {});
    } else if (pressed == 2) {
        context.emit(intent::BeginSteps {});
    }
    // Taller than the room on the screen: from the next frame on, in three parts, and in four when the
    // part about the answers is still too tall. Only ever more parts for a layout, so it settles.
    if (ImGui::GetCursorPosY() - start > ui.room - ui.px(48)) {
        if (m_parts == 1) {
            m_parts = 3;
        } else if (m_parts == 3 && m_part == 2) {
            m_parts = 4;
        }
    }
}

}
