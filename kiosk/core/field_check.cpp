// Checks one answer against its field and normalizes it, as docs/procedures.md ("Fields") describes.
#include "kiosk/core/field_check.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

// [SECTION] Names of types and presets
// [SECTION] Dates
// [SECTION] Text helpers: UTF-8, trimming, separators
// [SECTION] Text presets
// [SECTION] NIR and IBAN
// [SECTION] One check per field type
// [SECTION] check_answer

namespace guichet {
namespace {

using Checked = std::expected<nlohmann::json, FieldError>;

std::unexpected<FieldError> refuse(std::string code) { return std::unexpected(FieldError { std::move(code), {} }); }

std::unexpected<FieldError> refuse(std::string code, std::string_view key, long long value)
{
    return std::unexpected(FieldError { std::move(code), { { key, std::to_string(value) } } });
}

// An empty draft is either a missing answer (required field) or an answer left out on purpose (null).
Checked empty_answer(const FieldRules& rules)
{
    if (rules.required)
        return refuse("required");
    return nlohmann::json(nullptr);
}

}

// [SECTION] Names of types and presets

namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 8> field_type_names { {
    { FieldType::Text, "text" },
    { FieldType::Number, "number" },
    { FieldType::Date, "date" },
    { FieldType::Choice, "choice" },
    { FieldType::MultiChoice, "multi_choice" },
    { FieldType::YesNo, "yes_no" },
    { FieldType::Consent, "consent" },
    { FieldType::Address, "address" },
} };

constexpr std::array<std::pair<TextPreset, std::string_view>, 8> preset_names { {
    { TextPreset::Free, "free" },
    { TextPreset::PersonName, "person_name" },
    { TextPreset::Postcode, "postcode" },
    { TextPreset::Phone, "phone" },
    { TextPreset::Email, "email" },
    { TextPreset::Nir, "nir" },
    { TextPreset::TaxNumber, "tax_number" },
    { TextPreset::Iban, "iban" },
} };

}

std::string_view field_type_name(FieldType type)
{
    for (auto& [value, name] : field_type_names)
        if (value == type)
            return name;
    return "text";
}

std::optional<FieldType> field_type_from_name(std::string_view name)
{
    for (auto& [value, known] : field_type_names)
        if (known == name)
            return value;
    return std::nullopt;
}

std::string_view preset_name(TextPreset preset)
{
    for (auto& [value, name] : preset_names)
        if (value == preset)
            return name;
    return "free";
}

std::optional<TextPreset> preset_from_name(std::string_view name)
{
    for (auto& [value, known] : preset_names)
        if (known == name)
            return value;
    return std::nullopt;
}

// [SECTION] Dates

namespace {

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month)
{
    static constexpr std::array<int, 12> days { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && is_leap_year(year))
        return 29;
    return days[static_cast<size_t>(month - 1)];
}

bool all_digits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Only called on short digit strings, so the value always fits.
int small_number(std::string_view digits)
{
    int value = 0;
    for (char c : digits)
        value = value * 10 + (c - '0');
    return value;
}

}

bool is_valid_date(Date date)
{
    // The range keeps typos such as 0980 or 19800 out; nobody at the kiosk deals with other centuries.
    if (date.year < 1900 || date.year > 2200 || date.month < 1 || date.month > 12)
        return false;
    return date.day >= 1 && date.day <= days_in_month(date.year, date.month);
}

int age_on(Date birth, Date today)
{
    // Someone born on 29 February is a year older on 1 March in the years without one.
    int age = today.year - birth.year;
    if (std::pair(today.month, today.day) < std::pair(birth.month, birth.day))
        --age;
    return age;
}

std::string to_iso(Date date)
{
    std::array<char, 32> buffer {};
    std::snprintf(buffer.data(), buffer.size(), "%04d-%02d-%02d", date.year, date.month, date.day);
    return buffer.data();
}

