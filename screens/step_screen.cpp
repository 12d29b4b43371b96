// Layout of a step: the question, then its field (choices, text and keyboard, date, address), then
// Back / Next. [SECTION] state  [SECTION] layout  [SECTION] fields
#include "screens/step_screen.h"

#include "kiosk/core/answer_text.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

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

// A height as it would be with its spacing squeezed as far as it goes: what a list is paged against, so
// its pages do not change as the spacing around them loosens or tightens.
float at_tightest(const Ui& ui, float height, float gaps) { return height - gaps * (ui.gap_scale - min_gap_scale); }

}

void StepScreen::reset()
{
    wipe_json(m_draft);
    m_journey = nullptr;
    m_step = nullptr;
    m_part = 0;
    m_help = false;
    m_keypad = false;
    m_list_page = -1;
    m_list_postcode.clear();
}

bool StepScreen::close_overlay()
{
    bool open = m_help;
    m_help = false;
    return open;
}

// A new step (or a new journey) starts from what the journey kept for it, or an empty draft.
void StepScreen::follow(const Journey& journey)
{
    if (&journey == m_journey && &journey.step() == m_step)
        return;
    reset();
    // Measured afresh for this step.
    m_content_height = m_keyboard_height = m_keyboard_lowest = m_keyboard_room = m_list_height = m_list_room = 0;
    m_thumb_height = m_thumb_room = 0;
    m_pages_row = 0;
    m_pages_seen = 0;
    m_compact_title = false;
    m_journey = &journey;
    m_step = &journey.step();
    auto kept = journey.draft(); // moved into m_draft, so the screen's is the only copy (wiped by reset())
    m_draft = kept.is_null() || m_step->kind == StepKind::Info ? empty_draft(m_step->field) : std::move(kept);
}

// [SECTION] layout

// When the step did not fit last frame, what can give up height does: the keyboard lowers its keys down
// to the 64-pixel floor (folding its digits beside the letters), and when even that is too tall the
// question takes the buttons' size (so does a list that does not fit one row a page); these only ever shrink for a step, so the layout settles instead of
// swinging. A list of choices or communes takes the room the rest leaves it, a page at a time: more
// rows when the spacing has tightened since, fewer when an error appeared above it.
void StepScreen::fit_to_room(const Ui& ui)
{
    // What is too much even with the spacing squeezed as far as the screen squeezes it (Screen::draw).
    float over = m_content_height - m_gaps * (m_gap_scale - min_gap_scale) - (ui.room - 2 * ui.px(24));
    if (m_list_height > 0) {
        // A pixel or two either way is rounding: the pages stay as they are.
        if (float room = std::max(m_list_height - over, 1.0f); std::abs(room - m_list_room) > 2)
            m_list_room = room;
        if (m_list_room < m_list_lowest)
            m_compact_title = true; // not even one row a page fits
    }
    if (over > 0 && m_step && m_step->kind == StepKind::Document) {
        // The pages' pictures give up height first, down to their floor; then the question takes the
        // buttons' size.
        if (m_thumb_height > ui.px(120) + 1 && (m_thumb_room == 0 || m_thumb_height - over < m_thumb_room))
            m_thumb_room = std::max(m_thumb_height - over, 1.0f);
        else
            m_compact_title = true;
    }
    if (over <= 0 || m_keyboard_height <= 0)
        return;
    float fit = m_keyboard_height - over;
    if (fit < m_keyboard_lowest && !m_compact_title) {
        m_compact_title = true; // measured again with the smaller title before the keys give up height
        m_keyboard_room = 0;
    } else if (m_keyboard_room == 0 || fit < m_keyboard_room) {
        m_keyboard_room = std::max(fit, 1.0f);
    }
}

void StepScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& journey = *context.journey;
    follow(journey);
    auto& step = *m_step;
    float start = ImGui::GetCursorPosY();
    fit_to_room(ui);
    ui.keyboard_room = m_keyboard_room;
    m_keyboard_height = m_keyboard_lowest = m_list_height = m_list_lowest = 0;

    // The progress on the left and Help on the right share one line, leaving the height to the field.
    std::string progress = format_text(context.tr("step.progress"),
        { { "position", std::to_string(journey.position()) }, { "count", std::to_string(journey.count()) } });
    if (ui.help_requested && !step.help.empty())
        m_help = true; // the Help key opens the help (and speech reads it)
    if (step.help.empty()) {
        widgets::caption(ui, "step.progress", progress, width, Align::Left);
    } else {
        // With the question in the compact size (a keyboard on a short display), Help is compact too.
        ButtonSpec help { .id = "step.help", .label = context.tr("step.help"), .min_height = ui.px(80), .compact = m_compact_title };
        help.width = std::min(width / 2, ui.px(300) * ui.text_scale);
        float row_top = ImGui::GetCursorPosY();
        float left = ImGui::GetCursorPosX();
        float help_height = widgets::button_height(ui, help);
        ImGui::SetCursorPosY(row_top + (help_height - ui.fonts.small->FontSize * 1.25f) / 2);
        widgets::caption(ui, "step.progress", progress, width - help.width - ui.px(24), Align::Left);
        ImGui::SetCursorPos(ImVec2(left + width - help.width, row_top));
        if (widgets::button(ui, help))
            m_help = true;
        ImGui::SetCursorPosX(left);
    }
    widgets::gap(ui, 12);
    widgets::heading(ui, "step.title", context.text(step.title), width, Align::Center, m_compact_title);
    if (auto& text = context.text(step.text); !text.empty()) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "step.text", text, width);
    }
    if ((step.kind == StepKind::Question && !step.field.rules.required) || (step.kind == StepKind::Document && !step.document.required)) {
        widgets::gap(ui, 8);
        widgets::caption(ui, "step.optional", context.tr("step.optional"), width);
    }
    if (auto& error = journey.error()) {
        widgets::gap(ui, 20);
        widgets::paragraph(ui, "step.error", error_text(step.field, *error, context.language(), context.strings), width,
            Align::Center, "error");
    }
    widgets::gap(ui, 32);
    if (step.kind == StepKind::Question)
        draw_field(context, step, width);
    else if (step.kind == StepKind::Document)
        draw_document(context, step, width);
    widgets::gap(ui, 40);

    int pressed = widgets::button_pair(ui, { .id = "step.back", .label = context.tr("common.back") },
        { .id = "step.next", .label = context.tr("common.next"), .style = ButtonStyle::Primary }, width);
    if (pressed == 1)
        context.emit(intent::Back {});
    else if (pressed == 2)
        context.emit(intent::Next { step.kind == StepKind::Question ? m_draft : nlohmann::json() });
    m_content_height = ImGui::GetCursorPosY() - start;
    m_gaps = ui.gap_total;
    m_gap_scale = ui.gap_scale;
    ui.keyboard_room = 0;
}

bool StepScreen::draw_overlay(FrameContext& context)
{
    if (!m_help || !m_step)
        return false;
    auto& ui = context.ui;
    if (m_help_card.begin(context, "##help"))
        m_help = false;
    float inner = m_help_card.inner_width();
    widgets::heading(ui, "help.title", context.tr("step.help"), inner);
    widgets::gap(ui, 24);
    widgets::paragraph(ui, "step.help_text", context.text(m_step->help), inner);
    widgets::gap(ui, 40);
    ButtonSpec close { .id = "step.close_help", .label = context.tr("step.close_help"), .width = std::min(inner, ui.px(640)),
        .style = ButtonStyle::Primary };
    center_next(close.width, inner);
    if (widgets::button(ui, close))
        m_help = false;
    return m_help_card.end(context, "help", context.tr("step.help"));
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
    auto is_chosen = [&](const Option& option) {
        return several ? std::find(m_draft.begin(), m_draft.end(), option.value) != m_draft.end() : m_draft == option.value;
    };
    widgets::PagerSpec pager { .caption_id = "step.page", .previous_id = "step.previous_options", .previous = context.tr("step.previous_options"),
        .next_id = "step.more_options", .next = context.tr("step.more_options") };
    int tapped = paged_choices(context, grid, count, [&](size_t i) {
        return ButtonSpec { .label = context.text(field.options[i].label), .role = several ? Role::Toggle : Role::Choice,
            .selected = is_chosen(field.options[i]) };
    }, [&](size_t i) { return "option." + field.options[i].value; }, pager, 20, width);
    if (tapped < 0)
        return;
    auto& option = field.options[static_cast<size_t>(tapped)];
    if (!several)
        m_draft = option.value;
    else if (is_chosen(option))
        m_draft.erase(static_cast<size_t>(std::find(m_draft.begin(), m_draft.end(), option.value) - m_draft.begin()));
    else
        m_draft.push_back(option.value);
}

