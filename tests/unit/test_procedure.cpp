// Reading and validating procedure files: the shape, the cross-checks, the catalog, the shipped files.
#include "kiosk/core/procedure.h"
#include "procedure_fixture.h"

#include <catch2/catch.hpp>

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
    CHECK(to_string(catalog.problems[1]) == (dir / "c.json").string() + ": $: is not valid JSON");
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
