// The limits' helpers (issue 15): bounded reads, the depth pass before JSON is parsed, message quoting.
#include "kiosk/core/input_limits.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace guichet;

TEST_CASE("quoted text is escaped, kept valid UTF-8 and cut with its length", "[limits]")
{
    CHECK(shown(std::string("a\0b\nc\td\x01", 8)) == "a\\0b\\nc\\td\\x01");
    CHECK(shown("démarche d’essai « ok »") == "démarche d’essai « ok »");
    CHECK(shown("\xff\xfe ok \xc3") == "\\xff\\xfe ok \\xc3"); // not UTF-8, and a cut sequence at the end
    CHECK(shown(std::string(100, 'x'), 5) == "xxxxx… (100 characters)");
    CHECK(shown("ééééééé", 3) == "ééé… (7 characters)");
    CHECK(escape_controls(std::string(100, 'x') + '\0') == std::string(100, 'x') + "\\0");
    CHECK(character_count("Démarche d’essai") == 16);
}

TEST_CASE("the depth pass counts brackets outside strings only", "[limits]")
{
    CHECK(check_json_depth(R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"[[[[[[[[[[[[[[[[[[[[[[[[[["})", 2));
    CHECK(check_json_depth(R"([[1], [2], {"a": [3]}])", 3));
    auto deep = check_json_depth("[\n[\n[]]]", 2);
    REQUIRE_FALSE(deep);
    CHECK(deep.error().message == "nests arrays and objects more than 2 deep (line 3)");
    // Values: each '[', '{', ',' and ':' outside strings may start one more.
    CHECK(check_json_depth(R"({"a": [1, 2], "b": ",,,,:::"})", 32, 7));
    auto many = check_json_depth("[1,\n2,3]", 32, 3);
    REQUIRE_FALSE(many);
    CHECK(many.error().message == "holds more than 3 JSON values (line 2)");
    auto parsed = parse_json_bounded(R"({"a": [1, 2]})");
    REQUIRE(parsed);
    CHECK((*parsed)["a"][1] == 2);
    auto bad = parse_json_bounded("{\"a\": \"\xff\"}");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::StartsWith("is not valid JSON: parse error at line 1") && Catch::Contains("\\xff"));
}

TEST_CASE("a bounded read refuses a large file before reading it and a device after its limit", "[limits]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-input-limits";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "small.txt", std::ios::binary) << "12345";
    auto small = read_file_at_most(dir / "small.txt", 5, "a test file");
    REQUIRE(small);
    CHECK(*small == "12345");
    auto large = read_file_at_most(dir / "small.txt", 4, "a test file");
    REQUIRE_FALSE(large);
    CHECK(large.error().kind == ReadProblem::Kind::TooLarge);
    CHECK(large.error().reason == "is 5 bytes; a test file may hold at most 4 bytes");
    auto device = read_file_at_most("/dev/zero", 1024, "a test file");
    REQUIRE_FALSE(device);
    CHECK(device.error().reason == "is more than 1024 bytes; a test file may hold at most 1 KiB (1024 bytes)");
    auto missing = read_file_at_most(dir / "missing.txt", 4, "a test file");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ReadProblem::Kind::Unreadable);
    CHECK(read_file_at_most(dir, 4, "a test file").error().reason == "it is a directory");
    std::filesystem::remove_all(dir);
}
