// What `zbarimg` (zbar-tools) reads in a PNG, as a phone's camera would: the QR code tests of the widget
// and of the receipt screen read their pictures back with it.
#pragma once
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace guichet::test {

// The decoded text without its trailing newline; empty when zbarimg finds no code.
inline std::string zbar_decode(const std::filesystem::path& png)
{
    struct PipeCloser {
        void operator()(FILE* pipe) const { pclose(pipe); }
    };
    std::unique_ptr<FILE, PipeCloser> pipe(popen(("zbarimg --raw -q '" + png.string() + "' 2>/dev/null").c_str(), "r"));
    REQUIRE(pipe);
    std::string text;
    char buffer[256];
    while (size_t read = fread(buffer, 1, sizeof buffer, pipe.get()))
        text.append(buffer, read);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

}
