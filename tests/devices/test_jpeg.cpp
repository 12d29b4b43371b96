// JPEG in memory: what is encoded decodes to the same size and close pixels; what is not a JPEG, or would
// decode to more pixels than a page has, is refused with a reason.
#include "devices/jpeg.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace guichet;
using namespace guichet::devices;

TEST_CASE("encode_jpeg and decode_jpeg round-trip colour and grey", "[devices][jpeg]")
{
    for (int channels : { 3, 1 }) {
        int width = 64, height = 48;
        int pitch = width * channels + 5; // rows with padding, as some scanners send them
        std::vector<uint8_t> pixels(static_cast<size_t>(pitch) * height, 0xAB);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width * channels; ++x)
                pixels[static_cast<size_t>(y) * pitch + x] = static_cast<uint8_t>((x * 3 + y * 2) % 256);
        std::vector<uint8_t> work;
        auto size = encode_jpeg({ pixels.data(), width, height, pitch, channels }, 90, work);
        REQUIRE(size);
        REQUIRE(*size > 0);
        REQUIRE(*size <= work.size());
        auto image = decode_jpeg(std::span(work.data(), *size));
        REQUIRE(image);
        CHECK(image->width == width);
        CHECK(image->height == height);
        CHECK(image->channels == channels);
        double total = 0;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width * channels; ++x)
                total += std::abs(int(image->pixels[static_cast<size_t>(y) * width * channels + x]) - int(pixels[static_cast<size_t>(y) * pitch + x]));
        CHECK(total / (width * height * channels) < 6.0);

        // The work buffer is reused as it is when it is large enough.
        auto* before = work.data();
        REQUIRE(encode_jpeg({ pixels.data(), width, height, pitch, channels }, 50, work));
        CHECK(work.data() == before);
    }
}

TEST_CASE("decode_jpeg refuses what is not a JPEG", "[devices][jpeg]")
{
    CHECK_FALSE(decode_jpeg({}));
    std::vector<uint8_t> text { 'n', 'o', 't', ' ', 'a', ' ', 'j', 'p', 'e', 'g' };
    auto refused = decode_jpeg(text);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("not a JPEG"));
}

TEST_CASE("decode_jpeg refuses a JPEG of too many pixels before allocating them", "[devices][jpeg]")
{
    // A 1 x 1 grey JPEG whose frame header is then made to say 60000 x 60000.
    std::vector<uint8_t> pixel { 128 };
    std::vector<uint8_t> work;
    auto size = encode_jpeg({ pixel.data(), 1, 1, 1, 1 }, 80, work);
    REQUIRE(size);
    std::vector<uint8_t> jpeg(work.begin(), work.begin() + static_cast<long>(*size));
    bool patched = false;
    for (size_t i = 0; i + 8 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) { // SOF0: length(2) precision(1) height(2) width(2)
            jpeg[i + 5] = 0xEA, jpeg[i + 6] = 0x60, jpeg[i + 7] = 0xEA, jpeg[i + 8] = 0x60;
            patched = true;
            break;
        }
    REQUIRE(patched);
    auto refused = decode_jpeg(jpeg);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("pixels"));
}

TEST_CASE("encode_jpeg refuses an impossible image", "[devices][jpeg]")
{
    std::vector<uint8_t> pixels(10);
    std::vector<uint8_t> work;
    CHECK_FALSE(encode_jpeg({ pixels.data(), 10, 1, 5, 3 }, 80, work)); // pitch shorter than a row
    CHECK_FALSE(encode_jpeg({ nullptr, 10, 1, 30, 3 }, 80, work));
    CHECK_FALSE(encode_jpeg({ pixels.data(), 10, 1, 10, 1 }, 0, work));
}
