// Walking a procedure: visible steps, errors, back, Change from the review, the submission's answers.
#include "kiosk/core/journey.h"
#include "kiosk/core/router.h"
#include "procedure_fixture.h"

#include <catch2/catch.hpp>

using namespace guichet;
using nlohmann::json;

namespace {

CheckContext today() { return { .today = { 2026, 11, 26 } }; }

// Intro -> "hello" -> "name": the state most tests start from.
Journey& at_name(Journey& journey)
{
    journey.begin();
    REQUIRE(journey.step().id == "hello");
    REQUIRE(journey.next(nullptr, today()));
    REQUIRE(journey.step().id == "name");
    return journey;
}

}

TEST_CASE("a journey goes through the visible steps to the review", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    CHECK(journey.stage() == JourneyStage::Intro);
    at_name(journey);
    CHECK(journey.position() == 2);
    CHECK(journey.count() == 4); // children_count is hidden until children == yes
    CHECK(journey.next("  Marie   Curie ", today()));
    CHECK(journey.next("no", today()));
    CHECK(journey.step().id == "phone");
    CHECK(journey.position() == 4);
    CHECK(journey.next("", today())); // optional
    CHECK(journey.stage() == JourneyStage::Review);
    CHECK(journey.answers() == json { { "name", "Marie Curie" }, { "children", "no" } });
    auto review = journey.review();
    REQUIRE(review.size() == 3);
    CHECK(review[2].step->id == "phone");
    CHECK(review[2].answer.is_null());
}

TEST_CASE("a refused answer keeps the citizen on the step with the reason", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    CHECK_FALSE(journey.next("", today()));
    REQUIRE(journey.error());
    CHECK(journey.error()->code == "required");
    CHECK(journey.step().id == "name");
    CHECK(journey.next("Ana", today()));
    CHECK_FALSE(journey.error());
}

TEST_CASE("an answer can reveal a step and its answer counts only while visible", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("yes", today());
    CHECK(journey.step().id == "children_count");
    CHECK(journey.count() == 5);
    CHECK_FALSE(journey.next("20", today()));
    CHECK(journey.error()->code == "too_large");
    CHECK(journey.next("3", today()));
    journey.next("06 12 34 56 78", today());
    CHECK(journey.answers()["children_count"] == 3);
    CHECK(journey.answers()["phone"] == "0612345678");
    CHECK(journey.outcomes().size() == 1);

    // Change "children" to no: the count disappears from the answers and the outcome with it.
    REQUIRE(journey.change("children"));
    CHECK(journey.changing());
    CHECK(journey.draft() == "yes"); // what was entered is shown again
    CHECK(journey.next("no", today()));
    CHECK(journey.stage() == JourneyStage::Review); // nothing new to answer: straight back
    CHECK_FALSE(journey.answers().contains("children_count"));
    CHECK(journey.outcomes().empty());
}

TEST_CASE("change that reveals an unanswered question asks it before the review", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("no", today());
    journey.next("", today());
    REQUIRE(journey.stage() == JourneyStage::Review);
    REQUIRE(journey.change("children"));
    CHECK(journey.next("yes", today()));
    CHECK(journey.stage() == JourneyStage::Step);
    CHECK(journey.step().id == "children_count"); // new: asked; phone was seen: skipped
    CHECK(journey.next("2", today()));
    CHECK(journey.stage() == JourneyStage::Review);
}

TEST_CASE("back while changing returns to the review and keeps the old answer", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("no", today());
    journey.next("", today());
    REQUIRE(journey.change("name"));
    CHECK(journey.back());
    CHECK(journey.stage() == JourneyStage::Review);
    CHECK(journey.answers()["name"] == "Ana");
}

TEST_CASE("back walks the visible steps to the intro", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("no", today());
    CHECK(journey.back());
    CHECK(journey.step().id == "children");
    CHECK(journey.draft() == "no");
    CHECK(journey.back());
    CHECK(journey.back());
    CHECK(journey.step().id == "hello");
    CHECK(journey.back());
    CHECK(journey.stage() == JourneyStage::Intro);
    CHECK_FALSE(journey.back());
}

TEST_CASE("back from the review goes to the last visible step", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("no", today());
    journey.next("", today());
    CHECK(journey.back());
    CHECK(journey.step().id == "phone");
}

TEST_CASE("change accepts only a visible question", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("no", today());
    journey.next("", today());
    CHECK_FALSE(journey.change("children_count"));
    CHECK_FALSE(journey.change("hello"));
    CHECK_FALSE(journey.change("nope"));
    CHECK(journey.stage() == JourneyStage::Review);
}

