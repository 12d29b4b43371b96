// The voice settings, over the welcome screen: voice on or off, its pace and its volume, each a choice
// the citizen sees and hears at once. A dialog, so it fits whatever the text size.
#pragma once
#include "screens/dialog.h"

namespace guichet::screens {

class VoiceDialog {
public:
    // Returns true when the card's height changed since the last frame (see Screen::draw).
    bool draw(FrameContext&);

private:
    DialogFrame m_frame;
};

}
