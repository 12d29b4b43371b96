// The field checks: every type and text preset with answers that pass and answers that are refused,
// the error codes and their {min}/{max} values, and the normalized answers of docs/procedures.md.
#include "kiosk/core/field_check.h"

#include <catch2/catch.hpp>

#include <set>

using namespace guichet;
using nlohmann::json;

namespace {

const Date today { 2026, 5, 10 };

CheckContext context_on(Date day = today) { return CheckContext { day, {} }; }

FieldRules rules_for(FieldType type, bool required = true)
{
    FieldRules rules;
    rules.type = type;
    rules.required = required;
    return rules;
}

FieldRules text_rules(TextPreset preset, bool required = true)
{
    auto rules = rules_for(FieldType::Text, required);
    rules.preset = preset;
    return rules;
}

// The answer kept, or a string naming the refusal, so that a failed CHECK shows both sides.
json answer(const FieldRules& rules, const json& draft, const CheckContext& ctx = context_on())
{
    auto result = check_answer(rules, draft, ctx);
    if (!result)
        return "error:" + result.error().code;
    return *result;
}

std::string error_code(const FieldRules& rules, const json& draft, const CheckContext& ctx = context_on())
{
    auto result = check_answer(rules, draft, ctx);
    return result ? "(accepted: " + result->dump() + ")" : result.error().code;
}

std::vector<std::pair<std::string, std::string>> error_values(const FieldRules& rules, const json& draft, const CheckContext& ctx = context_on())
{
    auto result = check_answer(rules, draft, ctx);
    std::vector<std::pair<std::string, std::string>> values;
    if (!result)
        for (auto& [key, value] : result.error().values)
            values.emplace_back(key, value);
    return values;
}

json date_draft(std::string day, std::string month, std::string year)
{
    return json { { "day", day }, { "month", month }, { "year", year } };
}

// The NIR key computed the way the INSEE describes it, independently of the code under test: Corsica's
// letter counts as 0 and the number is reduced by 1 000 000 (2A) or 2 000 000 (2B).
std::string with_nir_key(std::string first13)
{
    auto digits = first13;
    int64_t reduction = 0;
    if (digits[6] == 'A' || digits[6] == 'B') {
        reduction = digits[6] == 'A' ? 1000000 : 2000000;
        digits[6] = '0';
    }
    int64_t number = std::stoll(digits) - reduction;
    int key = 97 - static_cast<int>(number % 97);
    return first13 + (key < 10 ? "0" : "") + std::to_string(key);
}

json address(std::string street, std::string postcode, std::string commune, std::string insee)
{
    return json { { "street", street }, { "postcode", postcode }, { "commune", commune }, { "insee", insee } };
}

}

TEST_CASE("field types and presets have the documented names", "[field]")
{
    std::vector<std::pair<FieldType, std::string>> types {
        { FieldType::Text, "text" }, { FieldType::Number, "number" }, { FieldType::Date, "date" },
        { FieldType::Choice, "choice" }, { FieldType::MultiChoice, "multi_choice" }, { FieldType::YesNo, "yes_no" },
        { FieldType::Consent, "consent" }, { FieldType::Address, "address" },
    };
    for (auto& [type, name] : types) {
        CHECK(field_type_name(type) == name);
        CHECK(field_type_from_name(name) == type);
    }
    std::vector<std::pair<TextPreset, std::string>> presets {
        { TextPreset::Free, "free" }, { TextPreset::PersonName, "person_name" }, { TextPreset::Postcode, "postcode" },
        { TextPreset::Phone, "phone" }, { TextPreset::Email, "email" }, { TextPreset::Nir, "nir" },
        { TextPreset::TaxNumber, "tax_number" }, { TextPreset::Iban, "iban" },
    };
    for (auto& [preset, name] : presets) {
        CHECK(preset_name(preset) == name);
        CHECK(preset_from_name(name) == preset);
    }
    CHECK_FALSE(field_type_from_name("Text"));
    CHECK_FALSE(field_type_from_name("multichoice"));
    CHECK_FALSE(field_type_from_name(""));
    CHECK_FALSE(preset_from_name("name"));
    CHECK_FALSE(preset_from_name("IBAN"));
}

