// Owned cairo and pango handles for drawing a receipt: the A4 PDF (receipt_pdf.cpp) and the ESC/POS
// renderer (escpos_render.cpp). Private to devices/.
#pragma once
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>

namespace guichet::devices {

struct CairoDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct GObjectDeleter {
    void operator()(void* object) const { g_object_unref(object); }
};
struct FontDeleter {
    void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};
using Cairo = std::unique_ptr<cairo_t, CairoDeleter>;
using Surface = std::unique_ptr<cairo_surface_t, CairoDeleter>;
using Context = std::unique_ptr<PangoContext, GObjectDeleter>;
using Layout = std::unique_ptr<PangoLayout, GObjectDeleter>;
using Font = std::unique_ptr<PangoFontDescription, FontDeleter>;

}
