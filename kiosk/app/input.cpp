// SDL event translation for Dear ImGui 1.86 (the legacy KeysDown/KeyMap input API).
#include "kiosk/app/input.h"

#include <string>
#include <tuple>

#include <cfloat>

namespace guichet::app {

Input::Input() = default;

void Input::configure(ImGuiIO& io)
{
    io.BackendPlatformName = "guichet";
    // Focus moves through the kiosk's own semantic tree (kiosk/core/focus.h), not Dear ImGui's nav.
    io.KeyMap[ImGuiKey_Tab] = SDL_SCANCODE_TAB;
    io.KeyMap[ImGuiKey_LeftArrow] = SDL_SCANCODE_LEFT;
    io.KeyMap[ImGuiKey_RightArrow] = SDL_SCANCODE_RIGHT;
    io.KeyMap[ImGuiKey_UpArrow] = SDL_SCANCODE_UP;
    io.KeyMap[ImGuiKey_DownArrow] = SDL_SCANCODE_DOWN;
    io.KeyMap[ImGuiKey_PageUp] = SDL_SCANCODE_PAGEUP;
    io.KeyMap[ImGuiKey_PageDown] = SDL_SCANCODE_PAGEDOWN;
    io.KeyMap[ImGuiKey_Home] = SDL_SCANCODE_HOME;
    io.KeyMap[ImGuiKey_End] = SDL_SCANCODE_END;
    io.KeyMap[ImGuiKey_Insert] = SDL_SCANCODE_INSERT;
    io.KeyMap[ImGuiKey_Delete] = SDL_SCANCODE_DELETE;
    io.KeyMap[ImGuiKey_Backspace] = SDL_SCANCODE_BACKSPACE;
    io.KeyMap[ImGuiKey_Space] = SDL_SCANCODE_SPACE;
    io.KeyMap[ImGuiKey_Enter] = SDL_SCANCODE_RETURN;
    io.KeyMap[ImGuiKey_Escape] = SDL_SCANCODE_ESCAPE;
    io.KeyMap[ImGuiKey_KeyPadEnter] = SDL_SCANCODE_KP_ENTER;
    io.KeyMap[ImGuiKey_A] = SDL_SCANCODE_A;
    io.KeyMap[ImGuiKey_C] = SDL_SCANCODE_C;
    io.KeyMap[ImGuiKey_V] = SDL_SCANCODE_V;
    io.KeyMap[ImGuiKey_X] = SDL_SCANCODE_X;
    io.KeyMap[ImGuiKey_Y] = SDL_SCANCODE_Y;
    io.KeyMap[ImGuiKey_Z] = SDL_SCANCODE_Z;
}

Result<void> Input::map_keys(const KeysSection& keys)
{
    const std::tuple<const char*, const std::string&, NavKey> mapped[] = { { "up", keys.up, NavKey::Previous },
        { "down", keys.down, NavKey::Next }, { "enter", keys.enter, NavKey::Activate }, { "back", keys.back, NavKey::Back },
        { "help", keys.help, NavKey::Help } };
    for (auto& [name, key_name, action] : mapped) {
        if (key_name.empty())
            continue;
        SDL_Keycode key = SDL_GetKeyFromName(key_name.c_str());
        if (key == SDLK_UNKNOWN)
            return fail("'keys." + std::string(name) + "': \"" + key_name
                + "\" is not an SDL key name (e.g. \"Keypad 8\", \"F13\", \"Page Down\")");
        m_extra_keys[key] = action;
    }
    return {};
}

std::optional<Input::NavKey> Input::nav_key(SDL_Keycode key, bool shift) const
{
    if (auto found = m_extra_keys.find(key); found != m_extra_keys.end())
        return found->second;
    switch (key) {
    case SDLK_TAB:
        return shift ? NavKey::Previous : NavKey::Next;
    case SDLK_UP:
        return NavKey::Up;
    case SDLK_DOWN:
        return NavKey::Down;
    case SDLK_LEFT:
        return NavKey::Left;
    case SDLK_RIGHT:
        return NavKey::Right;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        return NavKey::Activate;
    case SDLK_ESCAPE:
        return NavKey::Back;
    case SDLK_F1:
    case SDLK_HELP:
        return NavKey::Help;
    default:
        return std::nullopt;
    }
}

Input::FrameInput Input::apply(ImGuiIO& io)
{
    FrameInput result;
    if (m_touch_released) { // a finger lifted last frame: no pointer hovers a touch screen
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        m_touch_released = false;
    }
    bool transitioned = false;
    while (!m_pending.empty()) {
        const SDL_Event& event = m_pending.front();
        bool is_transition = event.type == SDL_MOUSEBUTTONDOWN || event.type == SDL_MOUSEBUTTONUP
            || event.type == SDL_FINGERDOWN || event.type == SDL_FINGERUP || event.type == SDL_KEYDOWN
            || event.type == SDL_KEYUP;
        bool synthetic_mouse = (event.type == SDL_MOUSEBUTTONDOWN || event.type == SDL_MOUSEBUTTONUP
                                   || event.type == SDL_MOUSEMOTION || event.type == SDL_MOUSEWHEEL)
            && event.button.which == SDL_TOUCH_MOUSEID; // SDL's copy of a touch we already handle
        if (is_transition && !synthetic_mouse && transitioned)
            break; // next frame
        switch (event.type) {
        case SDL_QUIT:
            break; // m_quit, from push
        case SDL_MOUSEMOTION:
            if (!synthetic_mouse)
                io.MousePos = ImVec2(static_cast<float>(event.motion.x), static_cast<float>(event.motion.y));
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (!synthetic_mouse && event.button.button == SDL_BUTTON_LEFT) {
                io.MousePos = ImVec2(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
                io.MouseDown[0] = event.type == SDL_MOUSEBUTTONDOWN;
                (event.type == SDL_MOUSEBUTTONDOWN ? result.pointer_down : result.pointer_up) = io.MousePos;
                result.touched = result.touched || event.type == SDL_MOUSEBUTTONDOWN;
                transitioned = true;
                result.user_input = true;
            }
            break;
        case SDL_MOUSEWHEEL:
            if (!synthetic_mouse) {
                io.MouseWheel += static_cast<float>(event.wheel.y);
                result.user_input = true;
            }
            break;
        case SDL_FINGERDOWN:
        case SDL_FINGERMOTION:
        case SDL_FINGERUP:
            io.MousePos = ImVec2(event.tfinger.x * io.DisplaySize.x, event.tfinger.y * io.DisplaySize.y);
            if (event.type != SDL_FINGERMOTION) {
                io.MouseDown[0] = event.type == SDL_FINGERDOWN;
                (event.type == SDL_FINGERDOWN ? result.pointer_down : result.pointer_up) = io.MousePos;
                result.touched = result.touched || event.type == SDL_FINGERDOWN;
                transitioned = true;
                m_touch_released = event.type == SDL_FINGERUP;
            }
            result.user_input = true;
            break;
        case SDL_TEXTINPUT:
            io.AddInputCharactersUTF8(event.text.text);
            result.user_input = true;
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP: {
            int key = event.key.keysym.scancode;
            if (key >= 0 && key < IM_ARRAYSIZE(io.KeysDown))
                io.KeysDown[key] = event.type == SDL_KEYDOWN;
            transitioned = true;
            auto mods = static_cast<SDL_Keymod>(event.key.keysym.mod);
            io.KeyShift = (mods & KMOD_SHIFT) != 0;
            io.KeyCtrl = (mods & KMOD_CTRL) != 0;
            io.KeyAlt = (mods & KMOD_ALT) != 0;
            result.user_input = true;
            if (event.type == SDL_KEYDOWN) {
                if (event.key.keysym.sym == SDLK_s && (mods & KMOD_CTRL) && (mods & KMOD_ALT))
                    result.staff_keys = true;
                if (auto nav = nav_key(event.key.keysym.sym, (mods & KMOD_SHIFT) != 0))
                    result.keys.push_back(*nav);
            }
            break;
        }
        default:
            break;
        }
        m_pending.pop_front();
    }
    result.quit = m_quit;
    return result;
}

}
