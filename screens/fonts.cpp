// Font loading and atlas building with the FreeType builder.
#include "screens/fonts.h"

#include <imgui_freetype.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace guichet::screens {
namespace {

Result<std::vector<unsigned char>> read_font(const std::string& path, std::string_view key)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot open the font file '" + path + "' (ui." + std::string(key) + "): " + std::strerror(errno));
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A TrueType/OpenType file starts with one of these tags; anything else would crash the rasterizer later.
    static constexpr unsigned char truetype[] = { 0, 1, 0, 0 };
    bool known_tag = bytes.size() >= 4
        && (std::memcmp(bytes.data(), truetype, 4) == 0 || std::memcmp(bytes.data(), "OTTO", 4) == 0
            || std::memcmp(bytes.data(), "true", 4) == 0);
    if (!known_tag)
        return fail("'" + path + "' (ui." + std::string(key) + ") is not a TrueType or OpenType font file");
    return bytes;
}

}

const ImWchar* kiosk_glyph_ranges()
{
    static const ImWchar ranges[] = {
        0x0020, 0x017F, // Basic Latin, Latin-1 Supplement (accents, « », no-break space), Latin Extended-A (œ Œ)
        0x2010, 0x2027, // dashes (– —), quotes (’ “ ”), bullet, ellipsis
        0x202F, 0x202F, // narrow no-break space, used before ; : ! ? in French
        0x2039, 0x203A, // ‹ ›
        0x20AC, 0x20AC, // €
        0x2190, 0x2193, // arrows
        0,
    };
    return ranges;
}

Result<FontLibrary> FontLibrary::load(const UiSection& ui)
{
    FontLibrary library;
    auto regular = read_font(ui.font_regular, "font_regular");
    if (!regular)
        return std::unexpected(regular.error());
    auto bold = read_font(ui.font_bold, "font_bold");
    if (!bold)
        return std::unexpected(bold.error());
    library.m_regular = std::move(*regular);
    library.m_bold = std::move(*bold);
    return library;
}

FontSet FontLibrary::build(ImFontAtlas& atlas, float scale)
{
    atlas.Clear();
    atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas.FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    atlas.TexGlyphPadding = 1;
    auto add = [&](std::vector<unsigned char>& bytes, float pixels) {
        ImFontConfig config;
        config.FontDataOwnedByAtlas = false; // we keep the bytes for the next rebuild
        config.OversampleH = config.OversampleV = 1; // FreeType renders at the exact size; no oversampling needed
        return atlas.AddFontFromMemoryTTF(bytes.data(), static_cast<int>(bytes.size()), pixels * scale, &config,
            kiosk_glyph_ranges());
    };
    FontSet set;
    set.small = add(m_regular, 32);
    set.body = add(m_regular, 40);
    set.button = add(m_bold, 44);
    set.title = add(m_bold, 76);
    atlas.Build();
    return set;
}

}
