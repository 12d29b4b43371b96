// Where frames go: a full-screen (or windowed) SDL window with a hardware renderer when there is one,
// or, headless, SDL's software renderer drawing into a plain surface with no video subsystem at all.
#pragma once
#include "kiosk/core/result.h"

#include <SDL.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace guichet::app {

struct Size {
    int width = 0;
    int height = 0;
};

// The design is drawn for a 1080-pixel short side: everything scales by this (before the text size).
inline float layout_unit(Size size) { return static_cast<float>(size.width < size.height ? size.width : size.height) / 1080.0f; }

enum class DisplayKind {
    Window,
    Headless,
};

enum class Fullscreen {
    No,
    Yes,
};

enum class RendererChoice {
    Automatic, // the GPU's accelerated renderer, falling back to software
    Software,  // SDL's software renderer straight into the window, with no GL stack loaded at all
};

struct WindowOptions {
    Size size;
    Fullscreen fullscreen = Fullscreen::Yes;
    bool hide_cursor = true;
    RendererChoice renderer = RendererChoice::Automatic;
};

class Display {
public:
    static Result<std::unique_ptr<Display>> open_window(const WindowOptions&);
    static Result<std::unique_ptr<Display>> open_headless(Size size);
    ~Display();
    Display(const Display&) = delete;
    Display& operator=(const Display&) = delete;

    DisplayKind kind() const { return m_kind; }
    SDL_Renderer* renderer() const { return m_renderer; }
    const char* renderer_name() const;
    Size size() const;

    // Headless only: a new surface of another size. The renderer is replaced, so everything created on
    // the old one (textures) must be released before and created again after.
    Result<void> resize(Size size);

    void present();
    // The pixels of the frame just rendered (call before present()), as tightly packed RGBA rows.
    Result<std::vector<uint8_t>> read_pixels() const;

private:
    Display() = default;
    Result<void> create_surface_renderer(Size size);

    DisplayKind m_kind = DisplayKind::Headless;
    SDL_Window* m_window = nullptr;
    SDL_Surface* m_surface = nullptr;
    SDL_Renderer* m_renderer = nullptr;
};

Result<void> write_png(const std::filesystem::path& path, Size size, const std::vector<uint8_t>& rgba);

}
