// Reading and validating procedure files: the shape, the cross-checks, the catalog, the shipped files.
#include "kiosk/core/procedure.h"
#include "procedure_fixture.h"

#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>

using namespace guichet;
using nlohmann::json;

namespace {

// The problems of `object`, as "path: message" lines.
std::vector<std::string> problems_of(const json& object, ValidationOptions options = testing::french_only())
{
    std::vector<std::string> lines;
    for (auto& problem : parse_procedure(object, options).problems)
        lines.push_back(problem.path + ": " + problem.message);
    return lines;
}

bool has_problem(const std::vector<std::string>& lines, std::string_view path, std::string_view words)
{
    for (auto& line : lines) {
        if (line.starts_with(std::string(path) + ": ") && line.find(words) != std::string::npos)
            return true;
    }
    return false;
}

std::string describe(const std::vector<std::string>& lines)
{
    std::string text;
    for (auto& line : lines)
        text += line + "\n";
    return text;
}

}

TEST_CASE("a valid procedure parses into its model", "[procedure]")
{
    auto parsed = parse_procedure(testing::fixture_procedure_json(), testing::french_only());
    INFO(describe(problems_of(testing::fixture_procedure_json())));
    REQUIRE(parsed.procedure);
    auto& procedure = *parsed.procedure;
    CHECK(procedure.id == "move");
    CHECK(procedure.version == 3);
    CHECK(procedure.steps.size() == 5);
    CHECK(procedure.steps[0].kind == StepKind::Info);
    CHECK(procedure.steps[1].field.rules.preset == TextPreset::PersonName);
    CHECK(procedure.steps[2].field.rules.option_values == std::vector<std::string> { "yes", "no" });
    CHECK(procedure.steps[3].show_if);
    CHECK(procedure.steps[3].field.rules.max == 15);
    CHECK_FALSE(procedure.steps[4].field.rules.required);
    CHECK(procedure.outcomes.size() == 1);
    CHECK(localized(procedure.title, "en") == "Déménagement"); // falls back to French
}

TEST_CASE("shape problems are reported with their JSON path", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][1]["field"]["type"] = "signature";
    object["steps"][2]["field"]["preset"] = "name";
    object["steps"][4]["field"]["preset"] = "telephone";
    object.erase("summary");
    object["colour"] = "blue";
    object["version"] = "3";
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[1].field.type", "unknown field type 'signature'"));
    CHECK(has_problem(lines, "$.steps[2].field", "unknown key 'preset'"));
    CHECK(has_problem(lines, "$.steps[4].field.preset", "unknown preset 'telephone'"));
    CHECK(has_problem(lines, "$", "missing key 'summary'"));
    CHECK(has_problem(lines, "$", "unknown key 'colour'"));
    CHECK(has_problem(lines, "$.version", "must be an integer"));
}

TEST_CASE("conditions must parse and read earlier questions only", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][3]["show_if"] = "children == ";
    object["steps"][1]["show_if"] = "phone == '0612345678'";
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[3].show_if", "does not parse"));
    CHECK(has_problem(lines, "$.steps[1].show_if", "'phone' is not an earlier question"));
}

TEST_CASE("a misspelt option value makes a step unreachable and is reported", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][3]["show_if"] = "children == 'oui'";
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[3].show_if", "'oui' is not a value of 'children'"));
}

TEST_CASE("a condition that is always false is an unreachable step", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][3]["show_if"] = "1 == 2";
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[3].show_if", "always false"));
}

TEST_CASE("missing translations are reported for the file and the kiosk languages", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["languages"] = { "fr", "en" };
    object["title"]["en"] = "Moving";
    auto lines = problems_of(object, { .languages = { "fr", "en", "pt" } });
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.languages", "lacks 'pt'"));
    CHECK(has_problem(lines, "$.summary", "missing the 'en' translation"));
    CHECK(has_problem(lines, "$.steps[1].title", "missing the 'en' translation"));
    CHECK_FALSE(has_problem(lines, "$.title", "missing"));
}

