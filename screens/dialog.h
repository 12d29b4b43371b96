// A modal card over the current screen (the inactivity warning, the voice settings): a dimmed backdrop
// that answers a tap, a centred card, and the frame's semantic tree told that what is behind is inert.
#pragma once
#include "screens/screen.h"

#include <string_view>

namespace guichet::screens {

class DialogFrame {
public:
    // Opens the dialog window; returns true when the backdrop (outside the card) was tapped.
    bool begin(FrameContext&, std::string_view window_id);
    // The card's inner width, for the content drawn between begin() and end().
    float inner_width() const { return m_inner; }
    // Draws the card under the content and records it as a Dialog node. Returns true when the card's
    // height changed since the last frame (see Screen::draw).
    bool end(FrameContext&, std::string_view id, std::string_view label);

private:
    float m_card_height = 0; // measured on the previous frame, to centre the card
    float m_left = 0, m_top = 0, m_width = 0, m_inner = 0, m_padding = 0, m_start = 0;
};

}