std::optional<Date> from_iso(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    auto year = text.substr(0, 4), month = text.substr(5, 2), day = text.substr(8, 2);
    if (!all_digits(year) || !all_digits(month) || !all_digits(day))
        return std::nullopt;
    Date date { small_number(year), small_number(month), small_number(day) };
    if (!is_valid_date(date))
        return std::nullopt;
    return date;
}

// [SECTION] Text helpers: UTF-8, trimming, separators

namespace {

constexpr char32_t invalid_code_point = 0xFFFFFFFF;

// Decodes the code point at `at` and moves past it; malformed sequences give invalid_code_point.
char32_t next_code_point(std::string_view text, size_t& at)
{
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    size_t length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0 || at + length > text.size()) {
        ++at;
        return invalid_code_point;
    }
    char32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80) {
            ++at;
            return invalid_code_point;
        }
        code = (code << 6) | (byte(at + i) & 0x3F);
    }
    at += length;
    static constexpr std::array<char32_t, 5> smallest { 0, 0, 0x80, 0x800, 0x10000 };
    if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return invalid_code_point;
    return code;
}

size_t code_point_count(std::string_view text)
{
    return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// French typing brings non-breaking spaces (U+00A0, U+202F) along with ordinary ones.
bool is_space(char32_t c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x202F; }

// The length in bytes of the space that starts at `at`, or 0.
size_t space_at(std::string_view text, size_t at)
{
    size_t next = at;
    return is_space(next_code_point(text, next)) ? next - at : 0;
}

// The length in bytes of the space that ends just before `end`, or 0.
size_t space_before(std::string_view text, size_t end)
{
    for (size_t length = 1; length <= 3 && length <= end; ++length)
        if (space_at(text, end - length) == length)
            return length;
    return 0;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty()) {
        auto length = space_at(text, 0);
        if (length == 0)
            break;
        text.remove_prefix(length);
    }
    while (!text.empty()) {
        auto length = space_before(text, text.size());
        if (length == 0)
            break;
        text.remove_suffix(length);
    }
    return text;
}

std::string upper_ascii(std::string text)
{
    for (char& c : text)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return text;
}

std::string lower_ascii(std::string text)
{
    for (char& c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The text with each malformed UTF-8 sequence replaced by U+FFFD: what is kept must be writable as JSON
// (nlohmann's dump() throws on malformed UTF-8), whatever a script or a broken input method typed.
std::string valid_utf8(std::string_view text)
{
    std::string valid;
    valid.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        size_t start = at;
        if (next_code_point(text, at) == invalid_code_point)
            valid += "\uFFFD";
        else
            valid.append(text.substr(start, at - start));
    }
    return valid;
}

// What the screens put in a text box; numbers are accepted so that a stored answer can be checked again.
// Anything else is not an answer the field can read, so it counts as left empty.
std::string draft_text(const nlohmann::json& draft)
{
    if (draft.is_string())
        return valid_utf8(draft.get_ref<const std::string&>());
    if (draft.is_number_integer())
        return std::to_string(draft.get<int64_t>());
    return {};
}

}

std::string strip_separators(std::string_view text)
{
    std::string kept;
    kept.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        size_t start = at;
        char32_t c = next_code_point(text, at);
        // U+2010..U+2015 are the hyphens and dashes a phone's keyboard or a copied text may bring.
        bool separator = is_space(c) || c == '.' || c == '-' || (c >= 0x2010 && c <= 0x2015);
        if (!separator)
            kept.append(text.substr(start, at - start));
    }
    return kept;
}

// [SECTION] NIR and IBAN

