// The citizen's journey as a feature: the router and its six screens (welcome, catalog, intro, step,
// review, receipt), the postcode table loaded when a procedure first needs it, submitting the answers
// and the optional rating.
#pragma once
#include "kiosk/app/feature.h"
#include "kiosk/core/postcodes.h"
#include "kiosk/core/router.h"
#include "screens/screen.h"

#include <memory>
#include <optional>
#include <vector>

namespace guichet::app {

class ContentFeature;
class SessionFeature;
class StaffDesk;
class SyncFeature;

class JourneyFeature final : public Feature {
public:
    JourneyFeature(const Config&, const ContentFeature&, const SessionFeature&, SyncFeature&, const StaffDesk&);

    ScreenId current() const { return m_router.current(); }
    bool in_journey() const { return m_router.journey() != nullptr; }
    // The journey under way, for the document feature to hand it scanned pages; nullptr outside one.
    Journey* journey() { return m_router.journey(); }
    const Journey* journey() const { return m_router.journey(); }
    // The Back key closes a card the screen opened over itself (a step's help). True when it did.
    bool close_overlay() { return screen(current()).close_overlay(); }

    std::vector<size_t> intents() const override;
    void handle(Intent&) override;
    void prepare(screens::FrameContext&) const override;
    bool draw(screens::FrameContext&) override;
    void describe(std::string& key) const override;
    void session_ended() override;

private:
    screens::Screen& screen(ScreenId) const;
    // The journey's answers become a submission; the receipt screen follows only once it is stored.
    void submit();
    void rate(int score);
    // Loads the postcode table the first time a procedure needs it: it costs nothing at start-up.
    void ensure_postcodes(const Procedure&);

    const Config& m_config;
    const ContentFeature& m_content;
    const SessionFeature& m_session;
    SyncFeature& m_sync;
    const StaffDesk& m_staff;
    Router m_router;
    std::vector<std::unique_ptr<screens::Screen>> m_screens;
    std::optional<PostcodeTable> m_postcodes;
    bool m_postcodes_tried = false;
};

}
