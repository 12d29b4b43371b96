// A citizen's session: it starts at the first touch, warns after a quiet spell, can be extended, and
// ends with everything the citizen chose or typed wiped. Time comes from a Clock, so tests drive it.
#pragma once
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace guichet {

enum class TextSize {
    Normal,
    Large,
    Larger,
};

float text_scale(TextSize);
TextSize next_text_size(TextSize);
std::string_view text_size_key(TextSize); // the UI string id naming the size

enum class SpeechPace {
    Slow,
    Normal,
    Fast,
};
std::string_view pace_key(SpeechPace); // the UI string id naming the pace

// The citizen's own choices for this session; reset to the kiosk's defaults when it ends.
struct Preferences {
    std::string language;
    TextSize text_size = TextSize::Normal;
    bool high_contrast = false;
    bool voice = true;                      // voice guidance; once turned off it stays off this session
    SpeechPace pace = SpeechPace::Normal;
    int volume = 80;                        // percent

    bool operator==(const Preferences&) const = default;
};

enum class SessionPhase {
    None,    // nobody is using the kiosk: welcome screen, no timer
    Active,  // a citizen is here
    Warning, // quiet for too long: "are you still there?" with a countdown
};

class Session {
public:
    Session(const SessionSection& rules, const Clock& clock, Preferences defaults);

    // Any touch, click or key. Starts a session when there is none; otherwise restarts the quiet timer.
    // During the warning the dialog answers instead (see InactivityDialog).
    void on_input();
    // "I need more time". Returns false when no extension is left.
    bool extend();
    // Ends the session now and wipes it.
    void end();

    enum class Event {
        Nothing,
        WarningStarted,
        Expired, // the session was wiped; the app returns to the welcome screen
    };
    // Checks the deadlines against the clock; call it once per frame and when a deadline is due.
    Event update();

    SessionPhase phase() const { return m_phase; }
    uint64_t number() const { return m_number; }
    // Whole seconds left to answer the warning (rounded up), 0 outside the warning.
    int seconds_left() const;
    // Extensions the citizen may still ask for; nullopt when unlimited.
    std::optional<int> extensions_left() const;
    // When the loop should wake up next even without input (start of the warning, next countdown tick).
    std::optional<Millis> next_deadline() const;

    Preferences& preferences() { return m_preferences; }
    const Preferences& preferences() const { return m_preferences; }
    const Preferences& defaults() const { return m_defaults; }

private:
    void wipe();

    SessionSection m_rules;
    const Clock& m_clock;
    Preferences m_defaults;
    Preferences m_preferences;
    SessionPhase m_phase = SessionPhase::None;
    uint64_t m_number = 0;
    Millis m_last_input { 0 };
    Millis m_warning_since { 0 };
    int m_extensions_used = 0;
};

}
