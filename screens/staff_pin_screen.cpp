// The staff PIN pad: a digit keypad (or a keyboard's digits), the typed digits shown as dots only,
// and what the desk says about waits and the lockout.
#include "screens/keyboard.h"
#include "screens/staff_screens.h"

#include <string.h>

#include <algorithm>

namespace guichet::screens {

namespace {
constexpr size_t max_pin = 12;
}

void StaffPinScreen::wipe()
{
    explicit_bzero(m_pin.data(), m_pin.size());
    m_pin.clear();
}

void StaffPinScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& view = *context.staff;
    float column = std::min(width, ui.px(760));
    float left = (width - column) / 2;
    indent(left);

    widgets::heading(ui, "staff.pin_title", context.staff_tr("staff.pin_title"), column);
    widgets::gap(ui, 24);
    bool taking = !view.pad_closed && !view.checking_pin;
    std::string_view message = view.checking_pin ? context.staff_tr("staff.pin_checking")
        : view.pin_message.empty()                ? context.staff_tr("staff.pin_prompt")
                                                  : std::string_view(view.pin_message);
    widgets::paragraph(ui, "staff.pin_message", message, column, Align::Center,
        view.pin_message.empty() || view.checking_pin ? "text" : "error");
    widgets::gap(ui, 24);

    // A keyboard's digits type too; what was typed is shown as dots and never recorded.
    if (taking) {
        ImGuiIO& io = ImGui::GetIO();
        for (ImWchar c : io.InputQueueCharacters)
            if (c >= '0' && c <= '9' && m_pin.size() < max_pin)
                m_pin.push_back(static_cast<char>(c));
        io.InputQueueCharacters.resize(0);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)) && !m_pin.empty())
            m_pin.pop_back();
    }
    if (taking) {
        std::string dots;
        for (size_t i = 0; i < m_pin.size(); ++i)
            dots += i ? " \u25CF" : "\u25CF";
        widgets::heading(ui, "staff.pin_dots", m_pin.empty() ? std::string_view("\u2013") : std::string_view(dots), column);
        widgets::gap(ui, 24);
    }

    if (taking) {
        KeyboardLabels labels { .backspace = context.staff_tr("keyboard.backspace"),
            .clear = context.staff_tr("keyboard.clear"), .shift = context.staff_tr("keyboard.shift"),
            .space = context.staff_tr("keyboard.space") };
        widgets::keyboard(ui, "staff.pin", KeyboardLayout::Digits, m_pin, column, labels, max_pin);
        widgets::gap(ui, 32);
    }
    ButtonSpec cancel { .id = "staff.leave", .label = context.staff_tr("staff.cancel") };
    ButtonSpec submit { .id = "staff.pin_submit", .label = context.staff_tr("staff.pin_submit"), .style = ButtonStyle::Primary };
    if (!taking) {
        center_next(widgets::button_width(ui, cancel), column);
        if (widgets::button(ui, cancel))
            context.emit_staff(staff_intent::Leave {});
    } else if (int chosen = widgets::button_pair(ui, cancel, submit, column); chosen == 1) {
        context.emit_staff(staff_intent::Leave {});
    } else if (chosen == 2 && !m_pin.empty()) {
        context.emit_staff(staff_intent::SubmitPin { m_pin });
        wipe();
    }
    unindent(left);
}

Screen& StaffScreens::get(ScreenId id)
{
    switch (id) {
    case ScreenId::Mediator:
        return mediator;
    case ScreenId::ReceiptLookup:
        return lookup;
    case ScreenId::Technician:
        return technician;
    case ScreenId::TouchTest:
        return touch;
    case ScreenId::TestPattern:
        return pattern;
    default:
        return pin;
    }
}

}