TEST_CASE("what the schema refuses the reader refuses too", "[procedure]")
{
    // docs/procedure.schema.json says the same; tests/procedures/check_procedures.py keeps the two in step.
    auto object = testing::fixture_procedure_json();
    object["languages"] = { "fr", "fr" };
    object["title"]["french"] = "Déménagement";
    object["steps"][1]["field"]["max_length"] = 50;
    object["steps"][1]["field"]["errors"] = { { "name_too_odd", { { "fr", "Étrange." } } } };
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.languages", "lists 'fr' twice"));
    CHECK(has_problem(lines, "$.title", "'french' is not a two-letter language code"));
    CHECK(has_problem(lines, "$.steps[1].field.max_length", "is for the free preset only"));
    CHECK(has_problem(lines, "$.steps[1].field.errors", "unknown error code 'name_too_odd'"));
}

TEST_CASE("duplicate step ids and option values are reported", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][4]["id"] = "name";
    object["steps"][2]["field"] = { { "type", "choice" },
        { "options", { { { "value", "a" }, { "label", { { "fr", "A" } } } }, { { "value", "a" }, { "label", { { "fr", "B" } } } } } } };
    object["steps"][3].erase("show_if");
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[4].id", "earlier step"));
    CHECK(has_problem(lines, "$.steps[2].field.options[1].value", "earlier option"));
}

TEST_CASE("bounds and option counts are checked", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][3]["field"]["min"] = 20;
    object["steps"][2]["field"] = { { "type", "choice" }, { "options", { { { "value", "a" }, { "label", { { "fr", "A" } } } } } } };
    object["steps"][3].erase("show_if");
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[3].field", "min is greater than max"));
    CHECK(has_problem(lines, "$.steps[2].field.options", "at least two options"));
}

TEST_CASE("a procedure without a question is refused", "[procedure]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"] = json::array({ object["steps"][0] });
    object.erase("outcomes");
    CHECK(has_problem(problems_of(object), "$.steps", "at least one question"));
}

