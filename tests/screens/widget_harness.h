// Real Dear ImGui frames for the widget tests: the kiosk's fonts and theme, SDL events fed through the
// app's own input translation, drawn by the headless display's software renderer so pixels can be saved.
#pragma once
#include "kiosk/app/display.h"
#include "kiosk/app/draw_data.h"
#include "kiosk/app/input.h"
#include "kiosk/core/tap.h"
#include "screens/fonts.h"
#include "screens/ui.h"

#include <catch2/catch.hpp>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace guichet::test {

struct HarnessOptions {
    app::Size size { 1080, 1920 };
    std::string theme = "default";
    float text_scale = 1.0f;
};

class WidgetHarness {
public:
    using Draw = std::function<void(screens::Ui&)>;

    explicit WidgetHarness(const HarnessOptions& options = {})
        : m_options(options)
    {
        auto theme = Theme::load(std::filesystem::path(GUICHET_SOURCE_DIR) / "assets" / "themes" / (options.theme + ".json"));
        REQUIRE(theme);
        m_theme = std::move(*theme);
        auto library = screens::FontLibrary::load(UiSection {});
        REQUIRE(library);
        m_fonts_library = std::make_unique<screens::FontLibrary>(std::move(*library));
        auto display = app::Display::open_headless(options.size);
        REQUIRE(display);
        m_display = std::move(*display);

        m_context = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        app::Input::configure(io);
        ImGui::GetStyle().WindowBorderSize = 0;
        ImGui_ImplSDLRenderer_Init(m_display->renderer());
        m_fonts = m_fonts_library->build(*io.Fonts, unit() * options.text_scale);
        ImGui_ImplSDLRenderer_CreateFontsTexture();
    }

    ~WidgetHarness()
    {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui::DestroyContext(m_context);
    }

    WidgetHarness(const WidgetHarness&) = delete;
    WidgetHarness& operator=(const WidgetHarness&) = delete;

    // Layout pixels per design pixel, as the app computes it: 1080 px on the short side is 1.
    float unit() const
    {
        return static_cast<float>(std::min(m_options.size.width, m_options.size.height)) / 1080.0f;
    }
    float width() const { return static_cast<float>(m_options.size.width); }
    // The column a screen draws its content in (screens/screen.cpp).
    float column_width() const { return std::min(width() - 2 * 64 * unit(), 1500 * unit()); }
    float column_left() const { return std::floor((width() - column_width()) / 2); }

    const UiTree& tree() const { return m_tree; }
    const Theme& theme() const { return m_theme; }
    const screens::FontSet& fonts() const { return m_fonts; }
    float text_scale() const { return m_options.text_scale; }

    // One frame: this frame's queued events, `draw` in a full-screen window like a screen's, rendered.
    void frame(const Draw& draw)
    {
        ImGuiIO& io = ImGui::GetIO();
        auto input = m_input.apply(io);
        // Taps resolved against the last frame drawn, as the app does (kiosk/core/tap.h).
        if (input.pointer_down)
            m_taps.press(input.pointer_down->x, input.pointer_down->y, m_tree);
        std::string tapped;
        if (input.pointer_up)
            tapped = m_taps.release(input.pointer_up->x, input.pointer_up->y, m_tree).value_or("");
        io.DisplaySize = ImVec2(width(), static_cast<float>(m_options.size.height));
        io.DeltaTime = 1.0f / 60;
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui::NewFrame();
        m_tree.begin_frame("test");
        screens::Ui ui { m_tree, m_theme, m_fonts, unit(), m_options.text_scale };
        ui.tap_id = tapped;
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
        ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
        ImGui::Begin("##screen", nullptr,
            ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings
                | ImGuiWindowFlags_NoBringToFrontOnFocus);
        draw(ui);
        ImGui::End();
        ImGui::PopStyleVar(2);
        ImGui::PopStyleColor();
        ImGui::Render();
        auto background = m_theme["background"];
        SDL_SetRenderDrawColor(m_display->renderer(), background.r, background.g, background.b, 255);
        SDL_RenderClear(m_display->renderer());
        app::render_draw_data(m_display->renderer(), ImGui::GetDrawData());
    }

    // Frames until every queued event has been applied, and one more to show the result.
    void settle(const Draw& draw)
    {
        do
            frame(draw);
        while (m_input.pending());
        frame(draw);
    }

    // A finger down and up on the centre of the element `id` of the last frame.
    void tap(std::string_view id, const Draw& draw)
    {
        const UiNode* node = m_tree.find_by_id(id);
        INFO("tap " << id);
        REQUIRE(node);
        SDL_Event event {};
        event.tfinger.x = node->rect.center_x() / width();
        event.tfinger.y = node->rect.center_y() / static_cast<float>(m_options.size.height);
        event.type = SDL_FINGERDOWN;
        m_input.push(event);
        event.type = SDL_FINGERUP;
        m_input.push(event);
        settle(draw);
    }

    // What a physical keyboard's text input sends.
    void type(std::string_view text, const Draw& draw)
    {
        SDL_Event event {};
        event.type = SDL_TEXTINPUT;
        REQUIRE(text.size() < sizeof(event.text.text));
        text.copy(event.text.text, text.size());
        m_input.push(event);
        settle(draw);
    }

    void press_key(SDL_Scancode scancode, const Draw& draw)
    {
        SDL_Event event {};
        event.key.keysym.scancode = scancode;
        event.type = SDL_KEYDOWN;
        event.key.state = SDL_PRESSED;
        m_input.push(event);
        event.type = SDL_KEYUP;
        event.key.state = SDL_RELEASED;
        m_input.push(event);
        settle(draw);
    }

    // The last frame's pixels, as tightly packed RGBA rows.
    std::vector<uint8_t> pixels() const
    {
        auto read = m_display->read_pixels();
        REQUIRE(read);
        return std::move(*read);
    }

    std::filesystem::path screenshot(std::string_view name) const
    {
        auto path = std::filesystem::path(GUICHET_TEST_OUTPUT_DIR) / name;
        auto written = app::write_png(path, m_display->size(), pixels());
        INFO((written ? std::string() : written.error().message));
        REQUIRE(written);
        return path;
    }

private:
    HarnessOptions m_options;
    Theme m_theme;
    std::unique_ptr<screens::FontLibrary> m_fonts_library; // the atlas borrows its bytes
    std::unique_ptr<app::Display> m_display;
    ImGuiContext* m_context = nullptr;
    screens::FontSet m_fonts;
    app::Input m_input;
    UiTree m_tree;
    TapTracker m_taps;
};

}
