// The ESC/POS bytes of a take-home receipt: text converted from UTF-8 to code page PC858 and wrapped to the
// paper's Font A columns, the code in double size, the status link as a QR code (native or raster), a cut.
#include "devices/escpos_render.h"
#include "devices/pc858.h"
#include "devices/printing.h"
#include "devices/qr_code.h"


#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace guichet::devices {
namespace {

constexpr uint8_t ESC = 0x1B;
constexpr uint8_t GS = 0x1D;
constexpr uint8_t LF = 0x0A;

// Longer texts are cut: a receipt field is a sentence, and a QR code's data has a hard limit anyway.
constexpr size_t max_text_bytes = 4096;
constexpr size_t max_qr_bytes = 1024;
// The raster QR code is shrunk (fewer dots a module) until it fits in this many bytes.
constexpr size_t raster_budget_bytes = 12 * 1024;

// One code point from UTF-8, advancing `at`; a malformed sequence gives U+FFFD and skips one byte.
char32_t next_code_point(std::string_view text, size_t& at)
{
    auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    uint8_t lead = byte(at);
    if (lead < 0x80) {
        ++at;
        return lead;
    }
    int length = 0;
    if (lead >= 0xC2 && lead < 0xE0)
        length = 2;
    else if (lead >= 0xE0 && lead < 0xF0)
        length = 3;
    else if (lead >= 0xF0 && lead < 0xF5)
        length = 4;
    if (length == 0 || at + length > text.size()) {
        ++at;
        return 0xFFFD;
    }
    char32_t point = lead & (0x7F >> length);
    for (int i = 1; i < length; ++i) {
        uint8_t next = byte(at + i);
        if ((next & 0xC0) != 0x80) {
            ++at;
            return 0xFFFD;
        }
        point = (point << 6) | (next & 0x3F);
    }
    at += length;
    return point;
}

// PC858 bytes for one code point: the table when it has the character, else an ASCII stand-in that reads
// the same on paper ("oe" for œ, ' for ’), else '?'. Never raw UTF-8.
void append_pc858(std::string& out, char32_t point)
{
    if (point >= 0x20 && point < 0x7F) {
        out += static_cast<char>(point);
        return;
    }
    if (point == '\t' || point == '\n' || point == '\r') {
        out += ' ';
        return;
    }
    if (point < 0x20 || point == 0x7F)
        return; // a control character would be a command to the printer
    for (int i = 0; i < 128; ++i)
        if (pc858_high[i] == point) {
            out += static_cast<char>(0x80 + i);
            return;
        }
    switch (point) {
    case 0x0152: out += "OE"; return;
    case 0x0153: out += "oe"; return;
    case 0x0178: out += 'Y'; return;
    case 0x2018: case 0x2019: case 0x201A: case 0x2032: out += '\''; return;
    case 0x201C: case 0x201D: case 0x201E: case 0x2033: out += '"'; return;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: out += '-'; return;
    case 0x2026: out += "..."; return;
    case 0x2022: case 0x00B7: out += static_cast<char>(0xFA); return; // PC858's middle dot
    // Thin and narrow non-breaking spaces are PC858's non-breaking space (0xFF): the wrap keeps them.
    case 0x2007: case 0x202F: case 0x2060: out += static_cast<char>(0xFF); return;
    case 0x2002: case 0x2003: case 0x2009: case 0x200A: out += ' '; return;
    case 0x200B: case 0x200C: case 0x200D: case 0xFEFF: return;
    case 0x2039: out += '<'; return;
    case 0x203A: out += '>'; return;
    default: out += '?'; return;
    }
}

// The whole text in PC858, one byte a printed column.
std::string to_pc858(std::string_view utf8)
{
    utf8 = utf8.substr(0, std::min(utf8.size(), max_text_bytes));
    std::string out;
    out.reserve(utf8.size());
    for (size_t at = 0; at < utf8.size();)
        append_pc858(out, next_code_point(utf8, at));
    return out;
}

// Greedy word wrap on ordinary spaces (PC858's 0xFF, a non-breaking space, does not break); a word longer
// than a line is cut. `first_width` and `width` differ for a bullet's hanging indent.
std::vector<std::string> wrap(std::string_view text, size_t first_width, size_t width)
{
    std::vector<std::string> lines;
    std::string line;
    auto limit = [&] { return std::max<size_t>(1, lines.empty() ? first_width : width); };
    size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && text[at] == ' ')
            ++at;
        size_t end = text.find(' ', at);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view word = text.substr(at, end - at);
        at = end;
        if (word.empty())
            break;
        if (!line.empty() && line.size() + 1 + word.size() > limit()) {
            lines.push_back(std::move(line));
            line.clear();
        }
        if (!line.empty())
            line += ' ';
        while (line.size() + word.size() > limit()) {
            size_t room = limit() - line.size();
            line.append(word.substr(0, room));
            word.remove_prefix(room);
            lines.push_back(std::move(line));
            line.clear();
        }
        line.append(word);
    }
    if (!line.empty())
        lines.push_back(std::move(line));
    return lines;
}