TEST_CASE("the catalog skips a bad file and a duplicate id and keeps the rest", "[procedure]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-catalog-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "a.json") << testing::fixture_procedure_json().dump();
    std::ofstream(dir / "b.json") << testing::fixture_procedure_json().dump(); // same id
    std::ofstream(dir / "c.json") << "{ not json";
    auto other = testing::fixture_procedure_json();
    other["id"] = "other";
    other["category"] = "civil_status";
    std::ofstream(dir / "d.json") << other.dump();
    std::ofstream(dir / "notes.txt") << "ignored";

    auto catalog = load_catalog(dir, testing::french_only());
    REQUIRE(catalog.procedures.size() == 2);
    CHECK(catalog.procedures[0]->id == "other"); // civil status comes first
    CHECK(catalog.find("move"));
    REQUIRE(catalog.problems.size() == 2);
    CHECK(to_string(catalog.problems[0]) == (dir / "b.json").string() + ": $.id: 'move' is the id of another procedure file");
    // With where the parser stopped, so the author can find it.
    CHECK_THAT(to_string(catalog.problems[1]),
        Catch::StartsWith((dir / "c.json").string() + ": $: is not valid JSON: parse error at line 1, column 4"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a missing procedure folder is a problem not a crash", "[procedure]")
{
    auto catalog = load_catalog("/nonexistent/procedures", testing::french_only());
    CHECK(catalog.procedures.empty());
    REQUIRE(catalog.problems.size() == 1);
}

TEST_CASE("every shipped procedure is valid in the kiosk's four languages", "[procedure]")
{
    auto catalog = load_catalog(GUICHET_SOURCE_DIR "/assets/procedures", {});
    std::string problems;
    for (auto& problem : catalog.problems)
        problems += to_string(problem) + "\n";
    INFO(problems);
    CHECK(catalog.problems.empty());
    CHECK(catalog.procedures.size() >= 5);
}

// Issue 15: limits on what authors give the kiosk.
TEST_CASE("texts longer than their limit are refused with the limit and the length, in characters", "[procedure][limits]")
{
    auto with = [](const std::string& pointer, json value) {
        auto object = testing::fixture_procedure_json();
        object[json::json_pointer(pointer)] = std::move(value);
        return problems_of(object);
    };
    auto repeat = [](std::string_view piece, size_t times) {
        std::string text;
        for (size_t i = 0; i < times; ++i)
            text += piece;
        return text;
    };
    // 120 accented letters are 240 bytes: the limit counts characters.
    CHECK(with("/title/fr", repeat("é", 120)).empty());
    CHECK(has_problem(with("/title/fr", repeat("é", 121)), "$.title.fr",
        "is 121 characters long; a procedure title may have at most 120"));
    CHECK(has_problem(with("/summary/fr", repeat("s", 201)), "$.summary.fr", "a summary may have at most 200"));
    CHECK(has_problem(with("/steps/1/title/fr", repeat("t", 201)), "$.steps[1].title.fr", "a step title may have at most 200"));
    CHECK(with("/steps/0/text/fr", repeat("t", 1000)).empty());
    CHECK(has_problem(with("/steps/0/text/fr", repeat("t", 1001)), "$.steps[0].text.fr",
        "is 1001 characters long; a text or help may have at most 1000"));
    CHECK(has_problem(with("/steps/1/help", json { { "fr", repeat("h", 1001) } }), "$.steps[1].help.fr", "at most 1000"));
    CHECK(has_problem(with("/what_you_need/0/fr", repeat("w", 201)), "$.what_you_need[0].fr", "at most 200"));
    CHECK(has_problem(with("/data_use/purpose/fr", repeat("p", 501)), "$.data_use.purpose.fr", "a data use text may have at most 500"));
    CHECK(has_problem(with("/outcomes/0/title/fr", repeat("o", 201)), "$.outcomes[0].title.fr", "an outcome title may have at most 200"));
    CHECK(has_problem(with("/steps/3/field/unit", json { { "fr", repeat("u", 31) } }), "$.steps[3].field.unit.fr", "a unit may have at most 30"));
    CHECK(has_problem(with("/steps/1/id", repeat("a", 65)), "$.steps[1].id", "is 65 characters long; an id may have at most 64"));
}

TEST_CASE("lists longer than their limit are refused with the count", "[procedure][limits]")
{
    auto object = testing::fixture_procedure_json();
    auto& steps = object["steps"];
    while (steps.size() <= max_steps)
        steps.push_back(json { { "id", "info_" + std::to_string(steps.size()) }, { "kind", "info" },
            { "title", { { "fr", "T" } } }, { "text", { { "fr", "T" } } } });
    CHECK(has_problem(problems_of(object), "$.steps", "has 101 steps; a procedure may have at most 100"));
}

TEST_CASE("an integer from 2^63 up is reported as written, not wrapped round", "[procedure][limits]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][1]["field"] = json::parse(R"({ "type": "text", "max_length": 9223372036854775808 })");
    object["version"] = json::parse("18446744073709551615");
    auto lines = problems_of(object);
    CHECK(has_problem(lines, "$.steps[1].field.max_length", "9223372036854775808 is outside 1..2000"));
    CHECK(has_problem(lines, "$.version", "18446744073709551615 is outside 1..1000000000"));
    CHECK(describe(lines).find("-9223372036854775808") == std::string::npos);
}

TEST_CASE("a NUL or a newline in a file's text is escaped in the message, which stays whole", "[procedure][limits]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][3]["show_if"] = std::string("children == 'yes'\0 and x", 24);
    auto parsed = parse_procedure(object, testing::french_only(), "move.json");
    REQUIRE(parsed.problems.size() == 1);
    auto line = to_string(parsed.problems.front());
    CHECK(line.find('\0') == std::string::npos);
    CHECK_THAT(line, Catch::Contains("unexpected character '\\0' (in: children == 'yes'\\0 and x)"));

    object = testing::fixture_procedure_json();
    object["steps"][1]["kind"] = "line one\nline two";
    auto kind = to_string(parse_procedure(object, testing::french_only(), "move.json").problems.front());
    CHECK(kind.find('\n') == std::string::npos);
    CHECK_THAT(kind, Catch::Contains("unknown step kind 'line one\\nline two' (info, question or document)"));
}

TEST_CASE("a procedure file too large or nested too deeply is refused before a tree is built", "[procedure][limits]")
{
    auto dir = std::filesystem::temp_directory_path() / "guichet-procedure-limits";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "deep.json", std::ios::binary);
        out << "{\"steps\": " << std::string(500000, '[') << std::string(500000, ']') << "}";
    }
    auto deep = load_procedure_file(dir / "deep.json", testing::french_only());
    REQUIRE(deep.problems.size() == 1);
    CHECK(deep.problems.front().path == "$");
    CHECK_THAT(deep.problems.front().message,
        Catch::Equals("nests arrays and objects more than 32 deep (line 1)"));
    {
        std::ofstream out(dir / "big.json", std::ios::binary);
        out << "{\"title\": {\"fr\": \"" << std::string(2 * 1024 * 1024, 'x') << "\"}}";
    }
    auto big = load_procedure_file(dir / "big.json", testing::french_only());
    REQUIRE(big.problems.size() == 1);
    CHECK_THAT(big.problems.front().message,
        Catch::Equals("is 2097173 bytes; a procedure file may hold at most 1 MiB (1048576 bytes)"));
    {
        std::ofstream out(dir / "cut.json", std::ios::binary);
        out << "{ \"id\": ";
    }
    auto cut = load_procedure_file(dir / "cut.json", testing::french_only());
    REQUIRE(cut.problems.size() == 1);
    CHECK_THAT(cut.problems.front().message, Catch::StartsWith("is not valid JSON: parse error at line 1, column 9"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("retention_days is optional, a whole number of days from 1 to 3650", "[procedure][retention]")
{
    auto object = testing::fixture_procedure_json();
    auto parsed = parse_procedure(object, testing::french_only());
    REQUIRE(parsed.procedure);
    CHECK_FALSE(parsed.procedure->retention_days);
    object["retention_days"] = 90;
    parsed = parse_procedure(object, testing::french_only());
    REQUIRE(parsed.procedure);
    CHECK(parsed.procedure->retention_days == 90);
    for (auto bad : { json(0), json(3651), json("90"), json(1.5) }) {
        object["retention_days"] = bad;
        INFO(bad.dump());
        CHECK(has_problem(problems_of(object), "$.retention_days", ""));
    }
}

// The number the hub applies and the text the citizen reads must say the same: every shipped procedure
// has retention_days, and its French data_use.retention names that duration ("3 mois" is 90 days).
TEST_CASE("shipped procedures: retention_days agrees with the retention text", "[procedure][retention]")
{
    auto catalog = load_catalog(std::filesystem::path(GUICHET_DEFAULT_ASSETS_DIR) / "procedures", ValidationOptions {});
    REQUIRE(catalog.problems.empty());
    REQUIRE_FALSE(catalog.procedures.empty());
    // "N jours|semaines|mois|an|ans" in the text, N in digits; the units' lengths in days.
    const std::vector<std::pair<std::string, int>> units { { "jours", 1 }, { "jour", 1 }, { "semaines", 7 }, { "semaine", 7 },
        { "mois", 30 }, { "ans", 365 }, { "an", 365 } };
    for (auto& procedure : catalog.procedures) {
        INFO(procedure->id);
        REQUIRE(procedure->retention_days);
        auto& text = localized(procedure->data_use.retention, "fr");
        std::optional<int> said;
        for (size_t i = 0; i < text.size() && !said; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(text[i])) || (i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1]))))
                continue;
            size_t end = i;
            while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
                ++end;
            auto rest = std::string_view(text).substr(end);
            if (rest.starts_with(" "))
                rest.remove_prefix(1);
            for (auto& [unit, days] : units) {
                if (rest.starts_with(unit) && (rest.size() == unit.size() || !std::isalpha(static_cast<unsigned char>(rest[unit.size()])))) {
                    said = std::stoi(text.substr(i, end - i)) * days;
                    break;
                }
            }
        }
        INFO(text);
        REQUIRE(said);
        CHECK(*said == *procedure->retention_days);
    }
}

