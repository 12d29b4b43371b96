// Moving without touch (see navigation.h).
#include "kiosk/app/navigation.h"

namespace guichet::app {

Navigation::Keys Navigation::handle(const std::vector<Input::NavKey>& keys, const UiTree& tree)
{
    Keys result;
    for (auto key : keys) {
        switch (key) {
        case Input::NavKey::Next:
            m_focus.move(tree, FocusMove::Next);
            break;
        case Input::NavKey::Previous:
            m_focus.move(tree, FocusMove::Previous);
            break;
        case Input::NavKey::Up:
            m_focus.move(tree, FocusMove::Up);
            break;
        case Input::NavKey::Down:
            m_focus.move(tree, FocusMove::Down);
            break;
        case Input::NavKey::Left:
            m_focus.move(tree, FocusMove::Left);
            break;
        case Input::NavKey::Right:
            m_focus.move(tree, FocusMove::Right);
            break;
        case Input::NavKey::Activate:
            if (m_focus.focused(tree))
                m_activate = m_focus.id();
            else
                m_focus.move(tree, FocusMove::Next); // Enter with no focus: start where the focus starts
            break;
        case Input::NavKey::Back:
            result.back = true;
            break;
        case Input::NavKey::Help:
            m_help = true;
            result.help = true;
            break;
        }
    }
    return result;
}

void Navigation::pointer(const std::optional<ImVec2>& down, const std::optional<ImVec2>& up, const UiTree& shown)
{
    if (down)
        m_taps.press(down->x, down->y, shown);
    if (up)
        m_tapped = m_taps.release(up->x, up->y, shown).value_or("");
}

void Navigation::frame_done(const std::string& screen_key)
{
    m_activate.clear();
    m_tapped.clear();
    m_help = false;
    if (screen_key != m_screen_key) {
        m_focus.clear();
        m_screen_key = screen_key;
    }
}

}
