// Layout of a step: the question, then its field (choices, text and keyboard, date, address), then
// Back / Next. [SECTION] state  [SECTION] layout  [SECTION] fields
#include "screens/step_screen.h"

#include "kiosk/core/answer_text.h"

#include <algorithm>

namespace guichet::screens {

// [SECTION] state

namespace {

// The widest a field or a block of text gets: wider lines are hard to follow. The measure grows with
// the text size, so large text keeps as many words a line.
float ui_width(const Ui& ui) { return ui.px(1100) * ui.text_scale; }

nlohmann::json empty_draft(const Field& field)
{
    switch (field.rules.type) {
    case FieldType::Text:
    case FieldType::Number:
        return "";
    case FieldType::Date:
        return { { "day", "" }, { "month", "" }, { "year", "" } };
    case FieldType::MultiChoice:
        return nlohmann::json::array();
    case FieldType::Address:
        return { { "street", "" }, { "postcode", "" }, { "commune", "" }, { "insee", "" } };
    case FieldType::Choice:
    case FieldType::YesNo:
    case FieldType::Consent:
        break;
    }
    return nullptr;
}

KeyboardLayout layout_for(TextPreset preset)
{
    switch (preset) {
    case TextPreset::Postcode:
    case TextPreset::Phone:
    case TextPreset::TaxNumber:
        return KeyboardLayout::Digits;
    case TextPreset::PersonName:
        return KeyboardLayout::Letters;
    case TextPreset::Email:
        return KeyboardLayout::Email;
    case TextPreset::Nir:
    case TextPreset::Iban:
        return KeyboardLayout::Code;
    default:
        return KeyboardLayout::Text;
    }
}

// Enough for any preset's longest form with the separators people type.
size_t max_characters_for(const FieldRules& rules)
{
    switch (rules.preset) {
    case TextPreset::Free:
        return static_cast<size_t>(rules.max_length);
    case TextPreset::Postcode:
        return 5;
    case TextPreset::Phone:
        return 24; // "+33 (0)6 12 34 56 78" with the spaces people type
    case TextPreset::Nir:
        return 21;
    case TextPreset::TaxNumber:
        return 16;
    case TextPreset::Iban:
        return 42;
    default:
        return 100;
    }
}

}

void StepScreen::reset()
{
    wipe_json(m_draft);
    m_journey = nullptr;
    m_step = nullptr;
    m_part = 0;
    m_help = false;
    m_keypad = false;
}

// A new step (or a new journey) starts from what the journey kept for it, or an empty draft.
void StepScreen::follow(const Journey& journey)
{
    if (&journey == m_journey && &journey.step() == m_step)
        return;
    reset();
    m_content_height = m_keyboard_height = m_keyboard_room = 0; // measured afresh for this step
    m_journey = &journey;
    m_step = &journey.step();
    auto kept = journey.draft();
    m_draft = kept.is_null() || m_step->kind == StepKind::Info ? empty_draft(m_step->field) : kept;
}

// [SECTION] layout

void StepScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& journey = *context.journey;
    follow(journey);
    auto& step = *m_step;
    float start = ImGui::GetCursorPosY();
    // When the step did not fit last frame, the keyboard gives up height: the room on the screen less
    // everything else on it. Only ever downwards for a step, so the layout settles instead of swinging.
    float room = ui.room - ui.px(56);
    if (m_content_height > room) {
        float fit = room - (m_content_height - m_keyboard_height);
        if (m_keyboard_room == 0 || fit < m_keyboard_room)
            m_keyboard_room = std::max(fit, 1.0f);
    }
    ui.keyboard_room = m_keyboard_room;
    m_keyboard_height = 0;

