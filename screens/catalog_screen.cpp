// Layout of the catalog screen.
#include "screens/catalog_screen.h"

#include <algorithm>

namespace guichet::screens {

void CatalogScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    widgets::heading(ui, "catalog.title", context.tr("catalog.title"), width);
    widgets::gap(ui, 32);
    auto* catalog = context.catalog;
    if (!catalog || catalog->procedures.empty()) {
        float text_width = std::min(width, ui.px(1100));
        center_next(text_width, width);
        widgets::paragraph(ui, "catalog.empty", context.tr("catalog.empty"), text_width);
        widgets::gap(ui, 64);
    } else {
        auto& procedures = catalog->procedures;
        auto grid = grid_for(static_cast<int>(procedures.size()), ui.px(760), width, ui.px(24));
        // As many rows as the display holds at this text size, leaving room for the title and buttons.
        float card_estimate = ui.px(190) * ui.text_scale + ui.px(24);
        float room = ImGui::GetIO().DisplaySize.y - ui.px(480) * std::max(1.0f, ui.text_scale * 0.85f);
        int rows = std::max(1, static_cast<int>(room / card_estimate));
        int per_page = rows * grid.columns;
        int pages = (static_cast<int>(procedures.size()) + per_page - 1) / per_page;
        m_page = std::clamp(m_page, 0, pages - 1);
        size_t first = static_cast<size_t>(m_page * per_page);
        size_t last = std::min(procedures.size(), first + static_cast<size_t>(per_page));

        std::vector<std::string> overlines;
        std::vector<widgets::CardSpec> cards;
        for (size_t i = first; i < last; ++i) {
            auto& procedure = *procedures[i];
            overlines.push_back(context.tr("category." + procedure.category) + " · "
                + format_text(context.tr("catalog.duration"), { { "minutes", std::to_string(procedure.duration_minutes) } }));
        }
        std::vector<std::string> ids;
        for (size_t i = first; i < last; ++i)
            ids.push_back("procedure." + procedures[i]->id);
        for (size_t i = first; i < last; ++i) {
            auto& procedure = *procedures[i];
            cards.push_back({ .id = ids[i - first], .icon = procedure.icon, .overline = overlines[i - first],
                .title = context.text(procedure.title), .summary = context.text(procedure.summary), .width = grid.item_width });
        }
        float height = 0;
        for (auto& card : cards)
            height = std::max(height, widgets::card_height(ui, card));
        for (size_t i = 0; i < cards.size(); ++i) {
            cards[i].min_height = height;
            if (i % static_cast<size_t>(grid.columns) != 0)
                ImGui::SameLine(0, grid.gap);
            else if (i != 0)
                widgets::gap(ui, 24);
            if (widgets::card(ui, cards[i]))
                context.emit(intent::StartProcedure { procedures[first + i]->id });
        }
        widgets::gap(ui, 40);
        if (pages > 1) {
            widgets::caption(ui, "catalog.page",
                format_text(context.tr("catalog.page"), { { "page", std::to_string(m_page + 1) }, { "pages", std::to_string(pages) } }),
                width);
            widgets::gap(ui, 16);
            int pressed = widgets::button_pair(ui, { .id = "catalog.previous", .label = context.tr("catalog.previous") },
                { .id = "catalog.more", .label = context.tr("catalog.more") }, width);
            if (pressed == 1)
                m_page = m_page == 0 ? pages - 1 : m_page - 1;
            else if (pressed == 2)
                m_page = (m_page + 1) % pages;
            widgets::gap(ui, 24);
        }
    }
    int pressed = widgets::button_pair(ui, { .id = "catalog.back", .label = context.tr("common.back") },
        { .id = "catalog.finish", .label = context.tr("common.finish") }, width);
    if (pressed == 1)
        context.emit(intent::Back {});
    else if (pressed == 2)
        context.emit(intent::EndSession {});
}

}