namespace {

// The NIR without its key checked: sex, birth year and month, department (2A/2B in Corsica), commune,
// order number, key. Months are not checked: unknown months are written 20, 30-42 or 50-99.
bool nir_shape_ok(std::string_view nir)
{
    if (nir.size() != 15)
        return false;
    if (std::string_view("123478").find(nir[0]) == std::string_view::npos)
        return false;
    for (size_t i = 1; i < 15; ++i) {
        bool corsica = (i == 6 && nir[5] == '2' && (nir[6] == 'A' || nir[6] == 'B'));
        if (!is_digit(nir[i]) && !corsica)
            return false;
    }
    return true;
}

bool nir_key_ok(std::string_view nir)
{
    // Corsica's 2A and 2B count as 19 and 18 in the key, as if their letter were 0 and the number were
    // reduced by 1 or 2 million.
    std::string digits(nir.substr(0, 13));
    if (digits[6] == 'A')
        digits.replace(5, 2, "19");
    else if (digits[6] == 'B')
        digits.replace(5, 2, "18");
    int64_t number = 0;
    for (char c : digits)
        number = number * 10 + (c - '0');
    int key = small_number(nir.substr(13, 2));
    return key == 97 - static_cast<int>(number % 97);
}

bool iban_shape_ok(std::string_view iban)
{
    if (iban.size() < 15 || iban.size() > 34)
        return false;
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (!upper(iban[0]) || !upper(iban[1]) || !is_digit(iban[2]) || !is_digit(iban[3]))
        return false;
    return std::all_of(iban.begin() + 4, iban.end(), [&](char c) { return is_digit(c) || upper(c); });
}

bool iban_checksum_ok(std::string_view iban)
{
    // The number is up to 60 digits long, so the remainder is carried one character at a time.
    auto rearranged = std::string(iban.substr(4)) + std::string(iban.substr(0, 4));
    int remainder = 0;
    for (char c : rearranged) {
        if (is_digit(c))
            remainder = (remainder * 10 + (c - '0')) % 97;
        else
            remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    }
    return remainder == 1;
}

}

bool nir_valid(std::string_view normalized) { return nir_shape_ok(normalized) && nir_key_ok(normalized); }

bool iban_valid(std::string_view normalized) { return iban_shape_ok(normalized) && iban_checksum_ok(normalized); }

// [SECTION] Text presets

