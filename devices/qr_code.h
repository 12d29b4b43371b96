// A QR code's modules from libqrencode, owned: the ESC/POS bitmap (escpos.cpp), the A4 PDF (receipt_pdf.cpp)
// and the ESC/POS renderer (escpos_render.cpp) draw the same symbol. Private to devices/.
#pragma once
#include <qrencode.h>

#include <memory>
#include <string>

namespace guichet::devices {

struct QrDeleter {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrCode = std::unique_ptr<QRcode, QrDeleter>;

// nullptr when the text is too long for any version at that level.
inline QrCode encode_qr(const std::string& text, QRecLevel level = QR_ECLEVEL_M)
{
    return QrCode(QRcode_encodeString8bit(text.c_str(), 0, level));
}

}
