// The welcome screen: what the kiosk is for, one big start button, the language, and the citizen's
// own reading comfort (text size, contrast) before anything else.
#pragma once
#include "screens/screen.h"

namespace guichet::screens {

class WelcomeScreen final : public Screen {
public:
    WelcomeScreen()
        : Screen(ScreenId::Welcome)
    {
    }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    void draw_greeting(FrameContext&, float width); // who, what, Start
    void draw_languages(FrameContext&, float width);
    void draw_comfort(FrameContext&, float width); // text size, contrast, voice, listen again
    void draw_link_status(FrameContext&, float width);

};

}
