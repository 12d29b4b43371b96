// The "are you still there?" dialog (WCAG 2.2.1): shown over the current screen when the session has
// been quiet, with a live countdown, a big "I need more time" button and a way to finish now.
#pragma once
#include "screens/dialog.h"

namespace guichet::screens {

class InactivityDialog {
public:
    // Returns true when the card's height changed since the last frame (see Screen::draw).
    bool draw(FrameContext&);

private:
    DialogFrame m_frame;
};

}
