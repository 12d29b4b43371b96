// Reads assets/data/postcodes.tsv ("38250<TAB>Corrençon-en-Vercors:38129|Villard-de-Lans:38548|…", one
// line per postcode, sorted) and answers which communes a postcode serves.
#include "kiosk/core/postcodes.h"
#include "kiosk/core/input_limits.h"


#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace guichet {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_postcode(std::string_view text)
{
    return text.size() == 5 && std::all_of(text.begin(), text.end(), is_digit);
}

// Two digits, or 2A/2B for Corsica's two departments, then three digits: "38548", "2A004".
bool is_insee_code(std::string_view text)
{
    if (text.size() != 5 || !is_digit(text[0]))
        return false;
    bool corsica = text[0] == '2' && (text[1] == 'A' || text[1] == 'B');
    return (is_digit(text[1]) || corsica) && is_digit(text[2]) && is_digit(text[3]) && is_digit(text[4]);
}

// memchr rather than std::count: the debug build that runs the tests would spend most of the load in
// std::count's unoptimised iterator calls.
size_t count_char(std::string_view text, char wanted)
{
    size_t count = 0;
    const char* end = text.data() + text.size();
    const char* p = text.data();
    while ((p = static_cast<const char*>(std::memchr(p, wanted, static_cast<size_t>(end - p)))) != nullptr) {
        ++count;
        ++p;
    }
    return count;
}

std::string_view as_view(const std::array<char, 5>& postcode) { return { postcode.data(), postcode.size() }; }

// The table comes with the assets, so from a content pack too: its size is checked before it is read.
Result<std::string> read_whole_file(const std::filesystem::path& path)
{
    auto text = read_file_at_most(path, max_postcodes_bytes, "the postcode table");
    if (!text && text.error().kind == ReadProblem::Kind::TooLarge)
        return fail("the postcode table '" + path.string() + "' " + text.error().reason);
    if (!text)
        return fail("cannot read the postcode table '" + path.string() + "': " + text.error().reason);
    return std::move(*text);
}

}

Result<PostcodeTable> PostcodeTable::load(const std::filesystem::path& path)
{
    auto text = read_whole_file(path);
    if (!text)
        return std::unexpected(text.error());

    PostcodeTable table;
    // Counting separators first lets both vectors be allocated once.
    table.m_entries.reserve(count_char(*text, '\n') + 1);
    table.m_communes.reserve(table.m_entries.capacity() + count_char(*text, '|'));

    std::string_view rest = *text;
    size_t line_number = 0;
    auto error_at = [&](std::string problem) {
        return fail(path.string() + ":" + std::to_string(line_number) + ": " + std::move(problem));
    };
    while (!rest.empty()) {
        ++line_number;
        auto end = rest.find('\n');
        auto line = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        // Tolerated so that a copy edited on Windows still loads.
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (line.empty() || line.starts_with('#'))
            continue;

        auto tab = line.find('\t');
        if (tab == std::string_view::npos)
            return error_at("expected a postcode, a tab and its communes, got '" + std::string(line) + "'");
        auto postcode = line.substr(0, tab);
        if (!is_postcode(postcode))
            return error_at("bad postcode '" + std::string(postcode) + "': a postcode is 5 digits");
        // Lookups are a binary search, so the order is checked here rather than trusted.
        if (!table.m_entries.empty() && postcode <= as_view(table.m_entries.back().postcode))
            return error_at("postcode " + std::string(postcode) + " comes after "
                + std::string(as_view(table.m_entries.back().postcode))
                + ": the table must list each postcode once, in increasing order");

        Entry entry {};
        std::copy(postcode.begin(), postcode.end(), entry.postcode.begin());
        entry.first = static_cast<uint32_t>(table.m_communes.size());
        auto communes = line.substr(tab + 1);
        if (communes.empty())
            return error_at("postcode " + std::string(postcode) + " has no commune");
        while (true) {
            auto bar = communes.find('|');
            auto commune = communes.substr(0, bar);
            auto colon = commune.rfind(':');
            auto name = commune.substr(0, colon == std::string_view::npos ? 0 : colon);
            auto insee = colon == std::string_view::npos ? std::string_view {} : commune.substr(colon + 1);
            if (name.empty() || !is_insee_code(insee))
                return error_at("bad commune '" + std::string(commune) + "' for postcode " + std::string(postcode)
                    + ": expected a name, a colon and a 5-character INSEE code, as in 'Villard-de-Lans:38548'");
            table.m_communes.push_back(
                Commune { std::string(name.data(), name.size()), std::string(insee.data(), insee.size()) });
            if (bar == std::string_view::npos)
                break;
            communes.remove_prefix(bar + 1);
        }
        entry.count = static_cast<uint32_t>(table.m_communes.size()) - entry.first;
        table.m_entries.push_back(entry);
    }
    if (table.m_entries.empty())
        return fail("the postcode table '" + path.string() + "' lists no postcode");
    return table;
}

std::span<const Commune> PostcodeTable::communes(std::string_view postcode) const
{
    if (!is_postcode(postcode))
        return {};
    auto entry = std::lower_bound(m_entries.begin(), m_entries.end(), postcode,
        [](const Entry& e, std::string_view wanted) { return as_view(e.postcode) < wanted; });
    if (entry == m_entries.end() || as_view(entry->postcode) != postcode)
        return {};
    return std::span(m_communes).subspan(entry->first, entry->count);
}

size_t PostcodeTable::postcode_count() const { return m_entries.size(); }

size_t PostcodeTable::row_count() const { return m_communes.size(); }

}
