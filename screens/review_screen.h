// "Check your answers": every answered question with its answer and a Change action, a page at a time
// when they do not all fit, then Send. If storing fails, it says so here and keeps every answer.
#pragma once
#include "screens/screen.h"

namespace guichet::screens {

class ReviewScreen final : public Screen {
public:
    ReviewScreen()
        : Screen(ScreenId::Review)
    {
    }
    void reset() override { m_page = 0; }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    int m_page = 0;
};

}