TEST_CASE("is_valid_date knows the calendar", "[field]")
{
    CHECK(is_valid_date({ 1980, 2, 28 }));
    CHECK_FALSE(is_valid_date({ 1980, 2, 30 }));
    CHECK_FALSE(is_valid_date({ 1980, 2, 31 }));
    CHECK(is_valid_date({ 2024, 2, 29 }));       // divisible by 4
    CHECK_FALSE(is_valid_date({ 2023, 2, 29 })); // not
    CHECK_FALSE(is_valid_date({ 1900, 2, 29 })); // a century not divisible by 400
    CHECK(is_valid_date({ 2000, 2, 29 }));       // divisible by 400
    CHECK_FALSE(is_valid_date({ 2100, 2, 29 }));
    CHECK(is_valid_date({ 2026, 4, 30 }));
    CHECK_FALSE(is_valid_date({ 2026, 4, 31 }));
    CHECK(is_valid_date({ 2026, 12, 31 }));
    CHECK(is_valid_date({ 2026, 1, 31 }));
    CHECK_FALSE(is_valid_date({ 2026, 0, 10 }));
    CHECK_FALSE(is_valid_date({ 2026, 13, 10 }));
    CHECK_FALSE(is_valid_date({ 2026, 5, 0 }));
    CHECK_FALSE(is_valid_date({ 2026, 5, -1 }));
    CHECK(is_valid_date({ 1900, 1, 1 }));
    CHECK(is_valid_date({ 2200, 12, 31 }));
    CHECK_FALSE(is_valid_date({ 1899, 12, 31 }));
    CHECK_FALSE(is_valid_date({ 2201, 1, 1 }));
    CHECK_FALSE(is_valid_date({}));
}

TEST_CASE("age_on counts whole years and the birthday itself", "[field]")
{
    CHECK(age_on({ 2008, 5, 10 }, { 2026, 5, 10 }) == 18); // the birthday
    CHECK(age_on({ 2008, 5, 10 }, { 2026, 5, 9 }) == 17);  // the day before
    CHECK(age_on({ 2008, 5, 10 }, { 2026, 4, 30 }) == 17);
    CHECK(age_on({ 2008, 5, 10 }, { 2026, 6, 1 }) == 18);
    CHECK(age_on({ 2008, 5, 10 }, { 2008, 5, 10 }) == 0);
    CHECK(age_on({ 2026, 5, 11 }, { 2026, 5, 10 }) == -1); // not born yet
    // Born on 29 February: a year older on 1 March in the years without one.
    CHECK(age_on({ 2008, 2, 29 }, { 2026, 2, 28 }) == 17);
    CHECK(age_on({ 2008, 2, 29 }, { 2026, 3, 1 }) == 18);
    CHECK(age_on({ 2008, 2, 29 }, { 2028, 2, 29 }) == 20);
}

TEST_CASE("to_iso pads and from_iso reads only YYYY-MM-DD", "[field]")
{
    CHECK(to_iso({ 1980, 2, 1 }) == "1980-02-01");
    CHECK(to_iso({ 2026, 12, 31 }) == "2026-12-31");
    CHECK(from_iso("1980-02-01") == Date { 1980, 2, 1 });
    CHECK(from_iso("2024-02-29") == Date { 2024, 2, 29 });
    for (auto bad : { "", "1980-2-1", "1980-02-1", "80-02-01", "1980/02/01", "1980-02-01 ", " 1980-02-01",
             "1980-02-30", "2023-02-29", "1980-13-01", "1980-00-10", "1899-12-31", "19a0-02-01", "1980-+2-01",
             "1980-02-01T00:00" })
        CHECK_FALSE(from_iso(bad));
    for (auto date : { Date { 1900, 1, 1 }, Date { 2000, 2, 29 }, Date { 2200, 12, 31 } })
        CHECK(from_iso(to_iso(date)) == date);
}

