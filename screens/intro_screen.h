// A procedure's first screen: what it is for, how long it takes, what to have at hand, and what happens
// to the answers (who receives them, why, for how long) before the first question.
#pragma once
#include "screens/screen.h"

namespace guichet::screens {

class IntroScreen final : public Screen {
public:
    IntroScreen()
        : Screen(ScreenId::Intro)
    {
    }

    void reset() override { m_layout_key.clear(); }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    // Large text on a short display: the intro is shown in three parts (what the procedure is, what
    // you need, what happens to the answers), each with its own buttons; when the last is still too
    // tall, in four (who receives the answers, then why and for how long).
    int m_parts = 1;
    int m_part = 0;
    std::string m_layout_key; // the journey, text size and display the split was decided for
};

}