TEST_CASE("once submitted the answers are gone and the receipt stays", "[journey]")
{
    Journey journey(testing::fixture_procedure());
    at_name(journey);
    journey.next("Ana", today());
    journey.next("yes", today());
    journey.next("4", today());
    journey.next("", today());
    journey.submitted("ABC-DEF-GHK");
    CHECK(journey.stage() == JourneyStage::Receipt);
    CHECK(journey.receipt_code() == "ABC-DEF-GHK");
    CHECK(journey.answers().empty());
    CHECK(journey.final_outcomes().size() == 1);
    CHECK_FALSE(journey.back());
}

TEST_CASE("wipe_json leaves nothing of the value", "[journey]")
{
    json value { { "name", "Marie" }, { "list", { "a", "b" } } };
    wipe_json(value);
    CHECK(value.is_null());
}

TEST_CASE("a Next intent holds no copy of the draft once the router has applied it", "[journey][router]")
{
    Catalog catalog;
    catalog.procedures.push_back(testing::fixture_procedure());
    Router router;
    router.set_catalog(&catalog);
    router.set_check_context(today());
    // No journey to take it (a stray Next before any procedure): the router wipes it.
    Intent stray = intent::Next { "MARQUEUR-NEXT-1" };
    CHECK_FALSE(router.apply(stray));
    CHECK(std::get<intent::Next>(stray).draft.is_null());

    router.apply(intent::StartJourney {});
    router.apply(intent::StartProcedure { "move" });
    router.apply(intent::BeginSteps {});
    Intent info = intent::Next { "MARQUEUR-NEXT-2" }; // an info step keeps nothing
    CHECK(router.apply(info));
    CHECK(std::get<intent::Next>(info).draft.is_null());
    REQUIRE(router.journey()->step().id == "name");

    // Taken by the journey, refused or accepted: the journey's draft is the only copy, wiped with it.
    Intent refused = intent::Next { "" };
    CHECK_FALSE(router.apply(refused));
    CHECK(std::get<intent::Next>(refused).draft.is_null());
    Intent accepted = intent::Next { "Marie Marqueur" };
    CHECK(router.apply(accepted));
    CHECK(std::get<intent::Next>(accepted).draft.is_null());
    router.apply(intent::Back {});
    REQUIRE(router.journey()->step().id == "name");
    CHECK(router.journey()->draft() == "Marie Marqueur");
}

TEST_CASE("the router follows the journey from catalog to receipt", "[journey][router]")
{
    Catalog catalog;
    catalog.procedures.push_back(testing::fixture_procedure());
    Router router;
    router.set_catalog(&catalog);
    router.set_check_context(today());
    router.apply(intent::StartJourney {});
    CHECK_FALSE(router.apply(intent::StartProcedure { "unknown" }));
    CHECK(router.apply(intent::StartProcedure { "move" }));
    CHECK(router.current() == ScreenId::Intro);
    CHECK(router.apply(intent::BeginSteps {}));
    CHECK(router.current() == ScreenId::Step);
    CHECK(router.apply(intent::Next { nullptr }));      // hello -> name: same screen, another step
    CHECK_FALSE(router.apply(intent::Next { "" }));     // refused: stays
    CHECK(router.journey()->error());
    router.apply(intent::Next { "Ana" });
    router.apply(intent::Next { "no" });
    router.apply(intent::Next { "" });
    CHECK(router.current() == ScreenId::Review);
    CHECK(router.apply(intent::ChangeAnswer { "name" }));
    CHECK(router.current() == ScreenId::Step);
    CHECK(router.apply(intent::Back {}));
    CHECK(router.current() == ScreenId::Review);
    router.journey()->submitted("ABC-DEF-GHK");
    CHECK(router.current() == ScreenId::Receipt);
    router.apply(intent::Back {}); // there is no way back from a stored submission
    CHECK(router.current() == ScreenId::Receipt);
    CHECK(router.apply(intent::EndSession {}));
    CHECK(router.current() == ScreenId::Welcome);
    CHECK(router.journey() == nullptr);
}

TEST_CASE("back from the intro leaves the procedure for the catalog", "[journey][router]")
{
    Catalog catalog;
    catalog.procedures.push_back(testing::fixture_procedure());
    Router router;
    router.set_catalog(&catalog);
    router.apply(intent::StartJourney {});
    router.apply(intent::StartProcedure { "move" });
    CHECK(router.apply(intent::Back {}));
    CHECK(router.current() == ScreenId::Catalog);
    CHECK(router.journey() == nullptr);
}