TEST_CASE("an empty draft is refused as required or kept as null when optional", "[field]")
{
    std::vector<std::pair<FieldType, std::vector<json>>> empties {
        { FieldType::Text, { nullptr, "", "   ", "\t\n", "\xC2\xA0\xE2\x80\xAF" } },
        { FieldType::Number, { nullptr, "", "  " } },
        { FieldType::Date, { nullptr, "", date_draft("", "", ""), date_draft(" ", "", " "), json::object() } },
        { FieldType::Choice, { nullptr, "" } },
        { FieldType::MultiChoice, { nullptr, json::array() } },
        { FieldType::YesNo, { nullptr, "" } },
        { FieldType::Address, { nullptr, address("", "", "", ""), address("  ", " ", "", ""), json::object() } },
    };
    for (auto& [type, drafts] : empties) {
        for (auto& draft : drafts) {
            INFO(field_type_name(type) << " " << draft.dump());
            CHECK(error_code(rules_for(type), draft) == "required");
            CHECK(answer(rules_for(type, false), draft) == json(nullptr));
        }
    }
    for (auto preset : { TextPreset::Free, TextPreset::PersonName, TextPreset::Postcode, TextPreset::Phone,
             TextPreset::Email, TextPreset::Nir, TextPreset::TaxNumber, TextPreset::Iban }) {
        INFO(preset_name(preset));
        CHECK(error_code(text_rules(preset), " ") == "required");
        CHECK(answer(text_rules(preset, false), " ") == json(nullptr));
    }
    // A consent that is not given has its own message.
    CHECK(error_code(rules_for(FieldType::Consent), nullptr) == "consent_required");
    CHECK(answer(rules_for(FieldType::Consent, false), nullptr) == json(nullptr));
}

TEST_CASE("numbers are integers within their bounds", "[field]")
{
    auto rules = rules_for(FieldType::Number);
    CHECK(answer(rules, "3") == 3);
    CHECK(answer(rules, " 42 ") == 42);
    CHECK(answer(rules, "0") == 0);
    CHECK(answer(rules, "007") == 7);
    CHECK(answer(rules, "-12") == -12);
    CHECK(answer(rules, "1 500") == 1500);
    CHECK(answer(rules, "1\xC2\xA0" "500") == 1500); // a non-breaking space between thousands
    CHECK(answer(rules, "1.500") == 1500);
    CHECK(answer(rules, "1.234.567") == 1234567);
    CHECK(answer(rules, "9223372036854775807") == INT64_MAX);
    CHECK(answer(rules, json(5)) == 5); // a stored answer checked again
    CHECK(answer(rules, "3").is_number_integer());

    for (auto bad : { "abc", "3a", "-", "--3", "+3", "1,5", "1.5", "1.50", "12345.678", ".500", "1.", "3-", "1e3",
             "٣", "½" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "not_a_number");
    }
    CHECK(error_code(rules, json(2.5)) == "not_a_number");
    CHECK(error_code(rules, "99999999999999999999") == "not_a_number"); // no bound to compare with

    rules.min = 1;
    rules.max = 15;
    CHECK(answer(rules, "1") == 1);
    CHECK(answer(rules, "15") == 15);
    CHECK(error_code(rules, "0") == "too_small");
    CHECK(error_values(rules, "0") == std::vector<std::pair<std::string, std::string>> { { "min", "1" } });
    CHECK(error_code(rules, "-4") == "too_small");
    CHECK(error_code(rules, "16") == "too_large");
    CHECK(error_values(rules, "16") == std::vector<std::pair<std::string, std::string>> { { "max", "15" } });
    CHECK(error_code(rules, "99999999999999999999") == "too_large");
    CHECK(error_code(rules, "-99999999999999999999") == "too_small");

    rules.min = -10;
    rules.max = std::nullopt;
    CHECK(answer(rules, "-10") == -10);
    CHECK(answer(rules, "1000000") == 1000000);
    CHECK(error_values(rules, "-11") == std::vector<std::pair<std::string, std::string>> { { "min", "-10" } });
}

