// Drawing the inactivity warning.
#include "screens/inactivity_dialog.h"

#include <algorithm>
#include <cmath>

namespace guichet::screens {

bool InactivityDialog::draw(FrameContext& context)
{
    auto& ui = context.ui;
    // A tap anywhere on the dimmed screen also says "I am here".
    if (m_frame.begin(context, "##inactivity"))
        context.emit(intent::ExtendSession {});
    float inner = m_frame.inner_width();

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
    if (widgets::button(ui, finish))
        context.emit(intent::EndSession {});
    return m_frame.end(context, "inactivity", context.tr("inactivity.title"));
}

}
