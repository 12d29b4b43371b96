// JPEG in memory (libjpeg-turbo) for scanned pages: encoding into a buffer we own so it can be wiped, and
// decoding back to pixels for the kiosk's preview and the tests. Nothing here touches the disk.
#pragma once
#include "kiosk/core/result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace guichet::devices {

// A page's pixels: 8-bit samples, rows packed (width * channels bytes a row), RGB or grey. Wiped when
// dropped, like the JPEG it came from; move-only so there is one copy to wipe.
struct DecodedImage {
    std::vector<uint8_t> pixels;
    int width = 0;
    int height = 0;
    int channels = 0; // 3: RGB, 1: grey
    bool color() const { return channels == 3; }

    DecodedImage() = default;
    DecodedImage(const DecodedImage&) = delete;
    DecodedImage& operator=(const DecodedImage&) = delete;
    DecodedImage(DecodedImage&&) noexcept = default;
    DecodedImage& operator=(DecodedImage&& other) noexcept;
    ~DecodedImage();
};

// A decoded page is bounded before its pixels are allocated: 100 megapixels is A4 at more than 1200 dpi.
inline constexpr size_t max_decoded_pixels = 100'000'000;

// Decodes a JPEG held in memory to RGB (colour JPEGs) or grey (greyscale ones).
Result<DecodedImage> decode_jpeg(std::span<const uint8_t> jpeg);

// Pixels to encode: `pitch` bytes a row (at least width * channels), 8-bit samples.
struct RawImage {
    const uint8_t* pixels = nullptr;
    int width = 0;
    int height = 0;
    int pitch = 0;
    int channels = 0; // 3: RGB, 1: grey
};

// Encodes as JPEG at `quality` (1 to 100), 4:2:0 for colour. `work` is the output buffer: grown to
// tjBufSize if smaller (the old storage wiped first), written with TJFLAG_NOREALLOC so libjpeg-turbo never
// moves the bytes somewhere we cannot wipe. Returns the JPEG's length in `work`; the caller wipes `work`.
Result<size_t> encode_jpeg(const RawImage&, int quality, std::vector<uint8_t>& work);

}
