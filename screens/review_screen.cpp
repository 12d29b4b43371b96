// Layout of the review screen.
#include "screens/review_screen.h"

#include "kiosk/core/answer_text.h"

#include <algorithm>
#include <string>
#include <vector>

namespace guichet::screens {

void ReviewScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& journey = *context.journey;
    float top = ImGui::GetCursorPosY();
    widgets::heading(ui, "review.title", context.tr("review.title"), width);
    widgets::gap(ui, 12);
    widgets::caption(ui, "review.intro", context.tr("review.intro"), width);
    if (!journey.submit_error().empty()) {
        widgets::gap(ui, 20);
        widgets::paragraph(ui, "review.error", context.tr("review.save_failed"), width, Align::Center, "error");
    }
    widgets::gap(ui, 32);

    auto items = journey.review();
    float row_width = std::min(width, ui.px(1300));
    float button_width = std::min(ui.px(240) * ui.text_scale, row_width * 0.4f);
    float text_width = row_width - button_width - ui.px(32);
    float margin = (width - row_width) / 2;
    ButtonSpec change { .label = context.tr("review.change"), .width = button_width, .min_height = ui.px(80) };
    std::vector<std::string> answers;
    std::vector<float> heights;
    for (auto& item : items) {
        answers.push_back(answer_text(*item.step, item.answer, context.language(), context.strings));
        heights.push_back(std::max(widgets::button_height(ui, change),
            widgets::text_height(ui.fonts.small, context.text(item.step->title), text_width)
                + widgets::text_height(ui.fonts.body, answers.back(), text_width)));
    }
    // As many answers as the display holds at this text size, measured one by one; the rest on further
    // pages. The room: the display less what is above (drawn) and below (the buttons, the margins).
    ButtonSpec actions[] = { { .id = "review.back", .label = context.tr("common.back") },
        { .id = "review.submit", .label = context.tr("review.submit"), .style = ButtonStyle::Primary } };
    widgets::PagerSpec pager { .caption_id = "review.page", .previous_id = "review.previous", .previous = context.tr("review.previous"),
        .next_id = "review.more", .next = context.tr("review.more") };
    float room = ui.room - 2 * ui.px(64) - (ImGui::GetCursorPosY() - top) - ui.px(32) - widgets::button_row_height(ui, actions, width);
    auto starts = page_starts(heights, ui.px(20), room, widgets::pager_height(ui, pager, width) + ui.px(24));
    int pages = static_cast<int>(starts.size());
    m_page = std::clamp(m_page, 0, pages - 1);
    auto first = static_cast<size_t>(starts[static_cast<size_t>(m_page)]);
    size_t last = m_page + 1 < pages ? static_cast<size_t>(starts[static_cast<size_t>(m_page + 1)]) : items.size();
    for (size_t i = first; i < last; ++i) {
        auto& item = items[i];
        auto& id = item.step->id;
        if (i != first)
            widgets::gap(ui, 20);
        indent(margin);
        float row_top = ImGui::GetCursorPosY();
        ImGui::BeginGroup();
        widgets::caption(ui, "review.question." + id, context.text(item.step->title), text_width, Align::Left);
        widgets::paragraph(ui, "review.answer." + id, answers[i], text_width, Align::Left);
        ImGui::EndGroup();
        float bottom = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + text_width + ui.px(32), row_top));
        // Several "Change" buttons: each tells speech and tests which answer it changes.
        std::string change_id = "review.change." + id;
        std::string named = format_text(context.tr("review.change_named"), { { "question", context.text(item.step->title) } });
        change.id = change_id;
        change.value = named;
        if (widgets::button(ui, change))
            context.emit(intent::ChangeAnswer { id });
        ImGui::SetCursorPosY(std::max(bottom, ImGui::GetCursorPosY()));
        unindent(margin);
    }
    widgets::gap(ui, 32);
    if (pages > 1) {
        std::string caption = format_text(context.tr("common.page"), { { "page", std::to_string(m_page + 1) }, { "pages", std::to_string(pages) } });
        pager.caption = caption;
        int page = widgets::pager(ui, pager, m_page, pages, width);
        if (page != m_page) {
            m_page = page;
            context.emit(intent::ListenAgain {}); // the voice reads the answers now shown
        }
        widgets::gap(ui, 24);
    }
    int pressed = widgets::button_row(ui, actions, width);
    if (pressed == 1)
        context.emit(intent::Back {});
    else if (pressed == 2)
        context.emit(intent::Submit {});
}

}
