// French (and Portuguese, Spanish) text must render completely: every character has a glyph.
#include "screens/fonts.h"

#include <catch2/catch.hpp>
#include <imgui.h>
#include <imgui_internal.h>

using namespace guichet;

TEST_CASE("the kiosk fonts have a glyph for every character of French text", "[ui][fonts]")
{
    auto library = screens::FontLibrary::load(UiSection {});
    REQUIRE(library);
    ImFontAtlas atlas;
    auto fonts = library->build(atlas, 1.0f);
    // Accents, ligatures, €, guillemets, typographic apostrophe, dashes, no-break and narrow no-break spaces.
    const char* sample = "àâäçéèêëîïôöùûüÿœæ ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ € « » ’ – — \u00A0\u202F … "
                         "ãõáíóúñ¿¡ÃÕÁÍÓÚÑ";
    for (ImFont* font : { fonts.small, fonts.body, fonts.button, fonts.title }) {
        REQUIRE(font);
        for (const char* p = sample; *p;) {
            unsigned int codepoint = 0;
            p += ImTextCharFromUtf8(&codepoint, p, nullptr);
            INFO("U+" << std::hex << codepoint);
            CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(codepoint)) != nullptr);
        }
    }
}

TEST_CASE("a missing or bad font file is named in the error", "[ui][fonts]")
{
    UiSection missing;
    missing.font_bold = "/nonexistent/Bold.ttf";
    auto library = screens::FontLibrary::load(missing);
    REQUIRE_FALSE(library);
    CHECK_THAT(library.error().message, Catch::Contains("'/nonexistent/Bold.ttf' (ui.font_bold)"));

    UiSection not_a_font;
    not_a_font.font_regular = GUICHET_SOURCE_DIR "/assets/config/guichet.toml";
    library = screens::FontLibrary::load(not_a_font);
    REQUIRE_FALSE(library);
    CHECK_THAT(library.error().message, Catch::Contains("is not a TrueType or OpenType font file"));
}
