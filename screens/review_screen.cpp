// Layout of the review screen.
#include "screens/review_screen.h"

#include "kiosk/core/answer_text.h"

#include <algorithm>

namespace guichet::screens {

void ReviewScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& journey = *context.journey;
    widgets::heading(ui, "review.title", context.tr("review.title"), width);
    widgets::gap(ui, 12);
    widgets::caption(ui, "review.intro", context.tr("review.intro"), width);
    if (!journey.submit_error().empty()) {
        widgets::gap(ui, 20);
        widgets::paragraph(ui, "review.error", context.tr("review.save_failed"), width, Align::Center, "error");
    }
    widgets::gap(ui, 32);

    auto items = journey.review();
    // As many answers as the display holds at this text size; the rest on further pages.
    float nav = widgets::button_height(ui, { .label = "A" });
    float row = std::max(ui.px(80), (ui.fonts.small->FontSize + ui.fonts.body->FontSize) * 1.25f) + ui.px(20);
    float room = ui.room - ui.px(260) - ui.fonts.title->FontSize * 1.25f - nav
        - (journey.submit_error().empty() ? 0 : ui.px(120) * ui.text_scale);
    int per_page = std::max(1, static_cast<int>(room / row));
    if (per_page < static_cast<int>(items.size())) // the page buttons need their room too
        per_page = std::max(1, static_cast<int>((room - nav - ui.px(80)) / row));
    int pages = std::max(1, (static_cast<int>(items.size()) + per_page - 1) / per_page);
    m_page = std::clamp(m_page, 0, pages - 1);
    size_t first = static_cast<size_t>(m_page * per_page);
    size_t last = std::min(items.size(), first + static_cast<size_t>(per_page));

    float row_width = std::min(width, ui.px(1300));
    float button_width = std::min(ui.px(240) * ui.text_scale, row_width * 0.4f);
    float text_width = row_width - button_width - ui.px(32);
    float margin = (width - row_width) / 2;
    for (size_t i = first; i < last; ++i) {
        auto& item = items[i];
        auto& id = item.step->id;
        if (i != first)
            widgets::gap(ui, 20);
        indent(margin);
        float top = ImGui::GetCursorPosY();
        ImGui::BeginGroup();
        widgets::caption(ui, "review.question." + id, context.text(item.step->title), text_width, Align::Left);
        widgets::paragraph(ui, "review.answer." + id, answer_text(*item.step, item.answer, context.language(), context.strings),
            text_width, Align::Left);
        ImGui::EndGroup();
        float bottom = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + text_width + ui.px(32), top));
        // Several "Change" buttons: each tells speech and tests which answer it changes.
        std::string change_id = "review.change." + id;
        std::string named = format_text(context.tr("review.change_named"), { { "question", context.text(item.step->title) } });
        if (widgets::button(ui, { .id = change_id, .label = context.tr("review.change"), .width = button_width,
                .min_height = ui.px(80), .value = named }))
            context.emit(intent::ChangeAnswer { id });
        ImGui::SetCursorPosY(std::max(bottom, ImGui::GetCursorPosY()));
        unindent(margin);
    }
    widgets::gap(ui, 32);
    if (pages > 1) {
        widgets::caption(ui, "review.page",
            format_text(context.tr("review.page"), { { "page", std::to_string(m_page + 1) }, { "pages", std::to_string(pages) } }),
            width);
        widgets::gap(ui, 12);
        int pressed = widgets::button_pair(ui, { .id = "review.previous", .label = context.tr("review.previous") },
            { .id = "review.more", .label = context.tr("review.more") }, width);
        if (pressed == 1)
            m_page = m_page == 0 ? pages - 1 : m_page - 1;
        else if (pressed == 2)
            m_page = (m_page + 1) % pages;
        widgets::gap(ui, 24);
    }
    int pressed = widgets::button_pair(ui, { .id = "review.back", .label = context.tr("common.back") },
        { .id = "review.submit", .label = context.tr("review.submit"), .style = ButtonStyle::Primary }, width);
    if (pressed == 1)
        context.emit(intent::Back {});
    else if (pressed == 2)
        context.emit(intent::Submit {});
}

}