    // The progress on the left and Help on the right share one line, leaving the height to the field.
    std::string progress = format_text(context.tr("step.progress"),
        { { "position", std::to_string(journey.position()) }, { "count", std::to_string(journey.count()) } });
    if (ui.help_requested && !step.help.empty())
        m_help = true; // the Help key shows the help (and speech reads it)
    if (step.help.empty()) {
        widgets::caption(ui, "step.progress", progress, width, Align::Left);
    } else {
        ButtonSpec help { .id = "step.help", .label = context.tr(m_help ? "step.hide_help" : "step.help"),
            .min_height = ui.px(80), .role = Role::Toggle, .selected = m_help };
        help.width = std::min(width / 2, ui.px(300) * ui.text_scale);
        float row_top = ImGui::GetCursorPosY();
        float left = ImGui::GetCursorPosX();
        float help_height = widgets::button_height(ui, help);
        ImGui::SetCursorPosY(row_top + (help_height - ui.fonts.small->FontSize * 1.25f) / 2);
        widgets::caption(ui, "step.progress", progress, width - help.width - ui.px(24), Align::Left);
        ImGui::SetCursorPos(ImVec2(left + width - help.width, row_top));
        if (widgets::button(ui, help))
            m_help = !m_help;
        ImGui::SetCursorPosX(left);
    }
    widgets::gap(ui, 12);
    widgets::heading(ui, "step.title", context.text(step.title), width);
    if (auto& text = context.text(step.text); !text.empty()) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "step.text", text, width);
    }
    if (step.kind == StepKind::Question && !step.field.rules.required) {
        widgets::gap(ui, 8);
        widgets::caption(ui, "step.optional", context.tr("step.optional"), width);
    }
    if (m_help) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "step.help_text", context.text(step.help), width, Align::Center, "text_muted");
    }
    if (auto& error = journey.error()) {
        widgets::gap(ui, 20);
        widgets::paragraph(ui, "step.error", error_text(step.field, *error, context.language(), context.strings), width,
            Align::Center, "error");
    }
    widgets::gap(ui, 32);
    if (step.kind == StepKind::Question)
        draw_field(context, step, width);
    widgets::gap(ui, 40);

    int pressed = widgets::button_pair(ui, { .id = "step.back", .label = context.tr("common.back") },
        { .id = "step.next", .label = context.tr("common.next"), .style = ButtonStyle::Primary }, width);
    if (pressed == 1)
        context.emit(intent::Back {});
    else if (pressed == 2)
        context.emit(intent::Next { step.kind == StepKind::Question ? m_draft : nlohmann::json() });
    m_content_height = ImGui::GetCursorPosY() - start;
    ui.keyboard_room = 0;
}

// [SECTION] fields

void StepScreen::draw_field(FrameContext& context, const Step& step, float width)
{
    auto& rules = step.field.rules;
    float field_width = std::min(width, ui_width(context.ui));
    switch (rules.type) {
    case FieldType::Text:
    case FieldType::Number: {
        auto layout = rules.type == FieldType::Number ? KeyboardLayout::Digits : layout_for(rules.preset);
        size_t limit = rules.type == FieldType::Number ? 12 : max_characters_for(rules);
        auto& value = m_draft.get_ref<std::string&>();
        field_and_keys(context, width, layout == KeyboardLayout::Digits, ui_width(context.ui) * 0.5f, [&](float column) {
            float box = std::min(field_width, column);
            center_next(box, column);
            part_field(context, "step.answer", context.text(step.title), value, box, 0, limit);
            if (auto& unit = context.text(step.field.unit); !unit.empty())
                widgets::caption(context.ui, "step.unit", unit, column);
        }, [&](float column) { draw_keyboard(context, value, layout, column, limit); });
        break;
    }
    case FieldType::Date:
        draw_date(context, width);
        break;
    case FieldType::Address:
        draw_address(context, width);
        break;
    case FieldType::Choice:
        draw_options(context, step.field, width, false);
        break;
    case FieldType::MultiChoice:
        widgets::caption(context.ui, "step.several", context.tr("step.several"), width);
        widgets::gap(context.ui, 16);
        draw_options(context, step.field, width, true);
        break;
    case FieldType::YesNo: {
        Field yes_no;
        yes_no.options = { { "yes", { { context.language(), context.tr("common.yes") } } },
            { "no", { { context.language(), context.tr("common.no") } } } };
        draw_options(context, yes_no, width, false);
        break;
    }
    case FieldType::Consent: {
        float text_width = std::min(width, ui_width(context.ui));
        center_next(text_width, width);
        widgets::paragraph(context.ui, "step.consent_text", context.text(step.field.consent_label), text_width);
        widgets::gap(context.ui, 24);
        bool agreed = m_draft == "yes";
        ButtonSpec agree { .id = "step.agree", .label = context.tr("step.agree"), .width = std::min(width, ui_width(context.ui) * 0.6f),
            .role = Role::Toggle, .selected = agreed };
        center_next(agree.width, width);
        if (widgets::button(context.ui, agree))
            m_draft = agreed ? nlohmann::json() : nlohmann::json("yes");
        break;
    }
    }
}

