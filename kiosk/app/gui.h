// Dear ImGui for the kiosk: its context on the display's renderer, and the fonts rasterized at one
// scale (the display's short side / 1080 x the citizen's text size), rebuilt only when it changes.
#pragma once
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/result.h"
#include "screens/fonts.h"

#include <SDL.h>

struct ImGuiContext;

namespace guichet::app {

class Gui {
public:
    // Reads the fonts; a missing file is an error that names it.
    static Result<Gui> create(const UiSection&, SDL_Renderer*);
    Gui() = default;
    Gui(Gui&&) noexcept;
    Gui& operator=(Gui&&) noexcept;
    ~Gui();

    // Builds the font atlas for `scale` unless it already is.
    void ensure_fonts(float scale);
    const screens::FontSet& fonts() const { return m_fonts; }
    // Seconds since the last frame, for Dear ImGui's animations.
    float frame_delta(Millis now);
    // Around a change of the display's renderer (a resize): the font texture lives in the renderer.
    void detach_renderer();
    void attach_renderer(SDL_Renderer*);

private:
    ImGuiContext* m_context = nullptr;
    screens::FontLibrary m_library;
    screens::FontSet m_fonts;
    float m_scale = 0;
    Millis m_last_frame { 0 };
};

}
