// Receipt codes and UUIDs.
#include "sync/receipt.h"
#include "sync/protocol.h"

#include <catch2/catch.hpp>

#include <set>

using namespace guichet::sync;

TEST_CASE("receipt codes are nine Crockford characters in three groups with a valid check", "[receipt]")
{
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto code = new_receipt_code();
        REQUIRE(code.size() == 11);
        CHECK(code[3] == '-');
        CHECK(code[7] == '-');
        CHECK(code.find_first_of("ILOU") == std::string::npos);
        CHECK(normalize_receipt_code(code) == code);
        seen.insert(code);
    }
    CHECK(seen.size() == 2000);
}

TEST_CASE("typed receipt codes are read forgivingly", "[receipt]")
{
    auto code = new_receipt_code();
    std::string typed;
    for (char c : code) {
        if (c != '-')
            typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    CHECK(normalize_receipt_code(typed) == code);
    CHECK(normalize_receipt_code(" " + code.substr(0, 3) + " " + code.substr(4)) == code);

    // o for 0 and l or i for 1 are the mistakes Crockford's alphabet forgives.
    std::string data = "0A1B2C3D";
    std::string valid = data + receipt_check_character(data);
    CHECK(normalize_receipt_code("oa" "lb2c3d" + valid.substr(8)).has_value());
    CHECK(normalize_receipt_code("OAIB2C3D" + valid.substr(8)).has_value());
}

TEST_CASE("the check character catches every single wrong character and adjacent swaps", "[receipt]")
{
    const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string data = "7QM3XHTR";
    std::string code = data + receipt_check_character(data);
    REQUIRE(normalize_receipt_code(code));
    for (size_t position = 0; position < code.size(); ++position) {
        for (char replacement : alphabet) {
            if (replacement == code[position])
                continue;
            std::string wrong = code;
            wrong[position] = replacement;
            INFO(wrong);
            CHECK_FALSE(normalize_receipt_code(wrong));
        }
    }
    int caught = 0, swaps = 0;
    for (size_t position = 0; position + 1 < code.size(); ++position) {
        if (code[position] == code[position + 1])
            continue;
        std::string swapped = code;
        std::swap(swapped[position], swapped[position + 1]);
        ++swaps;
        caught += normalize_receipt_code(swapped) ? 0 : 1;
    }
    CHECK(caught == swaps);
    CHECK_FALSE(normalize_receipt_code("ABC-DEF-GH"));
    CHECK_FALSE(normalize_receipt_code("ABC-DEF-GH!"));
}

TEST_CASE("UUIDs are version 4 and unique", "[receipt]")
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto id = new_uuid();
        CHECK(protocol::is_uuid(id));
        CHECK(id[14] == '4');
        CHECK(std::string("89ab").find(id[19]) != std::string::npos);
        seen.insert(id);
    }
    CHECK(seen.size() == 1000);
}
