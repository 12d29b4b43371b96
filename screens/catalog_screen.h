// The catalog of procedures. Until procedures are installed it tells the citizen so, plainly, and
// offers the way back and the way out.
#pragma once
#include "screens/screen.h"

namespace guichet::screens {

class CatalogScreen final : public Screen {
public:
    CatalogScreen()
        : Screen(ScreenId::Catalog)
    {
    }

protected:
    void draw_content(FrameContext&, float width) override;
};

}
