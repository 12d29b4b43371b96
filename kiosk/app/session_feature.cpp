// The citizen's session as a feature (see session_feature.h).
#include "kiosk/app/session_feature.h"

#include "screens/frame_context.h"

#include <algorithm>

namespace guichet::app {

namespace {

SpeechPace pace_from_config(const std::string& rate)
{
    return rate == "slow" ? SpeechPace::Slow : rate == "fast" ? SpeechPace::Fast : SpeechPace::Normal;
}

Preferences kiosk_defaults(const Config& config)
{
    return { .language = config.kiosk.default_language, .voice = config.speech.enabled,
        .pace = pace_from_config(config.speech.rate), .volume = config.speech.volume };
}

}

SessionFeature::SessionFeature(const Config& config, const Clock& clock, FeatureHost& host)
    : m_config(config)
    , m_clock(clock)
    , m_host(host)
    , m_session(config.session, clock, kiosk_defaults(config))
{
}

std::vector<size_t> SessionFeature::intents() const
{
    return intent_indices<intent::EndSession, intent::ExtendSession, intent::SetLanguage, intent::CycleTextSize,
        intent::ToggleContrast>();
}

void SessionFeature::handle(Intent& intent)
{
    auto& prefs = m_session.preferences();
    if (std::holds_alternative<intent::EndSession>(intent)) {
        m_host.end_session();
    } else if (std::holds_alternative<intent::ExtendSession>(intent)) {
        m_session.extend();
    } else if (auto* language = std::get_if<intent::SetLanguage>(&intent)) {
        auto& languages = m_config.kiosk.languages;
        if (std::find(languages.begin(), languages.end(), language->code) != languages.end())
            prefs.language = language->code;
    } else if (std::holds_alternative<intent::CycleTextSize>(intent)) {
        prefs.text_size = next_text_size(prefs.text_size);
    } else if (std::holds_alternative<intent::ToggleContrast>(intent)) {
        prefs.high_contrast = !prefs.high_contrast;
    }
}

void SessionFeature::update(const FrameEvents& events)
{
    // While staff work the citizen's session waits, untouched, for them to hand the kiosk back.
    if (events.user_input || events.staff_open)
        m_session.on_input();
    if (m_session.update() == Session::Event::Expired)
        m_host.end_session();
}

bool SessionFeature::draw(screens::FrameContext& context)
{
    return warning() && m_warning.draw(context);
}

void SessionFeature::describe(std::string& key) const
{
    if (warning())
        key += "/warning";
}

std::optional<Millis> SessionFeature::next_timer() const
{
    if (auto deadline = m_session.next_deadline())
        return std::max(Millis(0), *deadline - m_clock.now());
    return std::nullopt;
}

}