int StepScreen::paged_choices(FrameContext& context, const Grid& grid, int count, const std::function<ButtonSpec(size_t)>& spec_of,
    const std::function<std::string(size_t)>& id_of, const widgets::PagerSpec& pager_spec, float row_gap, float width)
{
    auto& ui = context.ui;
    float top = ImGui::GetCursorPosY();
    float gaps = ui.gap_total;
    auto spec_at = [&](int i) {
        auto spec = spec_of(static_cast<size_t>(i));
        spec.width = grid.item_width;
        spec.compact = m_compact_title; // a step too tall for the display: its choices step down with its question
        return spec;
    };
    widgets::PagerSpec pager = pager_spec;
    pager.compact = m_compact_title;
    // Each row as tall as its tallest label: one long label makes its own row taller, not every row.
    std::vector<float> heights(static_cast<size_t>((count + grid.columns - 1) / grid.columns), 0.0f);
    int chosen_row = -1;
    for (int i = 0; i < count; ++i) {
        auto spec = spec_at(i);
        auto row = static_cast<size_t>(i / grid.columns);
        heights[row] = std::max(heights[row], widgets::button_height(ui, spec));
        if (chosen_row < 0 && spec.selected)
            chosen_row = static_cast<int>(row);
    }
    auto page = list_page(ui, heights, row_gap, pager, width, chosen_row);
    float grid_width = static_cast<float>(grid.columns) * grid.item_width + static_cast<float>(grid.columns - 1) * grid.gap;
    int tapped = -1;
    for (int row = page.first; row < page.last; ++row) {
        if (row != page.first)
            widgets::gap(ui, row_gap);
        center_next(grid_width, width);
        for (int i = row * grid.columns; i < std::min(count, (row + 1) * grid.columns); ++i) {
            if (i != row * grid.columns)
                ImGui::SameLine(0, grid.gap);
            auto spec = spec_at(i);
            std::string id = id_of(static_cast<size_t>(i));
            spec.id = id;
            spec.min_height = heights[static_cast<size_t>(row)];
            if (widgets::button(ui, spec))
                tapped = i;
        }
    }
    list_pager(context, page, pager, width);
    m_list_height = at_tightest(ui, ImGui::GetCursorPosY() - top, ui.gap_total - gaps);
    return tapped;
}

StepScreen::ListPage StepScreen::list_page(const Ui& ui, std::span<const float> row_heights, float row_gap,
    const widgets::PagerSpec& pager, float width, int chosen_row)
{
    float room = m_list_room > 0 ? m_list_room : FLT_MAX;
    Ui tightest = ui;
    tightest.gap_scale = min_gap_scale;
    float pager_height = ui.px(24) * min_gap_scale + widgets::pager_height(tightest, pager, width);
    auto starts = page_starts(row_heights, ui.px(row_gap) * min_gap_scale, room, pager_height);
    if (!row_heights.empty())
        m_list_lowest = *std::max_element(row_heights.begin(), row_heights.end()) + pager_height;
    ListPage page;
    page.pages = static_cast<int>(starts.size());
    if (m_list_page < 0 && page.pages > 1) { // paged for the first time: show the answer the citizen gave
        m_list_page = 0;
        for (int i = 1; i < page.pages; ++i) {
            if (chosen_row >= starts[static_cast<size_t>(i)])
                m_list_page = i;
        }
    }
    int shown = std::clamp(m_list_page, 0, page.pages - 1);
    page.first = starts[static_cast<size_t>(shown)];
    page.last = shown + 1 < page.pages ? starts[static_cast<size_t>(shown + 1)] : static_cast<int>(row_heights.size());
    return page;
}

void StepScreen::list_pager(FrameContext& context, const ListPage& page, widgets::PagerSpec pager, float width)
{
    if (page.pages <= 1)
        return;
    int shown = std::clamp(m_list_page, 0, page.pages - 1);
    std::string caption
        = format_text(context.tr("common.page"), { { "page", std::to_string(shown + 1) }, { "pages", std::to_string(page.pages) } });
    pager.caption = caption;
    widgets::gap(context.ui, 24);
    int turned = widgets::pager(context.ui, pager, shown, page.pages, width);
    if (turned != shown) {
        m_list_page = turned;
        context.emit(intent::ListenAgain {}); // the voice reads the choices now shown
    }
}

