// Layout of the welcome screen; it works from a 1080x1920 portrait to a 1920x1080 landscape display.
#include "screens/welcome_screen.h"

#include <algorithm>
#include <cfloat>

namespace guichet::screens {

void WelcomeScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    draw_greeting(context, width);
    widgets::gap(ui, 64);
    draw_languages(context, width);
    widgets::gap(ui, 56);
    draw_comfort(context, width);
    if (context.sync && (context.sync->link != LinkState::Unknown || context.sync->queued > 0)) {
        widgets::gap(ui, 40);
        draw_link_status(context, width);
    }
}

void WelcomeScreen::draw_greeting(FrameContext& context, float width)
{
    auto& ui = context.ui;
    // Two lines at most, "…" after them: however long the configured name, "Commencer" stays on the screen.
    widgets::caption(ui, "welcome.place", context.kiosk.place_name, width, Align::Center, 2);
    widgets::gap(ui, 20);
    widgets::heading(ui, "welcome.title", context.tr("welcome.title"), width);
    // On a landscape display with the largest text, the subtitle gives way so the choices fit; the
    // voice reads it all the same.
    ImVec2 display = ImGui::GetIO().DisplaySize;
    if (ui.text_scale < 1.4f || display.x < display.y) {
        widgets::gap(ui, 16);
        widgets::paragraph(ui, "welcome.subtitle", context.tr("welcome.subtitle"), width);
    }
    widgets::gap(ui, 56);

    ButtonSpec start { .id = "welcome.start", .label = context.tr("welcome.start"),
        .width = std::min(width, ui.px(760)), .min_height = ui.px(132), .style = ButtonStyle::Primary };
    center_next(start.width, width);
    if (widgets::button(ui, start))
        context.emit(intent::StartJourney {});
}

void WelcomeScreen::draw_languages(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& prefs = context.session.preferences();
    widgets::caption(ui, "welcome.language_prompt", context.tr("welcome.language_prompt"), width);
    widgets::gap(ui, 16);
    auto& languages = context.kiosk.languages;
    float narrowest = ui.px(260);
    for (auto& code : languages)
        narrowest = std::max(narrowest,
            widgets::narrowest_button(ui, { .label = context.strings.get(code, "language.name"), .role = Role::Choice }));
    auto grid = grid_for(static_cast<int>(languages.size()), narrowest, width, ui.px(24));
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
}

void WelcomeScreen::draw_comfort(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& prefs = context.session.preferences();

    // The citizen's reading and listening comfort, chosen before anything else and kept for the session.
    // "Listen" sits here rather than in the corner: this screen is the fullest.
    std::string size_label
        = format_text(context.tr("welcome.text_size"), { { "size", context.tr(text_size_key(prefs.text_size)) } });
    std::string voice_label
        = format_text(context.tr("voice.settings"), { { "state", context.tr(prefs.voice ? "voice.state_on" : "voice.state_off") } });
    ButtonSpec comfort[] = {
        { .id = "welcome.text_size", .label = size_label },
        { .id = "welcome.contrast", .label = context.tr("welcome.contrast"), .role = Role::Toggle, .selected = prefs.high_contrast },
        { .id = "welcome.voice", .label = voice_label },
        { .id = "common.listen", .label = context.tr("common.listen") },
    };
    // With the largest text on a landscape display, one row must do: Listen gives way (F1 and the
    // corner button of every other screen remain).
    ImVec2 display = ImGui::GetIO().DisplaySize;
    bool listen = prefs.voice && (ui.text_scale < 1.4f || display.x < display.y);
    switch (widgets::button_row(ui, std::span<ButtonSpec>(comfort, listen ? 4 : 3), width)) {
    case 1:
        context.emit(intent::CycleTextSize {});
        break;
    case 2:
        context.emit(intent::ToggleContrast {});
        break;
    case 3:
        context.emit(intent::OpenVoiceSettings {});
        break;
    case 4:
        context.emit(intent::ListenAgain {});
        break;
    }
}

void WelcomeScreen::draw_link_status(FrameContext& context, float width)
{
    // Unobtrusive and honest: whether the kiosk can send now, and how many submissions wait.
    auto& sync = *context.sync;
    bool online = sync.link == LinkState::Online;
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