class Writer {
public:
    explicit Writer(int paper_mm)
        : m_columns(static_cast<size_t>(escpos_paper_columns(paper_mm)))
        , m_dots(escpos_paper_dots(paper_mm))
        , m_paper_mm(paper_mm)
    {
    }

    std::vector<uint8_t> take() { return std::move(m_bytes); }
    size_t columns() const { return m_columns; }
    int dots() const { return m_dots; }
    int paper_mm() const { return m_paper_mm; }

    // One byte at a time: GCC 12's -O2 sees a false overflow in vector::insert of an initializer_list.
    void bytes(std::initializer_list<uint8_t> list)
    {
        for (uint8_t byte : list)
            m_bytes.push_back(byte);
    }
    void raw(std::string_view text) { m_bytes.insert(m_bytes.end(), text.begin(), text.end()); }
    void align(int how) { bytes({ ESC, 'a', static_cast<uint8_t>(how) }); }
    void bold(bool on) { bytes({ ESC, 'E', static_cast<uint8_t>(on ? 1 : 0) }); }
    void size(int width, int height)
    {
        bytes({ GS, '!', static_cast<uint8_t>(((width - 1) << 4) | (height - 1)) });
    }
    void feed(int lines) { bytes({ ESC, 'd', static_cast<uint8_t>(lines) }); }

    // A paragraph wrapped to the columns left at the current character width; its own line breaks stay.
    void paragraph(std::string_view utf8, int width_scale = 1)
    {
        size_t width = m_columns / static_cast<size_t>(width_scale);
        while (!utf8.empty()) {
            size_t end = std::min(utf8.find('\n'), utf8.size());
            for (auto& line : wrap(to_pc858(utf8.substr(0, end)), width, width)) {
                raw(line);
                bytes({ LF });
            }
            utf8.remove_prefix(std::min(end + 1, utf8.size()));
        }
    }

    // "- " then the text, its following lines indented under the text.
    void bullet(std::string_view utf8)
    {
        auto lines = wrap(to_pc858(utf8), m_columns - 2, m_columns - 2);
        for (size_t i = 0; i < lines.size(); ++i) {
            raw(i == 0 ? "- " : "  ");
            raw(lines[i]);
            bytes({ LF });
        }
    }

    void gs_k(uint8_t function, std::initializer_list<uint8_t> parameters)
    {
        size_t length = 2 + parameters.size();
        bytes({ GS, '(', 'k', static_cast<uint8_t>(length & 0xFF), static_cast<uint8_t>(length >> 8), '1', function });
        m_bytes.insert(m_bytes.end(), parameters);
    }

private:
    std::vector<uint8_t> m_bytes;
    size_t m_columns;
    int m_dots;
    int m_paper_mm;
};

// The largest module (in dots) up to `preferred` that fits the symbol and its 4-module quiet zone.
int module_dots(int symbol_width, int paper_dots, int preferred)
{
    int fitting = paper_dots / (symbol_width + 8);
    return std::max(1, std::min(preferred, fitting));
}

