// Long lists and long words in the widget set: lines break between words or after a hyphen, never inside
// a word; a list too tall for its room is cut into pages; "Page 2 of 3" and its buttons turn them.
#include "widget_harness.h"

#include <cfloat>
#include <string>
#include <vector>

using namespace guichet;
using namespace guichet::screens;
using guichet::test::HarnessOptions;
using guichet::test::WidgetHarness;

namespace {

// True when each line ends where a line may end: at the end of the text, before a space, or after a hyphen.
bool breaks_between_pieces(std::string_view text, const std::vector<std::string_view>& lines)
{
    for (auto line : lines) {
        auto end = static_cast<size_t>(line.data() + line.size() - text.data());
        if (end < text.size() && text[end] != ' ' && line.back() != '-')
            return false;
    }
    return true;
}

}

TEST_CASE("a commune's name wraps between its words and after its hyphens, never inside a word", "[ui][lists]")
{
    WidgetHarness harness({ .text_scale = 1.5f });
    ImFont* font = harness.fonts().button;
    for (std::string_view name : { "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson", "Châtelraould-Saint-Louvent",
             "La Vacquerie-et-Saint-Martin-de-Castries", "Bourg-en-Bresse" }) {
        auto lines = widgets::text_lines(font, name, 360);
        INFO(name << " in " << lines.size() << " lines");
        CHECK(lines.size() > 1);
        CHECK(breaks_between_pieces(name, lines));
        std::string joined;
        for (auto line : lines)
            joined += std::string(line) + (line.back() == '-' ? "" : " ");
        joined.pop_back();
        CHECK(joined == name); // nothing lost, nothing doubled
    }
    // Only a word wider than the whole line is cut, at a character boundary.
    auto cut = widgets::text_lines(font, "Niederschaeffolsheim", 200);
    CHECK(cut.size() > 1);
    CHECK(cut.front().size() < std::string_view("Niederschaeffolsheim").size());

    // The narrowest button for a name holds its longest piece on one line.
    harness.frame([&](Ui& ui) {
        ButtonSpec spec { .label = "Niederschaeffolsheim", .role = Role::Choice };
        spec.width = widgets::narrowest_button(ui, spec);
        ButtonSpec one_line { .label = "A", .width = spec.width, .role = Role::Choice };
        CHECK(widgets::button_height(ui, spec) == widgets::button_height(ui, one_line));
    });
}

TEST_CASE("a text longer than its lines may hold is cut after the last, with room left for the ellipsis", "[ui][lists][long-texts]")
{
    WidgetHarness harness({ .text_scale = 1.0f });
    ImFont* font = harness.fonts().small;
    auto width_of = [&](std::string_view text) { return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.data(), text.data() + text.size()).x; };
    float ellipsis = width_of("\xE2\x80\xA6");
    // Without a space, and with words: two lines each, the second shortened for "…", none wider than the column.
    std::string words;
    while (words.size() < 300'000)
        words += "Maison France Services de Saint-Remy-en-Bouzemont ";
    for (const std::string& text : { std::string(300'000, 'M'), words }) {
        auto lines = widgets::text_lines(font, text, 900, 2);
        REQUIRE(lines.size() == 2);
        CHECK(width_of(lines[0]) <= 900);
        CHECK(width_of(lines[1]) + ellipsis <= 900);
        CHECK(lines[0].data() == text.data()); // from the start, in order
        CHECK(lines[1].data() >= lines[0].data() + lines[0].size());
        CHECK(widgets::text_height(font, text, 900, 2) == Approx(2 * font->FontSize * 1.25f));
    }
    // A text that fits its lines is left whole.
    auto whole = widgets::text_lines(font, "France Services", 900, 2);
    REQUIRE(whole.size() == 1);
    CHECK(whole[0] == "France Services");
    // Line breaks are kept, a blank line included.
    auto paragraphs = widgets::text_lines(font, "Bonjour\n\nAu revoir", 900);
    CHECK(paragraphs == std::vector<std::string_view> { "Bonjour", "", "Au revoir" });
}

TEST_CASE("a list is cut into pages that each fit the room, the page buttons' room kept", "[ui][lists]")
{
    std::vector<float> rows { 100, 100, 100, 100 };
    // All fit: one page, no room kept for buttons that are not needed.
    CHECK(page_starts(rows, 20, 460, 60) == std::vector<int> { 0 });
    // Two rows and a gap fit 250, but not once the page buttons take 60: a row a page.
    CHECK(page_starts(rows, 20, 250, 60) == std::vector<int> { 0, 1, 2, 3 });
    CHECK(page_starts(rows, 20, 300, 60) == std::vector<int> { 0, 2 });
    // A row taller than the room still gets a page of its own; no page is empty.
    CHECK(page_starts(std::vector<float> { 50, 400, 50 }, 10, 200, 40) == std::vector<int> { 0, 1, 2 });
    CHECK(page_starts(std::vector<float> {}, 10, 200, 40) == std::vector<int> { 0 });
}

TEST_CASE("the pager shows where the citizen is and turns round and round", "[ui][lists]")
{
    for (auto [size, scale, one_line] : { std::tuple { app::Size { 1920, 1080 }, 1.25f, true },
             std::tuple { app::Size { 1080, 1920 }, 1.5f, false } }) {
        WidgetHarness harness({ .size = size, .text_scale = scale });
        int page = 0;
        const int pages = 3;
        auto draw = [&](Ui& ui) {
            std::string caption = "Page " + std::to_string(page + 1) + " sur " + std::to_string(pages);
            widgets::PagerSpec spec { .caption_id = "list.page", .caption = caption, .previous_id = "list.previous",
                .previous = "Choix précédents", .next_id = "list.more", .next = "Autres choix" };
            float height = widgets::pager_height(ui, spec, harness.column_width());
            float top = ImGui::GetCursorPosY();
            page = widgets::pager(ui, spec, page, pages, harness.column_width());
            CHECK(ImGui::GetCursorPosY() - top == Approx(height).margin(1));
        };
        harness.settle(draw);
        auto* caption = harness.tree().find_by_id("list.page");
        auto* previous = harness.tree().find_by_id("list.previous");
        auto* more = harness.tree().find_by_id("list.more");
        REQUIRE((caption && previous && more));
        INFO(size.width << "x" << size.height << " at x" << scale);
        // On one line where the column holds it, the caption between the buttons; above them otherwise.
        CHECK((caption->rect.center_y() > previous->rect.y && caption->rect.center_y() < previous->rect.y + previous->rect.h) == one_line);
        CHECK((caption->rect.y + caption->rect.h <= previous->rect.y) == !one_line);
        CHECK(harness.tree().layout_problems().empty());

        harness.tap("list.more", draw);
        CHECK(page == 1);
        CHECK(harness.tree().find_by_id("list.page")->label == "Page 2 sur 3");
        harness.tap("list.more", draw);
        harness.tap("list.more", draw);
        CHECK(page == 0); // after the last page, the first
        harness.tap("list.previous", draw);
        CHECK(page == 2);
    }
}
