// Every shipped procedure, end to end, as a citizen does it: the scripts in tests/procedures drive the
// real app from the welcome screen to the receipt, and the outbox then holds exactly one submission,
// sealed to the administration's key, whose answers are the ones given. A broken procedure file is
// skipped while the others stay usable.
#include "devices/jpeg.h"
#include "kiosk_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <fstream>
#include <map>

using namespace guichet;
using test::KeyPair;
using test::Kiosk;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

const fs::path source_dir = GUICHET_SOURCE_DIR;
const fs::path output_dir = GUICHET_TEST_OUTPUT_DIR;

std::vector<fs::path> procedure_scripts()
{
    std::vector<fs::path> scripts;
    for (auto& entry : fs::directory_iterator(source_dir / "tests" / "procedures")) {
        if (entry.path().extension() == ".gsc")
            scripts.push_back(entry.path());
    }
    std::sort(scripts.begin(), scripts.end());
    return scripts;
}

// "change-of-address-portrait" is a journey through "change-of-address"; "-english" is one in English.
struct ScriptName {
    std::string procedure;
    std::string language = "fr";
};

ScriptName parse_script_name(const fs::path& script)
{
    ScriptName name { script.stem().string() };
    for (std::string_view suffix : { "-portrait", "-english" }) {
        if (name.procedure.ends_with(suffix)) {
            name.procedure.resize(name.procedure.size() - suffix.size());
            if (suffix == "-english")
                name.language = "en";
        }
    }
    return name;
}

// What each procedure's scripts answer. Every variant of a procedure (portrait, English) gives the same
// answers, so one table serves them all.
struct Expected {
    json values;                      // answers, exactly, after normalization
    std::vector<std::string> present; // answered, whatever the words (they differ by language)
    std::vector<std::string> hidden;  // questions whose show_if is false at the end: never submitted
};

const std::map<std::string, Expected, std::less<>>& expectations()
{
    static const std::map<std::string, Expected, std::less<>> table {
        { "change-of-address",
            { .values = {
                  { "moved_on", "2025-02-15" },
                  { "new_address",
                      { { "street", "12 avenue du Général de Gaulle" }, { "postcode", "01000" },
                          { "commune", "Bourg-en-Bresse" }, { "insee", "01053" } } },
                  { "previous_postcode", "69001" },
                  { "has_children", "no" },
                  { "phone", "0612345678" },
                  { "inform", { "caf", "impots", "la_poste" } },
                  { "caf_number", "1234567" },
                  { "tax_number", "1234567890123" },
                  { "consent", "yes" },
              },
                // Answered "yes, 2 children", then changed to "no" from the review.
                .hidden = { "children_count" } } },
        { "civil-status-certificate",
            { .values = {
                  { "act_kind", "birth" },
                  { "for_whom", "other" },
                  { "relationship", "Petite-fille" },
                  { "last_name", "Lefèvre" },
                  { "first_names", "Hélène Marguerite" },
                  { "event_date", "1941-03-12" },
                  { "event_commune", "Saint-Étienne" },
                  { "copy_kind", "full_copy" },
                  { "parents_names", "Louis Lefèvre et Jeanne Martin" },
                  { "delivery", "post" },
                  { "consent", "yes" },
              },
                // The e-mail was given, then delivery changed to post; "deceased" is for deaths only.
                .hidden = { "email", "deceased" } } },
        { "adviser-appointment",
            { .values = {
                  { "topic", "pensions" },
                  { "half_days", { "mon_am", "thu_pm" } },
                  { "last_name", "Da Silva" },
                  { "first_name", "Benoît" },
                  { "phone", "0612345678" },
                  { "needs", "yes" },
              },
                .present = { "needs_detail" },
                // Typed for "something else", then the topic changed to pensions.
                .hidden = { "topic_other" } } },
        { "public-space-report",
            { .values = {
                  { "problem", "street_light" },
                  { "location", "2 place de la Fontaine, devant la façade de l’église" },
                  { "since", "2025-01-03" },
                  { "danger", "yes" },
                  { "wants_reply", "yes" },
                  { "email", "karim.benali@exemple.fr" },
              },
                // Typed for "something else", then the problem changed to a street light; the optional
                // detail was left empty, so it is not submitted either.
                .hidden = { "problem_other", "description" } } },
        { "housing-certificate",
            { .values = {
                  { "host_name", "Yvonne Le Goff" },
                  { "hosted_since", "2024-09-01" },
              },
                // The scanned pages: listed with their hashes (checked against the sealed pages below).
                .present = { "host_proof" } } },
        { "benefits-precheck",
            { .values = {
                  { "age", 34 },
                  { "household", "couple" },
                  { "children_count", 2 },
                  { "income", "from_700_to_1200" },
                  { "housing", "hosted" },
                  { "employment", "employed" },
                  { "disability", "no" },
                  { "nir", "185057800608491" },
                  { "iban", "FR7630006000011234567890189" },
                  { "consent", "yes" },
              },
                // The rent was given as a tenant, then housing changed to hosted; the optional tax
                // number was skipped.
                .hidden = { "rent", "tax_number" } } },
    };
    return table;
}