void native_qr(Writer& out, std::string_view data, const QRcode& code)
{
    int preferred = out.paper_mm() >= 80 ? 6 : 5;
    int module = module_dots(code.width, out.dots(), preferred);
    // Functions 165 (model 2), 167 (module size in dots), 169 (error correction M), 180 (store the data,
    // counted with its three leading bytes) and 181 (print what is stored).
    out.gs_k(65, { '2', 0 });
    out.gs_k(67, { static_cast<uint8_t>(module) });
    out.gs_k(69, { '1' });
    size_t length = 3 + data.size();
    out.bytes({ GS, '(', 'k', static_cast<uint8_t>(length & 0xFF), static_cast<uint8_t>(length >> 8), '1', 80, '0' });
    out.raw(data);
    out.gs_k(81, { '0' });
}

void raster_qr(Writer& out, const QRcode& code)
{
    int preferred = out.paper_mm() >= 80 ? 6 : 5;
    int module = module_dots(code.width, out.dots(), preferred);
    auto image_bytes = [&](int dots_a_module) {
        size_t side = static_cast<size_t>((code.width + 8) * dots_a_module);
        return (side + 7) / 8 * side;
    };
    // A long link makes a large symbol: smaller modules keep the job small, down to 3 dots (a phone still reads 0.375 mm).
    while (module > 3 && image_bytes(module) > raster_budget_bytes)
        --module;
    int side = (code.width + 8) * module;
    int row_bytes = (side + 7) / 8;
    std::vector<uint8_t> bits(static_cast<size_t>(row_bytes) * side, 0);
    for (int y = 0; y < code.width; ++y)
        for (int x = 0; x < code.width; ++x) {
            if ((code.data[y * code.width + x] & 1) == 0)
                continue;
            for (int dy = 0; dy < module; ++dy)
                for (int dx = 0; dx < module; ++dx) {
                    int px = (x + 4) * module + dx;
                    int py = (y + 4) * module + dy;
                    bits[static_cast<size_t>(py) * row_bytes + px / 8] |= static_cast<uint8_t>(0x80 >> (px % 8));
                }
        }
    out.bytes({ GS, 'v', '0', 0, static_cast<uint8_t>(row_bytes & 0xFF), static_cast<uint8_t>(row_bytes >> 8),
        static_cast<uint8_t>(side & 0xFF), static_cast<uint8_t>(side >> 8) });
    out.raw(std::string_view(reinterpret_cast<const char*>(bits.data()), bits.size()));
}

}

int escpos_paper_dots(int paper_mm) { return paper_mm <= 58 ? 384 : 576; }
int escpos_paper_columns(int paper_mm) { return escpos_paper_dots(paper_mm) / 12; }

std::vector<uint8_t> escpos_receipt(const PrintedReceipt& receipt, int paper_mm, QrMode mode)
{
    Writer out(paper_mm);
    out.bytes({ ESC, '@' });
    out.bytes({ ESC, 't', static_cast<uint8_t>(pc858_code_page) });

    out.align(1);
    out.bold(true);
    out.paragraph(receipt.place);
    out.bold(false);
    out.paragraph(receipt.date_time);
    out.bytes({ LF });
    out.bold(true);
    out.paragraph(receipt.procedure);
    out.bold(false);
    out.bytes({ LF });
    out.paragraph(receipt.code_label);
    out.size(2, 2);
    out.bold(true);
    out.paragraph(receipt.code, 2);
    out.bold(false);
    out.size(1, 1);
    out.paragraph(receipt.code_spelled);

    std::string_view qr_data = receipt.qr_text;
    if (qr_data.size() > max_qr_bytes)
        qr_data = {};
    if (!qr_data.empty()) {
        std::string data(qr_data);
        auto code = encode_qr(data);
        // Without a symbol (libqrencode refused the data) the caption would point at nothing; the code
        // printed above is still there to type.
        if (code) {
            out.bytes({ LF });
            if (mode == QrMode::Native)
                native_qr(out, data, *code);
            else
                raster_qr(out, *code);
            out.bytes({ LF });
            out.paragraph(receipt.qr_caption);
        }
    }

    out.align(0);
    for (const auto& section : receipt.sections) {
        out.bytes({ LF });
        out.bold(true);
        out.paragraph(section.title);
        out.bold(false);
        for (const auto& item : section.items)
            out.bullet(item);
    }
    if (!receipt.footer.empty()) {
        out.bytes({ LF });
        out.align(1);
        out.paragraph(receipt.footer);
        out.align(0);
    }
    out.feed(3);
    out.bytes({ GS, 'V', 66, 0 });
    return out.take();
}

}
