// Reading ESC/POS back: a decoder of the subset escpos_receipt() writes, bounded against any bytes, and a
// PNG of the paper drawn with cairo and pango, so a receipt can be checked and shown without a printer.
//
// [SECTION] Decoder: a cursor that never reads past the end, one command at a time.
// [SECTION] Renderer: elements laid out on Font A's grid, then drawn on a white strip.
#include "devices/escpos_render.h"

#include "devices/cairo_handles.h"
#include "devices/pc858.h"
#include "devices/qr_code.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace guichet::devices {
namespace {

constexpr uint8_t ESC = 0x1B;
constexpr uint8_t GS = 0x1D;
constexpr uint8_t FS = 0x1C;
constexpr uint8_t DLE = 0x10;

// Random or hostile bytes must not grow the document without bound: feeds could ask for 255 lines a
// command, and each problem is a string.
constexpr size_t max_problems = 64;
constexpr size_t max_lines = 20000;
constexpr size_t max_elements = 40000;
// The tallest strip drawn (cairo's limit is 32767); a longer receipt is cut off there.
constexpr int max_render_height = 30000;

void append_utf8(std::string& out, char32_t point)
{
    if (point < 0x80) {
        out += static_cast<char>(point);
    } else if (point < 0x800) {
        out += static_cast<char>(0xC0 | (point >> 6));
        out += static_cast<char>(0x80 | (point & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (point >> 12));
        out += static_cast<char>(0x80 | ((point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (point & 0x3F));
    }
}

std::string hex(unsigned value)
{
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", value & 0xFFu);
    return text;
}

// [SECTION] Decoder

class Decoder {
public:
    explicit Decoder(std::span<const uint8_t> bytes)
        : m_bytes(bytes)
    {
    }

    EscposDocument run()
    {
        while (m_at < m_bytes.size()) {
            uint8_t byte = m_bytes[m_at];
            if (byte == ESC)
                escape();
            else if (byte == GS)
                group();
            else if (byte == FS)
                field_separator();
            else if (byte == DLE)
                data_link();
            else if (byte == 0x0A) {
                ++m_at;
                end_line();
            } else if (byte == 0x0D) {
                ++m_at; // a carriage return alone prints nothing on these printers
            } else if (byte == 0x09) {
                ++m_at;
                text(' ');
            } else if (byte < 0x20 || byte == 0x7F) {
                problem("control byte " + hex(byte) + " at " + std::to_string(m_at));
                ++m_at;
            } else {
                ++m_at;
                text(byte);
            }
        }
        if (!m_line.empty())
            end_line(); // text printed by the next LF, which never came
        return std::move(m_document);
    }

private:
    std::span<const uint8_t> m_bytes;
    size_t m_at = 0;
    EscposDocument m_document;
    EscposDocument::Element m_mode; // the print mode in force
    std::string m_line;
    bool m_line_started = false;
    EscposDocument::Element m_line_mode;
    bool m_warned_code_page = false;

    bool has(size_t count) const { return m_bytes.size() - m_at >= count; }
    uint8_t at(size_t offset) const { return m_bytes[m_at + offset]; }

    void problem(std::string text)
    {
        if (m_document.problems.size() < max_problems)
            m_document.problems.push_back(std::move(text));
        else if (m_document.problems.size() == max_problems)
            m_document.problems.push_back("more problems not listed");
    }

    // A command whose parameters run past the end: reported, and the rest of the bytes are not read.
    void truncated(std::string_view name)
    {
        problem("truncated " + std::string(name) + " at " + std::to_string(m_at));
        m_at = m_bytes.size();
    }

    void add_element(EscposDocument::Element element)
    {
        if (m_document.elements.size() < max_elements)
            m_document.elements.push_back(element);
    }

    void text(uint8_t byte)
    {
        if (!m_line_started) {
            m_line_started = true;
            m_line_mode = m_mode;
        }
        if (byte < 0x80) {
            m_line += static_cast<char>(byte);
        } else if (m_document.code_page == pc858_code_page) {
            append_utf8(m_line, pc858_high[byte - 0x80]);
        } else {
            if (!m_warned_code_page)
                problem("byte " + hex(byte) + " at " + std::to_string(m_at - 1) + " under code page "
                    + std::to_string(m_document.code_page) + ", which is not PC858 (19)");
            m_warned_code_page = true;
            append_utf8(m_line, 0xFFFD);
        }
    }

    void end_line()
    {
        if (m_document.lines.size() >= max_lines) {
            if (m_document.lines.size() == max_lines)
                problem("more than " + std::to_string(max_lines) + " lines; the rest is not kept");
            m_document.lines.emplace_back();
            m_line.clear();
            m_line_started = false;
            return;
        }
        auto element = m_line_started ? m_line_mode : m_mode;
        element.kind = EscposDocument::Element::Kind::Text;
        element.index = m_document.lines.size();
        m_document.lines.push_back(std::move(m_line));
        add_element(element);
        m_line.clear();
        m_line_started = false;
    }

    void escape()
    {
        if (!has(2))
            return truncated("ESC");
        uint8_t command = at(1);
        switch (command) {
        case '@':
            m_at += 2;
            m_mode = {};
            return;
        case '2':
            m_at += 2;
            return;
        case 't': case 'E': case 'a': case 'd': case '3': case '-': case 'M': case 'J': case '!': case 'G': case 'R':
            break;
        default:
            problem("unknown command ESC " + hex(command) + " at " + std::to_string(m_at));
            m_at += 2;
            return;
        }
        if (!has(3))
            return truncated(std::string("ESC ") + static_cast<char>(command));
        uint8_t n = at(2);
        m_at += 3;
        switch (command) {
        case 't': m_document.code_page = n; break;
        case 'E': m_mode.bold = (n & 1) != 0; break;
        case 'a': {
            int how = n >= '0' ? n - '0' : n;
            m_mode.align = how == 1 ? EscposDocument::Align::Centre : how == 2 ? EscposDocument::Align::Right
                                                                               : EscposDocument::Align::Left;
            break;
        }
        case 'd':
            if (m_line_started || !m_line.empty()) {
                end_line();
                n = n > 0 ? n - 1 : 0;
            }
            for (int i = 0; i < n; ++i)
                end_line();
            break;
        case '!':
            m_mode.bold = (n & 0x08) != 0;
            m_mode.width_scale = (n & 0x20) ? 2 : 1;
            m_mode.height_scale = (n & 0x10) ? 2 : 1;
            break;
        default: break; // line spacing, underline, font, dot feed: not drawn
        }
    }

    void group()
    {
        if (!has(2))
            return truncated("GS");
        uint8_t command = at(1);
        switch (command) {
        case '!': {
            if (!has(3))
                return truncated("GS !");
            uint8_t n = at(2);
            m_mode.width_scale = ((n >> 4) & 0x07) + 1;
            m_mode.height_scale = (n & 0x07) + 1;
            m_at += 3;
            return;
        }
        case 'V': {
            if (!has(3))
                return truncated("GS V");
            uint8_t m = at(2);
            bool with_feed = m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104;
            if (with_feed && !has(4))
                return truncated("GS V");
            m_at += with_feed ? 4 : 3;
            if (m_line_started || !m_line.empty())
                end_line();
            ++m_document.cuts;
            add_element({ .kind = EscposDocument::Element::Kind::Cut });
            return;
        }
        case 'B': case 'b': case 'f': case 'h': case 'H': case 'w':
            if (!has(3))
                return truncated("GS " + hex(command));
            m_at += 3;
            return;
        case 'L': case 'W':
            if (!has(4))
                return truncated("GS " + hex(command));
            m_at += 4;
            return;
        case '(':
            return function_k();
        case 'v':
            return raster();
        default:
            problem("unknown command GS " + hex(command) + " at " + std::to_string(m_at));
            m_at += 2;
            return;
        }
    }

    // GS ( <letter> pL pH and pL + pH * 256 bytes: QR codes (k) are read, other functions skipped whole.
    void function_k()
    {
        if (!has(5))
            return truncated("GS (");
        uint8_t letter = at(2);
        size_t length = at(3) + static_cast<size_t>(at(4)) * 256;
        if (!has(5 + length))
            return truncated("GS ( " + std::string(1, static_cast<char>(letter)));
        std::span<const uint8_t> body = m_bytes.subspan(m_at + 5, length);
        size_t start = m_at;
        m_at += 5 + length;
        if (letter != 'k') {
            problem("GS ( " + hex(letter) + " at " + std::to_string(start) + " is not read");
            return;
        }
        if (body.size() < 2) {
            problem("GS ( k at " + std::to_string(start) + " is too short");
            return;
        }
        uint8_t symbol = body[0], function = body[1];
        if (symbol != '1') {
            problem("GS ( k for symbol " + hex(symbol) + " at " + std::to_string(start) + " is not read");
            return;
        }
        switch (function) {
        case 65: return; // model: 2 is what libqrencode draws
        case 67:
            if (body.size() >= 3)
                m_mode.qr_module_dots = std::clamp<int>(body[2], 1, 16);
            return;
        case 69:
            if (body.size() >= 3 && body[2] >= '0' && body[2] <= '3')
                m_mode.qr_level = "LMQH"[body[2] - '0'];
            return;
        case 80:
            if (body.size() < 3) {
                problem("GS ( k store at " + std::to_string(start) + " has no data");
                return;
            }
            m_document.qr_payloads.emplace_back(reinterpret_cast<const char*>(body.data()) + 3, body.size() - 3);
            return;
        case 81: {
            if (m_document.qr_payloads.empty()) {
                problem("GS ( k print at " + std::to_string(start) + " with no data stored");
                return;
            }
            auto element = m_mode;
            element.kind = EscposDocument::Element::Kind::Qr;
            element.index = m_document.qr_payloads.size() - 1;
            add_element(element);
            return;
        }
        default:
            problem("GS ( k function " + std::to_string(function) + " at " + std::to_string(start) + " is not read");
        }
    }

    // GS v 0 m xL xH yL yH and xH * yH bytes of bits.
    void raster()
    {
        if (!has(8))
            return truncated("GS v 0");
        if (at(2) != '0') {
            problem("unknown command GS v " + hex(at(2)) + " at " + std::to_string(m_at));
            m_at += 3;
            return;
        }
        size_t row_bytes = at(4) + static_cast<size_t>(at(5)) * 256;
        size_t rows = at(6) + static_cast<size_t>(at(7)) * 256;
        size_t size = row_bytes * rows;
        if (!has(8 + size))
            return truncated("GS v 0");
        EscposDocument::Raster image;
        image.width_dots = static_cast<int>(row_bytes * 8);
        image.height_dots = static_cast<int>(rows);
        image.bits.assign(m_bytes.begin() + static_cast<long>(m_at + 8), m_bytes.begin() + static_cast<long>(m_at + 8 + size));
        m_at += 8 + size;
        auto element = m_mode;
        element.kind = EscposDocument::Element::Kind::Raster;
        element.index = m_document.rasters.size();
        m_document.rasters.push_back(std::move(image));
        add_element(element);
    }

    void field_separator()
    {
        if (!has(2))
            return truncated("FS");
        if (at(1) == '.' || at(1) == '&') {
            m_at += 2;
            return;
        }
        problem("unknown command FS " + hex(at(1)) + " at " + std::to_string(m_at));
        m_at += 2;
    }

    void data_link()
    {
        if (!has(3))
            return truncated("DLE");
        if (at(1) != 0x04 && at(1) != 0x05 && at(1) != 0x14)
            problem("unknown command DLE " + hex(at(1)) + " at " + std::to_string(m_at));
        m_at += 3; // status requests and real-time commands print nothing
    }
};

// [SECTION] Renderer

constexpr int font_a_width = 12;
constexpr int font_a_height = 24;
constexpr int line_gap = 6; // ESC 2's default spacing is 30 dots for a 24-dot font
constexpr int cut_height = 24;

// The symbol the printer would draw for a native QR command, at the error level it named.
QrCode printer_qr(const std::string& payload, char level)
{
    return encode_qr(payload, level == 'L' ? QR_ECLEVEL_L : level == 'Q' ? QR_ECLEVEL_Q : level == 'H' ? QR_ECLEVEL_H : QR_ECLEVEL_M);
}

int element_height(const EscposDocument& document, const EscposDocument::Element& element)
{
    using Kind = EscposDocument::Element::Kind;
    switch (element.kind) {
    case Kind::Text: return font_a_height * element.height_scale + line_gap;
    case Kind::Raster: return document.rasters[element.index].height_dots;
    case Kind::Cut: return cut_height;
    case Kind::Qr: {
        auto code = printer_qr(document.qr_payloads[element.index], element.qr_level);
        return code ? (code->width + 8) * element.qr_module_dots : 0;
    }
    }
    return 0;
}

double aligned_x(EscposDocument::Align align, double width, int paper_dots)
{
    switch (align) {
    case EscposDocument::Align::Left: return 0;
    case EscposDocument::Align::Centre: return std::max(0.0, (paper_dots - width) / 2);
    case EscposDocument::Align::Right: return std::max(0.0, paper_dots - width);
    }
    return 0;
}

// A font whose advance is Font A's 12 dots, so a full line of text fills the paper as it would on paper.
Font font_a(PangoLayout* layout)
{
    Font font(
        pango_font_description_from_string("Noto Sans Mono, DejaVu Sans Mono, monospace"));
    pango_font_description_set_absolute_size(font.get(), 20.0 * PANGO_SCALE);
    pango_layout_set_font_description(layout, font.get());
    pango_layout_set_text(layout, "0000000000", -1);
    int width = 0, height = 0;
    pango_layout_get_pixel_size(layout, &width, &height);
    if (width > 0)
        pango_font_description_set_absolute_size(font.get(), 20.0 * PANGO_SCALE * font_a_width * 10 / width);
    return font;
}

void draw_text(cairo_t* cr, PangoLayout* layout, PangoFontDescription* font, const std::string& text,
    const EscposDocument::Element& element, int y, int paper_dots)
{
    pango_font_description_set_weight(font, element.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_text(layout, text.c_str(), -1);
    int width = 0, height = 0;
    pango_layout_get_pixel_size(layout, &width, &height);
    double scaled_width = static_cast<double>(width) * element.width_scale;
    cairo_save(cr);
    cairo_translate(cr, aligned_x(element.align, scaled_width, paper_dots), y);
    cairo_scale(cr, element.width_scale, element.height_scale);
    cairo_set_source_rgb(cr, 0, 0, 0);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
}

// Black dots as rectangles, one per run of dots in a row.
void draw_bits(cairo_t* cr, const EscposDocument::Raster& image, double x, int y)
{
    size_t row_bytes = static_cast<size_t>(image.width_dots) / 8;
    for (int row = 0; row < image.height_dots; ++row) {
        int run_start = -1;
        for (int dot = 0; dot <= image.width_dots; ++dot) {
            bool black = dot < image.width_dots
                && (image.bits[static_cast<size_t>(row) * row_bytes + static_cast<size_t>(dot) / 8] & (0x80 >> (dot % 8)));
            if (black && run_start < 0)
                run_start = dot;
            if (!black && run_start >= 0) {
                cairo_rectangle(cr, x + run_start, y + row, dot - run_start, 1);
                run_start = -1;
            }
        }
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
}

void draw_qr(cairo_t* cr, const QRcode& code, int module, double x, int y)
{
    for (int row = 0; row < code.width; ++row)
        for (int column = 0; column < code.width; ++column)
            if (code.data[row * code.width + column] & 1)
                cairo_rectangle(cr, x + (column + 4) * module, y + (row + 4) * module, module, module);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
}

void draw_cut(cairo_t* cr, int y, int paper_dots)
{
    double dash[] = { 8, 6 };
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 2);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_move_to(cr, 0, y + cut_height / 2.0);
    cairo_line_to(cr, paper_dots, y + cut_height / 2.0);
    cairo_stroke(cr);
    cairo_restore(cr);
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length)
{
    auto* png = static_cast<std::vector<uint8_t>*>(closure);
    png->insert(png->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

}

EscposDocument decode_escpos(std::span<const uint8_t> bytes) { return Decoder(bytes).run(); }

Result<std::vector<uint8_t>> render_escpos_png(std::span<const uint8_t> bytes, int paper_mm)
{
    if (paper_mm != 58 && paper_mm != 80)
        return fail("paper is 58 or 80 mm wide, not " + std::to_string(paper_mm));
    int paper_dots = escpos_paper_dots(paper_mm);
    auto document = decode_escpos(bytes);

    constexpr int margin = 16;
    // Summed in 64 bits and capped: hostile bytes can stack thousands of tall empty rasters.
    int64_t total = margin;
    for (const auto& element : document.elements) {
        total += element_height(document, element);
        if (total > max_render_height)
            break;
    }
    int height = static_cast<int>(std::clamp<int64_t>(total + margin, 2 * margin, max_render_height));

    Surface surface(
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, paper_dots, height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        return fail(std::string("cairo cannot make the picture: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
    Cairo cr(cairo_create(surface.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE); // dots are dots, as on the thermal head
    Layout layout(pango_cairo_create_layout(cr.get()));
    auto font = font_a(layout.get());

    using Kind = EscposDocument::Element::Kind;
    int y = margin;
    for (const auto& element : document.elements) {
        int element_dots = element_height(document, element);
        if (y + element_dots > height - margin)
            break; // the strip's limit: what follows is not drawn
        switch (element.kind) {
        case Kind::Text:
            draw_text(cr.get(), layout.get(), font.get(), document.lines[element.index], element, y, paper_dots);
            break;
        case Kind::Raster: {
            const auto& image = document.rasters[element.index];
            draw_bits(cr.get(), image, aligned_x(element.align, image.width_dots, paper_dots), y);
            break;
        }
        case Kind::Qr:
            if (auto code = printer_qr(document.qr_payloads[element.index], element.qr_level)) {
                double side = static_cast<double>(code->width + 8) * element.qr_module_dots;
                draw_qr(cr.get(), *code, element.qr_module_dots, aligned_x(element.align, side, paper_dots), y);
            }
            break;
        case Kind::Cut:
            draw_cut(cr.get(), y, paper_dots);
            break;
        }
        y += element_dots;
    }

    cairo_surface_flush(surface.get());
    std::vector<uint8_t> png;
    auto status = cairo_surface_write_to_png_stream(surface.get(), append_png, &png);
    if (status != CAIRO_STATUS_SUCCESS)
        return fail(std::string("cairo cannot write the PNG: ") + cairo_status_to_string(status));
    return png;
}

}
