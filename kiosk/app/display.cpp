// SDL window, renderer and read-back.
#include "kiosk/app/display.h"

#include <stb/stb_image_write.h>

#include <string>

namespace guichet::app {
namespace {

std::string sdl_error() { return SDL_GetError(); }

}

Result<std::unique_ptr<Display>> Display::open_window(const WindowOptions& options)
{
    auto [size, fullscreen, hide_cursor, renderer] = options;
    if (renderer == RendererChoice::Software) {
        // Without this SDL backs even a software window with a GL texture, loading Mesa and LLVM.
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return fail("cannot open the display: " + sdl_error());
    std::unique_ptr<Display> display(new Display);
    display->m_kind = DisplayKind::Window;
    Uint32 flags = SDL_WINDOW_SHOWN | (fullscreen == Fullscreen::Yes ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE);
    display->m_window = SDL_CreateWindow("Guichet", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, size.width, size.height, flags);
    if (!display->m_window)
        return fail("cannot create the window: " + sdl_error());
    if (renderer == RendererChoice::Automatic)
        display->m_renderer = SDL_CreateRenderer(display->m_window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!display->m_renderer) // asked for, or no GPU driver: the software renderer draws the same frames
        display->m_renderer = SDL_CreateRenderer(display->m_window, -1, SDL_RENDERER_SOFTWARE);
    if (!display->m_renderer)
        return fail("cannot create a renderer: " + sdl_error());
    if (hide_cursor)
        SDL_ShowCursor(SDL_DISABLE);
    return display;
}

Result<std::unique_ptr<Display>> Display::open_headless(Size size)
{
    std::unique_ptr<Display> display(new Display);
    display->m_kind = DisplayKind::Headless;
    if (auto made = display->create_surface_renderer(size); !made)
        return std::unexpected(made.error());
    return display;
}

Result<void> Display::create_surface_renderer(Size size)
{
    auto* surface = SDL_CreateRGBSurfaceWithFormat(0, size.width, size.height, 32, SDL_PIXELFORMAT_ABGR8888);
    if (!surface)
        return fail("cannot create a " + std::to_string(size.width) + "x" + std::to_string(size.height) + " surface: " + sdl_error());
    auto* renderer = SDL_CreateSoftwareRenderer(surface);
    if (!renderer) {
        SDL_FreeSurface(surface);
        return fail("cannot create the software renderer: " + sdl_error());
    }
    if (m_renderer)
        SDL_DestroyRenderer(m_renderer);
    if (m_surface)
        SDL_FreeSurface(m_surface);
    m_surface = surface;
    m_renderer = renderer;
    return {};
}

Display::~Display()
{
    if (m_renderer)
        SDL_DestroyRenderer(m_renderer);
    if (m_surface)
        SDL_FreeSurface(m_surface);
    if (m_window) {
        SDL_DestroyWindow(m_window);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    }
}

const char* Display::renderer_name() const
{
    SDL_RendererInfo info;
    return SDL_GetRendererInfo(m_renderer, &info) == 0 ? info.name : "unknown";
}

Size Display::size() const
{
    Size size;
    SDL_GetRendererOutputSize(m_renderer, &size.width, &size.height);
    return size;
}

Result<void> Display::resize(Size size)
{
    if (m_kind != DisplayKind::Headless)
        return fail("only the headless display can be resized by the program");
    return create_surface_renderer(size);
}

void Display::present() { SDL_RenderPresent(m_renderer); }

Result<std::vector<uint8_t>> Display::read_pixels() const
{
    auto [width, height] = size();
    std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 4);
    if (SDL_RenderReadPixels(m_renderer, nullptr, SDL_PIXELFORMAT_ABGR8888, pixels.data(), width * 4) != 0)
        return fail("cannot read the frame back: " + sdl_error());
    return pixels;
}

Result<void> write_png(const std::filesystem::path& path, Size size, const std::vector<uint8_t>& rgba)
{
    if (path.has_parent_path()) {
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        if (error)
            return fail("cannot create the folder '" + path.parent_path().string() + "': " + error.message());
    }
    if (!stbi_write_png(path.c_str(), size.width, size.height, 4, rgba.data(), size.width * 4))
        return fail("cannot write the screenshot '" + path.string() + "'");
    return {};
}

}
