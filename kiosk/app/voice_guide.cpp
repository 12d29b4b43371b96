// Deciding what to say from the semantic tree.
#include "kiosk/app/voice_guide.h"

#include "kiosk/core/announce.h"

namespace guichet::app {

std::string spelled_out(std::string_view code)
{
    std::string text;
    for (char c : code) {
        if (c == '-' || c == ' ') {
            if (!text.empty() && text.back() != '.')
                text += ".";
            continue;
        }
        if (!text.empty())
            text += text.back() == '.' ? " " : ", ";
        text += c;
    }
    return text;
}

namespace {

accessibility::SpeechRate rate_of(SpeechPace pace)
{
    switch (pace) {
    case SpeechPace::Slow:
        return accessibility::SpeechRate::Slow;
    case SpeechPace::Normal:
        return accessibility::SpeechRate::Normal;
    case SpeechPace::Fast:
        break;
    }
    return accessibility::SpeechRate::Fast;
}

// A refusal next to a field, a postcode that does not exist, the scanner's state (scanning, a page
// scanned, what went wrong) or the printer's (printing, printed, what went wrong): said when it appears
// or changes.
const UiNode* error_node(const UiTree& tree)
{
    for (auto& node : tree.nodes()) {
        if (!node.inert && (node.id == "step.error" || node.id == "review.error" || node.id == "address.unknown" || node.id == "scan.status" || node.id == "print.status"))
            return &node;
    }
    return nullptr;
}

}

void VoiceGuide::say(std::string text, const Preferences& prefs)
{
    if (!m_speech || !prefs.voice || text.empty())
        return;
    m_speech->say(std::move(text), { .language = prefs.language, .rate = rate_of(prefs.pace), .volume = prefs.volume });
}

void VoiceGuide::after_frame(const UiTree& tree, const Strings& strings, const Preferences& prefs, const Focus& focus,
    std::string_view screen)
{
    if (!prefs.voice) {
        if (m_speech && !m_screen.empty())
            m_speech->stop();
        m_screen.clear();
        return;
    }
    auto* error = error_node(tree);
    std::string error_text = error ? error->label : "";
    if (screen != m_screen || m_repeat) {
        m_screen = screen;
        m_repeat = false;
        m_focus = focus.id();
        m_error = error_text;
        std::string text = screen_summary(tree);
        // The receipt code is read character by character, never as a word.
        if (auto* code = tree.find_by_id("receipt.code"); code && !code->label.empty()) {
            if (auto at = text.find(code->label); at != std::string::npos)
                text.replace(at, code->label.size(), spelled_out(code->label));
        }
        say(std::move(text), prefs);
        return;
    }
    if (error_text != m_error) {
        m_error = error_text;
        if (!error_text.empty()) {
            say(error_text, prefs);
            return;
        }
    }
    if (focus.id() != m_focus) {
        m_focus = focus.id();
        if (auto* node = focus.focused(tree))
            say(describe(tree, *node, prefs.language, strings), prefs);
    }
}

void VoiceGuide::touched()
{
    if (m_speech)
        m_speech->stop();
}

void VoiceGuide::reset()
{
    if (m_speech)
        m_speech->stop();
    m_screen.clear();
    m_focus.clear();
    m_error.clear();
    m_repeat = false;
}

}
