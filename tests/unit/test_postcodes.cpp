// The postcode table: lookups in the real shipped assets/data/postcodes.tsv, and every kind of bad file.
#include "kiosk/core/postcodes.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace guichet;

namespace {

const std::filesystem::path shipped_table = std::filesystem::path(GUICHET_SOURCE_DIR) / "assets/data/postcodes.tsv";

// Loaded once: every lookup test reads the same real file.
const PostcodeTable& shipped()
{
    static const PostcodeTable table = [] {
        auto loaded = PostcodeTable::load(shipped_table);
        if (!loaded)
            FAIL(loaded.error().message);
        return std::move(*loaded);
    }();
    return table;
}

bool has_commune(std::span<const Commune> communes, std::string_view name, std::string_view insee)
{
    return std::any_of(communes.begin(), communes.end(),
        [&](const Commune& c) { return c.name == name && c.insee == insee; });
}

// A small table written to a file of its own, for the failure paths.
class TempTable {
public:
    explicit TempTable(std::string_view contents)
        : m_path(std::filesystem::temp_directory_path()
              / ("guichet-postcodes-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++) + ".tsv"))
    {
        std::ofstream(m_path, std::ios::binary) << contents;
    }
    ~TempTable()
    {
        std::error_code ignored;
        std::filesystem::remove(m_path, ignored);
    }
    TempTable(const TempTable&) = delete;
    TempTable& operator=(const TempTable&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_path;
};

}

TEST_CASE("the shipped table covers France", "[postcodes]")
{
    CHECK(shipped().row_count() >= 30000);
    CHECK(shipped().postcode_count() >= 6000);
    CHECK(shipped().postcode_count() < shipped().row_count());
}

TEST_CASE("75001 is Paris", "[postcodes]")
{
    auto communes = shipped().communes("75001");
    REQUIRE(communes.size() == 1);
    CHECK(communes[0].name.starts_with("Paris"));
    CHECK(communes[0].insee == "75101");
}

TEST_CASE("a postcode shared by several communes lists them all sorted by name", "[postcodes]")
{
    auto communes = shipped().communes("38250");
    REQUIRE(communes.size() >= 2);
    CHECK(has_commune(communes, "Villard-de-Lans", "38548"));
    CHECK(has_commune(communes, "Lans-en-Vercors", "38205"));
    CHECK(std::is_sorted(communes.begin(), communes.end(),
        [](const Commune& a, const Commune& b) { return a.name < b.name; }));
    CHECK(shipped().contains("38250"));
}

TEST_CASE("accents are kept as written", "[postcodes]")
{
    CHECK(has_commune(shipped().communes("38250"), "Corrençon-en-Vercors", "38129"));
    CHECK(has_commune(shipped().communes("01000"), "Saint-Denis-lès-Bourg", "01344"));
}

TEST_CASE("Corsican postcodes lead to 2A and 2B INSEE codes", "[postcodes]")
{
    CHECK(has_commune(shipped().communes("20000"), "Ajaccio", "2A004"));
    CHECK(has_commune(shipped().communes("20200"), "Bastia", "2B033"));
}

TEST_CASE("overseas postcodes are there", "[postcodes]")
{
    CHECK(has_commune(shipped().communes("97400"), "Saint-Denis", "97411"));
    CHECK(has_commune(shipped().communes("97200"), "Fort-de-France", "97209"));
    CHECK(has_commune(shipped().communes("97600"), "Mamoudzou", "97611"));
}

TEST_CASE("an unknown or malformed postcode gives no commune", "[postcodes]")
{
    for (auto postcode : { "00000", "99999", "75000", "7500", "750011", "", "2A004", "38 25" }) {
        CAPTURE(postcode);
        CHECK(shipped().communes(postcode).empty());
        CHECK_FALSE(shipped().contains(postcode));
    }
}

TEST_CASE("the first and last postcodes of the table are found", "[postcodes]")
{
    // The edges of a binary search are where an off-by-one would hide.
    CHECK(has_commune(shipped().communes("01000"), "Bourg-en-Bresse", "01053"));
    CHECK(has_commune(shipped().communes("97680"), "Tsingoni", "97617"));
    CHECK(shipped().communes("00999").empty());
    CHECK(shipped().communes("97681").empty());
}

TEST_CASE("a small table loads with comments and blank lines and CRLF", "[postcodes]")
{
    TempTable file("# a comment\n"
                   "05100\tBriançon:05023|Cervières:05026\r\n"
                   "\n"
                   "20000\tAjaccio:2A004\n");
    auto table = PostcodeTable::load(file.path());
    REQUIRE(table);
    CHECK(table->postcode_count() == 2);
    CHECK(table->row_count() == 3);
    auto communes = table->communes("05100");
    REQUIRE(communes.size() == 2);
    CHECK(communes[0].name == "Briançon");
    CHECK(communes[1].name == "Cervières");
    CHECK(communes[1].insee == "05026");
    CHECK(table->communes("20000").size() == 1);
}

TEST_CASE("a missing table names the file", "[postcodes]")
{
    auto path = std::filesystem::temp_directory_path() / "guichet-no-such-postcodes.tsv";
    auto table = PostcodeTable::load(path);
    REQUIRE_FALSE(table);
    CHECK_THAT(table.error().message, Catch::Contains(path.string()));
    CHECK_THAT(table.error().message, Catch::Contains("No such file"));
}

TEST_CASE("a directory is not a table", "[postcodes]")
{
    auto table = PostcodeTable::load(std::filesystem::temp_directory_path());
    REQUIRE_FALSE(table);
    CHECK_THAT(table.error().message, Catch::Contains("it is a directory"));
}

TEST_CASE("an empty table is refused", "[postcodes]")
{
    TempTable file("# only a comment\n");
    auto table = PostcodeTable::load(file.path());
    REQUIRE_FALSE(table);
    CHECK_THAT(table.error().message, Catch::Contains("lists no postcode"));
}

TEST_CASE("bad lines are reported with the file and line number", "[postcodes]")
{
    struct Case {
        const char* line;
        const char* problem;
    };
    auto [line, problem] = GENERATE(values<Case>({
        { "38250 Villard-de-Lans:38548", "expected a postcode, a tab and its communes" },
        { "3825\tVillard-de-Lans:38548", "bad postcode '3825'" },
        { "382500\tVillard-de-Lans:38548", "bad postcode '382500'" },
        { "38a50\tVillard-de-Lans:38548", "bad postcode '38a50'" },
        { "38250\t", "postcode 38250 has no commune" },
        { "38250\tVillard-de-Lans", "bad commune 'Villard-de-Lans'" },
        { "38250\t:38548", "bad commune ':38548'" },
        { "38250\tVillard-de-Lans:385", "bad commune 'Villard-de-Lans:385'" },
        { "38250\tVillard-de-Lans:2C548", "bad commune 'Villard-de-Lans:2C548'" },
        { "38250\tVillard-de-Lans:38548|", "bad commune ''" },
        { "38250\tVillard-de-Lans:38548||Lans-en-Vercors:38205", "bad commune ''" },
    }));
    CAPTURE(line);
    TempTable file(std::string("# header\n01000\tBourg-en-Bresse:01053\n") + line + "\n");
    auto table = PostcodeTable::load(file.path());
    REQUIRE_FALSE(table);
    CHECK_THAT(table.error().message, Catch::StartsWith(file.path().string() + ":3: "));
    CHECK_THAT(table.error().message, Catch::Contains(problem));
}

TEST_CASE("postcodes out of order or repeated are refused", "[postcodes]")
{
    auto contents = GENERATE(as<std::string> {},
        "38250\tVillard-de-Lans:38548\n01000\tBourg-en-Bresse:01053\n",
        "38250\tVillard-de-Lans:38548\n38250\tLans-en-Vercors:38205\n");
    TempTable file(contents);
    auto table = PostcodeTable::load(file.path());
    REQUIRE_FALSE(table);
    CHECK_THAT(table.error().message, Catch::StartsWith(file.path().string() + ":2: "));
    CHECK_THAT(table.error().message, Catch::Contains("in increasing order"));
}

// Issue 15: the table comes with the assets, so from a content pack too; it is bounded before it is read.
TEST_CASE("a postcode table larger than its limit is refused before it is read", "[postcodes][limits]")
{
    TempTable huge(std::string(17 * 1024 * 1024, '#'));
    auto table = PostcodeTable::load(huge.path());
    REQUIRE_FALSE(table);
    CHECK_THAT(table.error().message, Catch::Contains("' is 17825792 bytes; the postcode table may hold at most 16 MiB (16777216 bytes)"));
}
