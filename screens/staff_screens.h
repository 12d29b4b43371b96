// The staff desk's screens: the PIN pad, the mediator's page and receipt lookup, the technician's
// diagnostics, and the touch and display tests. They show a StaffView and emit staff intents; the desk
// (kiosk/app/staff_desk.h) does the rest. Their text is in the kiosk's default language.
#pragma once
#include "screens/screen.h"

#include <string>
#include <vector>

namespace guichet::screens {

class StaffPinScreen final : public Screen {
public:
    StaffPinScreen()
        : Screen(ScreenId::StaffPin)
    {
    }
    ~StaffPinScreen() override { wipe(); }
    // Forgets the digits typed so far (on leaving, and once they were handed over).
    void wipe();

protected:
    void draw_content(FrameContext&, float width) override;

private:
    std::string m_pin; // never shown, never in the semantic tree: only its length is
};

class MediatorScreen final : public Screen {
public:
    MediatorScreen()
        : Screen(ScreenId::Mediator)
    {
    }

protected:
    void draw_content(FrameContext&, float width) override;
};

class ReceiptLookupScreen final : public Screen {
public:
    ReceiptLookupScreen()
        : Screen(ScreenId::ReceiptLookup)
    {
    }
    void reset() override
    {
        m_code.clear();
        m_showing_result = false;
    }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    std::string m_code;
    bool m_showing_result = false; // after "Rechercher", until "Chercher un autre numéro"
};

class TechnicianScreen final : public Screen {
public:
    enum class Tab {
        State,
        Network,
        Content,
        Tools,
    };
    TechnicianScreen()
        : Screen(ScreenId::Technician)
    {
    }
    void reset() override { m_tab = Tab::State; }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    void draw_state(FrameContext&, float width);
    void draw_network(FrameContext&, float width);
    void draw_content_tab(FrameContext&, float width);
    void draw_tools(FrameContext&, float width);
    Tab m_tab = Tab::State;
};

// Draw with a finger: every touch leaves a dot, so a dead or offset zone of the touch screen shows.
class TouchTestScreen final : public Screen {
public:
    TouchTestScreen()
        : Screen(ScreenId::TouchTest)
    {
    }
    void reset() override { m_points.clear(); }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    std::vector<ImVec2> m_points;
};

// Colour bars, a grey ramp, a one-pixel grid and the corners: dead pixels, clipping and colour faults.
class TestPatternScreen final : public Screen {
public:
    TestPatternScreen()
        : Screen(ScreenId::TestPattern)
    {
    }

protected:
    void draw_content(FrameContext&, float width) override;
};

// The staff desk's screens, one of which is shown while the desk is open.
struct StaffScreens {
    StaffPinScreen pin;
    MediatorScreen mediator;
    ReceiptLookupScreen lookup;
    TechnicianScreen technician;
    TouchTestScreen touch;
    TestPatternScreen pattern;

    Screen& get(ScreenId);
};

}
