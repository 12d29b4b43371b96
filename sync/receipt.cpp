// Receipt codes and UUIDs from libsodium's random generator.
#include "sync/receipt.h"

#include <sodium.h>

#include <array>
#include <cstdio>

namespace guichet::sync {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int value_of(char c)
{
    if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O')
        c = '0';
    if (c == 'I' || c == 'L')
        c = '1';
    auto at = alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

std::string format(std::string_view nine)
{
    return std::string(nine.substr(0, 3)) + "-" + std::string(nine.substr(3, 3)) + "-" + std::string(nine.substr(6, 3));
}

}

char receipt_check_character(std::string_view data)
{
    // Luhn mod N: double every second value from the right, fold the result back into base N.
    int factor = 2, sum = 0;
    constexpr int n = 32;
    for (size_t i = data.size(); i-- > 0;) {
        int addend = factor * value_of(data[i]);
        factor = factor == 2 ? 1 : 2;
        sum += addend / n + addend % n;
    }
    int check = (n - sum % n) % n;
    return alphabet[static_cast<size_t>(check)];
}

std::string new_receipt_code()
{
    std::string data;
    for (int i = 0; i < 8; ++i)
        data += alphabet[randombytes_uniform(32)];
    data += receipt_check_character(data);
    return format(data);
}

std::optional<std::string> normalize_receipt_code(std::string_view typed)
{
    std::string canonical;
    for (char c : typed) {
        if (c == '-' || c == ' ')
            continue;
        int value = value_of(c);
        if (value < 0)
            return std::nullopt;
        canonical += alphabet[static_cast<size_t>(value)];
    }
    if (canonical.size() != 9 || receipt_check_character(std::string_view(canonical).substr(0, 8)) != canonical[8])
        return std::nullopt;
    return format(canonical);
}

std::string new_uuid()
{
    std::array<unsigned char, 16> bytes;
    randombytes_buf(bytes.data(), bytes.size());
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40); // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
    char text[37];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
        bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
        bytes[12], bytes[13], bytes[14], bytes[15]);
    return text;
}

}