void StepScreen::draw_options(FrameContext& context, const Field& field, float width, bool several)
{
    auto& ui = context.ui;
    auto count = static_cast<int>(field.options.size());
    auto grid = grid_for(count, ui.px(count <= 2 ? 360 : 440), std::min(width, ui_width(ui)), ui.px(24));
    float grid_width = static_cast<float>(grid.columns) * grid.item_width + static_cast<float>(grid.columns - 1) * grid.gap;
    // Each row as tall as its tallest label: one long label makes its own row taller, not every row.
    auto row_height = [&](int row) {
        float height = 0;
        for (int i = row * grid.columns; i < std::min(count, (row + 1) * grid.columns); ++i)
            height = std::max(height,
                widgets::button_height(ui, { .label = context.text(field.options[static_cast<size_t>(i)].label), .width = grid.item_width }));
        return height;
    };
    float height = 0;
    for (int i = 0; i < count; ++i) {
        if (i % grid.columns == 0)
            height = row_height(i / grid.columns);
        auto& option = field.options[static_cast<size_t>(i)];
        bool chosen = several ? std::find(m_draft.begin(), m_draft.end(), option.value) != m_draft.end() : m_draft == option.value;
        if (i % grid.columns != 0) {
            ImGui::SameLine(0, grid.gap);
        } else {
            if (i != 0)
                widgets::gap(ui, 20);
            center_next(grid_width, width);
        }
        std::string id = "option." + option.value;
        if (!widgets::button(ui, { .id = id, .label = context.text(option.label), .width = grid.item_width,
                .min_height = height, .role = several ? Role::Toggle : Role::Choice, .selected = chosen }))
            continue;
        if (!several) {
            m_draft = option.value;
        } else if (chosen) {
            m_draft.erase(static_cast<size_t>(std::find(m_draft.begin(), m_draft.end(), option.value) - m_draft.begin()));
        } else {
            m_draft.push_back(option.value);
        }
    }
}

bool StepScreen::part_field(FrameContext& context, std::string_view id, std::string_view label, std::string& value,
    float width, int part, size_t max_characters)
{
    widgets::text_field(context.ui, id, label, value, width, m_part == part, max_characters);
    auto& rect = context.ui.tree.nodes().back().rect;
    ImVec2 mouse = ImGui::GetIO().MousePos;
    bool tapped = (ImGui::IsMouseClicked(0) && mouse.x >= rect.x && mouse.x < rect.x + rect.w && mouse.y >= rect.y
                      && mouse.y < rect.y + rect.h)
        || activated_by_key(context.ui, id);
    if (tapped)
        m_part = part;
    return tapped;
}

void StepScreen::draw_keyboard(FrameContext& context, std::string& value, KeyboardLayout layout, float width, size_t max_characters)
{
    KeyboardLabels labels { context.tr("keyboard.backspace"), context.tr("keyboard.clear"), context.tr("keyboard.shift"),
        context.tr("keyboard.space") };
    float keyboard_width = std::min(width, context.ui.px(layout == KeyboardLayout::Digits ? 620 : 1500));
    center_next(keyboard_width, width);
    float top = ImGui::GetCursorPosY();
    widgets::keyboard(context.ui, "keyboard", layout, value, keyboard_width, labels, max_characters);
    m_keyboard_height += ImGui::GetCursorPosY() - top;
}