namespace {

// A question, then a document of one or two pages (optional or not), built in code.
std::shared_ptr<const Procedure> document_procedure(bool required, int min_pages = 1)
{
    auto procedure = std::make_shared<Procedure>();
    procedure->id = "with-document";
    Step name;
    name.id = "name";
    name.kind = StepKind::Question;
    name.field.rules.type = FieldType::Text;
    name.field.rules.required = true;
    name.field.rules.max_length = 50;
    Step proof;
    proof.id = "proof";
    proof.kind = StepKind::Document;
    proof.document.min_pages = min_pages;
    proof.document.max_pages = 2;
    proof.document.required = required;
    procedure->steps.push_back(std::move(name));
    procedure->steps.push_back(std::move(proof));
    return procedure;
}

ScannedPage page_of(uint8_t fill, size_t size, const char* sha)
{
    ScannedPage page;
    page.jpeg.assign(size, fill);
    page.width = 10;
    page.height = 14;
    page.sha256 = sha;
    return page;
}

}

TEST_CASE("a document step keeps its pages, numbers them in the answers and wipes them with the journey", "[journey][document]")
{
    Journey journey(document_procedure(true));
    journey.begin();
    CHECK_FALSE(journey.add_page(page_of(1, 4, "a"))); // not on a document step
    REQUIRE(journey.next("Marie", today()));
    REQUIRE(journey.step().id == "proof");

    SECTION("a required document cannot be skipped")
    {
        CHECK_FALSE(journey.next(nullptr, today()));
        REQUIRE(journey.error());
        CHECK(journey.error()->code == "document_needed");
    }
    SECTION("pages are added up to the most, retaken, removed, and listed in the answers")
    {
        CHECK(journey.add_page(page_of(1, 4, "a")));
        CHECK(journey.add_page(page_of(2, 5, "b")));
        CHECK_FALSE(journey.add_page(page_of(3, 6, "c"))); // two pages at most
        CHECK(journey.add_page(page_of(4, 7, "d"), 0));    // page 1 scanned again
        CHECK_FALSE(journey.add_page(page_of(4, 7, "e"), 5));
        REQUIRE(journey.pages("proof").size() == 2);
        CHECK(journey.pages("proof")[0].sha256 == "d");
        CHECK(journey.remove_page(1));
        CHECK_FALSE(journey.remove_page(1));
        CHECK(journey.add_page(page_of(5, 3, "f")));
        REQUIRE(journey.next(nullptr, today()));
        CHECK(journey.stage() == JourneyStage::Review);
        auto answers = journey.answers();
        CHECK(answers["proof"]["pages"].size() == 2);
        CHECK(answers["proof"]["pages"][0] == json { { "n", 0 }, { "sha256", "d" }, { "bytes", 7 }, { "width", 10 },
                                                  { "height", 14 }, { "type", "image/jpeg" } });
        CHECK(answers["proof"]["pages"][1]["n"] == 1);
        auto bytes = journey.page_bytes();
        REQUIRE(bytes.size() == 2);
        CHECK(bytes[0] == std::vector<uint8_t>(7, 4));
        CHECK(bytes[1] == std::vector<uint8_t>(3, 5));
        auto review = journey.review();
        REQUIRE(review.size() == 2);
        CHECK(review[1].answer == json { { "pages", 2 } });
        // Change from the review reaches the document step too.
        CHECK(journey.change("proof"));
        CHECK(journey.step().id == "proof");
        REQUIRE(journey.next(nullptr, today()));
        journey.submitted("ABC-DEF-GHK");
        CHECK(journey.pages("proof").empty()); // wiped with the answers
    }
}

TEST_CASE("an optional document may be skipped, but a started one needs its least pages", "[journey][document]")
{
    Journey journey(document_procedure(false, 2));
    journey.begin();
    REQUIRE(journey.next("Marie", today()));
    CHECK(journey.add_page(page_of(1, 4, "a")));
    CHECK_FALSE(journey.next(nullptr, today()));
    REQUIRE(journey.error());
    CHECK(journey.error()->code == "document_pages");
    CHECK(journey.remove_page(0));
    CHECK(journey.next(nullptr, today())); // none at all: skipped
    CHECK(journey.answers() == json { { "name", "Marie" } });
    CHECK(journey.page_bytes().empty());
}
