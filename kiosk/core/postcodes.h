// The offline postcode table (assets/data/postcodes.tsv, built by scripts/build-postcodes.sh from the
// codes-postaux package): a French postcode leads to the communes it serves, so an address is completed
// by choosing a commune instead of typing it.
#pragma once
#include "kiosk/core/result.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

struct Commune {
    std::string name;  // as written, with accents: "Villard-de-Lans"
    std::string insee; // the commune's INSEE code: "38548"
};

class PostcodeTable {
public:
    static Result<PostcodeTable> load(const std::filesystem::path&);

    // The communes of `postcode` (5 digits), sorted by name; empty when the postcode is unknown.
    std::span<const Commune> communes(std::string_view postcode) const;
    bool contains(std::string_view postcode) const { return !communes(postcode).empty(); }
    size_t postcode_count() const;
    size_t row_count() const;

private:
    // One flat array of communes and a small index into it: one allocation per name instead of one
    // vector per postcode, which keeps the load at a few milliseconds.
    struct Entry {
        std::array<char, 5> postcode;
        uint32_t first; // index of the postcode's first commune in m_communes
        uint32_t count;
    };
    std::vector<Entry> m_entries; // sorted by postcode, each postcode once
    std::vector<Commune> m_communes;
};

}
