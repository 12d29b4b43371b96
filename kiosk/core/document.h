// A scanned page as the kiosk holds it during a session (issue 18): JPEG bytes in memory only, wiped when
// the page is dropped; never written to disk in clear.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace guichet {

struct ScannedPage {
    std::vector<uint8_t> jpeg;
    int width = 0;  // pixels
    int height = 0;
    bool color = false;
    std::string sha256; // lower-case hex of `jpeg`: the sealed answers list it, the opener checks it

    ScannedPage() = default;
    ScannedPage(const ScannedPage&) = delete; // one copy only: the one that is wiped
    ScannedPage& operator=(const ScannedPage&) = delete;
    ScannedPage(ScannedPage&&) noexcept = default;
    ScannedPage& operator=(ScannedPage&& other) noexcept
    {
        wipe();
        jpeg = std::move(other.jpeg);
        width = other.width;
        height = other.height;
        color = other.color;
        sha256 = std::move(other.sha256);
        return *this;
    }
    ~ScannedPage() { wipe(); }

    void wipe()
    {
        if (!jpeg.empty())
            explicit_bzero(jpeg.data(), jpeg.size());
        jpeg.clear();
        jpeg.shrink_to_fit();
    }
};

}
