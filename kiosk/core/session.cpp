// Session phases and the inactivity rules of WCAG 2.2.1 (warn, at least 20 s to answer, extendable).
#include "kiosk/core/session.h"

namespace guichet {

float text_scale(TextSize size)
{
    switch (size) {
    case TextSize::Normal:
        return 1.0f;
    case TextSize::Large:
        return 1.25f;
    case TextSize::Larger:
        return 1.5f;
    }
    return 1.0f;
}

TextSize next_text_size(TextSize size)
{
    switch (size) {
    case TextSize::Normal:
        return TextSize::Large;
    case TextSize::Large:
        return TextSize::Larger;
    case TextSize::Larger:
        return TextSize::Normal;
    }
    return TextSize::Normal;
}

std::string_view text_size_key(TextSize size)
{
    switch (size) {
    case TextSize::Normal:
        return "text_size.normal";
    case TextSize::Large:
        return "text_size.large";
    case TextSize::Larger:
        return "text_size.larger";
    }
    return "text_size.normal";
}

Session::Session(const SessionSection& rules, const Clock& clock, Preferences defaults)
    : m_rules(rules)
    , m_clock(clock)
    , m_defaults(std::move(defaults))
    , m_preferences(m_defaults)
{
}

void Session::on_input()
{
    switch (m_phase) {
    case SessionPhase::None:
        m_phase = SessionPhase::Active;
        ++m_number;
        m_extensions_used = 0;
        m_last_input = m_clock.now();
        break;
    case SessionPhase::Active:
        m_last_input = m_clock.now();
        break;
    case SessionPhase::Warning:
        // The dialog decides: its backdrop and its button extend, its other button ends. Counting the
        // same tap here too would spend two extensions.
        break;
    }
}

bool Session::extend()
{
    if (m_phase == SessionPhase::None)
        return false;
    if (m_phase == SessionPhase::Warning) {
        if (auto left = extensions_left(); left && *left <= 0)
            return false;
        ++m_extensions_used;
    }
    m_phase = SessionPhase::Active;
    m_last_input = m_clock.now();
    return true;
}

void Session::end() { wipe(); }

void Session::wipe()
{
    m_phase = SessionPhase::None;
    m_preferences = m_defaults;
    m_extensions_used = 0;
}

Session::Event Session::update()
{
    auto now = m_clock.now();
    auto event = Event::Nothing;
    if (m_phase == SessionPhase::Active && now - m_last_input >= std::chrono::seconds(m_rules.idle_timeout_s)) {
        m_phase = SessionPhase::Warning;
        m_warning_since = now; // the full answer time counts from when the warning is shown
        event = Event::WarningStarted;
    }
    if (m_phase == SessionPhase::Warning && now - m_warning_since >= std::chrono::seconds(m_rules.warning_s)) {
        wipe();
        event = Event::Expired;
    }
    return event;
}

int Session::seconds_left() const
{
    if (m_phase != SessionPhase::Warning)
        return 0;
    auto left = std::chrono::seconds(m_rules.warning_s) - (m_clock.now() - m_warning_since);
    auto ms = std::chrono::duration_cast<Millis>(left).count();
    return ms <= 0 ? 0 : static_cast<int>((ms + 999) / 1000);
}

std::optional<int> Session::extensions_left() const
{
    if (m_rules.max_extensions == 0)
        return std::nullopt;
    return m_rules.max_extensions - m_extensions_used;
}

std::optional<Millis> Session::next_deadline() const
{
    switch (m_phase) {
    case SessionPhase::None:
        return std::nullopt;
    case SessionPhase::Active:
        return m_last_input + std::chrono::seconds(m_rules.idle_timeout_s);
    case SessionPhase::Warning: {
        // The next whole-second boundary of the countdown, so the number on screen changes on time.
        auto elapsed = m_clock.now() - m_warning_since;
        auto next_tick = (elapsed / std::chrono::seconds(1) + 1) * std::chrono::seconds(1);
        return m_warning_since + std::chrono::duration_cast<Millis>(next_tick);
    }
    }
    return std::nullopt;
}

std::string_view pace_key(SpeechPace pace)
{
    switch (pace) {
    case SpeechPace::Slow:
        return "voice.pace_slow";
    case SpeechPace::Normal:
        return "voice.pace_normal";
    case SpeechPace::Fast:
        break;
    }
    return "voice.pace_fast";
}


}