TEST_CASE("dates are typed as day month and year and kept as YYYY-MM-DD", "[field]")
{
    auto rules = rules_for(FieldType::Date);
    CHECK(answer(rules, date_draft("1", "2", "1980")) == "1980-02-01");
    CHECK(answer(rules, date_draft("01", "02", "1980")) == "1980-02-01");
    CHECK(answer(rules, date_draft(" 28 ", "2", "1980")) == "1980-02-28");
    CHECK(answer(rules, date_draft("29", "2", "2024")) == "2024-02-29"); // a leap year
    CHECK(answer(rules, date_draft("29", "2", "2000")) == "2000-02-29");
    CHECK(answer(rules, json { { "day", 14 }, { "month", 7 }, { "year", 1989 } }) == "1989-07-14");
    CHECK(answer(rules, "1980-02-01") == "1980-02-01"); // a stored answer checked again

    CHECK(error_code(rules, date_draft("31", "2", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("30", "2", "2024")) == "invalid_date");
    CHECK(error_code(rules, date_draft("29", "2", "2023")) == "invalid_date"); // not a leap year
    CHECK(error_code(rules, date_draft("29", "2", "1900")) == "invalid_date");
    CHECK(error_code(rules, date_draft("31", "4", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("0", "4", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("10", "13", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("10", "00", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("1", "2", "80")) == "invalid_date"); // the year has four digits
    CHECK(error_code(rules, date_draft("1", "2", "01980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("1", "2", "1899")) == "invalid_date");
    CHECK(error_code(rules, date_draft("1", "2", "2201")) == "invalid_date");
    CHECK(error_code(rules, date_draft("001", "2", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("1a", "2", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("-1", "2", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("1", "fé", "1980")) == "invalid_date");
    CHECK(error_code(rules, date_draft("", "2", "1980")) == "invalid_date"); // started, not finished
    CHECK(error_code(rules, date_draft("1", "", "")) == "invalid_date");
    CHECK(error_code(rules, "1980-2-1") == "invalid_date");
    CHECK(error_code(rules_for(FieldType::Date, false), date_draft("", "", "1980")) == "invalid_date");
}

TEST_CASE("the past and future rules compare with today", "[field]")
{
    auto rules = rules_for(FieldType::Date);
    rules.date.past = true;
    CHECK(answer(rules, date_draft("10", "5", "2026")) == "2026-05-10"); // today is not after today
    CHECK(answer(rules, date_draft("9", "5", "2026")) == "2026-05-09");
    CHECK(error_code(rules, date_draft("11", "5", "2026")) == "date_in_future");
    CHECK(error_code(rules, date_draft("1", "1", "2027")) == "date_in_future");

    rules.date.past = false;
    rules.date.future = true;
    CHECK(answer(rules, date_draft("10", "5", "2026")) == "2026-05-10");
    CHECK(answer(rules, date_draft("11", "5", "2026")) == "2026-05-11");
    CHECK(error_code(rules, date_draft("9", "5", "2026")) == "date_in_past");
    CHECK(error_code(rules, date_draft("31", "12", "2025")) == "date_in_past");

    // Without rules any real date passes.
    auto free_rules = rules_for(FieldType::Date);
    CHECK(answer(free_rules, date_draft("1", "1", "2100")) == "2100-01-01");
    CHECK(answer(free_rules, date_draft("1", "1", "1901")) == "1901-01-01");
}

TEST_CASE("min_age and max_age are decided on the birthday", "[field]")
{
    auto rules = rules_for(FieldType::Date);
    rules.date.min_age = 18;
    CHECK(answer(rules, date_draft("10", "5", "2008")) == "2008-05-10"); // 18 today
    CHECK(error_code(rules, date_draft("11", "5", "2008")) == "too_young"); // 18 tomorrow
    CHECK(error_values(rules, date_draft("11", "5", "2008")) == std::vector<std::pair<std::string, std::string>> { { "min", "18" } });
    CHECK(answer(rules, date_draft("1", "1", "1950")) == "1950-01-01");
    CHECK(error_code(rules, date_draft("1", "1", "2030")) == "too_young"); // not born yet

    // Born on 29 February 2008: 18 on 1 March 2026.
    CHECK(error_code(rules, date_draft("29", "2", "2008"), context_on({ 2026, 2, 28 })) == "too_young");
    CHECK(answer(rules, date_draft("29", "2", "2008"), context_on({ 2026, 3, 1 })) == "2008-02-29");

    rules.date.min_age = std::nullopt;
    rules.date.max_age = 25;
    CHECK(answer(rules, date_draft("11", "5", "2000")) == "2000-05-11"); // 25 until tomorrow
    CHECK(error_code(rules, date_draft("10", "5", "2000")) == "too_old"); // 26 today
    CHECK(error_values(rules, date_draft("10", "5", "2000")) == std::vector<std::pair<std::string, std::string>> { { "max", "25" } });
    CHECK(answer(rules, date_draft("1", "1", "2020")) == "2020-01-01");

    rules.date.min_age = 16;
    rules.date.past = true;
    CHECK(answer(rules, date_draft("1", "6", "2005")) == "2005-06-01");
    CHECK(error_code(rules, date_draft("1", "6", "2027")) == "date_in_future"); // the plainer message first
}

TEST_CASE("free text is trimmed and its length counted in characters", "[field]")
{
    auto rules = text_rules(TextPreset::Free);
    CHECK(answer(rules, "  Bonjour  ") == "Bonjour");
    CHECK(answer(rules, "\xC2\xA0" "deux  espaces\n") == "deux  espaces"); // only the ends
    CHECK(answer(rules, "Cœur d’Émeraude — « ici »") == "Cœur d’Émeraude — « ici »");
    CHECK(answer(rules, json(12)) == "12");

    rules.max_length = 5;
    CHECK(answer(rules, "éééée") == "éééée"); // 5 characters in 10 bytes
    CHECK(answer(rules, "  abcde  ") == "abcde");
    CHECK(error_code(rules, "éééééé") == "too_long");
    CHECK(error_values(rules, "abcdef") == std::vector<std::pair<std::string, std::string>> { { "max", "5" } });
    CHECK(error_code(text_rules(TextPreset::Free), std::string(201, 'a')) == "too_long");
    CHECK(answer(text_rules(TextPreset::Free), std::string(200, 'a')) == std::string(200, 'a'));
}

TEST_CASE("person names accept accented letters apostrophes and hyphens", "[field]")
{
    auto rules = text_rules(TextPreset::PersonName);
    CHECK(answer(rules, "Dupont") == "Dupont");
    CHECK(answer(rules, "  Jean-François   de   La Tour ") == "Jean-François de La Tour");
    CHECK(answer(rules, "O'Connor") == "O'Connor");
    CHECK(answer(rules, "N’Diaye") == "N’Diaye");
    CHECK(answer(rules, "Œuvray Lætitia") == "Œuvray Lætitia");
    CHECK(answer(rules, "Gonçalves Conceição") == "Gonçalves Conceição");
    CHECK(answer(rules, "Muñoz Peña") == "Muñoz Peña");
    CHECK(answer(rules, "Straßer Müller") == "Straßer Müller");
    CHECK(answer(rules, "Łukasz Wiśniewski") == "Łukasz Wiśniewski");
    CHECK(answer(rules, "Nguyễn Thị") == "Nguyễn Thị");
    CHECK(answer(rules, "Ève\xC2\xA0Marie") == "Ève Marie"); // a non-breaking space becomes a space
    CHECK(answer(rules, "Rene\xCC\x81") == "Rene\xCC\x81");   // e + combining acute accent
    CHECK(answer(rules, "X") == "X");

    for (auto bad : { "Dupont2", "Jean_Pierre", "Marie.", "Anne & Paul", "M@rie", "Dupont, Jean", "×", "÷x",
             "Иван", "李", "'", "- -", "\xCC\x81" "a", "Ann\xC3" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_name");
    }
    CHECK(answer(rules, std::string(100, 'a')) == std::string(100, 'a'));
    std::string hundred_accents;
    for (int i = 0; i < 100; ++i)
        hundred_accents += "é";
    CHECK(answer(rules, hundred_accents) == hundred_accents); // 100 characters, 200 bytes
    CHECK(error_code(rules, std::string(101, 'a')) == "too_long");
    CHECK(error_values(rules, std::string(101, 'a')) == std::vector<std::pair<std::string, std::string>> { { "max", "100" } });
}

TEST_CASE("postcodes have 5 digits and exist in the offline table", "[field]")
{
    auto rules = text_rules(TextPreset::Postcode);
    CHECK(answer(rules, "38250") == "38250");
    CHECK(answer(rules, " 38 250 ") == "38250");
    CHECK(answer(rules, "75.001") == "75001");
    CHECK(answer(rules, "20000") == "20000"); // with no table, any well-formed postcode passes
    for (auto bad : { "3825", "382500", "3825O", "2A000", "abcde", "38250 Villard" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_postcode");
    }
    std::set<std::string, std::less<>> known { "38250", "75001" };
    CheckContext ctx { today, [&](std::string_view postcode) { return known.contains(postcode); } };
    CHECK(answer(rules, "38250", ctx) == "38250");
    CHECK(answer(rules, "75 001", ctx) == "75001"); // looked up without its separators
    CHECK(error_code(rules, "38251", ctx) == "unknown_postcode");
    CHECK(error_code(rules, "3825", ctx) == "invalid_postcode"); // the shape is checked first
}

TEST_CASE("French phone numbers in their usual spellings", "[field]")
{
    auto rules = text_rules(TextPreset::Phone);
    CHECK(answer(rules, "0612345678") == "0612345678");
    CHECK(answer(rules, "06 12 34 56 78") == "0612345678");
    CHECK(answer(rules, "06.12.34.56.78") == "0612345678");
    CHECK(answer(rules, "06-12-34-56-78") == "0612345678");
    CHECK(answer(rules, "01 42 76 40 40") == "0142764040");
    CHECK(answer(rules, "09\xC2\xA0" "87 65 43 21") == "0987654321");
    CHECK(answer(rules, "+33612345678") == "0612345678");
    CHECK(answer(rules, "+33 6 12 34 56 78") == "0612345678");
    CHECK(answer(rules, "0033 6 12 34 56 78") == "0612345678");
    CHECK(answer(rules, "+33 (0)6 12 34 56 78") == "0612345678");
    for (auto bad : { "061234567", "06123456789", "0012345678", "+330612345678", "+3361234567", "+44 7911 123456",
             "612345678", "06 12 34 56 7a", "(06) 12 34 56 78", "33612345678", "+33 (0)0 12 34 56 78" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_phone");
    }
}

TEST_CASE("email addresses get a pragmatic check and a lower-case domain", "[field]")
{
    auto rules = text_rules(TextPreset::Email);
    CHECK(answer(rules, "marie.dupont@example.fr") == "marie.dupont@example.fr");
    CHECK(answer(rules, "  Marie.Dupont@Example.FR ") == "Marie.Dupont@example.fr"); // the local part is kept
    CHECK(answer(rules, "jean+mairie@mail.service-public.fr") == "jean+mairie@mail.service-public.fr");
    CHECK(answer(rules, "a@b.co") == "a@b.co");
    for (auto bad : { "marie.dupont", "marie@", "@example.fr", "marie@example", "marie@@example.fr",
             "marie@dupont@example.fr", "marie dupont@example.fr", "marie@exam ple.fr", "marie@.example.fr",
             "marie@example..fr", "marie@example.fr.", "marie@example.f", "marie@example,fr", "marie@exa_mple.fr" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_email");
    }
    CHECK(error_code(rules, std::string(250, 'a') + "@example.fr") == "invalid_email");
}

TEST_CASE("NIR shape and key", "[field]")
{
    auto rules = text_rules(TextPreset::Nir);
    // The key of 1 84 12 76 451 089, worked out by hand: 1841276451089 mod 97 = 51, so the key is 46.
    CHECK(with_nir_key("1841276451089") == "184127645108946");
    CHECK(nir_valid("184127645108946"));
    CHECK(answer(rules, "1 84 12 76 451 089 46") == "184127645108946");
    CHECK(answer(rules, "1.84.12.76.451.089-46") == "184127645108946");

    for (auto first13 : { "2690549588157", "1550599006042", "2930375123456", "3800199123456", "7991299000001",
             "8000101000000", "2024020000123" }) {
        auto nir = with_nir_key(first13);
        INFO(nir);
        CHECK(nir_valid(nir));
        CHECK(answer(rules, nir) == nir);
    }

    // Corsica: 2A and 2B in place of the department's digits, lower-case accepted.
    auto corsica_a = with_nir_key("185052A004123");
    auto corsica_b = with_nir_key("295112B050042");
    CHECK(corsica_a == "185052A00412356");
    CHECK(nir_valid(corsica_a));
    CHECK(nir_valid(corsica_b));
    CHECK(answer(rules, "1 85 05 2a 004 123 56") == corsica_a);
    CHECK(answer(rules, corsica_b) == corsica_b);
    // The same digits with a plain department 20 have another key.
    CHECK(error_code(rules, "185052000412356") == "nir_key");

    // A wrong key, and a typo in the number that the key catches.
    CHECK(error_code(rules, "184127645108947") == "nir_key");
    CHECK(error_code(rules, "184127645108900") == "nir_key");
    CHECK(error_code(rules, "184127645198946") == "nir_key");
    CHECK_FALSE(nir_valid("184127645108947"));

    for (auto bad : { "18412764510894", "1841276451089466", "584127645108946", "084127645108946",
             "1841276451089AB", "18412A645108946", "185052C00412356", "1850A2000412356", "X84127645108946" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_nir");
        CHECK_FALSE(nir_valid(bad));
    }
}

TEST_CASE("tax numbers have 13 digits starting with 0 to 3", "[field]")
{
    auto rules = text_rules(TextPreset::TaxNumber);
    CHECK(answer(rules, "1234567890123") == "1234567890123");
    CHECK(answer(rules, "30 12 345 678 901") == "3012345678901");
    CHECK(answer(rules, "0123456789012") == "0123456789012");
    for (auto bad : { "4234567890123", "9234567890123", "123456789012", "12345678901234", "123456789012a" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_tax_number");
    }
}

TEST_CASE("IBAN shape and mod-97 check", "[field]")
{
    auto rules = text_rules(TextPreset::Iban);
    for (auto iban : { "FR7630006000011234567890189", "GB82WEST12345698765432", "DE89370400440532013000",
             "NO9386011117947", "MT84MALT011000012345MTLCAST001S" }) {
        INFO(iban);
        CHECK(iban_valid(iban));
        CHECK(answer(rules, iban) == iban);
    }
    CHECK(answer(rules, "fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189");
    CHECK(answer(rules, "GB82-WEST-1234-5698-7654-32") == "GB82WEST12345698765432");

    // One digit changed, two digits swapped, the wrong check digits.
    for (auto bad : { "FR7630006000011234567890188", "FR7630006000011234567809189", "GB83WEST12345698765432",
             "DE89370400440532013001" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "iban_check");
        CHECK_FALSE(iban_valid(bad));
    }
    for (auto bad : { "FR76300060000", "FR76300060000112345678901890123456789", "7630006000011234567890189FR",
             "F17630006000011234567890189", "FRA630006000011234567890189", "FR7630006000011234567890_89",
             "ÉR7630006000011234567890189" }) {
        INFO(bad);
        CHECK(error_code(rules, bad) == "invalid_iban");
        CHECK_FALSE(iban_valid(bad));
    }
    CHECK_FALSE(iban_valid("fr7630006000011234567890189")); // the building block expects normalized text
}

TEST_CASE("strip_separators removes spaces dots and dashes only", "[field]")
{
    CHECK(strip_separators("06 12.34-56 78") == "0612345678");
    CHECK(strip_separators("\t1\xC2\xA0" "2\xE2\x80\xAF" "3\n") == "123");
    CHECK(strip_separators("1–2‑3") == "123"); // en dash and non-breaking hyphen
    CHECK(strip_separators("2A/é+(0)") == "2A/é+(0)");
    CHECK(strip_separators("") == "");
    CHECK(strip_separators(" .-") == "");
}

TEST_CASE("choice and yes_no keep one of their values", "[field]")
{
    auto rules = rules_for(FieldType::Choice);
    rules.option_values = { "birth", "marriage", "death" };
    CHECK(answer(rules, "birth") == "birth");
    CHECK(answer(rules, "death") == "death");
    CHECK(error_code(rules, "divorce") == "required"); // not a value the screen offers
    CHECK(error_code(rules, "Birth") == "required");
    CHECK(error_code(rules, json(1)) == "required");
    auto optional = rules;
    optional.required = false;
    CHECK(answer(optional, "marriage") == "marriage");
    CHECK(answer(optional, "divorce") == json(nullptr));

    auto yes_no = rules_for(FieldType::YesNo);
    CHECK(answer(yes_no, "yes") == "yes");
    CHECK(answer(yes_no, "no") == "no");
    CHECK(answer(yes_no, true) == "yes");
    CHECK(answer(yes_no, false) == "no");
    CHECK(error_code(yes_no, "oui") == "required");
    CHECK(error_code(yes_no, "YES") == "required");
    CHECK(answer(rules_for(FieldType::YesNo, false), "no") == "no");
}

TEST_CASE("multi_choice keeps known values once in option order", "[field]")
{
    auto rules = rules_for(FieldType::MultiChoice);
    rules.option_values = { "rsa", "apl", "aah", "pension" };
    CHECK(answer(rules, json { "apl" }) == json { "apl" });
    CHECK(answer(rules, json { "pension", "rsa", "apl" }) == json { "rsa", "apl", "pension" });
    CHECK(answer(rules, json { "aah", "aah", "bogus", "rsa" }) == json { "rsa", "aah" });
    CHECK(error_code(rules, json { "bogus" }) == "required"); // nothing usable was chosen

    rules.min_selected = 2;
    rules.max_selected = 3;
    CHECK(answer(rules, json { "rsa", "apl" }) == json { "rsa", "apl" });
    CHECK(error_code(rules, json { "rsa" }) == "too_few_selected");
    CHECK(error_values(rules, json { "rsa", "rsa" }) == std::vector<std::pair<std::string, std::string>> { { "min", "2" } });
    CHECK(error_code(rules, json { "rsa", "apl", "aah", "pension" }) == "too_many_selected");
    CHECK(error_values(rules, json { "rsa", "apl", "aah", "pension" }) == std::vector<std::pair<std::string, std::string>> { { "max", "3" } });

    // Optional: nothing chosen is null, but a selection still counts against the bounds.
    auto optional = rules_for(FieldType::MultiChoice, false);
    optional.option_values = rules.option_values;
    CHECK(answer(optional, json::array()) == json(nullptr));
    CHECK(answer(optional, json { "apl" }) == json { "apl" });
    optional.min_selected = 2;
    CHECK(error_code(optional, json { "apl" }) == "too_few_selected");
    CHECK(answer(optional, json::array()) == json(nullptr));
}

TEST_CASE("a required consent must be given", "[field]")
{
    auto rules = rules_for(FieldType::Consent);
    CHECK(answer(rules, "yes") == "yes");
    CHECK(answer(rules, true) == "yes");
    CHECK(error_code(rules, "no") == "consent_required");
    CHECK(error_code(rules, false) == "consent_required");
    CHECK(error_code(rules, "") == "consent_required");
    auto optional = rules_for(FieldType::Consent, false);
    CHECK(answer(optional, "yes") == "yes");
    CHECK(answer(optional, "no") == json(nullptr));
}

TEST_CASE("an address needs a street a postcode and a chosen commune", "[field]")
{
    auto rules = rules_for(FieldType::Address);
    CHECK(answer(rules, address(" 12 rue des Alpes ", "38 250", " Villard-de-Lans ", "38548"))
        == address("12 rue des Alpes", "38250", "Villard-de-Lans", "38548"));
    CHECK(answer(rules, address("1 place de la Mairie", "20000", "Ajaccio", "2A004"))
        == address("1 place de la Mairie", "20000", "Ajaccio", "2A004"));

    CHECK(error_code(rules, address("", "38250", "Villard-de-Lans", "38548")) == "required");
    CHECK(error_code(rules, address("12 rue des Alpes", "", "", "")) == "invalid_postcode");
    CHECK(error_code(rules, address("12 rue des Alpes", "3825", "Villard-de-Lans", "38548")) == "invalid_postcode");
    CHECK(error_code(rules, address("12 rue des Alpes", "38250", "", "")) == "choose_commune");
    CHECK(error_code(rules, address("12 rue des Alpes", "38250", "  ", "38548")) == "choose_commune");
    CHECK(error_code(rules, json { { "street", "12 rue des Alpes" }, { "postcode", "38250" } }) == "choose_commune");

    std::set<std::string, std::less<>> known { "38250" };
    CheckContext ctx { today, [&](std::string_view postcode) { return known.contains(postcode); } };
    CHECK(answer(rules, address("12 rue des Alpes", "38250", "Villard-de-Lans", "38548"), ctx)
        == address("12 rue des Alpes", "38250", "Villard-de-Lans", "38548"));
    CHECK(error_code(rules, address("12 rue des Alpes", "38251", "Villard-de-Lans", "38548"), ctx) == "unknown_postcode");

    // Optional and untouched is null; optional and started must still be complete.
    auto optional = rules_for(FieldType::Address, false);
    CHECK(answer(optional, address("", "", "", "")) == json(nullptr));
    CHECK(error_code(optional, address("", "38250", "", "")) == "required");
    CHECK(error_code(optional, address("12 rue des Alpes", "38250", "", "")) == "choose_commune");
}

TEST_CASE("a kept text answer is valid UTF-8, so the answers can be written as JSON", "[field]")
{
    // Found by fuzz/fuzz_field_check: malformed UTF-8 was kept as typed, and writing the answers' JSON for
    // the outbox threw. Each malformed sequence becomes U+FFFD.
    auto kept = check_answer(text_rules(TextPreset::Free), std::string("caf\xC3 d\xE2\x80 \xFF ok \xED\xA0\x80"), context_on());
    REQUIRE(kept);
    CHECK_NOTHROW(kept->dump());
    CHECK(*kept == "caf\uFFFD d\uFFFD\uFFFD \uFFFD ok \uFFFD");

    json address { { "street", "1 rue \xC0" }, { "postcode", "75001" }, { "commune", "Paris\xF5" }, { "insee", "75101" } };
    auto kept_address = check_answer(rules_for(FieldType::Address), address, context_on());
    REQUIRE(kept_address);
    CHECK_NOTHROW(kept_address->dump());
}
