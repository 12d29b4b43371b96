// Fonts: Noto Sans read once from disk, rasterized by FreeType at the current scale into Dear ImGui's atlas.
// The glyph ranges cover all French text (œ Œ € « » ’ – — and no-break spaces), Portuguese and Spanish.
#pragma once
#include "kiosk/core/config.h"
#include "kiosk/core/result.h"

#include <imgui.h>

#include <vector>

namespace guichet::screens {

// The faces the widget set uses, in pixels at scale 1 (1080 px on the display's short side).
struct FontSet {
    ImFont* small = nullptr;  // 32 px: secondary text, the place name
    ImFont* body = nullptr;   // 40 px: paragraphs
    ImFont* button = nullptr; // 44 px bold: buttons and choices
    ImFont* title = nullptr;  // 76 px bold: the screen's question or title
};

const ImWchar* kiosk_glyph_ranges();

class FontLibrary {
public:
    // Reads both TTF files; a missing or unreadable file is an error that names it.
    static Result<FontLibrary> load(const UiSection& ui);

    // Clears `atlas` and rasterizes every face at `scale`. The atlas borrows the TTF bytes.
    FontSet build(ImFontAtlas& atlas, float scale);

private:
    std::vector<unsigned char> m_regular;
    std::vector<unsigned char> m_bold;
};

}
