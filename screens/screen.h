// One class per screen, its state inside it. A screen draws through the widget set and emits intents;
// it never decides which screen comes next, and never reaches another screen or a service's internals.
#pragma once
#include "screens/frame_context.h"

#include <string_view>

namespace guichet::screens {

class Screen {
public:
    explicit Screen(ScreenId id)
        : m_id(id)
    {
    }
    virtual ~Screen() = default;
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    ScreenId id() const { return m_id; }

    // Draws the screen full-window, its content in a centred column. Returns true when the content's
    // height changed since the last frame, so the caller lays it out again before showing it.
    bool draw(FrameContext&);

    // The session ended: forget everything the citizen did here.
    virtual void reset() { }

    // A card the screen opens over itself (a step's help): its name, part of what the voice calls a
    // new screen (empty: none open).
    virtual std::string_view overlay() const { return {}; }
    // The Back key closes that card instead of leaving the screen. Returns true when it did.
    virtual bool close_overlay() { return false; }

protected:
    // Draws the content into a column of `width` pixels whose left edge is the current indent.
    virtual void draw_content(FrameContext&, float width) = 0;
    // Draws the open card over the screen. Returns true when its height changed since the last frame.
    virtual bool draw_overlay(FrameContext&) { return false; }

private:
    ScreenId m_id;
    float m_content_height = 0;
    float m_gap_scale = 1.0f;
    bool m_tight = false; // the content does not fit with the normal margins
    bool m_narrow = false; // landscape, too tall: the column narrows so the corner button sits beside it
    float m_narrow_key = 0; // the display and text size m_narrow was decided for
};

// Moves the left edge by exactly `width`, 0 included (ImGui::Indent(0) would use the style's default).
void indent(float width);
void unindent(float width);

// Centres the next item of `item_width` in a column of `column_width`.
void center_next(float item_width, float column_width);

}
