// Reading back the ESC/POS subset escpos_receipt() writes: a bounded decoder (tests, guichetctl) and a PNG
// of what a thermal printer would put on paper, so the demo and the tests can see a receipt without one.
#pragma once
#include "kiosk/core/result.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace guichet::devices {

struct EscposDocument {
    std::vector<std::string> lines; // text, UTF-8 decoded from PC858, one per LF (a feed adds empty lines)
    int code_page = -1;             // the last ESC t n
    int cuts = 0;
    std::vector<std::string> qr_payloads; // data stored with GS ( k function 180
    struct Raster {
        int width_dots = 0;
        int height_dots = 0;
        std::vector<uint8_t> bits; // rows of (width_dots + 7) / 8 bytes, MSB first, 1 = black
    };
    std::vector<Raster> rasters;
    std::vector<std::string> problems; // unknown commands, truncated data, bytes before a code page

    // What comes out, in order, for the renderer: each element points into `lines`, `qr_payloads` or
    // `rasters` and carries the print mode in force when it was printed.
    enum class Align { Left, Centre, Right };
    struct Element {
        enum class Kind { Text, Qr, Raster, Cut } kind = Kind::Text;
        size_t index = 0; // into lines, qr_payloads or rasters
        Align align = Align::Left;
        bool bold = false;
        int width_scale = 1;  // GS ! : 1 to 8
        int height_scale = 1;
        int qr_module_dots = 3; // GS ( k function 167
        char qr_level = 'M';    // GS ( k function 169: L, M, Q or H
    };
    std::vector<Element> elements;
};

// Never reads past the end; an unknown or truncated command becomes a `problems` entry. At most
// `max_problems` entries are kept so random bytes cannot grow the list without bound.
EscposDocument decode_escpos(std::span<const uint8_t> bytes);

// A PNG of the receipt on a white strip as wide as the paper's printable dots (576 for 80 mm, 384 for 58 mm):
// text in a monospaced font on Font A's 12 x 24 dot grid, the native QR code re-encoded and drawn, rasters
// drawn dot for dot, a dashed line where the paper is cut.
Result<std::vector<uint8_t>> render_escpos_png(std::span<const uint8_t> bytes, int paper_mm);

// The paper's printable width in dots and in Font A columns (12 dots each).
int escpos_paper_dots(int paper_mm);
int escpos_paper_columns(int paper_mm);

}
