// Dear ImGui for the kiosk (see gui.h).
#include "kiosk/app/gui.h"

#include "kiosk/app/input.h"

#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <utility>

namespace guichet::app {

Result<Gui> Gui::create(const UiSection& ui, SDL_Renderer* renderer)
{
    auto library = screens::FontLibrary::load(ui);
    if (!library)
        return std::unexpected(library.error());
    Gui gui;
    gui.m_library = std::move(*library);
    gui.m_context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // a kiosk keeps no window layout between runs
    io.LogFilename = nullptr;
    Input::configure(io);
    ImGui::GetStyle().WindowBorderSize = 0;
    ImGui_ImplSDLRenderer_Init(renderer);
    return gui;
}

Gui::Gui(Gui&& other) noexcept { *this = std::move(other); }

Gui& Gui::operator=(Gui&& other) noexcept
{
    std::swap(m_context, other.m_context);
    std::swap(m_library, other.m_library);
    std::swap(m_fonts, other.m_fonts);
    std::swap(m_scale, other.m_scale);
    std::swap(m_last_frame, other.m_last_frame);
    return *this;
}

Gui::~Gui()
{
    if (!m_context)
        return;
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui::DestroyContext(m_context);
}

void Gui::ensure_fonts(float scale)
{
    if (scale == m_scale)
        return;
    ImGuiIO& io = ImGui::GetIO();
    ImGui_ImplSDLRenderer_DestroyFontsTexture();
    m_fonts = m_library.build(*io.Fonts, scale);
    ImGui_ImplSDLRenderer_CreateFontsTexture();
    io.Fonts->ClearTexData(); // the renderer holds the texture; the CPU copy would only cost memory
    m_scale = scale;
}

float Gui::frame_delta(Millis now)
{
    float delta = m_last_frame.count() ? std::chrono::duration<float>(now - m_last_frame).count() : 0.0f;
    m_last_frame = now;
    return delta;
}

void Gui::detach_renderer() { ImGui_ImplSDLRenderer_Shutdown(); }

void Gui::attach_renderer(SDL_Renderer* renderer)
{
    ImGui_ImplSDLRenderer_Init(renderer);
    m_scale = 0; // the font texture lived in the old renderer
}

}