bool StepScreen::part_field(FrameContext& context, std::string_view id, std::string_view label, std::string& value,
    float width, int part, size_t max_characters)
{
    widgets::text_field(context.ui, id, label, value, width, m_part == part, max_characters);
    bool tapped = activated(context.ui, id); // a tap, as the app resolved it, or the Enter key
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
    Ui lowest = context.ui;
    lowest.keyboard_room = 1; // as low as its keys go
    m_keyboard_lowest += widgets::keyboard_height(lowest, layout, keyboard_width);
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
        draw_keyboard(context, postcode, KeyboardLayout::Digits, width, 5);
        if (postcode.size() != before && strip_separators(postcode).size() == 5)
            m_keypad = false; // the fifth digit: the communes come next frame
    } else {
        draw_communes(context, communes, width);
    }
}

void StepScreen::draw_communes(FrameContext& context, std::span<const Commune> communes, float width)
{
    auto& ui = context.ui;
    auto& commune = m_draft["commune"].get_ref<std::string&>();
    auto& insee = m_draft["insee"].get_ref<std::string&>();
    auto& postcode = m_draft["postcode"].get_ref<std::string&>();
    if (postcode != m_list_postcode) { // another postcode: its list from the start
        m_list_postcode = postcode;
        m_list_page = -1;
    }
    widgets::caption(ui, "address.choose", context.tr("address.choose_commune"), width);
    widgets::gap(ui, 12);
    // Buttons at least as wide as the longest word of any name, so no name is cut inside a word.
    float min_width = ui.px(340) * ui.text_scale;
    for (auto& c : communes)
        min_width = std::max(min_width, widgets::narrowest_button(ui, { .label = c.name, .role = Role::Choice }));
    auto count = static_cast<int>(communes.size());
    // The whole column, wider than the fields: more communes a page.
    auto grid = grid_for(count, std::min(min_width, width), width, ui.px(16));
    widgets::PagerSpec pager { .caption_id = "address.page", .previous_id = "address.previous_communes",
        .previous = context.tr("address.previous_communes"), .next_id = "address.more_communes",
        .next = context.tr("address.more_communes") };
    int tapped = paged_choices(context, grid, count, [&](size_t i) {
        return ButtonSpec { .label = communes[i].name, .min_height = ui.px(80), .role = Role::Choice,
            .selected = commune == communes[i].name && insee == communes[i].insee };
    }, [&](size_t i) { return "commune." + communes[i].insee + "." + std::to_string(i); }, pager, 16, width);
    if (tapped >= 0) {
        commune = communes[static_cast<size_t>(tapped)].name;
        insee = communes[static_cast<size_t>(tapped)].insee;
    }
}

// [SECTION] documents

