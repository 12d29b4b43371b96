// Checking one answer against its field (docs/procedures.md, "Fields"): text presets (name, postcode,
// phone, e-mail, NIR and its key, tax number, IBAN and mod-97), number bounds, real calendar dates and
// their rules, choices, consent, address. Pure functions: tested without a window.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet {

enum class FieldType {
    Text,
    Number,
    Date,
    Choice,
    MultiChoice,
    YesNo,
    Consent,
    Address,
};
std::string_view field_type_name(FieldType);
std::optional<FieldType> field_type_from_name(std::string_view);

enum class TextPreset {
    Free,
    PersonName,
    Postcode,
    Phone,
    Email,
    Nir,
    TaxNumber,
    Iban,
};
std::string_view preset_name(TextPreset);
std::optional<TextPreset> preset_from_name(std::string_view);

struct Date {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Date&) const = default;
};
bool is_valid_date(Date);               // a real calendar day: no 31 February, leap years right
int age_on(Date birth, Date today);     // whole years
std::string to_iso(Date);               // "YYYY-MM-DD"
std::optional<Date> from_iso(std::string_view);

struct DateRules {
    bool past = false;   // not after today
    bool future = false; // not before today
    std::optional<int> min_age, max_age;
};

// Everything about a field that decides whether an answer is acceptable.
struct FieldRules {
    FieldType type = FieldType::Text;
    bool required = true;
    TextPreset preset = TextPreset::Free;
    int max_length = 200;
    std::optional<int64_t> min, max;           // number
    DateRules date;
    std::vector<std::string> option_values;    // choice, multi_choice
    std::optional<int> min_selected, max_selected; // multi_choice
};

// Why an answer is refused: an error code of docs/procedures.md, with the values its message uses.
struct FieldError {
    std::string code;
    std::vector<std::pair<std::string_view, std::string>> values; // {"min", "1"}, {"max", "15"}
};

struct CheckContext {
    Date today;
    // Whether a 5-digit postcode exists (the offline table); empty: any well-formed postcode is accepted.
    std::function<bool(std::string_view)> postcode_exists;
};

// Checks the citizen's draft and returns the answer to keep, normalized (docs/procedures.md), or null
// when the field is optional and left empty. Draft shapes, as the screens build them:
//   text, number        a string as typed ("06 12 34 56 78", "3")
//   date                {"day": "31", "month": "2", "year": "1980"} (strings as typed)
//   choice, yes_no      the chosen value, or null
//   multi_choice        an array of chosen values
//   consent             "yes" or null
//   address             {"street": "…", "postcode": "…", "commune": "…", "insee": "…"}
std::expected<nlohmann::json, FieldError> check_answer(const FieldRules&, const nlohmann::json& draft, const CheckContext&);

// The building blocks, exposed for tests and for the validator.
bool nir_valid(std::string_view normalized);     // 15 characters, key = 97 - (number mod 97)
bool iban_valid(std::string_view normalized);    // country, check digits, mod 97 == 1
// Removes the spaces, dots and dashes people type inside numbers and codes.
std::string strip_separators(std::string_view);

}
