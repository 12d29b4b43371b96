// Quad detection over ImGui's index buffer, with SDL_RenderGeometryRaw for everything else.
#include "kiosk/app/draw_data.h"

#include <cmath>

namespace guichet::app {
namespace {

struct Quad {
    SDL_FRect rect;
    float u0, v0, u1, v1;
    ImU32 color;
};

// ImGui writes a rectangle as vertices a b c d (clockwise from the top left) and indices a b c, a c d
// (ImDrawList::PrimRect and PrimRectUV). Anything else, or a rectangle in another order, is not a quad here.
bool as_quad(const ImDrawVert* vertices, const ImDrawIdx* idx, Quad& quad)
{
    if (idx[3] != idx[0] || idx[4] != idx[2] || idx[1] != idx[0] + 1 || idx[2] != idx[0] + 2 || idx[5] != idx[0] + 3)
        return false;
    const ImDrawVert& a = vertices[idx[0]];
    const ImDrawVert& b = vertices[idx[1]];
    const ImDrawVert& c = vertices[idx[2]];
    const ImDrawVert& d = vertices[idx[5]];
    if (a.col != b.col || a.col != c.col || a.col != d.col)
        return false;
    if (a.pos.y != b.pos.y || b.pos.x != c.pos.x || c.pos.y != d.pos.y || d.pos.x != a.pos.x)
        return false;
    if (a.uv.y != b.uv.y || b.uv.x != c.uv.x || c.uv.y != d.uv.y || d.uv.x != a.uv.x)
        return false;
    if (c.pos.x <= a.pos.x || c.pos.y <= a.pos.y)
        return false;
    quad.rect = { a.pos.x, a.pos.y, c.pos.x - a.pos.x, c.pos.y - a.pos.y };
    quad.u0 = a.uv.x;
    quad.v0 = a.uv.y;
    quad.u1 = c.uv.x;
    quad.v1 = c.uv.y;
    quad.color = a.col;
    return true;
}

void draw_quad(SDL_Renderer* renderer, SDL_Texture* texture, const Quad& quad)
{
    Uint8 r = quad.color >> IM_COL32_R_SHIFT & 0xFF, g = quad.color >> IM_COL32_G_SHIFT & 0xFF;
    Uint8 b = quad.color >> IM_COL32_B_SHIFT & 0xFF, a = quad.color >> IM_COL32_A_SHIFT & 0xFF;
    if (!texture || (quad.u0 == quad.u1 && quad.v0 == quad.v1)) {
        // A plain fill: every corner samples the atlas's white pixel.
        SDL_SetRenderDrawBlendMode(renderer, a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(renderer, r, g, b, a);
        SDL_RenderFillRectF(renderer, &quad.rect);
        return;
    }
    int width = 0, height = 0;
    SDL_QueryTexture(texture, nullptr, nullptr, &width, &height);
    SDL_Rect source { static_cast<int>(std::lround(quad.u0 * width)), static_cast<int>(std::lround(quad.v0 * height)),
        static_cast<int>(std::lround((quad.u1 - quad.u0) * width)), static_cast<int>(std::lround((quad.v1 - quad.v0) * height)) };
    SDL_SetTextureColorMod(texture, r, g, b);
    SDL_SetTextureAlphaMod(texture, a);
    SDL_RenderCopyF(renderer, texture, &source, &quad.rect);
}

void draw_triangles(SDL_Renderer* renderer, SDL_Texture* texture, const ImDrawVert* vertices, int vertex_count,
    const ImDrawIdx* indices, int index_count)
{
    if (index_count == 0)
        return;
    if (texture) { // geometry takes its colours from the vertices
        SDL_SetTextureColorMod(texture, 255, 255, 255);
        SDL_SetTextureAlphaMod(texture, 255);
    }
    SDL_RenderGeometryRaw(renderer, texture, &vertices->pos.x, sizeof(ImDrawVert),
        reinterpret_cast<const SDL_Color*>(&vertices->col), sizeof(ImDrawVert), &vertices->uv.x, sizeof(ImDrawVert),
        vertex_count, indices, index_count, sizeof(ImDrawIdx));
}

}

void render_draw_data(SDL_Renderer* renderer, const ImDrawData* draw_data)
{
    int fb_width = 0, fb_height = 0;
    SDL_GetRendererOutputSize(renderer, &fb_width, &fb_height);
    SDL_RenderSetViewport(renderer, nullptr);
    for (int n = 0; n < draw_data->CmdListsCount; ++n) {
        const ImDrawList* list = draw_data->CmdLists[n];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                if (cmd.UserCallback != ImDrawCallback_ResetRenderState)
                    cmd.UserCallback(list, &cmd);
                continue;
            }
            float x0 = std::max(cmd.ClipRect.x, 0.0f), y0 = std::max(cmd.ClipRect.y, 0.0f);
            float x1 = std::min(cmd.ClipRect.z, static_cast<float>(fb_width));
            float y1 = std::min(cmd.ClipRect.w, static_cast<float>(fb_height));
            if (x1 <= x0 || y1 <= y0)
                continue;
            SDL_Rect clip { static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0) };
            SDL_RenderSetClipRect(renderer, &clip);

            auto* texture = static_cast<SDL_Texture*>(cmd.GetTexID());
            const ImDrawVert* vertices = list->VtxBuffer.Data + cmd.VtxOffset;
            int vertex_count = list->VtxBuffer.Size - static_cast<int>(cmd.VtxOffset);
            const ImDrawIdx* indices = list->IdxBuffer.Data + cmd.IdxOffset;
            int count = static_cast<int>(cmd.ElemCount);
            // Walk the triangles; runs that are not quads are drawn together as geometry.
            int run_start = 0, i = 0;
            Quad quad;
            while (i + 3 <= count) {
                if (i + 6 <= count && as_quad(vertices, indices + i, quad)) {
                    draw_triangles(renderer, texture, vertices, vertex_count, indices + run_start, i - run_start);
                    draw_quad(renderer, texture, quad);
                    i += 6;
                    run_start = i;
                } else {
                    i += 3;
                }
            }
            draw_triangles(renderer, texture, vertices, vertex_count, indices + run_start, count - run_start);
        }
    }
    SDL_RenderSetClipRect(renderer, nullptr);
}

}