namespace {

// Letters of the Latin alphabets, accented or not: French, and the languages of the people who use the
// kiosk (Portuguese, Spanish, German, Polish, Vietnamese, …). Other scripts are refused because the
// administrations that receive the answer expect a name in Latin letters.
bool is_name_letter(char32_t c)
{
    if (c < 0x80)
        return is_ascii_letter(static_cast<char>(c));
    if (c >= 0xC0 && c <= 0x24F)
        return c != 0xD7 && c != 0xF7; // × and ÷ sit among the Latin-1 letters
    return c >= 0x1E00 && c <= 0x1EFF;
}

bool is_combining_mark(char32_t c) { return c >= 0x300 && c <= 0x36F; }

Checked check_person_name(std::string_view text)
{
    std::string name;
    bool pending_space = false, any_letter = false;
    char32_t previous = 0;
    for (size_t at = 0; at < text.size();) {
        size_t start = at;
        char32_t c = next_code_point(text, at);
        if (is_space(c)) {
            pending_space = true;
            previous = 0;
            continue;
        }
        // A decomposed accent (e + U+0301) is a letter too, but only on a letter.
        bool allowed = is_name_letter(c) || c == '\'' || c == 0x2019 || c == '-' || (is_combining_mark(c) && is_name_letter(previous));
        if (!allowed)
            return refuse("invalid_name");
        if (pending_space)
            name += ' ';
        pending_space = false;
        any_letter = any_letter || is_name_letter(c);
        name.append(text.substr(start, at - start));
        previous = is_combining_mark(c) ? previous : c;
    }
    if (!any_letter)
        return refuse("invalid_name");
    if (code_point_count(name) > 100)
        return refuse("too_long", "max", 100);
    return name;
}

Checked check_postcode(std::string_view text, const CheckContext& ctx)
{
    auto postcode = strip_separators(text);
    if (postcode.size() != 5 || !all_digits(postcode))
        return refuse("invalid_postcode");
    if (ctx.postcode_exists && !ctx.postcode_exists(postcode))
        return refuse("unknown_postcode");
    return postcode;
}

Checked check_phone(std::string_view text)
{
    auto phone = strip_separators(text);
    // "+33 (0)6 12 34 56 78" is how many people write an international French number.
    for (std::string_view prefix : { "+33(0)", "0033(0)" })
        if (phone.starts_with(prefix))
            phone.replace(0, prefix.size(), std::string(prefix.substr(0, prefix.size() - 3)));
    std::string_view subscriber;
    if (phone.starts_with("+33"))
        subscriber = std::string_view(phone).substr(3);
    else if (phone.starts_with("0033"))
        subscriber = std::string_view(phone).substr(4);
    else if (phone.starts_with("0"))
        subscriber = std::string_view(phone).substr(1);
    if (subscriber.size() != 9 || !all_digits(subscriber) || subscriber[0] == '0')
        return refuse("invalid_phone");
    return "0" + std::string(subscriber);
}

Checked check_email(std::string_view text)
{
    // Pragmatic: catch the typing mistakes a citizen makes, not every corner of RFC 5322.
    if (text.size() > 254)
        return refuse("invalid_email");
    for (size_t at = 0; at < text.size();) {
        char32_t c = next_code_point(text, at);
        if (c == invalid_code_point || is_space(c) || c < 0x20 || c == 0x7F)
            return refuse("invalid_email");
    }
    auto at_sign = text.find('@');
    if (at_sign == std::string_view::npos || text.find('@', at_sign + 1) != std::string_view::npos)
        return refuse("invalid_email");
    auto local = text.substr(0, at_sign), domain = text.substr(at_sign + 1);
    if (local.empty() || domain.empty())
        return refuse("invalid_email");
    bool domain_chars_ok = std::all_of(domain.begin(), domain.end(), [](char c) {
        return is_ascii_letter(c) || is_digit(c) || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
    });
    auto last_dot = domain.rfind('.');
    if (!domain_chars_ok || last_dot == std::string_view::npos || domain.front() == '.'
        || domain.find("..") != std::string_view::npos || domain.size() - last_dot - 1 < 2)
        return refuse("invalid_email");
    return std::string(local) + "@" + lower_ascii(std::string(domain));
}

Checked check_nir(std::string_view text)
{
    auto nir = upper_ascii(strip_separators(text));
    if (!nir_shape_ok(nir))
        return refuse("invalid_nir");
    if (!nir_key_ok(nir))
        return refuse("nir_key");
    return nir;
}

Checked check_tax_number(std::string_view text)
{
    auto number = strip_separators(text);
    if (number.size() != 13 || !all_digits(number) || number[0] > '3')
        return refuse("invalid_tax_number");
    return number;
}

Checked check_iban(std::string_view text)
{
    auto iban = upper_ascii(strip_separators(text));
    if (!iban_shape_ok(iban))
        return refuse("invalid_iban");
    if (!iban_checksum_ok(iban))
        return refuse("iban_check");
    return iban;
}

// [SECTION] One check per field type

Checked check_text(const FieldRules& rules, const nlohmann::json& draft, const CheckContext& ctx)
{
    auto typed = draft_text(draft);
    auto text = trim(typed);
    if (text.empty())
        return empty_answer(rules);
    switch (rules.preset) {
    case TextPreset::Free:
        if (code_point_count(text) > static_cast<size_t>(std::max(rules.max_length, 0)))
            return refuse("too_long", "max", rules.max_length);
        return std::string(text);
    case TextPreset::PersonName:
        return check_person_name(text);
    case TextPreset::Postcode:
        return check_postcode(text, ctx);
    case TextPreset::Phone:
        return check_phone(text);
    case TextPreset::Email:
        return check_email(text);
    case TextPreset::Nir:
        return check_nir(text);
    case TextPreset::TaxNumber:
        return check_tax_number(text);
    case TextPreset::Iban:
        return check_iban(text);
    }
    return refuse("required");
}

// Spaces group thousands ("1 500"); a dot is accepted only where it groups thousands too ("1.500"),
// because reading "1.5" as 15 would change what the citizen meant.
std::optional<std::string> number_digits(std::string_view text)
{
    std::string kept;
    for (size_t at = 0; at < text.size();) {
        size_t start = at;
        char32_t c = next_code_point(text, at);
        if (!is_space(c))
            kept.append(text.substr(start, at - start));
    }
    std::string_view digits = kept;
    bool negative = digits.starts_with('-');
    if (negative)
        digits.remove_prefix(1);
    std::string plain;
    size_t group = 0;
    bool grouped = false;
    for (size_t i = 0; i < digits.size(); ++i) {
        char c = digits[i];
        if (c == '.') {
            if ((grouped && group != 3) || (!grouped && (group == 0 || group > 3)))
                return std::nullopt;
            grouped = true;
            group = 0;
            continue;
        }
        if (!is_digit(c))
            return std::nullopt;
        plain += c;
        ++group;
    }
    if (plain.empty() || (grouped && group != 3))
        return std::nullopt;
    return (negative ? "-" : "") + plain;
}

Checked check_number(const FieldRules& rules, const nlohmann::json& draft)
{
    if (draft.is_number_float())
        return refuse("not_a_number");
    auto typed = draft_text(draft);
    auto text = trim(typed);
    if (text.empty())
        return empty_answer(rules);
    auto digits = number_digits(text);
    if (!digits)
        return refuse("not_a_number");
    int64_t value = 0;
    auto [end, error] = std::from_chars(digits->data(), digits->data() + digits->size(), value);
    if (error == std::errc::result_out_of_range) {
        // Too many digits to hold: further from any bound than a number that fits.
        bool negative = digits->starts_with('-');
        if (negative && rules.min)
            return refuse("too_small", "min", *rules.min);
        if (!negative && rules.max)
            return refuse("too_large", "max", *rules.max);
        return refuse("not_a_number");
    }
    if (error != std::errc() || end != digits->data() + digits->size())
        return refuse("not_a_number");
    if (rules.min && value < *rules.min)
        return refuse("too_small", "min", *rules.min);
    if (rules.max && value > *rules.max)
        return refuse("too_large", "max", *rules.max);
    return value;
}

std::string date_part(const nlohmann::json& draft, const char* key)
{
    auto part = draft.find(key);
    if (part == draft.end())
        return {};
    return std::string(trim(draft_text(*part)));
}

Checked check_date(const FieldRules& rules, const nlohmann::json& draft, const CheckContext& ctx)
{
    std::optional<Date> date;
    if (draft.is_object()) {
        auto day = date_part(draft, "day"), month = date_part(draft, "month"), year = date_part(draft, "year");
        if (day.empty() && month.empty() && year.empty())
            return empty_answer(rules);
        // A two-digit year would be a guess between centuries, so the keypad asks for four.
        if (!all_digits(day) || day.size() > 2 || !all_digits(month) || month.size() > 2 || !all_digits(year) || year.size() != 4)
            return refuse("invalid_date");
        date = Date { small_number(year), small_number(month), small_number(day) };
        if (!is_valid_date(*date))
            return refuse("invalid_date");
    } else {
        // An ISO string is a stored answer being checked again, for example when a step is changed.
        auto typed = draft_text(draft);
        auto text = trim(typed);
        if (text.empty())
            return empty_answer(rules);
        date = from_iso(text);
        if (!date)
            return refuse("invalid_date");
    }
    const auto& date_rules = rules.date;
    if (date_rules.past && *date > ctx.today)
        return refuse("date_in_future");
    if (date_rules.future && *date < ctx.today)
        return refuse("date_in_past");
    if (date_rules.min_age && age_on(*date, ctx.today) < *date_rules.min_age)
        return refuse("too_young", "min", *date_rules.min_age);
    if (date_rules.max_age && age_on(*date, ctx.today) > *date_rules.max_age)
        return refuse("too_old", "max", *date_rules.max_age);
    return to_iso(*date);
}

// The screens only offer the field's values, so an unknown value means nothing usable was chosen.
Checked check_choice(const FieldRules& rules, const nlohmann::json& draft, const std::vector<std::string>& values)
{
    if (!draft.is_string())
        return empty_answer(rules);
    auto chosen = draft.get<std::string>();
    if (std::find(values.begin(), values.end(), chosen) == values.end())
        return empty_answer(rules);
    return chosen;
}

Checked check_yes_no(const FieldRules& rules, const nlohmann::json& draft)
{
    if (draft.is_boolean())
        return draft.get<bool>() ? "yes" : "no";
    static const std::vector<std::string> values { "yes", "no" };
    return check_choice(rules, draft, values);
}

Checked check_multi_choice(const FieldRules& rules, const nlohmann::json& draft)
{
    std::vector<std::string> chosen;
    if (draft.is_array())
        for (auto& value : draft)
            if (value.is_string())
                chosen.push_back(value.get<std::string>());
    // Option order, each once: the answer compares equal however the citizen toggled the buttons.
    nlohmann::json answer = nlohmann::json::array();
    for (auto& value : rules.option_values)
        if (std::find(chosen.begin(), chosen.end(), value) != chosen.end() && std::find(answer.begin(), answer.end(), value) == answer.end())
            answer.push_back(value);
    if (answer.empty())
        return empty_answer(rules);
    int count = static_cast<int>(answer.size());
    int min_selected = rules.min_selected.value_or(rules.required ? 1 : 0);
    if (count < min_selected)
        return refuse("too_few_selected", "min", min_selected);
    if (rules.max_selected && count > *rules.max_selected)
        return refuse("too_many_selected", "max", *rules.max_selected);
    return answer;
}

Checked check_consent(const FieldRules& rules, const nlohmann::json& draft)
{
    if ((draft.is_string() && draft.get<std::string>() == "yes") || (draft.is_boolean() && draft.get<bool>()))
        return "yes";
    if (rules.required)
        return refuse("consent_required");
    return nlohmann::json(nullptr);
}

Checked check_address(const FieldRules& rules, const nlohmann::json& draft, const CheckContext& ctx)
{
    if (!draft.is_object())
        return empty_answer(rules);
    auto part = [&](const char* key) {
        auto found = draft.find(key);
        return found == draft.end() ? std::string() : std::string(trim(draft_text(*found)));
    };
    auto street = part("street"), postcode = part("postcode"), commune = part("commune"), insee = part("insee");
    if (street.empty() && postcode.empty() && commune.empty() && insee.empty())
        return empty_answer(rules);
    // Once the citizen has started an address, every part of it is needed, even in an optional field.
    if (street.empty())
        return refuse("required");
    auto checked_postcode = check_postcode(postcode, ctx);
    if (!checked_postcode)
        return checked_postcode;
    if (commune.empty())
        return refuse("choose_commune");
    return nlohmann::json {
        { "street", street },
        { "postcode", *checked_postcode },
        { "commune", commune },
        { "insee", insee },
    };
}

}

// [SECTION] check_answer

std::expected<nlohmann::json, FieldError> check_answer(const FieldRules& rules, const nlohmann::json& draft, const CheckContext& ctx)
{
    switch (rules.type) {
    case FieldType::Text:
        return check_text(rules, draft, ctx);
    case FieldType::Number:
        return check_number(rules, draft);
    case FieldType::Date:
        return check_date(rules, draft, ctx);
    case FieldType::Choice:
        return check_choice(rules, draft, rules.option_values);
    case FieldType::MultiChoice:
        return check_multi_choice(rules, draft);
    case FieldType::YesNo:
        return check_yes_no(rules, draft);
    case FieldType::Consent:
        return check_consent(rules, draft);
    case FieldType::Address:
        return check_address(rules, draft, ctx);
    }
    return refuse("required");
}

}
