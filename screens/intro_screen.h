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

protected:
    void draw_content(FrameContext&, float width) override;
};

}