void StepScreen::field_and_keys(FrameContext& context, float width, bool keypad, float field_width,
    const std::function<void(float)>& field, const std::function<void(float)>& keys)
{
    auto& ui = context.ui;
    ImVec2 display = ImGui::GetIO().DisplaySize;
    float gutter = ui.px(48);
    // Half the column each, or, for a wide field (a date at large text), what the field needs and the
    // rest for the keypad as long as its three keys a row stay wide.
    float column = std::max((width - gutter) / 2, field_width);
    if (!keypad || display.x <= display.y || width - column - gutter < ui.px(360)) {
        field(width);
        widgets::gap(ui, 24);
        keys(width);
        return;
    }
    float left = ImGui::GetCursorPosX();
    float top = ImGui::GetCursorPosY();
    ImGui::BeginGroup();
    field(column);
    ImGui::EndGroup();
    float bottom = ImGui::GetCursorPosY();
    ImGui::SetCursorPos(ImVec2(left + column + gutter, top));
    ImGui::BeginGroup();
    keys(width - column - gutter);
    ImGui::EndGroup();
    ImGui::SetCursorPos(ImVec2(left, std::max(bottom, ImGui::GetCursorPosY())));
}

void StepScreen::draw_date(FrameContext& context, float width)
{
    auto& ui = context.ui;
    struct Part {
        const char* key;
        const char* label;
        float width;
        size_t length;
    };
    // Two or four digits and their label: boxes no wider than that, so the row holds in a portrait
    // column at the largest text.
    const Part parts[] = { { "day", "date.day", 160, 2 }, { "month", "date.month", 160, 2 }, { "year", "date.year", 220, 4 } };
    auto fields = [&](float column) {
        float gap = ui.px(32);
        float row = gap * 2;
        for (auto& part : parts)
            row += ui.px(part.width) * ui.text_scale;
        float origin = ImGui::GetCursorPosX();
        float top = ImGui::GetCursorPosY();
        float bottom = top;
        float x = origin + std::max(0.0f, (column - row) / 2);
        for (int i = 0; i < 3; ++i) {
            auto& part = parts[i];
            float part_width = ui.px(part.width) * ui.text_scale;
            ImGui::SetCursorPos(ImVec2(x, top));
            ImGui::BeginGroup();
            widgets::caption(ui, std::string("date.label.") + part.key, context.tr(part.label), part_width);
            auto& value = m_draft[part.key].get_ref<std::string&>();
            auto before = value.size();
            part_field(context, std::string("date.") + part.key, context.tr(part.label), value, part_width, i, part.length);
            // Typing a full day or month moves on to the next box, as on a paper form with boxes.
            if (i < 2 && m_part == i && value.size() == part.length && value.size() != before)
                m_part = i + 1;
            ImGui::EndGroup();
            bottom = std::max(bottom, ImGui::GetCursorPosY());
            x += part_width + gap;
        }
        ImGui::SetCursorPos(ImVec2(origin, bottom));
    };
    auto keys = [&](float column) {
        auto& active = m_draft[parts[m_part].key].get_ref<std::string&>();
        auto before = active.size();
        draw_keyboard(context, active, KeyboardLayout::Digits, column, parts[m_part].length);
        if (m_part < 2 && active.size() == parts[m_part].length && active.size() != before)
            m_part += 1;
    };
    float row = ui.px(160 + 160 + 220) * ui.text_scale + 2 * ui.px(32);
    field_and_keys(context, width, true, row, fields, keys);
}