json read_json(const fs::path& path)
{
    std::ifstream in(path);
    REQUIRE(in);
    return json::parse(in);
}

void copy_assets(const fs::path& to)
{
    fs::remove_all(to);
    fs::copy(source_dir / "assets", to, fs::copy_options::recursive);
}

}

TEST_CASE("every shipped procedure has an end-to-end script in tests/procedures", "[ui][procedures]")
{
    auto catalog = load_catalog(source_dir / "assets" / "procedures", {});
    INFO((catalog.problems.empty() ? "" : to_string(catalog.problems.front())));
    REQUIRE(catalog.problems.empty());
    REQUIRE(catalog.procedures.size() == 6);
    for (auto& procedure : catalog.procedures) {
        INFO(procedure->id);
        CHECK(fs::exists(source_dir / "tests" / "procedures" / (procedure->id + ".gsc")));
        CHECK(expectations().contains(procedure->id));
    }
    for (auto& script : procedure_scripts()) {
        INFO(script.filename().string());
        CHECK(catalog.find(parse_script_name(script).procedure));
    }
}

TEST_CASE("a procedure script completes its journey and queues one sealed submission with its answers", "[ui][procedures]")
{
    auto script = GENERATE(from_range(procedure_scripts()));
    auto name = parse_script_name(script);
    auto stem = script.stem().string();
    INFO("script " << script.filename().string() << ", procedure " << name.procedure);
    auto found = expectations().find(name.procedure);
    REQUIRE(found != expectations().end());
    auto& expected = found->second;
    auto procedure_file = read_json(source_dir / "assets" / "procedures" / (name.procedure + ".json"));
    int64_t version = procedure_file.at("version").get<int64_t>();

    KeyPair keys;
    Kiosk kiosk(output_dir / "procedures-state" / stem, keys);
    kiosk.run_file(script, output_dir / "procedures" / stem);

    // receipt.finish ended the session: the journey and its answers are gone.
    CHECK(kiosk.app->current_screen() == ScreenId::Welcome);
    CHECK(kiosk.app->session().phase() == SessionPhase::None);

    auto* outbox = kiosk.app->outbox();
    REQUIRE(outbox);
    auto counts = outbox->counts();
    REQUIRE(counts);
    CHECK(counts->queued == 1);
    CHECK(counts->sent == 0);
    CHECK(counts->quarantined == 0);
    auto entries = outbox->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    auto& entry = entries->front();
    CHECK(entry.procedure == name.procedure);
    CHECK(entry.version == version);
    CHECK(entry.state == sync::ItemState::Queued);
    // The rating is a counter for the procedure, never linked to the submission.
    auto ratings = outbox->ratings();
    REQUIRE(ratings);
    REQUIRE(ratings->size() == 1);
    CHECK(ratings->front().procedure == name.procedure);
    CHECK(ratings->front().count == 1);

    auto due = outbox->due(static_cast<int64_t>(std::time(nullptr)) + 60, 10, 1 << 20);
    REQUIRE(due);
    REQUIRE(due->size() == 1);
    auto& item = due->front();
    CHECK(item.id == entry.id);
    CHECK(item.procedure == name.procedure);
    CHECK(item.version == version);

    // Sealed: the envelope's metadata, and under "answers" what the kiosk submitted, itself
    // { "language": …, "answers": { question id: answer } }.
    auto plaintext = keys.open(item.sealed);
    auto payload = json::parse(plaintext);
    INFO("sealed payload: " << plaintext);
    CHECK(payload.at("id") == entry.id);
    CHECK(payload.at("kiosk") == "integration-test");
    CHECK(payload.at("procedure") == name.procedure);
    CHECK(payload.at("version") == version);
    CHECK(payload.at("assisted") == false);
    auto& submitted = payload.at("answers");
    REQUIRE(submitted.is_object());
    CHECK(submitted.at("language") == name.language);
    REQUIRE(submitted.contains("answers"));
    auto& answers = submitted.at("answers");
    REQUIRE(answers.is_object());
    // The receipt is sealed too, and the outcomes the citizen saw go as ids of the file's outcomes
    // (issue 17: the back office shows them).
    CHECK(payload.at("receipt") == item.receipt.value_or("missing"));
    REQUIRE(submitted.contains("outcomes"));
    std::vector<std::string> outcomes;
    for (auto& outcome : submitted.at("outcomes")) {
        json known = procedure_file.contains("outcomes") ? procedure_file.at("outcomes") : json::array();
        CHECK(std::any_of(known.begin(), known.end(), [&](const json& o) { return o.at("id") == outcome; }));
        outcomes.push_back(outcome.get<std::string>());
    }
    if (name.procedure == "benefits-precheck") {
        // Computed on the final answers: hosted, not a tenant any more, so no housing aid.
        CHECK(std::find(outcomes.begin(), outcomes.end(), "rsa") != outcomes.end());
        CHECK(std::find(outcomes.begin(), outcomes.end(), "family_benefits") != outcomes.end());
        CHECK(std::find(outcomes.begin(), outcomes.end(), "housing_aid") == outcomes.end());
    } else {
        CHECK(outcomes.empty());
    }
    for (auto& [id, value] : expected.values.items()) {
        INFO("answer " << id);
        REQUIRE(answers.contains(id));
        CHECK(answers.at(id) == value);
    }
    for (auto& id : expected.present) {
        INFO("answer " << id);
        CHECK(answers.contains(id));
    }
    for (auto& id : expected.hidden) {
        INFO("hidden or skipped question " << id);
        CHECK_FALSE(answers.contains(id));
    }
    // Scanned pages (issue 18): the batch item announces them; each, sealed on its own, opens to the JPEG
    // whose hash the sealed answers list, and decodes to an A4 page at the scanner's resolution.
    std::vector<json> listed;
    for (auto& [id, value] : answers.items()) {
        if (value.is_object() && value.contains("pages"))
            listed.insert(listed.end(), value.at("pages").begin(), value.at("pages").end());
    }
    CHECK(item.attachments.size() == listed.size());
    if (name.procedure == "housing-certificate")
        CHECK(listed.size() == 2);
    if (!listed.empty()) {
        std::vector<std::string> sent { item.id };
        REQUIRE(outbox->mark_sent(sent, static_cast<int64_t>(std::time(nullptr))));
        for (auto& page : listed) {
            auto chunk = outbox->next_chunk(static_cast<int64_t>(std::time(nullptr)) + 60, 4 << 20);
            REQUIRE(chunk);
            REQUIRE(*chunk);
            auto& whole = **chunk;
            CHECK(whole.n == page.at("n").get<int>());
            REQUIRE(whole.offset == 0);
            REQUIRE(static_cast<int64_t>(whole.bytes.size()) == whole.size);
            auto jpeg = keys.open(whole.bytes);
            CHECK(page.at("sha256") == sync::protocol::sha256_hex(std::span(reinterpret_cast<const uint8_t*>(jpeg.data()), jpeg.size())));
            CHECK(page.at("bytes") == jpeg.size());
            auto image = devices::decode_jpeg(std::span(reinterpret_cast<const uint8_t*>(jpeg.data()), jpeg.size()));
            REQUIRE(image);
            CHECK(image->width == page.at("width").get<int>());
            CHECK(image->height == page.at("height").get<int>());
            CHECK(image->width == 1240); // A4 at 150 dpi
            CHECK(image->height == 1753); // 297 mm: 1753.9 lines, which the test backend rounds down
            REQUIRE(outbox->record_chunk(whole.id, whole.n, whole.size, true));
        }
    }
    // Nothing but the questions of the file: info steps have no answer.
    for (auto& [id, value] : answers.items()) {
        INFO("submitted " << id);
        auto& steps = procedure_file.at("steps");
        auto step = std::find_if(steps.begin(), steps.end(), [&](const json& s) { return s.at("id") == id; });
        REQUIRE(step != steps.end());
        CHECK((step->at("kind") == "question" || step->at("kind") == "document"));
    }
}

