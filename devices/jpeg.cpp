// libjpeg-turbo's TurboJPEG API, with every buffer ours: the compressed page is written into a buffer the
// caller wipes (TJFLAG_NOREALLOC), and decoded pixels land in a DecodedImage that wipes itself.
#include "devices/jpeg.h"

#include <sodium.h>
#include <turbojpeg.h>

#include <memory>
#include <string>

namespace guichet::devices {
namespace {

struct TjDeleter {
    void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

std::string tj_error(void* handle) { return tjGetErrorStr2(handle); }

void wipe(std::vector<uint8_t>& bytes)
{
    if (!bytes.empty())
        sodium_memzero(bytes.data(), bytes.size());
}

}

DecodedImage& DecodedImage::operator=(DecodedImage&& other) noexcept
{
    wipe(pixels);
    pixels = std::move(other.pixels);
    width = other.width;
    height = other.height;
    channels = other.channels;
    return *this;
}

DecodedImage::~DecodedImage() { wipe(pixels); }

Result<DecodedImage> decode_jpeg(std::span<const uint8_t> jpeg)
{
    if (jpeg.empty())
        return fail("no JPEG bytes to decode");
    TjHandle handle(tjInitDecompress());
    if (!handle)
        return fail("libjpeg-turbo cannot start a decoder: " + tj_error(nullptr));
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    // TurboJPEG takes a non-const pointer and an unsigned long length; it does not write to the input.
    auto* bytes = const_cast<unsigned char*>(jpeg.data());
    if (tjDecompressHeader3(handle.get(), bytes, jpeg.size(), &width, &height, &subsampling, &colorspace) != 0)
        return fail("not a JPEG libjpeg-turbo can read: " + tj_error(handle.get()));
    if (width <= 0 || height <= 0 || static_cast<size_t>(width) * static_cast<size_t>(height) > max_decoded_pixels)
        return fail("the JPEG is " + std::to_string(width) + " x " + std::to_string(height) + " pixels; at most "
            + std::to_string(max_decoded_pixels) + " pixels are decoded");
    DecodedImage image;
    image.width = width;
    image.height = height;
    image.channels = colorspace == TJCS_GRAY ? 1 : 3;
    image.pixels.resize(static_cast<size_t>(width) * height * image.channels);
    int format = image.channels == 1 ? TJPF_GRAY : TJPF_RGB;
    if (tjDecompress2(handle.get(), bytes, jpeg.size(), image.pixels.data(), width, width * image.channels, height,
            format, TJFLAG_ACCURATEDCT)
        != 0) {
        // A warning (a truncated file, say) still fills what it could; a page we show must be whole.
        return fail("cannot decode the JPEG: " + tj_error(handle.get()));
    }
    return image;
}

Result<size_t> encode_jpeg(const RawImage& raw, int quality, std::vector<uint8_t>& work)
{
    if (raw.pixels == nullptr || raw.width <= 0 || raw.height <= 0 || (raw.channels != 1 && raw.channels != 3)
        || raw.pitch < raw.width * raw.channels)
        return fail("nothing to encode: " + std::to_string(raw.width) + " x " + std::to_string(raw.height) + " pixels, "
            + std::to_string(raw.channels) + " channel(s), " + std::to_string(raw.pitch) + " bytes a row");
    if (quality < 1 || quality > 100)
        return fail("a JPEG quality must be between 1 and 100, got " + std::to_string(quality));
    TjHandle handle(tjInitCompress());
    if (!handle)
        return fail("libjpeg-turbo cannot start an encoder: " + tj_error(nullptr));
    int subsampling = raw.channels == 3 ? TJSAMP_420 : TJSAMP_GRAY;
    unsigned long bound = tjBufSize(raw.width, raw.height, subsampling);
    if (bound == static_cast<unsigned long>(-1))
        return fail("libjpeg-turbo cannot size the JPEG of a " + std::to_string(raw.width) + " x "
            + std::to_string(raw.height) + " page: " + tj_error(nullptr));
    if (work.size() < bound) {
        wipe(work);
        work.clear();
        work.shrink_to_fit();
        work.resize(bound);
    }
    unsigned char* out = work.data();
    unsigned long size = work.size();
    // Only our own buffer: TJFLAG_NOREALLOC makes libjpeg-turbo fail rather than allocate one of its own
    // (tjBufSize is its worst case, so it never has to).
    if (tjCompress2(handle.get(), raw.pixels, raw.width, raw.pitch, raw.height, raw.channels == 3 ? TJPF_RGB : TJPF_GRAY,
            &out, &size, subsampling, quality, TJFLAG_NOREALLOC)
        != 0)
        return fail("cannot encode the page as JPEG: " + tj_error(handle.get()));
    if (out != work.data() || size > work.size())
        return fail("libjpeg-turbo wrote the JPEG outside the buffer it was given");
    return static_cast<size_t>(size);
}

}