void StepScreen::draw_address(FrameContext& context, float width)
{
    auto& ui = context.ui;
    float field_width = std::min(width, ui_width(ui));
    float postcode_width = ui.px(300) * ui.text_scale;
    float gap = ui.px(32);
    // Street and postcode side by side when the column is wide enough, one above the other otherwise.
    bool side_by_side = field_width - postcode_width - gap >= ui.px(560);
    float street_width = side_by_side ? field_width - postcode_width - gap : field_width;
    center_next(field_width, width);
    float left = ImGui::GetCursorPosX();
    float top = ImGui::GetCursorPosY();
    ImGui::BeginGroup();
    widgets::caption(ui, "address.street.label", context.tr("address.street"), street_width, Align::Left);
    part_field(context, "address.street", context.tr("address.street"), m_draft["street"].get_ref<std::string&>(), street_width, 0,
        120);
    ImGui::EndGroup();
    if (side_by_side) {
        ImGui::SetCursorPos(ImVec2(left + street_width + gap, top));
    } else {
        widgets::gap(ui, 16);
        center_next(field_width, width);
    }
    auto& postcode = m_draft["postcode"].get_ref<std::string&>();
    size_t typed = postcode.size();
    ImGui::BeginGroup();
    widgets::caption(ui, "address.postcode.label", context.tr("address.postcode"), postcode_width, Align::Left);
    if (part_field(context, "address.postcode", context.tr("address.postcode"), postcode, postcode_width, 1, 5))
        m_keypad = true; // tapped: the citizen wants to type or correct it
    ImGui::EndGroup();
    ImGui::SetCursorPosX(left - std::max(0.0f, (width - field_width) / 2));

    // The communes of a complete postcode, as big buttons; one commune is chosen for the citizen.
    auto digits = strip_separators(postcode);
    std::span<const Commune> communes;
    if (digits.size() == 5 && context.postcodes)
        communes = context.postcodes->communes(digits);
    auto& commune = m_draft["commune"].get_ref<std::string&>();
    auto& insee = m_draft["insee"].get_ref<std::string&>();
    bool still_valid = std::any_of(communes.begin(), communes.end(), [&](auto& c) { return c.name == commune && c.insee == insee; });
    if (!still_valid) {
        commune.clear();
        insee.clear();
        if (communes.size() == 1) {
            commune = communes[0].name;
            insee = communes[0].insee;
        }
    }
    // Below the fields, one thing at a time so the screen never overflows: the keyboard for the street,
    // the keypad while the postcode is being typed, then the communes of the complete postcode.
    bool complete = digits.size() == 5;
    if (complete && postcode.size() != typed)
        m_keypad = false; // the fifth digit: show the communes
    if (complete && context.postcodes && communes.empty()) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "address.unknown", context.tr("address.unknown_postcode"), width, Align::Center, "error");
    }
    widgets::gap(ui, 24);
    if (m_part == 0) {
        draw_keyboard(context, m_draft["street"].get_ref<std::string&>(), KeyboardLayout::Text, width, 120);
    } else if (!complete || m_keypad || communes.empty()) {
        size_t before = postcode.size();
        draw_keyboard(context, postcode, KeyboardLayout::Digits, std::min(width, ui.px(620)), 5);
        if (postcode.size() != before && strip_separators(postcode).size() == 5)
            m_keypad = false; // the fifth digit: the communes come next frame
    } else {
        widgets::caption(ui, "address.choose", context.tr("address.choose_commune"), width);
        widgets::gap(ui, 12);
        auto grid = grid_for(static_cast<int>(communes.size()), ui.px(340) * ui.text_scale, field_width, ui.px(16));
        float grid_width = static_cast<float>(grid.columns) * grid.item_width + static_cast<float>(grid.columns - 1) * grid.gap;
        for (size_t i = 0; i < communes.size(); ++i) {
            if (i % static_cast<size_t>(grid.columns) != 0) {
                ImGui::SameLine(0, grid.gap);
            } else {
                if (i != 0)
                    widgets::gap(ui, 16);
                center_next(grid_width, width);
            }
            std::string id = "commune." + communes[i].insee + "." + std::to_string(i);
            if (widgets::button(ui, { .id = id, .label = communes[i].name, .width = grid.item_width, .min_height = ui.px(80),
                    .role = Role::Choice, .selected = commune == communes[i].name && insee == communes[i].insee })) {
                commune = communes[i].name;
                insee = communes[i].insee;
            }
        }
    }
}

}