TEST_CASE("a procedure file with an error is skipped and the other procedures stay usable", "[ui][procedures]")
{
    auto assets = output_dir / "procedures-broken-assets";
    copy_assets(assets);
    // One file that is not JSON at all, one whose condition names a question that does not exist.
    {
        std::ofstream(assets / "procedures" / "public-space-report.json", std::ios::trunc) << "{ \"format\": 1, \"id\": ";
    }
    auto civil = read_json(assets / "procedures" / "civil-status-certificate.json");
    for (auto& step : civil.at("steps")) {
        if (step.at("id") == "email")
            step["show_if"] = "delivry == 'email'";
    }
    std::ofstream(assets / "procedures" / "civil-status-certificate.json", std::ios::trunc) << civil.dump(2);

    KeyPair keys;
    Kiosk kiosk(output_dir / "procedures-state" / "broken-assets", keys, [&](Config& config) { config.ui.assets_dir = assets.string(); });
    auto& catalog = kiosk.app->catalog();
    std::vector<std::string> ids;
    for (auto& procedure : catalog.procedures)
        ids.push_back(procedure->id);
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::string> { "adviser-appointment", "benefits-precheck", "change-of-address", "housing-certificate" });
    CHECK_FALSE(catalog.find("public-space-report"));
    CHECK_FALSE(catalog.find("civil-status-certificate"));
    REQUIRE_FALSE(catalog.problems.empty());
    bool names_public = false, names_civil = false, names_condition = false;
    for (auto& problem : catalog.problems) {
        names_public = names_public || problem.file.find("public-space-report.json") != std::string::npos;
        names_civil = names_civil || problem.file.find("civil-status-certificate.json") != std::string::npos;
        names_condition = names_condition || to_string(problem).find("delivry") != std::string::npos;
    }
    CHECK(names_public);
    CHECK(names_civil);
    CHECK(names_condition);

    // The catalog shows what is left, and a remaining procedure goes all the way to its receipt.
    kiosk.run_file(source_dir / "tests" / "procedures" / "change-of-address.gsc", output_dir / "procedures" / "broken-assets");
    CHECK(kiosk.app->current_screen() == ScreenId::Welcome);
    auto counts = kiosk.app->outbox()->counts();
    REQUIRE(counts);
    CHECK(counts->queued == 1);
    auto entries = kiosk.app->outbox()->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    CHECK(entries->front().procedure == "change-of-address");
}

