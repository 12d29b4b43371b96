// Icon shapes: a few filled rectangles, triangles and circles each, readable at 48 px and above.
#include "screens/icons.h"

#include "screens/ui.h"

#include <cfloat>

namespace guichet::screens {

void draw_icon(ImDrawList* draw, std::string_view name, ImVec2 min, float size, ImU32 color, ImU32 hole, ImFont* glyphs)
{
    auto at = [&](float x, float y) { return ImVec2(min.x + x * size, min.y + y * size); };
    float line = size * 0.07f;
    if (name == "document") {
        fill_rounded_rect(draw, at(0.2f, 0.08f), at(0.8f, 0.92f), color, size * 0.06f);
        for (float y : { 0.3f, 0.45f, 0.6f, 0.75f })
            draw->AddRectFilled(at(0.3f, y), ImVec2(min.x + 0.7f * size, min.y + y * size + line), hole);
    } else if (name == "home") {
        draw->AddTriangleFilled(at(0.5f, 0.08f), at(0.06f, 0.5f), at(0.94f, 0.5f), color);
        draw->AddRectFilled(at(0.18f, 0.48f), at(0.82f, 0.92f), color);
        draw->AddRectFilled(at(0.42f, 0.62f), at(0.58f, 0.92f), hole);
    } else if (name == "calendar") {
        fill_rounded_rect(draw, at(0.1f, 0.16f), at(0.9f, 0.9f), color, size * 0.06f);
        draw->AddRectFilled(at(0.18f, 0.36f), at(0.82f, 0.82f), hole);
        for (float x : { 0.3f, 0.62f })
            draw->AddRectFilled(at(x, 0.06f), at(x + 0.08f, 0.26f), color);
        for (float y : { 0.44f, 0.62f })
            for (float x : { 0.26f, 0.45f, 0.64f })
                draw->AddRectFilled(at(x, y), at(x + 0.1f, y + 0.1f), color);
    } else if (name == "warning") {
        draw->AddTriangleFilled(at(0.5f, 0.06f), at(0.04f, 0.9f), at(0.96f, 0.9f), color);
        draw->AddRectFilled(at(0.45f, 0.34f), at(0.55f, 0.64f), hole);
        draw->AddRectFilled(at(0.45f, 0.71f), at(0.55f, 0.81f), hole);
    } else if (name == "euro") {
        // A coin with the euro sign in the text font: drawn shapes of "€" read poorly when small.
        draw->AddCircleFilled(at(0.5f, 0.5f), size * 0.46f, color, 40);
        ImFont* font = glyphs;
        float glyph = size * 0.6f;
        ImVec2 extent = font->CalcTextSizeA(glyph, FLT_MAX, 0, "€");
        draw->AddText(font, glyph, ImVec2(min.x + (size - extent.x) / 2, min.y + (size - extent.y) / 2), hole, "€");
    } else { // person
        draw->AddCircleFilled(at(0.5f, 0.3f), size * 0.2f, color, 32);
        fill_rounded_rect(draw, at(0.18f, 0.56f), at(0.82f, 0.94f), color, size * 0.2f);
    }
}

}
