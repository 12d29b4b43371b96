// Drawing the voice settings.
#include "screens/voice_dialog.h"

#include <algorithm>

namespace guichet::screens {

bool VoiceDialog::draw(FrameContext& context)
{
    auto& ui = context.ui;
    auto& prefs = context.session.preferences();
    if (m_frame.begin(context, "##voice"))
        context.emit(intent::CloseVoiceSettings {});
    float inner = m_frame.inner_width();

    widgets::heading(ui, "voice.title", context.tr("voice.title"), inner);
    widgets::gap(ui, 32);
    std::string state
        = format_text(context.tr("voice.settings"), { { "state", context.tr(prefs.voice ? "voice.state_on" : "voice.state_off") } });
    ButtonSpec toggle { .id = "voice.toggle", .label = state,
        .width = std::min(inner, ui.px(640)), .role = Role::Toggle, .selected = prefs.voice };
    center_next(toggle.width, inner);
    if (widgets::button(ui, toggle))
        context.emit(intent::ToggleVoice {});

    if (prefs.voice) {
        widgets::gap(ui, 32);
        widgets::caption(ui, "voice.pace_label", context.tr("voice.pace_label"), inner);
        widgets::gap(ui, 12);
        const SpeechPace paces[] = { SpeechPace::Slow, SpeechPace::Normal, SpeechPace::Fast };
        ButtonSpec pace[3];
        std::string pace_ids[3];
        for (int i = 0; i < 3; ++i) {
            pace_ids[i] = "voice." + std::string(pace_key(paces[i])).substr(6); // "voice.pace_slow"
            pace[i] = { .id = pace_ids[i], .label = context.tr(pace_key(paces[i])), .role = Role::Choice,
                .selected = prefs.pace == paces[i] };
        }
        if (int chosen = widgets::button_row(ui, pace, inner))
            context.emit(intent::SetPace { paces[chosen - 1] });

        widgets::gap(ui, 32);
        widgets::caption(ui, "voice.volume_label", context.tr("voice.volume_label"), inner);
        widgets::gap(ui, 12);
        const int volumes[] = { 40, 60, 80, 100 };
        ButtonSpec volume[4];
        std::string volume_ids[4], volume_labels[4];
        for (int i = 0; i < 4; ++i) {
            volume_ids[i] = "voice.volume_" + std::to_string(volumes[i]);
            volume_labels[i] = format_text(context.tr("voice.percent"), { { "volume", std::to_string(volumes[i]) } });
            volume[i] = { .id = volume_ids[i], .label = volume_labels[i], .role = Role::Choice, .selected = prefs.volume == volumes[i] };
        }
        if (int chosen = widgets::button_row(ui, volume, inner))
            context.emit(intent::SetVolume { volumes[chosen - 1] });
    }

    widgets::gap(ui, 40);
    ButtonSpec close { .id = "voice.close", .label = context.tr("voice.close"), .width = std::min(inner, ui.px(640)),
        .style = ButtonStyle::Primary };
    center_next(close.width, inner);
    if (widgets::button(ui, close))
        context.emit(intent::CloseVoiceSettings {});
    return m_frame.end(context, "voice", context.tr("voice.title"));
}

}
