// The frame's semantic tree: every element a screen shows, recorded by the widget set each frame.
// It serves speech, navigation without touch, the headless driver and --dump-ui (DESIGN.md).
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace guichet {

enum class Role {
    Heading,
    Text,
    Button,
    Choice, // one option of a single choice (a language, an answer)
    Toggle, // on or off (high contrast)
    Dialog, // a modal message; what is behind it is inert
    TextField, // an editable text; its value is what the citizen typed so far
    Key,       // a key of the on-screen keyboard
    Image,     // a picture with a text alternative (the receipt's QR code)
};

std::string_view role_name(Role);

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    float center_x() const { return x + w / 2; }
    float center_y() const { return y + h / 2; }
};

struct UiNode {
    std::string id;    // stable across languages, e.g. "welcome.start"
    Role role = Role::Text;
    std::string label; // what is shown and spoken, in the session's language
    Rect rect;
    bool enabled = true;
    bool selected = false; // a chosen option, a toggle that is on
    bool focused = false;
    bool inert = false;    // behind a modal dialog: visible, but cannot be reached
    std::string value;

    bool interactive() const
    {
        return role == Role::Button || role == Role::Choice || role == Role::Toggle || role == Role::TextField
            || role == Role::Key;
    }
};

class UiTree {
public:
    void begin_frame(std::string_view screen);
    // The display's size: an element outside it is drawn but cannot be seen or touched.
    void set_viewport(float width, float height) { m_viewport = { 0, 0, width, height }; }
    bool on_screen(const UiNode&) const;
    void add(UiNode node);
    // A modal dialog opens: everything recorded so far becomes inert.
    void begin_modal();

    std::string_view screen() const { return m_screen; }
    const std::vector<UiNode>& nodes() const { return m_nodes; }
    const UiNode* find_by_id(std::string_view id) const;
    std::vector<const UiNode*> find_by_label(std::string_view label) const;
    // True when a non-inert element wholly on the screen shows `text` in its label or value.
    bool shows_text(std::string_view text) const;
    // What keeps the frame from fitting the display, one sentence a problem (empty: it fits): an element
    // lying wholly or partly outside it, two elements drawn over each other (text on text, text on a
    // control, two controls), a control smaller than `min_target` pixels. Elements behind a dialog and
    // the dialog's backdrop are left out; a frame where nothing takes room is a problem too. Needs the viewport.
    std::vector<std::string> layout_problems(float min_target = 0) const;

    nlohmann::json to_json() const;

private:
    std::string m_screen;
    std::vector<UiNode> m_nodes;
    Rect m_viewport; // empty: unknown, everything counts as on screen
};

}
