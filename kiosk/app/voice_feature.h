// The voice as a feature: the speech service (espeak-ng through SDL audio, started once the first
// frame is on screen), the guide that decides what is said after each frame, and the voice dialog
// (on/off, pace, volume) opened from the welcome screen.
#pragma once
#include "accessibility/speech.h"
#include "kiosk/app/feature.h"
#include "kiosk/app/voice_guide.h"
#include "kiosk/core/config.h"
#include "screens/voice_dialog.h"

#include <memory>
#include <string>

namespace guichet::app {

class SessionFeature;

class VoiceFeature final : public Feature {
public:
    VoiceFeature(const SpeechSection&, SessionFeature&);

    // The voice, once started; null when it is off or could not start.
    accessibility::Speech* speech() const { return m_speech.get(); }
    // Why there is no voice, for the technician; empty when it runs.
    std::string problem() const;
    // The technician's audio test: a sentence in the staff's language.
    void say(const std::string& text, const std::string& language);
    // Silence at once: a touch, or staff taking the screen.
    void silence() { m_guide.touched(); }
    // After each frame that changed nothing: what the citizen now sees is read, or the focus.
    void after_frame(const UiTree&, const Strings&, const Focus&, std::string_view screen_key);

    std::vector<size_t> intents() const override;
    void handle(Intent&) override;
    void update(const FrameEvents&) override;
    bool draw(screens::FrameContext&) override;
    void describe(std::string& key) const override;
    void session_ended() override;
    // "Listen again" and the Help key: the screen is read again.
    void repeat() { m_guide.repeat(); }

private:
    void start();

    const SpeechSection& m_config;
    SessionFeature& m_session;
    std::unique_ptr<accessibility::Speech> m_speech;
    std::string m_problem;
    int m_frames = 0; // the speech service starts after the first frame, so it never delays it
    VoiceGuide m_guide;
    screens::VoiceDialog m_dialog;
    bool m_dialog_open = false; // over the welcome screen
    bool m_on_welcome = true;
};

}
