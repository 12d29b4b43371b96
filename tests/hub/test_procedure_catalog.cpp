// The back office's procedure catalog: the shipped procedure files load with the kiosk core's parser,
// and each version becomes the French labels the browser shows opened answers with (plan §2.4).
#include "hub_fixture.h"

#include "sync/hub/pack_tools.h"
#include "sync/hub/procedure_catalog.h"
#include "sync/hub/store.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace guichet;
using namespace guichet::sync::hub;
using guichet::test::TempDir;

namespace {

const std::filesystem::path procedures_dir = std::filesystem::path(GUICHET_SOURCE_DIR) / "assets" / "procedures";

nlohmann::json question(const nlohmann::json& labels, std::string_view id)
{
    for (auto& entry : labels["questions"])
        if (entry["id"] == id)
            return entry;
    FAIL("no question " << id);
    return {};
}

}

TEST_CASE("Procedure catalog: the shipped procedures load and give French labels", "[hub][office]")
{
    auto catalog = ProcedureCatalog::load(procedures_dir);
    REQUIRE(catalog);
    INFO((catalog->problems().empty() ? "" : catalog->problems().front()));
    CHECK(catalog->problems().empty());
    CHECK(catalog->entries().size() == 6);
    auto* entry = catalog->find("change-of-address", 1);
    REQUIRE(entry);
    CHECK(catalog->latest("change-of-address") == entry);
    CHECK(catalog->find("change-of-address", 2) == nullptr);
    CHECK(catalog->latest("no-such-procedure") == nullptr);

    auto labels = nlohmann::json::parse(procedure_labels_json(*entry->procedure));
    CHECK(labels["id"] == "change-of-address");
    CHECK(labels["version"] == 1);
    CHECK(labels["title"] == "Signaler un changement d’adresse");
    // Only questions, in the file's order, with the format's type names.
    CHECK(labels["questions"].size() >= 5);
    CHECK(labels["questions"][0]["id"] == "moved_on");
    CHECK(labels["questions"][0]["type"] == "date");
    CHECK(question(labels, "new_address")["type"] == "address");
    auto children = question(labels, "has_children");
    // The French title as the file has it (with its narrow no-break space before '?').
    CHECK(children["title"].get<std::string>().starts_with("Des enfants de moins de 18 ans déménagent-ils avec vous"));
    CHECK(children["options"] == nlohmann::json { { "yes", "Oui" }, { "no", "Non" } });
    CHECK(labels["outcomes"].is_object());
    CHECK(labels["documents"] == nlohmann::json::object()); // no document step

    auto appointment = nlohmann::json::parse(procedure_labels_json(*catalog->latest("adviser-appointment")->procedure));
    auto topic = question(appointment, "topic");
    CHECK(topic["type"] == "choice");
    CHECK(topic["options"]["taxes"] == "Les impôts");
    CHECK(topic["options"]["health"] == "L’assurance maladie");
    auto benefits = nlohmann::json::parse(procedure_labels_json(*catalog->latest("benefits-precheck")->procedure));
    CHECK(benefits["outcomes"]["rsa"] == "Revenu de solidarité active (RSA)");

    // The stored definition (the file's text) gives the same labels.
    auto again = procedure_labels_json(std::string_view(entry->definition_json));
    REQUIRE(again);
    CHECK(*again == procedure_labels_json(*entry->procedure));
    CHECK_FALSE(procedure_labels_json(std::string_view("not json")));
    CHECK_FALSE(procedure_labels_json(std::string_view(R"({"id":"x"})")));
}

TEST_CASE("Procedure catalog: a document step is not a question, its title names its pages", "[hub][office][document]")
{
    auto catalog = ProcedureCatalog::load(procedures_dir / "housing-certificate.json");
    REQUIRE(catalog);
    INFO((catalog->problems().empty() ? "" : catalog->problems().front()));
    auto* entry = catalog->latest("housing-certificate");
    REQUIRE(entry);
    auto labels = nlohmann::json::parse(procedure_labels_json(*entry->procedure));
    CHECK(labels["documents"] == nlohmann::json { { "host_proof", "Le justificatif de domicile de votre hébergeant" } });
    REQUIRE(labels["questions"].size() == 2);
    CHECK(labels["questions"][0]["id"] == "host_name");
    CHECK(labels["questions"][1]["id"] == "hosted_since");
    // The stored definition gives the same labels, documents included.
    auto again = procedure_labels_json(std::string_view(entry->definition_json));
    REQUIRE(again);
    CHECK(*again == procedure_labels_json(*entry->procedure));
}

