// The take-home receipt as an A4 PDF in memory, for any CUPS printer: cairo's PDF surface, pango for the
// text (Noto Sans, large, black on white) and libqrencode for the status link's QR code.
#include "devices/cairo_handles.h"
#include "devices/printing.h"
#include "devices/qr_code.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

namespace guichet::devices {
namespace {

// Points: cairo's PDF surface counts in 1/72 inch.
constexpr double mm = 72.0 / 25.4;
constexpr double page_width = 210 * mm;
constexpr double page_height = 297 * mm;
constexpr double margin = 20 * mm;
constexpr double text_width = page_width - 2 * margin;
constexpr double qr_width = 45 * mm;
constexpr double bullet_indent = 8 * mm;

// Sizes in points. The body is at least 14 pt: the receipt is read by people who read with difficulty,
// often without their glasses, at home, days later.
constexpr int body_pt = 14;
constexpr int place_pt = 20;
constexpr int title_pt = 18;
constexpr int code_pt = 40;
constexpr int footer_pt = 14; // the hours and the phone number matter as much as the body

cairo_status_t append_to_vector(void* closure, const unsigned char* data, unsigned int length)
{
    auto* bytes = static_cast<std::vector<uint8_t>*>(closure);
    bytes->insert(bytes->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

enum class Weight { Regular, Bold };

// Draws page after page: `y` goes down as blocks are placed, and a block that would run into the footer
// starts a new page.
class PageWriter {
public:
    PageWriter(cairo_t* cr, const std::string& footer)
        : m_cr(cr)
        , m_context(pango_cairo_create_context(cr))
        , m_footer(footer)
    {
        // Pango's default of 96 dpi would make a "14 pt" font 18.7 pt on paper.
        pango_cairo_context_set_resolution(m_context.get(), 72);
        m_footer_height = m_footer.empty() ? 0 : height(make_layout(m_footer, footer_pt, Weight::Regular, text_width).get());
        start_page();
    }

    Layout make_layout(const std::string& text, int points, Weight weight, double width)
    {
        Layout layout(pango_layout_new(m_context.get()));
        Font font(pango_font_description_new());
        pango_font_description_set_family(font.get(), "Noto Sans");
        pango_font_description_set_size(font.get(), points * PANGO_SCALE);
        pango_font_description_set_weight(font.get(), weight == Weight::Bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_layout_set_font_description(layout.get(), font.get());
        pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
        // No ligatures: "fi" stays two letters, easier to read for a beginner reader, and text a printer
        // driver re-renders (cups-filters' pdftops) keeps its letters instead of losing the ligature glyph.
        PangoAttrList* attributes = pango_attr_list_new();
        pango_attr_list_insert(attributes, pango_attr_font_features_new("liga=0, clig=0"));
        pango_layout_set_attributes(layout.get(), attributes);
        pango_attr_list_unref(attributes);
        return layout;
    }

    static double height(PangoLayout* layout)
    {
        int w = 0, h = 0;
        pango_layout_get_size(layout, &w, &h);
        return static_cast<double>(h) / PANGO_SCALE;
    }

    // A paragraph across the text's width, then `space_after` points of white.
    void paragraph(const std::string& text, int points, Weight weight, double space_after)
    {
        if (text.empty())
            return;
        auto layout = make_layout(text, points, weight, text_width);
        double h = height(layout.get());
        make_room(h);
        show(layout.get(), margin, m_y);
        m_y += h + space_after;
    }

    // A bullet and its text, wrapped under the text, not under the bullet.
    void bullet(const std::string& text)
    {
        auto layout = make_layout(text, body_pt, Weight::Regular, text_width - bullet_indent);
        double h = height(layout.get());
        make_room(h);
        auto dot = make_layout("•", body_pt, Weight::Regular, bullet_indent);
        show(dot.get(), margin + 2 * mm, m_y);
        show(layout.get(), margin + bullet_indent, m_y);
        m_y += h + 1.5 * mm;
    }

    // The QR code, left-aligned, as filled rectangles (one per run of dark modules in a row) with a quiet
    // zone of four modules, then its caption.
    void qr_code(const std::string& text, const std::string& caption)
    {
        if (text.empty())
            return;
        auto code = encode_qr(text);
        // A text too long for any QR version: the receipt still prints, with the code in large type above,
        // which is what the counter asks for.
        if (!code)
            return;
        const int modules = code->width;
        const double module = qr_width / (modules + 8);
        make_room(qr_width);
        const double left = margin; // the quiet zone is inside the 45 mm
        cairo_set_source_rgb(m_cr, 1, 1, 1);
        cairo_rectangle(m_cr, left, m_y, qr_width, qr_width);
        cairo_fill(m_cr);
        cairo_set_source_rgb(m_cr, 0, 0, 0);
        for (int row = 0; row < modules; ++row) {
            for (int column = 0; column < modules;) {
                if (!(code->data[row * modules + column] & 1)) {
                    ++column;
                    continue;
                }
                int end = column;
                while (end < modules && (code->data[row * modules + end] & 1))
                    ++end;
                cairo_rectangle(m_cr, left + (4 + column) * module, m_y + (4 + row) * module, (end - column) * module, module);
                column = end;
            }
        }
        cairo_fill(m_cr);
        m_y += qr_width;
        paragraph(caption, body_pt, Weight::Regular, 6 * mm);
    }

    void space(double points) { m_y += points; }

    // Ends the last page with its footer.
    void finish()
    {
        draw_footer();
        cairo_show_page(m_cr);
    }

private:
    void start_page() { m_y = margin; }

    void make_room(double h)
    {
        double bottom = page_height - margin - m_footer_height - (m_footer_height > 0 ? 4 * mm : 0);
        if (m_y + h <= bottom || m_y == margin)
            return;
        draw_footer();
        cairo_show_page(m_cr);
        start_page();
    }

    void draw_footer()
    {
        if (m_footer.empty())
            return;
        auto layout = make_layout(m_footer, footer_pt, Weight::Regular, text_width);
        double top = page_height - margin - m_footer_height;
        cairo_set_source_rgb(m_cr, 0, 0, 0);
        cairo_set_line_width(m_cr, 0.75);
        cairo_move_to(m_cr, margin, top - 2 * mm);
        cairo_line_to(m_cr, page_width - margin, top - 2 * mm);
        cairo_stroke(m_cr);
        show(layout.get(), margin, top);
    }

    void show(PangoLayout* layout, double x, double y)
    {
        cairo_set_source_rgb(m_cr, 0, 0, 0);
        cairo_move_to(m_cr, x, y);
        pango_cairo_show_layout(m_cr, layout);
    }

    cairo_t* m_cr;
    Context m_context;
    std::string m_footer;
    double m_footer_height = 0;
    double m_y = margin;
};

}

Result<std::vector<uint8_t>> pdf_receipt(const PrintedReceipt& receipt)
{
    std::vector<uint8_t> bytes;
    Surface surface(cairo_pdf_surface_create_for_stream(append_to_vector, &bytes, page_width, page_height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        return fail(std::string("cairo cannot start a PDF: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
    // The document's title is what a PDF viewer shows; the place is enough, never the code.
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, receipt.place.c_str());
    {
        Cairo cr(cairo_create(surface.get()));
        PageWriter page(cr.get(), receipt.footer);
        page.paragraph(receipt.place, place_pt, Weight::Bold, 1 * mm);
        page.paragraph(receipt.date_time, body_pt, Weight::Regular, 5 * mm);
        page.paragraph(receipt.procedure, title_pt, Weight::Bold, 6 * mm);
        page.paragraph(receipt.code_label, body_pt, Weight::Regular, 1 * mm);
        page.paragraph(receipt.code, code_pt, Weight::Bold, 1 * mm);
        page.paragraph(receipt.code_spelled, body_pt, Weight::Regular, 6 * mm);
        page.qr_code(receipt.qr_text, receipt.qr_caption);
        for (auto& section : receipt.sections) {
            page.paragraph(section.title, title_pt, Weight::Bold, 2 * mm);
            for (auto& item : section.items)
                page.bullet(item);
            page.space(4 * mm);
        }
        page.finish();
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
            return fail(std::string("cairo failed drawing the receipt: ") + cairo_status_to_string(cairo_status(cr.get())));
    }
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        return fail(std::string("cairo failed writing the PDF: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
    return bytes;
}

}
