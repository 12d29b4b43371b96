// The voice as a feature (see voice_feature.h).
#include "kiosk/app/voice_feature.h"

#include "kiosk/app/session_feature.h"
#include "screens/frame_context.h"

#include <algorithm>
#include <cstdio>

namespace guichet::app {

VoiceFeature::VoiceFeature(const SpeechSection& config, SessionFeature& session)
    : m_config(config)
    , m_session(session)
{
}

void VoiceFeature::start()
{
    if (!m_config.enabled)
        return;
    auto speech = accessibility::Speech::create({ .espeak_data = m_config.espeak_data, .audio_device = m_config.audio_device,
        .recordings_dir = m_config.recordings_dir });
    if (!speech) {
        // The kiosk works without a voice; the reason is kept for the technician.
        m_problem = speech.error().message;
        std::fprintf(stderr, "guichet: no voice guidance: %s\n", m_problem.c_str());
        return;
    }
    m_speech = std::move(*speech);
    m_guide.attach(m_speech.get());
    m_guide.repeat(); // the screen already shown is read now
}

std::string VoiceFeature::problem() const
{
    if (!m_config.enabled)
        return "voice guidance is off in the configuration ('speech.enabled')";
    if (!m_speech && m_problem.empty())
        return "the voice has not started yet";
    return m_problem;
}

void VoiceFeature::say(const std::string& text, const std::string& language)
{
    if (m_speech)
        m_speech->say(text, { .language = language, .volume = m_session.session().preferences().volume });
}

void VoiceFeature::after_frame(const UiTree& tree, const Strings& strings, const Focus& focus, std::string_view screen_key)
{
    m_guide.after_frame(tree, strings, m_session.session().preferences(), focus, screen_key);
}

std::vector<size_t> VoiceFeature::intents() const
{
    return intent_indices<intent::ToggleVoice, intent::OpenVoiceSettings, intent::CloseVoiceSettings, intent::SetPace,
        intent::SetVolume, intent::ListenAgain>();
}

void VoiceFeature::handle(Intent& intent)
{
    auto& prefs = m_session.session().preferences();
    if (std::holds_alternative<intent::ToggleVoice>(intent)) {
        prefs.voice = !prefs.voice; // turned on: say where we are; turned off: silence
    } else if (std::holds_alternative<intent::OpenVoiceSettings>(intent)) {
        m_dialog_open = true;
        return;
    } else if (std::holds_alternative<intent::CloseVoiceSettings>(intent)) {
        m_dialog_open = false;
        return;
    } else if (auto* pace = std::get_if<intent::SetPace>(&intent)) {
        prefs.pace = pace->pace; // heard at once
    } else if (auto* volume = std::get_if<intent::SetVolume>(&intent)) {
        prefs.volume = std::clamp(volume->volume, 10, 100);
    }
    m_guide.repeat();
}

void VoiceFeature::update(const FrameEvents& events)
{
    if (++m_frames == 2) // the first frame is on screen (and READY sent) before the voice costs anything
        start();
    if (events.touched)
        m_guide.touched();
    m_on_welcome = events.on_welcome;
}

bool VoiceFeature::draw(screens::FrameContext& context)
{
    return m_dialog_open && m_on_welcome && m_dialog.draw(context);
}

void VoiceFeature::describe(std::string& key) const
{
    if (m_dialog_open && m_on_welcome)
        key += "/voice";
}

void VoiceFeature::session_ended()
{
    m_dialog_open = false;
    m_guide.reset();
}

}
