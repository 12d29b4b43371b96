// Layout of the catalog screen.
#include "screens/catalog_screen.h"

#include <algorithm>

namespace guichet::screens {

void CatalogScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    widgets::heading(ui, "catalog.title", context.tr("catalog.title"), width);
    widgets::gap(ui, 32);
    float text_width = std::min(width, ui.px(1100));
    center_next(text_width, width);
    widgets::paragraph(ui, "catalog.empty", context.tr("catalog.empty"), text_width);
    widgets::gap(ui, 64);

    ButtonSpec back { .id = "catalog.back", .label = context.tr("common.back") };
    ButtonSpec finish { .id = "catalog.finish", .label = context.tr("common.finish") };
    auto row = grid_for(2, ui.px(360), std::min(width, ui.px(900)), ui.px(32));
    back.width = finish.width = row.item_width;
    back.min_height = finish.min_height = std::max(widgets::button_height(ui, back), widgets::button_height(ui, finish));
    center_next(row.columns == 2 ? 2 * row.item_width + row.gap : row.item_width, width);
    if (widgets::button(ui, back))
        context.emit(intent::Back {});
    if (row.columns == 2) {
        ImGui::SameLine(0, row.gap);
    } else {
        widgets::gap(ui, 24);
        center_next(row.item_width, width);
    }
    if (widgets::button(ui, finish))
        context.emit(intent::EndSession {});
}

}