// Issue 18: a document step, what the citizen scans.
namespace {

json document_step(json document)
{
    return json { { "id", "proof" }, { "kind", "document" }, { "title", { { "fr", "Justificatif de domicile" } } },
        { "document", std::move(document) } };
}

json accepted_text() { return json { { "fr", "Une facture de moins de 3 mois" } }; }

// The fixture with `step` added at the end.
json with_document(json step)
{
    auto object = testing::fixture_procedure_json();
    object["steps"].push_back(std::move(step));
    return object;
}

}

TEST_CASE("a document step parses with its defaults and with every key", "[procedure][document]")
{
    auto plain = parse_procedure(with_document(document_step({ { "accepted", accepted_text() } })), testing::french_only());
    INFO(describe(problems_of(with_document(document_step({ { "accepted", accepted_text() } })))));
    REQUIRE(plain.procedure);
    auto& step = plain.procedure->steps.back();
    CHECK(step.kind == StepKind::Document);
    CHECK(localized(step.document.accepted, "fr") == "Une facture de moins de 3 mois");
    CHECK(step.document.voice.empty());
    CHECK(step.document.min_pages == 1);
    CHECK(step.document.max_pages == 1);
    CHECK(step.document.required);
    CHECK_FALSE(step.document.color);

    auto full = with_document(document_step({ { "accepted", accepted_text() }, { "voice", { { "fr", "Posez la page." } } },
        { "min_pages", 2 }, { "max_pages", 10 }, { "required", false }, { "color", true } }));
    full["steps"].back()["text"] = { { "fr", "Posez la page sur la vitre." } };
    full["steps"].back()["help"] = { { "fr", "Deux pages." } };
    full["steps"].back()["show_if"] = "children == 'yes'";
    auto parsed = parse_procedure(full, testing::french_only());
    INFO(describe(problems_of(full)));
    REQUIRE(parsed.procedure);
    auto& document = parsed.procedure->steps.back().document;
    CHECK(localized(document.voice, "fr") == "Posez la page.");
    CHECK(document.min_pages == 2);
    CHECK(document.max_pages == 10);
    CHECK_FALSE(document.required);
    CHECK(document.color);
    CHECK(parsed.procedure->steps.back().show_if);
    CHECK(localized(parsed.procedure->steps.back().text, "fr") == "Posez la page sur la vitre.");
}

