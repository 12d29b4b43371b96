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
        int total = static_cast<int>(procedures.size());
        std::vector<std::string> overlines, ids;
        overlines.reserve(procedures.size());
        ids.reserve(procedures.size());
        for (auto& procedure : procedures) {
            overlines.push_back(context.tr("category." + procedure->category) + " · "
                + format_text(context.tr("catalog.duration"), { { "minutes", std::to_string(procedure->duration_minutes) } }));
            ids.push_back("procedure." + procedure->id);
        }
        // One or two columns, whichever shows more cards at once on this display at this text size:
        // as many rows as fit below the title and above the buttons, a page at a time when they do not
        // all fit (with buttons of its own).
        // The height the buttons under the cards take: Back and Finish, or those with the page buttons.
        auto row_height = [&](std::initializer_list<std::string_view> labels) {
            auto grid = grid_for(static_cast<int>(labels.size()), ui.px(labels.size() > 2 ? 300 : 360) * ui.text_scale,
                std::min(width, ui.px(labels.size() > 2 ? 1500 : 1000)), ui.px(32));
            float button = 0;
            for (auto label : labels)
                button = std::max(button, widgets::button_height(ui, { .label = label, .width = grid.item_width }));
            int rows = (static_cast<int>(labels.size()) + grid.columns - 1) / grid.columns;
            return static_cast<float>(rows) * button + static_cast<float>(rows - 1) * ui.px(24);
        };
        float top = ui.fonts.title->FontSize * 1.25f + ui.px(32 + 40 + 48);
        float single = row_height({ context.tr("common.back"), context.tr("common.finish") });
        float paged = row_height({ context.tr("common.back"), context.tr("catalog.previous"), context.tr("catalog.more"),
                          context.tr("common.finish") })
            + ui.fonts.small->FontSize * 1.25f + ui.px(16);
        struct Choice {
            Grid grid;
            std::vector<widgets::CardSpec> cards;
            float height = 0;
            int rows = 1;
        } best;
        for (int columns = 1; columns <= 2; ++columns) {
            Choice choice;
            choice.grid = grid_for(columns, ui.px(560), width, ui.px(24));
            if (choice.grid.columns != columns)
                continue;
            for (size_t i = 0; i < procedures.size(); ++i) {
                auto& procedure = *procedures[i];
                choice.cards.push_back({ .id = ids[i], .icon = procedure.icon, .overline = overlines[i],
                    .title = context.text(procedure.title), .summary = context.text(procedure.summary),
                    .width = choice.grid.item_width });
                choice.height = std::max(choice.height, widgets::card_height(ui, choice.cards.back()));
            }
            float row = choice.height + ui.px(24);
            float display = ui.room;
            choice.rows = static_cast<int>((display - top - single + ui.px(24)) / row);
            if (choice.rows * columns < total)
                choice.rows = static_cast<int>((display - top - paged + ui.px(24)) / row);
            // The layout that shows the most cards wins; when none fits a whole card, the shortest cards.
            bool better = best.cards.empty()
                || (choice.rows > 0 && std::min(total, choice.rows * columns) > std::min(total, best.rows * best.grid.columns))
                || (best.rows == 0 && choice.height < best.height);
            if (better)
                best = std::move(choice);
        }
        auto& grid = best.grid;
        auto& cards = best.cards;
        float height = best.height;
        int per_page = std::max(1, best.rows) * grid.columns;
        int pages = (total + per_page - 1) / per_page;
        m_page = std::clamp(m_page, 0, pages - 1);
        size_t first = static_cast<size_t>(m_page * per_page);
        size_t last = std::min(procedures.size(), first + static_cast<size_t>(per_page));
        for (size_t i = first; i < last; ++i) {
            cards[i].min_height = height;
            if ((i - first) % static_cast<size_t>(grid.columns) != 0)
                ImGui::SameLine(0, grid.gap);
            else if (i != first)
                widgets::gap(ui, 24);
            if (widgets::card(ui, cards[i]))
                context.emit(intent::StartProcedure { procedures[i]->id });
        }
        widgets::gap(ui, 40);
        if (pages > 1) {
            widgets::caption(ui, "catalog.page",
                format_text(context.tr("common.page"), { { "page", std::to_string(m_page + 1) }, { "pages", std::to_string(pages) } }),
                width);
            widgets::gap(ui, 16);
            ButtonSpec buttons[] = { { .id = "catalog.back", .label = context.tr("common.back") },
                { .id = "catalog.previous", .label = context.tr("catalog.previous") },
                { .id = "catalog.more", .label = context.tr("catalog.more") },
                { .id = "catalog.finish", .label = context.tr("common.finish") } };
            switch (widgets::button_row(ui, buttons, width)) {
            case 1:
                context.emit(intent::Back {});
                break;
            case 2:
                m_page = m_page == 0 ? pages - 1 : m_page - 1;
                context.emit(intent::ListenAgain {}); // the voice reads the cards now shown
                break;
            case 3:
                m_page = (m_page + 1) % pages;
                context.emit(intent::ListenAgain {});
                break;
            case 4:
                context.emit(intent::EndSession {});
                break;
            }
            return;
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
