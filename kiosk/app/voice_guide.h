// What the kiosk says, and when (issue 5): a screen's content when it appears, the focused element
// when the keys move the focus, a refusal when it appears, the receipt code character by character.
// It reads the frame's semantic tree after each frame; the speech service talks on its own thread.
#pragma once
#include "accessibility/speech.h"
#include "kiosk/core/focus.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/session.h"
#include "kiosk/core/ui_tree.h"

#include <string>
#include <string_view>

namespace guichet::app {

// "ABC-DEF-GHK" as "A, B, C. D, E, F. G, H, K": each character named on its own, a pause at each dash.
std::string spelled_out(std::string_view code);

class VoiceGuide {
public:
    // `speech` may be null (no audio device): the guide then stays silent.
    void attach(accessibility::Speech* speech) { m_speech = speech; }

    // After each frame. `screen` names what is on the screen (screen, step, dialog, language): when it
    // changes, the new screen is read.
    void after_frame(const UiTree&, const Strings&, const Preferences&, const Focus&, std::string_view screen);
    // A touch: silence at once (the citizen is acting).
    void touched();
    // "Listen again", the Help key, or a change of voice settings: read the screen again next frame.
    void repeat() { m_repeat = true; }
    // The session ended or the voice was turned off: silence, and forget what was said.
    void reset();

private:
    void say(std::string text, const Preferences&);

    accessibility::Speech* m_speech = nullptr;
    std::string m_screen;
    std::string m_focus;
    std::string m_error;
    bool m_repeat = false;
};

}
