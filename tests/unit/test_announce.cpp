// What speech says: each role with its state, a choice's place in its group, and a screen's summary,
// in French and English from the shipped strings.
#include "kiosk/core/announce.h"

#include <catch2/catch.hpp>

using namespace guichet;

namespace {

const Strings& strings()
{
    static const Strings loaded = [] {
        auto result = Strings::load(GUICHET_SOURCE_DIR "/assets/strings", { "fr", "en", "pt", "es" });
        REQUIRE(result);
        return *result;
    }();
    return loaded;
}

UiTree marital_status()
{
    UiTree tree;
    tree.begin_frame("step");
    tree.add({ .id = "step.title", .role = Role::Heading, .label = "Quelle est votre situation\u202F?" });
    tree.add({ .id = "step.help", .role = Role::Text, .label = "Choisissez une réponse" });
    tree.add({ .id = "answer.status.single", .role = Role::Choice, .label = "Célibataire" });
    tree.add({ .id = "answer.status.married", .role = Role::Choice, .label = "Marié", .selected = true });
    tree.add({ .id = "answer.status.pacs", .role = Role::Choice, .label = "Pacsé" });
    tree.add({ .id = "answer.status.widowed", .role = Role::Choice, .label = "Veuf" });
    tree.add({ .id = "step.next", .role = Role::Button, .label = "Suivant" });
    return tree;
}

}

TEST_CASE("a button says its role and label", "[announce]")
{
    auto tree = marital_status();
    auto& next = *tree.find_by_id("step.next");
    CHECK(describe(tree, next, "fr", strings()) == "Bouton, Suivant");
    CHECK(describe(tree, next, "en", strings()) == "Button, Suivant");
}

TEST_CASE("a button with a value says the value instead of its label", "[announce]")
{
    UiTree tree;
    tree.begin_frame("review");
    tree.add({ .id = "review.change.name", .role = Role::Button, .label = "Modifier",
        .value = "Modifier\u202F: Quel est votre nom\u202F?" });
    CHECK(describe(tree, tree.nodes().front(), "fr", strings()) == "Bouton, Modifier\u202F: Quel est votre nom\u202F?");
}

TEST_CASE("a choice says its place in its group and whether it is selected", "[announce]")
{
    auto tree = marital_status();
    CHECK(describe(tree, *tree.find_by_id("answer.status.married"), "fr", strings())
        == "Choix 2 sur 4, Marié, sélectionné");
    CHECK(describe(tree, *tree.find_by_id("answer.status.widowed"), "fr", strings()) == "Choix 4 sur 4, Veuf");
    CHECK(describe(tree, *tree.find_by_id("answer.status.single"), "en", strings()) == "Choice 1 of 4, Célibataire");
    CHECK(describe(tree, *tree.find_by_id("answer.status.married"), "en", strings())
        == "Choice 2 of 4, Marié, selected");
}

TEST_CASE("choices of another group or after a gap are counted apart", "[announce]")
{
    UiTree tree;
    tree.begin_frame("welcome");
    tree.add({ .id = "language.fr", .role = Role::Choice, .label = "Français", .selected = true });
    tree.add({ .id = "language.en", .role = Role::Choice, .label = "English" });
    tree.add({ .id = "size.normal", .role = Role::Choice, .label = "normale" });
    tree.add({ .id = "size.large", .role = Role::Choice, .label = "grande" });
    tree.add({ .id = "size.larger", .role = Role::Choice, .label = "très grande" });
    CHECK(describe(tree, tree.nodes()[1], "fr", strings()) == "Choix 2 sur 2, English");
    CHECK(describe(tree, tree.nodes()[2], "fr", strings()) == "Choix 1 sur 3, normale");
}

TEST_CASE("a toggle says whether it is checked", "[announce]")
{
    UiTree tree;
    tree.begin_frame("welcome");
    tree.add({ .id = "welcome.contrast", .role = Role::Toggle, .label = "Contraste élevé" });
    tree.add({ .id = "welcome.contrast2", .role = Role::Toggle, .label = "Contraste élevé", .selected = true });
    CHECK(describe(tree, tree.nodes()[0], "fr", strings()) == "Case à cocher, Contraste élevé, non cochée");
    CHECK(describe(tree, tree.nodes()[1], "fr", strings()) == "Case à cocher, Contraste élevé, cochée");
    CHECK(describe(tree, tree.nodes()[1], "en", strings()) == "Checkbox, Contraste élevé, checked");
}