// Issue 15: the kiosk refuses at load what guichetctl validate refuses, with the same messages.
TEST_CASE("a procedure past a limit is skipped at load with the message validate gives", "[ui][procedures][limits]")
{
    auto assets = output_dir / "procedures-limits-assets";
    copy_assets(assets);
    auto report = read_json(assets / "procedures" / "public-space-report.json");
    report["title"]["fr"] = std::string(121, 'T');
    std::ofstream(assets / "procedures" / "public-space-report.json", std::ios::trunc) << report.dump(2);
    std::ofstream(assets / "procedures" / "civil-status-certificate.json", std::ios::trunc)
        << "{\"steps\": " << std::string(100000, '[') << std::string(100000, ']') << "}";

    KeyPair keys;
    Kiosk kiosk(output_dir / "procedures-state" / "limits", keys, [&](Config& config) { config.ui.assets_dir = assets.string(); });
    auto& catalog = kiosk.app->catalog();
    CHECK_FALSE(catalog.find("public-space-report"));
    CHECK(catalog.find("change-of-address"));
    std::string problems;
    for (auto& problem : catalog.problems)
        problems += to_string(problem) + "\n";
    CHECK_THAT(problems, Catch::Contains("public-space-report.json: $.title.fr: is 121 characters long; a procedure title may have at most 120"));
    CHECK_THAT(problems, Catch::Contains("civil-status-certificate.json: $: nests arrays and objects more than 32 deep (line 1)"));
}
