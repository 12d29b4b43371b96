// The mediator's page (assisted session, training, the queue, send now, end the citizen's session)
// and receipt lookup (a code's state, never its contents).
#include "screens/keyboard.h"
#include "screens/staff_screens.h"

#include <algorithm>

namespace guichet::screens {

namespace {

std::string queue_summary(const FrameContext& context, const SyncStatus& sync)
{
    std::string oldest;
    if (sync.oldest_queued_age_s) {
        auto minutes = *sync.oldest_queued_age_s / 60;
        oldest = format_text(context.staff_tr("staff.queue_oldest"),
            { { "age", minutes < 120 ? std::to_string(minutes) + " min" : std::to_string(minutes / 60) + " h" } });
    }
    std::string_view link = sync.link == LinkState::Online ? context.staff_tr("staff.link_online")
        : sync.link == LinkState::Offline                  ? context.staff_tr("staff.link_offline")
        : sync.link == LinkState::AuthRefused              ? context.staff_tr("staff.link_refused")
                                                                 : context.staff_tr("staff.link_unknown");
    auto summary = format_text(context.staff_tr("staff.queue_summary"),
        { { "queued", std::to_string(sync.queued) }, { "oldest", oldest }, { "sent", std::to_string(sync.sent) },
            { "quarantined", std::to_string(sync.quarantined) }, { "link", std::string(link) } });
    // Scanned pages still travelling after their submission (issue 18): a sent demand is not whole yet.
    if (sync.pages_pending > 0)
        summary += format_text(context.staff_tr("staff.queue_pages"), { { "pages", std::to_string(sync.pages_pending) } });
    return summary;
}

}

void MediatorScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    widgets::heading(ui, "staff.mediator_title", context.staff_tr("staff.mediator_title"), width);
    widgets::gap(ui, 24);

    ButtonSpec toggles[] = {
        { .id = "staff.assisted", .label = context.staff_tr(view.assisted ? "staff.assisted_on" : "staff.assisted_off"),
            .role = Role::Toggle, .selected = view.assisted },
        { .id = "staff.training", .label = context.staff_tr(view.training ? "staff.training_on" : "staff.training_off"),
            .role = Role::Toggle, .selected = view.training },
    };
    if (int chosen = widgets::button_row(ui, toggles, width); chosen == 1)
        context.emit_staff(staff_intent::ToggleAssisted {});
    else if (chosen == 2)
        context.emit_staff(staff_intent::ToggleTraining {});
    widgets::gap(ui, 12);
    widgets::caption(ui, "staff.training_note", context.staff_tr("staff.training_note"), width);
    widgets::gap(ui, 32);

    if (view.takes_submissions) {
        widgets::paragraph(ui, "staff.queue", queue_summary(context, view.sync), width);
        widgets::gap(ui, 16);
    } else {
        widgets::paragraph(ui, "staff.queue", context.staff_tr("staff.no_submissions"), width);
        widgets::gap(ui, 16);
    }
    ButtonSpec queue_actions[] = {
        { .id = "staff.send_now", .label = context.staff_tr("staff.send_now") },
        { .id = "staff.lookup", .label = context.staff_tr("staff.lookup") },
    };
    if (int chosen = widgets::button_row(ui, queue_actions, width); chosen == 1)
        context.emit_staff(staff_intent::SendNow {});
    else if (chosen == 2)
        context.emit_staff(staff_intent::ShowLookup {});
    if (!view.message.empty()) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "staff.message", view.message, width);
    }
    widgets::gap(ui, 40);

    std::vector<ButtonSpec> leave;
    if (view.citizen_in_session)
        leave.push_back({ .id = "staff.end_session", .label = context.staff_tr("staff.end_session") });
    if (view.technician)
        leave.push_back({ .id = "staff.show_technician", .label = context.staff_tr("staff.technician_title") });
    leave.push_back({ .id = "staff.leave", .label = context.staff_tr("staff.leave"), .style = ButtonStyle::Primary });
    if (int chosen = widgets::button_row(ui, leave, width)) {
        std::string_view id = leave[chosen - 1].id;
        if (id == "staff.end_session")
            context.emit_staff(staff_intent::EndCitizenSession {});
        else if (id == "staff.show_technician")
            context.emit_staff(staff_intent::ShowTechnician {});
        else
            context.emit_staff(staff_intent::Leave {});
    }
}

void ReceiptLookupScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    widgets::heading(ui, "staff.lookup_title", context.staff_tr("staff.lookup_title"), width);
    widgets::gap(ui, 16);
    widgets::caption(ui, "staff.lookup_note", context.staff_tr("staff.lookup_note"), width);
    widgets::gap(ui, 24);
    ButtonSpec back { .id = "staff.show_mediator", .label = context.staff_tr("staff.back") };
    // A result takes the place of the field and the keyboard until the mediator asks for another number:
    // the administration's message may be long (1000 bytes), and must not push the keys off the screen.
    if (m_showing_result && !view.lookup_result.empty()) {
        widgets::paragraph(ui, "staff.lookup_result", view.lookup_result, width);
        widgets::gap(ui, 32);
        // A reprint for a citizen who lost their paper: the code and the state, never the answers.
        if (view.can_reprint) {
            ButtonSpec reprint { .id = "staff.reprint", .label = context.staff_tr(view.reprinting ? "print.printing" : "staff.reprint"),
                .width = std::min(width, ui.px(640)) };
            center_next(reprint.width, width);
            if (widgets::button(ui, reprint) && !view.reprinting)
                context.emit_staff(staff_intent::Reprint {});
            if (!view.message.empty()) {
                widgets::gap(ui, 12);
                widgets::paragraph(ui, "staff.message", view.message, width);
            }
            widgets::gap(ui, 24);
        }
        ButtonSpec again { .id = "staff.lookup_again", .label = context.staff_tr("staff.lookup_again"), .style = ButtonStyle::Primary };
        if (int chosen = widgets::button_pair(ui, back, again, width); chosen == 1) {
            context.emit_staff(staff_intent::ShowMediator {});
        } else if (chosen == 2) {
            m_showing_result = false;
            m_code.clear();
        }
        return;
    }
    float field = std::min(width, ui.px(640));
    center_next(field, width);
    widgets::text_field(ui, "staff.lookup_code", context.staff_tr("staff.lookup_label"), m_code, field, true, 11);
    widgets::gap(ui, 16);
    KeyboardLabels labels { .backspace = context.staff_tr("keyboard.backspace"), .clear = context.staff_tr("keyboard.clear"),
        .shift = context.staff_tr("keyboard.shift"), .space = context.staff_tr("keyboard.space") };
    widgets::keyboard(ui, "staff.lookup_keys", KeyboardLayout::Code, m_code, width, labels, 11);
    widgets::gap(ui, 24);
    ButtonSpec find { .id = "staff.lookup_submit", .label = context.staff_tr("staff.lookup_submit"), .style = ButtonStyle::Primary };
    if (int chosen = widgets::button_pair(ui, back, find, width); chosen == 1)
        context.emit_staff(staff_intent::ShowMediator {});
    else if (chosen == 2) {
        context.emit_staff(staff_intent::Lookup { m_code });
        m_showing_result = true;
    }
}

}