TEST_CASE("a text field says what was typed or that it is empty", "[announce]")
{
    UiTree tree;
    tree.begin_frame("step");
    tree.add({ .id = "answer.name", .role = Role::TextField, .label = "Nom" });
    tree.add({ .id = "answer.city", .role = Role::TextField, .label = "Ville", .value = "Lyon" });
    CHECK(describe(tree, tree.nodes()[0], "fr", strings()) == "Zone de texte, Nom, vide");
    CHECK(describe(tree, tree.nodes()[1], "fr", strings()) == "Zone de texte, Ville, Lyon");
    CHECK(describe(tree, tree.nodes()[0], "en", strings()) == "Text field, Nom, empty");
}

TEST_CASE("keys images and texts are described", "[announce]")
{
    UiTree tree;
    tree.begin_frame("step");
    tree.add({ .id = "answer.name.key.e_acute", .role = Role::Key, .label = "é" });
    tree.add({ .id = "receipt.qr", .role = Role::Image, .label = "Code QR du reçu" });
    tree.add({ .id = "step.help", .role = Role::Text, .label = "Lisez attentivement." });
    CHECK(describe(tree, tree.nodes()[0], "fr", strings()) == "Touche, é");
    CHECK(describe(tree, tree.nodes()[1], "fr", strings()) == "Image, Code QR du reçu");
    CHECK(describe(tree, tree.nodes()[1], "en", strings()) == "Image, Code QR du reçu");
    CHECK(describe(tree, tree.nodes()[2], "fr", strings()) == "Lisez attentivement.");
}

TEST_CASE("a disabled element says it is unavailable", "[announce]")
{
    UiTree tree;
    tree.begin_frame("step");
    tree.add({ .id = "step.next", .role = Role::Button, .label = "Suivant", .enabled = false });
    CHECK(describe(tree, tree.nodes()[0], "fr", strings()) == "Bouton, Suivant, indisponible");
    CHECK(describe(tree, tree.nodes()[0], "en", strings()) == "Button, Suivant, unavailable");
}

TEST_CASE("a screen's summary reads its texts then its choices", "[announce]")
{
    CHECK(screen_summary(marital_status())
        == "Quelle est votre situation\u202F? Choisissez une réponse. Célibataire, Marié, Pacsé, Veuf");
}

TEST_CASE("a screen's summary adds no stop after punctuation and skips empty labels", "[announce]")
{
    UiTree tree;
    tree.begin_frame("welcome");
    tree.add({ .id = "welcome.title", .role = Role::Heading, .label = "Bienvenue" });
    tree.add({ .id = "blank", .role = Role::Text });
    tree.add({ .id = "welcome.subtitle", .role = Role::Text, .label = "Une question à la fois." });
    tree.add({ .id = "welcome.note", .role = Role::Text, .label = "Attention\u202F:" });
    tree.add({ .id = "welcome.more", .role = Role::Text, .label = "Et puis…" });
    tree.add({ .id = "welcome.start", .role = Role::Button, .label = "Commencer" });
    tree.add({ .id = "welcome.end", .role = Role::Text, .label = "Fin" });
    CHECK(screen_summary(tree) == "Bienvenue. Une question à la fois. Attention\u202F: Et puis… Fin");
}

TEST_CASE("a screen's summary leaves out what a dialog covers", "[announce]")
{
    auto tree = marital_status();
    tree.begin_modal();
    tree.add({ .id = "inactivity.title", .role = Role::Heading, .label = "Êtes-vous toujours là\u202F?" });
    tree.add({ .id = "inactivity.countdown", .role = Role::Text, .label = "La session se terminera dans 25 secondes." });
    tree.add({ .id = "inactivity.more_time", .role = Role::Button, .label = "Plus de temps" });
    tree.add({ .id = "inactivity", .role = Role::Dialog, .label = "Êtes-vous toujours là\u202F?" });
    CHECK(screen_summary(tree) == "Êtes-vous toujours là\u202F? La session se terminera dans 25 secondes.");
}

TEST_CASE("an empty screen has an empty summary", "[announce]")
{
    UiTree tree;
    tree.begin_frame("blank");
    CHECK(screen_summary(tree).empty());
}