TEST_CASE("Procedure catalog: every version is remembered once, a repeated version is a problem", "[hub][office]")
{
    TempDir dir;
    auto folder = dir / "procedures";
    std::filesystem::create_directories(folder);
    auto text = guichet::test::read_text(procedures_dir / "change-of-address.json");
    guichet::test::write_text(folder / "a.json", text);
    guichet::test::write_text(folder / "b.json", text); // the same id and version again
    auto v2 = nlohmann::json::parse(text);
    v2["version"] = 2;
    v2["title"]["fr"] = "Changement d’adresse (v2)";
    guichet::test::write_text(folder / "c.json", v2.dump());
    guichet::test::write_text(folder / "d.json", "{ broken");
    guichet::test::write_text(folder / "notes.txt", "not a procedure");

    auto catalog = ProcedureCatalog::load(folder);
    REQUIRE(catalog);
    CHECK(catalog->entries().size() == 2);
    REQUIRE(catalog->problems().size() == 2);
    CHECK(catalog->problems()[0].find("already given") != std::string::npos);
    CHECK(catalog->problems()[1].find("d.json") != std::string::npos);
    CHECK(catalog->latest("change-of-address")->procedure->version == 2);
    CHECK_FALSE(ProcedureCatalog::load(dir / "missing"));

    auto store = Store::open((dir / "hub.db").string());
    REQUIRE(store);
    REQUIRE(catalog->remember_all(**store));
    REQUIRE(catalog->remember_all(**store)); // again: nothing changes, nothing fails
    auto stored = (*store)->procedure_definition("change-of-address", 2);
    REQUIRE(stored);
    REQUIRE(stored->has_value());
    auto labels = procedure_labels_json(std::string_view(**stored));
    REQUIRE(labels);
    CHECK(nlohmann::json::parse(*labels)["title"] == "Changement d’adresse (v2)");
}

TEST_CASE("Procedure catalog: procedures published in the hub's pack depot are read from their blobs", "[hub][office]")
{
    TempDir dir;
    auto tree = dir / "assets";
    std::filesystem::create_directories(tree / "procedures");
    std::filesystem::create_directories(tree / "strings");
    auto text = guichet::test::read_text(procedures_dir / "change-of-address.json");
    auto v2 = nlohmann::json::parse(text);
    v2["version"] = 2;
    guichet::test::write_text(tree / "procedures" / "change-of-address.json", v2.dump());
    guichet::test::write_text(tree / "strings" / "notes.json", "{}"); // not a procedure: not read

    auto key = sync::hub::write_pack_key(dir / "pack.key");
    REQUIRE(key);
    auto secret = sync::hub::load_pack_key(dir / "pack.key");
    REQUIRE(secret);
    sync::hub::PackDepot depot(dir / "packs");
    for (auto* channel : { "stable", "pilot" }) {
        auto built = sync::hub::build_pack({ tree, dir / (std::string("pack-") + channel), 1, channel }, *secret);
        INFO((built ? "" : built.error().message));
        REQUIRE(built);
        REQUIRE(depot.publish(dir / (std::string("pack-") + channel), channel));
    }

    // The folder gives version 1, the depot version 2 (in two channels: one entry, no problem).
    auto catalog = ProcedureCatalog::load(procedures_dir / "change-of-address.json");
    REQUIRE(catalog);
    REQUIRE(catalog->add_pack_depot(dir / "packs"));
    INFO((catalog->problems().empty() ? "" : catalog->problems().front()));
    CHECK(catalog->problems().empty());
    CHECK(catalog->entries().size() == 2);
    REQUIRE(catalog->find("change-of-address", 1));
    REQUIRE(catalog->find("change-of-address", 2));
    CHECK(catalog->latest("change-of-address")->procedure->version == 2);
    CHECK_FALSE(ProcedureCatalog::load(procedures_dir)->add_pack_depot(dir / "no-depot"));
}
