// The receipt: shown only once the submission is stored. The code, as text and as a QR code, what
// happens next, an honest word on sending (now, or as soon as the network allows), the outcomes of a
// pre-check, an optional one-tap "was it easy?", and Finish.
#pragma once
#include "screens/screen.h"

namespace guichet::screens {

class ReceiptScreen final : public Screen {
public:
    ReceiptScreen()
        : Screen(ScreenId::Receipt)
    {
    }
    void reset() override { m_rated = false; }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    bool m_rated = false;
};

}
