// The citizen's session as a feature: its start at the first touch, the "are you still there?"
// warning and its dialog, the end that wipes it, and the comfort choices (language, text size,
// contrast) that last as long as it does.
#pragma once
#include "kiosk/app/feature.h"
#include "kiosk/core/config.h"
#include "kiosk/core/session.h"
#include "screens/inactivity_dialog.h"

namespace guichet::app {

class SessionFeature final : public Feature {
public:
    SessionFeature(const Config&, const Clock&, FeatureHost&);

    Session& session() { return m_session; }
    const Session& session() const { return m_session; }
    bool warning() const { return m_session.phase() == SessionPhase::Warning; }

    std::vector<size_t> intents() const override;
    void handle(Intent&) override;
    void update(const FrameEvents&) override;
    bool draw(screens::FrameContext&) override;
    void describe(std::string& key) const override;
    std::optional<Millis> next_timer() const override;
    void session_ended() override { m_session.end(); }

private:
    const Config& m_config;
    const Clock& m_clock;
    FeatureHost& m_host;
    Session m_session;
    screens::InactivityDialog m_warning;
};

}
