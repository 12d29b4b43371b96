// Reading a printed PDF back as a person would: its words (pdftotext) and its QR code (pdftoppm, then
// zbarimg), for the printing tests of the devices and of the kiosk.
#pragma once
#include "../zbar_decode.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace guichet::test {

// A command's standard output.
inline std::string output_of(const std::string& command)
{
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::string text;
    char buffer[4096];
    while (size_t read = fread(buffer, 1, sizeof buffer, pipe.get()))
        text.append(buffer, read);
    return text;
}

// pdftotext's words joined by single spaces, so that a line pango wrapped still matches a sentence.
inline std::string pdf_text(const std::filesystem::path& pdf)
{
    std::string text = output_of("pdftotext -enc UTF-8 '" + pdf.string() + "' - 2>/dev/null"), joined;
    for (char c : text) {
        bool blank = c == ' ' || c == '\n' || c == '\r' || c == '\f' || c == '\t';
        if (!blank)
            joined += c;
        else if (!joined.empty() && joined.back() != ' ')
            joined += ' ';
    }
    return joined;
}

// The first page at 150 dpi, read by zbarimg.
inline std::string pdf_qr(const std::filesystem::path& pdf)
{
    auto prefix = pdf.parent_path() / (pdf.stem().string() + "-page");
    output_of("pdftoppm -r 150 -png -f 1 -l 1 -singlefile '" + pdf.string() + "' '" + prefix.string() + "'");
    return guichet::test::zbar_decode(prefix.string() + ".png");
}

}