TEST_CASE("min_pages alone is the exact page count", "[procedure][document]")
{
    auto parsed = parse_procedure(with_document(document_step({ { "accepted", accepted_text() }, { "min_pages", 3 } })),
        testing::french_only());
    REQUIRE(parsed.procedure);
    CHECK(parsed.procedure->steps.back().document.min_pages == 3);
    CHECK(parsed.procedure->steps.back().document.max_pages == 3);
}

TEST_CASE("a document step's shape problems are reported with their path", "[procedure][document]")
{
    auto lines_with = [](json step) { return problems_of(with_document(std::move(step))); };
    auto missing = json { { "id", "proof" }, { "kind", "document" }, { "title", { { "fr", "Justificatif" } } } };
    CHECK(has_problem(lines_with(missing), "$.steps[5]", "missing key 'document'"));
    CHECK(has_problem(lines_with(document_step("a bill")), "$.steps[5].document", "must be an object with 'accepted'"));
    CHECK(has_problem(lines_with(document_step(json::object())), "$.steps[5].document", "missing key 'accepted'"));
    CHECK(has_problem(lines_with(document_step({ { "accepted", "une facture" } })), "$.steps[5].document.accepted",
        "must be a localized text"));
    CHECK(has_problem(lines_with(document_step({ { "accepted", accepted_text() }, { "resolution", 300 } })),
        "$.steps[5].document", "unknown key 'resolution'"));
    auto with_field = document_step({ { "accepted", accepted_text() } });
    with_field["field"] = { { "type", "yes_no" } };
    CHECK(has_problem(lines_with(with_field), "$.steps[5]", "unknown key 'field'"));
    auto question_with_document = json { { "id", "q" }, { "kind", "question" }, { "title", { { "fr", "Q" } } },
        { "field", { { "type", "yes_no" } } }, { "document", { { "accepted", accepted_text() } } } };
    CHECK(has_problem(lines_with(question_with_document), "$.steps[5]", "unknown key 'document'"));
    CHECK(has_problem(lines_with(document_step({ { "accepted", accepted_text() }, { "required", "yes" } })),
        "$.steps[5].document.required", "must be true or false"));
    CHECK(has_problem(lines_with(document_step({ { "accepted", accepted_text() }, { "color", 1 } })),
        "$.steps[5].document.color", "must be true or false"));
    CHECK(has_problem(lines_with(document_step({ { "accepted", accepted_text() }, { "voice", "Posez la page" } })),
        "$.steps[5].document.voice", "must be a localized text"));
}

