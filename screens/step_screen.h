// One step of a procedure: an info screen or one question, with its progress ("Step 3 of 7"), help on
// demand, the refusal next to the field in plain words, and Back / Next. What the citizen enters stays
// in this screen's draft until Next hands it to the journey; it is wiped when the session ends.
#pragma once
#include "screens/dialog.h"
#include "screens/keyboard.h"
#include "screens/screen.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <span>

namespace guichet::screens {

class StepScreen final : public Screen {
public:
    StepScreen()
        : Screen(ScreenId::Step)
    {
    }
    ~StepScreen() override { reset(); }
    void reset() override;
    std::string_view overlay() const override { return m_help ? "help" : ""; }
    bool close_overlay() override;

protected:
    void draw_content(FrameContext&, float width) override;
    // The help opens as a card over the step, so it never pushes the field or its keyboard off the display.
    bool draw_overlay(FrameContext&) override;

private:
    // Rows of a list (choices, communes) shown on this page, and how many pages there are.
    struct ListPage {
        int first = 0, last = 0, pages = 1;
    };

    void follow(const Journey&);
    void fit_to_room(const Ui&);
    void draw_field(FrameContext&, const Step&, float width);
    // A document step: what to lay on the glass, the scanner's state, the pages scanned with Retake and
    // Remove, and Scan (or Add a page).
    void draw_document(FrameContext&, const Step&, float width);
    void draw_options(FrameContext&, const Field&, float width, bool several);
    // A grid of `count` buttons (`spec_of`, `id_of` the i-th), paged to the room the step leaves it, rows
    // `row_gap` design pixels apart. Returns the index tapped, or -1.
    int paged_choices(FrameContext&, const Grid&, int count, const std::function<ButtonSpec(size_t)>& spec_of,
        const std::function<std::string(size_t)>& id_of, const widgets::PagerSpec&, float row_gap, float width);
    // A list's rows (`row_gap` design pixels apart) paged to the room the step leaves it; `chosen_row`,
    // when the list is first paged, picks the page that holds the citizen's answer.
    ListPage list_page(const Ui&, std::span<const float> row_heights, float row_gap, const widgets::PagerSpec&, float width,
        int chosen_row);
    void list_pager(FrameContext&, const ListPage&, widgets::PagerSpec, float width);
    void draw_date(FrameContext&, float width);
    // The field and its keypad: side by side on a landscape display, one above the other otherwise.
    // `field_width`: what the field needs; beside the keypad only when half the column holds it.
    void field_and_keys(FrameContext&, float width, bool keypad, float field_width, const std::function<void(float)>& field,
        const std::function<void(float)>& keys);
    void draw_address(FrameContext&, float width);
    void draw_communes(FrameContext&, std::span<const Commune>, float width);
    // A text box that becomes the keyboard's target when tapped. Returns true on the frame it is tapped.
    bool part_field(FrameContext&, std::string_view id, std::string_view label, std::string& value, float width,
        int part, size_t max_characters);
    void draw_keyboard(FrameContext&, std::string& value, KeyboardLayout, float width, size_t max_characters);

    const Journey* m_journey = nullptr;
    const Step* m_step = nullptr;
    nlohmann::json m_draft;
    int m_part = 0;      // which text box the keyboard types into (date: day, month, year; address: street, postcode)
    bool m_help = false; // the help card is open
    bool m_keypad = false; // address: the keypad is shown for a complete postcode (to correct it)
    int m_list_page = -1; // the page of choices or communes shown; -1: the one holding the answer
    std::string m_list_postcode; // the postcode whose communes are listed
    // Last frame's heights, so the keyboard and lists can give up height when the screen is short. For a
    // step they only ever shrink, so the layout settles instead of swinging.
    float m_content_height = 0;
    float m_gaps = 0, m_gap_scale = 1; // the spacing in it, before and after the screen squeezed it
    float m_keyboard_height = 0;
    float m_keyboard_lowest = 0; // the keyboard's height with its keys at the 64-pixel floor
    float m_keyboard_room = 0; // the keyboard's height limit for this step; 0: none
    float m_list_height = 0;   // with its spacing at the tightest (see at_tightest)
    float m_list_lowest = 0;   // its tallest row and the page buttons: the least it can take
    float m_list_room = 0;     // the height a list and its page buttons may take, so measured; 0: any
    float m_thumb_height = 0; // a document step's page pictures, last frame
    float m_thumb_room = 0;   // their height limit for this step, so measured; 0: none
    int m_pages_row = 0;      // the row of pages shown when they do not fit one row
    int m_pages_seen = 0;     // how many pages the step had last frame: a new one is shown at once
    ImVec2 m_document_display {}; // the display the pictures were measured on
    bool m_compact_title = false; // the question in the buttons' size: even the lowest keyboard did not fit
    DialogFrame m_help_card;
};

}
