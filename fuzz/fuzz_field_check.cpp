// The citizen's answers (docs/procedures.md, "Fields"): check_answer on a draft shaped as the step
// screen builds it from what was typed, under rules a procedure file may set.
//
// Input: byte 0 the field type, byte 1 the text preset, byte 2 flags, byte 3 picks the bounds; the rest
// is what was typed, its parts separated by '\n' (day, month, year; a multiple choice; an address).
// Flag 0x08 reads the rest as any JSON value instead, a draft no screen builds.
#include "fuzz/fuzz_support.h"
#include "kiosk/core/field_check.h"

#include <array>
#include <set>

using namespace guichet;
using nlohmann::json;

namespace {

std::vector<std::string> split(std::string_view text)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        auto end = text.find('\n', start);
        parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

constexpr std::array<int64_t, 8> bounds { 0, 1, 2, 15, -5, 99999, INT64_MIN, INT64_MAX };
constexpr std::array<int, 4> lengths { 1, 10, 200, 2000 };

}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 4)
        return 0;
    uint8_t flags = data[2], pick = data[3];
    FieldRules rules;
    rules.type = static_cast<FieldType>(data[0] % 8);
    rules.preset = static_cast<TextPreset>(data[1] % 8);
    rules.required = flags & 0x01;
    rules.max_length = lengths[pick % 4];
    if (flags & 0x10)
        rules.min = bounds[pick % 8];
    if (flags & 0x20)
        rules.max = bounds[(pick / 8) % 8];
    rules.date.past = flags & 0x02;
    rules.date.future = flags & 0x04;
    if (flags & 0x40)
        rules.date.min_age = static_cast<int>(bounds[pick % 4]) + 16;
    if (flags & 0x80)
        rules.date.max_age = static_cast<int>(bounds[(pick / 4) % 4]) + 60;
    if (rules.type == FieldType::YesNo)
        rules.option_values = { "yes", "no" };
    else
        rules.option_values = { "a", "b", "c", "other" };
    if (rules.type == FieldType::MultiChoice) {
        if (pick & 0x40)
            rules.min_selected = 1 + (pick % 2);
        if (pick & 0x80)
            rules.max_selected = 2 + (pick % 3);
    }

    auto typed = fuzz::as_text(data + 4, size - 4);
    auto parts = split(typed);
    auto part = [&](size_t i) { return i < parts.size() ? parts[i] : std::string(); };
    json draft;
    if (flags & 0x08) {
        draft = json::parse(typed, nullptr, /*allow_exceptions=*/false);
        if (draft.is_discarded())
            draft = std::string(typed);
    } else {
        switch (rules.type) {
        case FieldType::Text:
        case FieldType::Number:
            draft = std::string(typed);
            break;
        case FieldType::Date:
            draft = { { "day", part(0) }, { "month", part(1) }, { "year", part(2) } };
            break;
        case FieldType::Choice:
        case FieldType::YesNo:
        case FieldType::Consent:
            draft = typed.empty() ? json(nullptr) : json(part(0));
            break;
        case FieldType::MultiChoice:
            draft = typed.empty() ? json::array() : json(parts);
            break;
        case FieldType::Address:
            draft = { { "street", part(0) }, { "postcode", part(1) }, { "commune", part(2) }, { "insee", part(3) } };
            break;
        }
    }

    static const std::set<std::string, std::less<>> known { "75001", "13001", "97400", "20000" };
    CheckContext context { Date { 2026, 5, 10 }, {} };
    if (pick & 0x20)
        context.postcode_exists = [](std::string_view postcode) { return known.contains(postcode); };
    auto answer = check_answer(rules, draft, context);
    if (answer)
        (void)answer->dump();

    // The building blocks the validator calls on its own.
    (void)from_iso(typed);
    (void)nir_valid(typed);
    (void)iban_valid(typed);
    (void)strip_separators(typed);
    return 0;
}
