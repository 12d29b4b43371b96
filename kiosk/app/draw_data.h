// Draws Dear ImGui's frame with an SDL_Renderer. It replaces imgui_impl_sdlrenderer's draw call (whose
// texture handling we keep): axis-aligned quads — every glyph and every plain rectangle — go to SDL's
// rectangle fill and blit paths, which a software renderer does many times faster than triangles.
#pragma once
#include <SDL.h>
#include <imgui.h>

namespace guichet::app {

void render_draw_data(SDL_Renderer*, const ImDrawData*);

}
