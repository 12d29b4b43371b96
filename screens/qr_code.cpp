// The receipt's QR code: libqrencode's modules drawn as whole-pixel rectangles, one per horizontal run.
#include "screens/qr_code.h"

#include <qrencode.h>

#include <cmath>
#include <memory>
#include <string>

namespace guichet::screens::widgets {
namespace {

struct QrCodeDeleter {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeDeleter>;

// Readers need four light modules around the symbol (ISO/IEC 18004, "quiet zone").
constexpr int quiet_zone = 4;

}

bool qr_code(Ui& ui, std::string_view id, std::string_view text, float size, std::string_view description)
{
    if (text.empty())
        return false;
    std::string terminated(text); // libqrencode reads a C string
    QrCodePtr code(QRcode_encodeString8bit(terminated.c_str(), 0, QR_ECLEVEL_M));
    if (!code)
        return false;
    // Whole pixels per module, so every edge is sharp for a phone's camera; what is left over widens
    // the light margin.
    int modules = code->width + 2 * quiet_zone;
    int side = static_cast<int>(std::floor(size));
    int module = side / modules;
    if (module < 1)
        return false;

    ImVec2 cursor = ImGui::GetCursorScreenPos();
    ImVec2 origin(std::floor(cursor.x), std::floor(cursor.y));
    ImVec2 max(origin.x + static_cast<float>(side), origin.y + static_cast<float>(side));
    // Dark on white whatever the theme: inverted codes and coloured ones defeat many phone readers.
    auto* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(origin, max, IM_COL32(255, 255, 255, 255));
    float offset = std::floor(static_cast<float>(side - (code->width * module)) / 2);
    float step = static_cast<float>(module);
    const unsigned char* data = code->data;
    for (int row = 0; row < code->width; ++row) {
        float y = origin.y + offset + static_cast<float>(row) * step;
        int column = 0;
        while (column < code->width) {
            if (!(data[row * code->width + column] & 1)) { // bit 0: a dark module
                ++column;
                continue;
            }
            int run_start = column;
            while (column < code->width && (data[row * code->width + column] & 1))
                ++column;
            float x0 = origin.x + offset + static_cast<float>(run_start) * step;
            float x1 = origin.x + offset + static_cast<float>(column) * step;
            draw->AddRectFilled(ImVec2(x0, y), ImVec2(x1, y + step), IM_COL32(0, 0, 0, 255));
        }
    }
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(static_cast<float>(side), static_cast<float>(side)));

    UiNode node;
    node.id = id;
    node.role = Role::Image;
    node.label = description;
    node.value = text; // what a phone reads from it, for the tests and --dump-ui
    node.rect = { origin.x, origin.y, static_cast<float>(side), static_cast<float>(side) };
    ui.tree.add(std::move(node));
    return true;
}

}
