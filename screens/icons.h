// The procedure icons of the catalog (docs/procedures.md, `icon`), drawn as plain shapes so they scale
// with the text and follow the theme's colours.
#pragma once
#include <imgui.h>

#include <string_view>

namespace guichet::screens {

// Draws icon `name` centred in a square of `size` at `min`, in `color`; `hole` is the colour behind it; `glyphs` draws the signs that are characters (€).
void draw_icon(ImDrawList*, std::string_view name, ImVec2 min, float size, ImU32 color, ImU32 hole, ImFont* glyphs);

}