TEST_CASE("a document step's page counts are bounded", "[procedure][document]")
{
    auto lines_with = [](json document) {
        document["accepted"] = accepted_text();
        return problems_of(with_document(document_step(std::move(document))));
    };
    CHECK(lines_with({ { "min_pages", 1 }, { "max_pages", 10 } }).empty());
    CHECK(has_problem(lines_with({ { "min_pages", 0 } }), "$.steps[5].document.min_pages", "0 is outside 1..10"));
    CHECK(has_problem(lines_with({ { "min_pages", 11 } }), "$.steps[5].document.min_pages", "11 is outside 1..10"));
    CHECK(has_problem(lines_with({ { "max_pages", 11 } }), "$.steps[5].document.max_pages", "11 is outside 1..10"));
    CHECK(has_problem(lines_with({ { "min_pages", 3 }, { "max_pages", 2 } }), "$.steps[5].document.max_pages",
        "2 is outside 3..10"));
    CHECK(has_problem(lines_with({ { "max_pages", 2.5 } }), "$.steps[5].document.max_pages", "must be an integer"));
    CHECK(has_problem(lines_with({ { "min_pages", "2" } }), "$.steps[5].document.min_pages", "must be an integer"));
}

TEST_CASE("a document step's texts are translated and bounded like every text", "[procedure][document]")
{
    auto object = with_document(document_step({ { "accepted", accepted_text() }, { "voice", { { "fr", "Posez la page." } } } }));
    object["languages"] = { "fr", "en" };
    auto lines = problems_of(object, { .languages = { "fr", "en" } });
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[5].document.accepted", "missing the 'en' translation"));
    CHECK(has_problem(lines, "$.steps[5].document.voice", "missing the 'en' translation"));

    auto limited = [](std::string_view key, size_t length) {
        auto document = json { { "accepted", accepted_text() } };
        document[std::string(key)] = { { "fr", std::string(length, 'a') } };
        return problems_of(with_document(document_step(document)));
    };
    CHECK(limited("accepted", 300).empty());
    CHECK(has_problem(limited("accepted", 301), "$.steps[5].document.accepted.fr",
        "is 301 characters long; what a document step accepts may have at most 300"));
    CHECK(limited("voice", 300).empty());
    CHECK(has_problem(limited("voice", 301), "$.steps[5].document.voice.fr",
        "is 301 characters long; a document step's voice text may have at most 300"));
}

TEST_CASE("a condition cannot read a document step", "[procedure][document]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"][2] = document_step({ { "accepted", accepted_text() } });
    object["steps"][3]["show_if"] = "proof == 'yes'";
    object["outcomes"][0]["show_if"] = "proof == 'x'";
    auto lines = problems_of(object);
    INFO(describe(lines));
    CHECK(has_problem(lines, "$.steps[3].show_if", "'proof' is a document step: a condition cannot read a scanned document"));
    CHECK(has_problem(lines, "$.outcomes[0].show_if", "'proof' is a document step"));
    CHECK_FALSE(has_problem(lines, "$.steps[3].show_if", "not an earlier question"));

    // Nor a later one: the message is the same, not "not an earlier question".
    auto later = with_document(document_step({ { "accepted", accepted_text() } }));
    later["steps"][4]["show_if"] = "proof == 'yes'";
    CHECK(has_problem(problems_of(later), "$.steps[4].show_if", "'proof' is a document step"));
}

TEST_CASE("a document step may itself be conditional, and ids stay unique across kinds", "[procedure][document]")
{
    auto step = document_step({ { "accepted", accepted_text() } });
    step["show_if"] = "children == 'yes'";
    CHECK(problems_of(with_document(step)).empty());
    step["id"] = "name";
    CHECK(has_problem(problems_of(with_document(step)), "$.steps[5].id", "'name' is the id of an earlier step"));
}

TEST_CASE("a procedure with documents but no question is refused", "[procedure][document]")
{
    auto object = testing::fixture_procedure_json();
    object["steps"] = json::array({ object["steps"][0], document_step({ { "accepted", accepted_text() } }) });
    object.erase("outcomes");
    CHECK(has_problem(problems_of(object), "$.steps", "at least one question"));
}

TEST_CASE("the shipped housing certificate asks for a required one-to-two-page document", "[procedure][document]")
{
    auto parsed = load_procedure_file(GUICHET_SOURCE_DIR "/assets/procedures/housing-certificate.json", {});
    REQUIRE(parsed.problems.empty());
    REQUIRE(parsed.procedure);
    auto* step = parsed.procedure->find_step("host_proof");
    REQUIRE(step);
    CHECK(step->kind == StepKind::Document);
    CHECK(step->document.min_pages == 1);
    CHECK(step->document.max_pages == 2);
    CHECK(step->document.required);
    for (auto language : { "fr", "en", "pt", "es" }) {
        CHECK(step->document.accepted.contains(language));
        CHECK(step->document.voice.contains(language));
    }
}
