// Layout of the welcome screen; it works from a 1080x1920 portrait to a 1920x1080 landscape display.
#include "screens/welcome_screen.h"

#include <algorithm>
#include <cfloat>

namespace guichet::screens {

void WelcomeScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& prefs = context.session.preferences();

    widgets::caption(ui, "welcome.place", context.kiosk.place_name, width);
    widgets::gap(ui, 20);
    widgets::heading(ui, "welcome.title", context.tr("welcome.title"), width);
    widgets::gap(ui, 16);
    widgets::paragraph(ui, "welcome.subtitle", context.tr("welcome.subtitle"), width);
    widgets::gap(ui, 56);

    ButtonSpec start { .id = "welcome.start", .label = context.tr("welcome.start"),
        .width = std::min(width, ui.px(760)), .min_height = ui.px(132), .style = ButtonStyle::Primary };
    center_next(start.width, width);
    if (widgets::button(ui, start))
        context.emit(intent::StartJourney {});
    widgets::gap(ui, 64);

    widgets::caption(ui, "welcome.language_prompt", context.tr("welcome.language_prompt"), width);
    widgets::gap(ui, 16);
    auto& languages = context.kiosk.languages;
    auto grid = grid_for(static_cast<int>(languages.size()), ui.px(300), width, ui.px(24));
    float row_height = 0;
    for (auto& code : languages)
        row_height = std::max(row_height,
            widgets::button_height(ui, { .label = context.strings.get(code, "language.name"), .width = grid.item_width }));
    for (size_t i = 0; i < languages.size(); ++i) {
        int column = static_cast<int>(i) % grid.columns;
        if (column != 0)
            ImGui::SameLine(0, grid.gap);
        else if (i != 0)
            widgets::gap(ui, 24);
        std::string id = "language." + languages[i];
        // Each language is named in itself, so a person who does not read French finds theirs.
        if (widgets::button(ui, { .id = id, .label = context.strings.get(languages[i], "language.name"),
                .width = grid.item_width, .min_height = row_height, .role = Role::Choice,
                .selected = prefs.language == languages[i] }))
            context.emit(intent::SetLanguage { languages[i] });
    }
    widgets::gap(ui, 56);

    std::string size_label
        = format_text(context.tr("welcome.text_size"), { { "size", context.tr(text_size_key(prefs.text_size)) } });
    ButtonSpec text_size { .id = "welcome.text_size", .label = size_label, .width = 0 };
    ButtonSpec contrast { .id = "welcome.contrast", .label = context.tr("welcome.contrast"), .width = 0,
        .role = Role::Toggle, .selected = prefs.high_contrast };
    auto options = grid_for(2, ui.px(420), width, ui.px(24));
    text_size.width = contrast.width = options.item_width;
    float options_height = std::max(widgets::button_height(ui, text_size), widgets::button_height(ui, contrast));
    text_size.min_height = contrast.min_height = options_height;
    if (widgets::button(ui, text_size))
        context.emit(intent::CycleTextSize {});
    if (options.columns == 2)
        ImGui::SameLine(0, options.gap);
    else
        widgets::gap(ui, 24);
    if (widgets::button(ui, contrast))
        context.emit(intent::ToggleContrast {});

    if (context.sync && (context.sync->link != sync::LinkState::Unknown || context.sync->queued > 0)) {
        widgets::gap(ui, 40);
        draw_link_status(context, width);
    }
}

void WelcomeScreen::draw_link_status(FrameContext& context, float width)
{
    // Unobtrusive and honest: whether the kiosk can send now, and how many submissions wait.
    auto& sync = *context.sync;
    bool online = sync.link == sync::LinkState::Online;
    std::string text = context.tr(online ? "status.online" : "status.offline");
    if (sync.queued > 0)
        text += " · " + format_text(context.tr("status.pending"), { { "count", std::to_string(sync.queued) } });
    auto& ui = context.ui;
    ImVec2 dot_at = ImGui::GetCursorScreenPos();
    widgets::caption(ui, "status.link", text, width);
    // A dot before the centred text: filled when online, hollow when not (not by colour alone).
    ImFont* font = ui.fonts.small;
    float text_width = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str()).x;
    float radius = font->FontSize * 0.22f;
    ImVec2 center(dot_at.x + (width - text_width) / 2 - radius * 2.5f, dot_at.y + font->FontSize * 1.25f / 2);
    auto* draw = ImGui::GetWindowDrawList();
    if (online)
        draw->AddCircleFilled(center, radius, ui.color("selected"));
    else
        draw->AddCircle(center, radius, ui.color("text_muted"), 0, ui.px(3));
}

}