void StepScreen::draw_document(FrameContext& context, const Step& step, float width)
{
    auto& ui = context.ui;
    auto* view = context.document;
    auto& spec = step.document;
    int count = static_cast<int>(context.journey->pages(step.id).size());

    // What is accepted, and, said but not shown, how to lay the page on the glass: the step's own text
    // shows that in fewer words, and the screen keeps its room for the pages. A node without size carries
    // it to the voice.
    auto accepted = [&](float column) {
        widgets::paragraph(ui, "document.accepted", context.text(spec.accepted), column);
        auto& voice = context.text(spec.voice);
        UiNode spoken;
        spoken.id = "document.voice";
        spoken.role = Role::Text;
        spoken.label = voice.empty() ? context.tr("document.place_page") : voice;
        ImVec2 at = ImGui::GetCursorScreenPos();
        spoken.rect = { at.x, at.y, 0, 0 };
        ui.tree.add(std::move(spoken));
    };
    // The scanner's state in one sentence the voice says when it changes (scanning, a page scanned, what
    // went wrong and what to do), and while scanning a bar that fills and its percentage.
    auto state = [&](float column) {
        std::string status;
        std::string_view color = "text";
        if (!view) {
            status = context.tr("scan.problem.no_scanner");
            color = "error";
        } else if (view->scanning) {
            status = context.tr("scan.scanning");
        } else if (!view->problem.empty()) {
            status = context.tr("scan.problem." + view->problem);
            color = "error";
        } else if (view->scanned > 0 && count > 0 && view->last_page <= count) {
            status = format_text(context.tr("scan.done"), { { "page", std::to_string(view->last_page) } });
        }
        if (!status.empty()) {
            widgets::gap(ui, 16);
            widgets::paragraph(ui, "scan.status", status, column, Align::Center, color);
        }
        if (view && view->scanning) {
            widgets::gap(ui, 12);
            float bar_width = std::min(column, ui.px(720));
            ImVec2 origin = ImGui::GetCursorScreenPos();
            origin.x += (column - bar_width) / 2;
            float height = ui.px(24);
            auto* draw = ImGui::GetWindowDrawList();
            fill_rounded_rect(draw, origin, ImVec2(origin.x + bar_width, origin.y + height), ui.color("border"), height / 2);
            fill_rounded_rect(draw, origin, ImVec2(origin.x + std::max(height, bar_width * view->progress), origin.y + height),
                ui.color("primary"), height / 2);
            ImGui::Dummy(ImVec2(column, height));
            widgets::caption(ui, "scan.progress", std::to_string(static_cast<int>(view->progress * 100)) + " %", column);
        }
    };
    // "Scan", then "Add a page" while the document may have more.
    auto scan_button = [&](float column) {
        if (!view || count >= spec.max_pages)
            return;
        widgets::gap(ui, 16);
        std::string label = context.tr(count == 0 ? "document.scan" : "document.add_page");
        ButtonSpec scan { .id = "document.scan", .label = label, .width = std::min(column, ui.px(640) * ui.text_scale),
            .style = ButtonStyle::Primary };
        center_next(scan.width, column);
        if (widgets::button(ui, scan) && !view->scanning)
            context.emit(intent::ScanPage {});
    };
    // The pages side by side, each with its number, its picture `thumb_height` tall, Retake and Remove.
    auto pages = [&](float column, float thumb_height) {
        if (!view || count == 0)
            return;
        float left = ImGui::GetCursorPosX();
        float gap = ui.px(32);
        // A page's column holds Retake and Remove side by side, their words whole.
        float needed = std::max(ui.px(260) * ui.text_scale,
            widgets::narrowest_button(ui, { .label = context.tr("document.retake"), .compact = true })
                + widgets::narrowest_button(ui, { .label = context.tr("document.remove"), .compact = true }) + ui.px(16));
        int columns = std::max(1, std::min(count, static_cast<int>((column + gap) / (needed + gap))));
        float column_width = (column - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
        // One row at a time, paged when there are more: a new page brings its row into view.
        int rows = (count + columns - 1) / columns;
        if (count > m_pages_seen)
            m_pages_row = rows - 1;
        m_pages_seen = count;
        m_pages_row = std::clamp(m_pages_row, 0, rows - 1);
        float top = ImGui::GetCursorPosY();
        float row_bottom = top;
        for (int i = m_pages_row * columns; i < std::min(count, (m_pages_row + 1) * columns); ++i) {
            float x = left + static_cast<float>(i % columns) * (column_width + gap);
            ImGui::SetCursorPos(ImVec2(x, top));
            ImGui::BeginGroup();
            std::string number = format_text(context.tr("document.page_number"), { { "page", std::to_string(i + 1) } });
            widgets::caption(ui, "document.page." + std::to_string(i + 1), number, column_width);
            auto& preview = i < static_cast<int>(view->previews.size()) ? view->previews[static_cast<size_t>(i)] : DocumentView::Preview {};
            if (preview.texture && preview.height > 0 && preview.width > 0) {
                float image_height = thumb_height;
                float image_width = static_cast<float>(preview.width) * image_height / static_cast<float>(preview.height);
                if (image_width > column_width) {
                    image_width = column_width;
                    image_height = static_cast<float>(preview.height) * image_width / static_cast<float>(preview.width);
                }
                ImGui::SetCursorPosX(x + (column_width - image_width) / 2);
                ImVec2 at = ImGui::GetCursorScreenPos();
                ImGui::Image(preview.texture, ImVec2(image_width, image_height));
                UiNode node;
                node.id = "document.preview." + std::to_string(i + 1);
                node.role = Role::Image;
                node.label = number;
                node.rect = { at.x, at.y, image_width, image_height };
                ui.tree.add(std::move(node));
            }
            widgets::gap(ui, 12);
            // Retake and Remove side by side, halves of the page's column.
            std::string retake_id = "document.retake." + std::to_string(i + 1), remove_id = "document.remove." + std::to_string(i + 1);
            float half = (column_width - ui.px(16)) / 2;
            ButtonSpec retake { .id = retake_id, .label = context.tr("document.retake"), .width = half, .value = number, .compact = true };
            ButtonSpec remove { .id = remove_id, .label = context.tr("document.remove"), .width = half, .value = number, .compact = true };
            float height = std::max(widgets::button_height(ui, retake), widgets::button_height(ui, remove));
            retake.min_height = remove.min_height = height;
            ImGui::SetCursorPosX(x);
            bool retaken = widgets::button(ui, retake);
            ImGui::SameLine(0, ui.px(16));
            bool removed = widgets::button(ui, remove);
            if (retaken && !view->scanning)
                context.emit(intent::ScanPage { i });
            else if (removed && !view->scanning)
                context.emit(intent::RemovePage { i });
            ImGui::EndGroup();
            row_bottom = std::max(row_bottom, ImGui::GetCursorPosY());
        }
        ImGui::SetCursorPos(ImVec2(left, row_bottom));
        if (rows > 1) {
            std::string caption = format_text(context.tr("document.pages_shown"),
                { { "first", std::to_string(m_pages_row * columns + 1) }, { "last", std::to_string(std::min(count, (m_pages_row + 1) * columns)) },
                    { "count", std::to_string(count) } });
            // One line, arrows on either side of "Pages 1 to 1 of 2": the arrows' values are what the
            // voice says of them. The pages go round, as every pager of the kiosk.
            widgets::gap(ui, 16);
            float arrow = ui.px(120) * ui.text_scale;
            float row_top = ImGui::GetCursorPosY();
            ButtonSpec previous { .id = "document.previous_pages", .label = "\u2039", .width = arrow,
                .value = context.tr("document.previous_pages"), .compact = true };
            ButtonSpec next { .id = "document.more_pages", .label = "\u203a", .width = arrow, .value = context.tr("document.more_pages"),
                .compact = true };
            float height = widgets::button_height(ui, previous);
            ImGui::SetCursorPosX(left);
            if (widgets::button(ui, previous))
                m_pages_row = (m_pages_row + rows - 1) % rows;
            ImGui::SetCursorPos(ImVec2(left + arrow, row_top + (height - ui.fonts.small->FontSize * 1.25f) / 2));
            widgets::caption(ui, "document.pages_shown", caption, column - 2 * arrow);
            ImGui::SetCursorPos(ImVec2(left + column - arrow, row_top));
            if (widgets::button(ui, next))
                m_pages_row = (m_pages_row + 1) % rows;
            ImGui::SetCursorPos(ImVec2(left, row_top + height));
        }
    };

    ImVec2 display = ImGui::GetIO().DisplaySize;
    if (display.x != m_document_display.x || display.y != m_document_display.y) { // turned or resized: measured afresh
        m_document_display = display;
        m_thumb_room = 0;
    }
    // The pictures as tall as the room the step left last frame (fit_to_room), down to a floor.
    float thumb_height = ui.px(360);
    if (m_thumb_room > 0)
        thumb_height = std::max(ui.px(120), std::min(thumb_height, m_thumb_room));
    m_thumb_height = count > 0 ? thumb_height : 0;
    float left = ImGui::GetCursorPosX();
    if (display.x > display.y && count > 0) {
        // Landscape with pages: the state across, then what is accepted beside the pages and Add a page.
        state(width);
        widgets::gap(ui, 24);
        float gutter = ui.px(48);
        float column = (width - gutter) / 2;
        float top = ImGui::GetCursorPosY();
        ImGui::BeginGroup();
        accepted(column);
        ImGui::EndGroup();
        float bottom = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(ImVec2(left + column + gutter, top));
        ImGui::BeginGroup();
        pages(column, thumb_height);
        scan_button(column);
        ImGui::EndGroup();
        ImGui::SetCursorPos(ImVec2(left, std::max(bottom, ImGui::GetCursorPosY())));
        return;
    }
    float text_width = std::min(width, ui_width(ui));
    ImGui::SetCursorPosX(left + (width - text_width) / 2);
    ImGui::BeginGroup();
    accepted(text_width);
    state(text_width);
    scan_button(text_width);
    ImGui::EndGroup();
    ImGui::SetCursorPosX(left);
    if (count > 0) {
        widgets::gap(ui, 24);
        pages(width, thumb_height);
    }
}

}
