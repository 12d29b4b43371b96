// One step of a procedure: an info screen or one question, with its progress ("Step 3 of 7"), help on
// demand, the refusal next to the field in plain words, and Back / Next. What the citizen enters stays
// in this screen's draft until Next hands it to the journey; it is wiped when the session ends.
#pragma once
#include "screens/keyboard.h"
#include "screens/screen.h"

#include <nlohmann/json.hpp>

#include <functional>

namespace guichet::screens {

class StepScreen final : public Screen {
public:
    StepScreen()
        : Screen(ScreenId::Step)
    {
    }
    ~StepScreen() override { reset(); }
    void reset() override;

protected:
    void draw_content(FrameContext&, float width) override;

private:
    void follow(const Journey&);
    void draw_field(FrameContext&, const Step&, float width);
    void draw_options(FrameContext&, const Field&, float width, bool several);
    void draw_date(FrameContext&, float width);
    // The field and its keypad: side by side on a landscape display, one above the other otherwise.
    // `field_width`: what the field needs; beside the keypad only when half the column holds it.
    void field_and_keys(FrameContext&, float width, bool keypad, float field_width, const std::function<void(float)>& field,
        const std::function<void(float)>& keys);
    void draw_address(FrameContext&, float width);
    // A text box that becomes the keyboard's target when tapped. Returns true on the frame it is tapped.
    bool part_field(FrameContext&, std::string_view id, std::string_view label, std::string& value, float width,
        int part, size_t max_characters);
    void draw_keyboard(FrameContext&, std::string& value, KeyboardLayout, float width, size_t max_characters);

    const Journey* m_journey = nullptr;
    const Step* m_step = nullptr;
    nlohmann::json m_draft;
    int m_part = 0;      // which text box the keyboard types into (date: day, month, year; address: street, postcode)
    bool m_help = false; // the help text is shown
    bool m_keypad = false; // address: the keypad is shown for a complete postcode (to correct it)
    // Last frame's heights, so the keyboard can give up height when the screen is short.
    float m_content_height = 0;
    float m_keyboard_height = 0;
    float m_keyboard_room = 0; // the keyboard's height limit for this step; 0: none
};

}
