// The catalog: the installed procedures as large cards (icon, category, title, one-line summary,
// duration), grouped by category, a page at a time when they do not all fit.
#pragma once
#include "screens/screen.h"

namespace guichet::screens {

class CatalogScreen final : public Screen {
public:
    CatalogScreen()
        : Screen(ScreenId::Catalog)
    {
    }
    void reset() override { m_page = 0; }

protected:
    void draw_content(FrameContext&, float width) override;

private:
    int m_page = 0;
};

}
