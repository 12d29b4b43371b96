// Texts far longer than anyone meant them (issue 15): the kiosk draws them in bounded time, cut with "…"
// where they cannot fit, and the screen's actions stay on the screen. The long texts are put in the
// configuration here, past the limits that loading and `guichetctl validate` enforce: the kiosk must
// not depend on them to stay usable.
#include "kiosk_fixture.h"

#include <catch2/catch.hpp>

#include <string>

using namespace guichet;
using namespace guichet::test;

namespace {

const fs::path output_dir = GUICHET_TEST_OUTPUT_DIR;

// `length` bytes of a real place name, over and over: words, hyphens, accents.
std::string long_place_name(size_t length)
{
    std::string name;
    while (name.size() < length)
        name += "Maison France Services de Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson ";
    name.resize(length);
    while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) // whole characters only
        name.pop_back();
    if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0)
        name.pop_back();
    return name;
}

}

TEST_CASE("a place name of 10,000 characters leaves Commencer on the screen at every text size", "[ui][layout][long-texts]")
{
    KeyPair keys;
    Kiosk kiosk(output_dir / "long-place-state", keys, [](Config& config) { config.kiosk.place_name = long_place_name(10'000); });
    // Each text size in landscape, then in portrait; the size cycles normal, large, larger, normal.
    kiosk.run_text("expect-screen welcome\n"
                   "expect-fits\n"
                   "screenshot landscape-x1.png\n"
                   "tap id:welcome.text_size\n"
                   "expect-fits\n"
                   "tap id:welcome.text_size\n"
                   "expect-fits\n"
                   "screenshot landscape-x1.5.png\n"
                   "resize 1080x1920\n"
                   "expect-fits\n"
                   "screenshot portrait-x1.5.png\n"
                   "tap id:welcome.text_size\n"
                   "expect-fits\n"
                   "screenshot portrait-x1.png\n"
                   "tap id:welcome.text_size\n"
                   "expect-fits\n"
                   "tap id:welcome.start\n"
                   "expect-screen catalog\n",
        output_dir / "long-place");
}

TEST_CASE("a place name of 300,000 characters without a space is drawn, cut, and the kiosk goes on", "[ui][layout][long-texts]")
{
    KeyPair keys;
    Kiosk kiosk(output_dir / "huge-place-state", keys, [](Config& config) { config.kiosk.place_name = std::string(300'000, 'M'); });
    kiosk.run_text("expect-screen welcome\n"
                   "expect-fits\n"
                   "screenshot unbroken.png\n"
                   "tap id:welcome.start\n"
                   "expect-screen catalog\n",
        output_dir / "huge-place");
    // The screen's tree keeps the whole name, for the voice; the drawing shows two lines of it.
    kiosk.run_text("tap id:catalog.back\nexpect-screen welcome\n", output_dir / "huge-place");
    const UiNode* place = kiosk.app->tree().find_by_id("welcome.place");
    REQUIRE(place);
    CHECK(place->label.size() == 300'000);
    CHECK(place->rect.h < 200);
}
