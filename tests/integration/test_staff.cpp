// The staff desk in the real app: the discreet entry, the PIN pad with its waits, lockout and audit
// log, the mediator's assisted flag reaching the sealed submission, training that queues nothing,
// receipt lookup that shows a state and never contents, and the technician's diagnostics and exports.
#include "devices/escpos_render.h"
#include "kiosk_fixture.h"

#include "kiosk/staff/staff_store.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <sys/wait.h>

using namespace guichet;
using nlohmann::json;
using test::KeyPair;
using test::Kiosk;

namespace {

namespace fs = std::filesystem;
const fs::path output_dir = GUICHET_TEST_OUTPUT_DIR;
const fs::path source_dir = GUICHET_SOURCE_DIR;

constexpr const char* mediator_pin = "482913";
constexpr const char* technician_pin = "70318264";

// The staff's way in, as a script: the discreet keys, the PIN, and its submission.
std::string sign_in(std::string_view pin)
{
    return "key Ctrl+Alt+s\ntype \"" + std::string(pin) + "\"\ntap id:staff.pin_submit\n";
}

// A kiosk whose staff PINs are set, as `guichetctl set-pin` would, before it starts.
struct StaffKiosk : Kiosk {
    fs::path state;
    StaffKiosk(const std::string& name, const KeyPair& keys, const std::function<void(Config&)>& adjust = {})
        : Kiosk(output_dir / "staff-state" / name, keys, [&](Config& config) {
            config.staff.usb_dir = (output_dir / "staff-state" / name / "usb").string();
            config.sync.hub_url = "http://127.0.0.1:9"; // nothing listens: the network check must say so
            config.sync.token_file = (output_dir / "staff-state" / name / "token").string();
            std::ofstream(config.sync.token_file) << "not-a-real-token\n";
            if (adjust)
                adjust(config);
        })
        , state(output_dir / "staff-state" / name)
    {
        auto store = staff::StaffStore::open(state / "staff.sqlite");
        REQUIRE(store);
        REQUIRE(store->set_pin(staff::Role::Mediator, mediator_pin, 0));
        REQUIRE(store->set_pin(staff::Role::Technician, technician_pin, 0));
    }
    std::vector<staff::AuditEntry> audit()
    {
        auto store = staff::StaffStore::open(state / "staff.sqlite");
        REQUIRE(store);
        auto log = store->audit_log(1000);
        REQUIRE(log);
        return *log;
    }
    fs::path shots(const std::string& name) const { return output_dir / "staff" / name; }
    void frame(int ms = 16)
    {
        clock.advance(Millis(ms));
        app->render_frame();
    }
};

bool audited(const std::vector<staff::AuditEntry>& log, std::string_view action, std::string_view role = {})
{
    return std::any_of(log.begin(), log.end(), [&](auto& entry) { return entry.action == action && (role.empty() || entry.role == role); });
}

// The public-space report as quickly as it goes (kiosk_fixture.h).
constexpr std::string_view to_review = test::street_light_to_review;

}

TEST_CASE("holding the top-right corner opens the PIN pad; a brief touch there does not", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("corner", keys);
    kiosk.frame();
    auto press = [&](float x, float y, bool down) {
        SDL_Event event {};
        event.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        event.button.button = SDL_BUTTON_LEFT;
        event.button.x = static_cast<int>(x);
        event.button.y = static_cast<int>(y);
        kiosk.app->push_event(event);
    };
    press(1900, 20, true);
    for (int i = 0; i < 60; ++i)
        kiosk.frame(); // about a second
    press(1900, 20, false);
    kiosk.frame();
    kiosk.frame();
    CHECK(kiosk.app->current_screen() == ScreenId::Welcome);

    press(1900, 20, true);
    for (int i = 0; i < 200; ++i)
        kiosk.frame(); // past the three seconds
    CHECK(kiosk.app->current_screen() == ScreenId::StaffPin);
    press(1900, 20, false);
    kiosk.frame();
    CHECK(kiosk.app->current_screen() == ScreenId::StaffPin);
    CHECK(audited(kiosk.audit(), "staff-entry"));
}

TEST_CASE("wrong PINs make the pad wait, then lock; the PIN never reaches the screen's tree or the log", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("lockout", keys);
    kiosk.run_text(R"(
key Ctrl+Alt+s
expect-screen staff-pin
type "111111"
expect-no-text "111111"
dump-ui pad.json
tap id:staff.pin_submit
expect-text "Nouvel essai possible dans 1"
advance 2
type "222222"
tap id:staff.pin_submit
expect-text "dans 2"
advance 3
type "333333"
tap id:staff.pin_submit
advance 5
type "444444"
tap id:staff.pin_submit
advance 9
type "555555"
tap id:staff.pin_submit
expect-text "Trop de codes incorrects"
screenshot locked.png
advance 60
expect-text "Trop de codes incorrects"
tap id:staff.leave
expect-screen welcome
)",
        kiosk.shots("lockout"));
    std::ifstream dump(kiosk.shots("lockout") / "pad.json");
    std::string tree((std::istreambuf_iterator<char>(dump)), {});
    CHECK(tree.find("111111") == std::string::npos);
    CHECK(tree.find("\u25CF \u25CF \u25CF \u25CF \u25CF \u25CF") != std::string::npos);

    // Opened again, the pad is still locked: no digits are taken at all (the store's tests cover a restart).
    kiosk.run_text(std::string("key Ctrl+Alt+s\nexpect-text \"Trop de codes incorrects\"\nexpect-no-text \"Valider\"\n"),
        kiosk.shots("lockout-again"));
    auto log = kiosk.audit();
    CHECK(std::count_if(log.begin(), log.end(), [](auto& e) { return e.action == "pin-refused"; }) == 4);
    CHECK(audited(log, "pin-locked"));
    CHECK_FALSE(audited(log, "pin-accepted"));
    for (auto& entry : log)
        for (auto pin : { "111111", "222222", "555555" })
            CHECK(entry.detail.find(pin) == std::string::npos);
}

TEST_CASE("a mediator marks the session as assisted, and the sealed submission says so", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("assisted", keys);
    kiosk.run_text(std::string(to_review) + R"(
)" + sign_in(mediator_pin) + R"(
expect-screen mediator
tap id:staff.assisted
expect-text "Session accompagnée"
screenshot mediator.png
tap id:staff.leave
expect-screen review
tap id:review.submit
expect-screen receipt
)",
        kiosk.shots("assisted"));
    auto due = kiosk.app->outbox()->due(static_cast<int64_t>(std::time(nullptr)) + 60, 10, 1 << 20);
    REQUIRE(due);
    REQUIRE(due->size() == 1);
    auto payload = json::parse(keys.open(due->front().sealed));
    CHECK(payload.at("assisted") == true);
    // The receipt is sealed with the answers (and sent beside them), and the outcomes the citizen saw
    // travel as ids, so the back office can show them (issue 17).
    REQUIRE(due->front().receipt);
    CHECK(payload.at("receipt") == *due->front().receipt);
    CHECK(payload.at("answers").at("outcomes").is_array());
    CHECK(payload.at("answers").at("answers").is_object());
    auto log = kiosk.audit();
    CHECK(audited(log, "pin-accepted", "mediator"));
    CHECK(audited(log, "assisted-on", "mediator"));
    CHECK(audited(log, "staff-leave", "mediator"));

    // The next citizen starts unassisted.
    kiosk.run_text(std::string("tap id:receipt.finish\n") + std::string(to_review) + "tap id:review.submit\nexpect-screen receipt\n",
        kiosk.shots("assisted-next"));
    due = kiosk.app->outbox()->due(static_cast<int64_t>(std::time(nullptr)) + 60, 10, 1 << 20);
    REQUIRE(due->size() == 2);
    for (auto& item : *due)
        if (item.id != payload.at("id"))
            CHECK(json::parse(keys.open(item.sealed)).at("assisted") == false);
}

TEST_CASE("in training the whole journey works, a banner says so, and nothing is queued", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("training", keys);
    kiosk.run_text(std::string(R"(
)") + sign_in(mediator_pin) + R"(
tap id:staff.training
tap id:staff.leave
expect-screen welcome
expect-text "Mode formation"
)" + std::string(to_review) + R"(
expect-text "Mode formation"
tap id:review.submit
expect-screen receipt
expect-text "000-000-000"
expect-text "ni enregistrée ni envoyée"
expect-no-text "gardée en sécurité"
tap id:receipt.rating_easy
screenshot training-receipt.png
)",
        kiosk.shots("training"));
    auto counts = kiosk.app->outbox()->counts();
    REQUIRE(counts);
    CHECK(counts->queued == 0);
    CHECK(counts->sent == 0);
    CHECK(kiosk.app->outbox()->ratings()->empty());
    CHECK(audited(kiosk.audit(), "training-on", "mediator"));
}

TEST_CASE("receipt lookup tells a state, never contents, and accepts the code however it is typed", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("lookup", keys);
    kiosk.run_text(std::string(to_review) + "tap id:review.submit\nexpect-screen receipt\n", kiosk.shots("lookup-submit"));
    auto entries = kiosk.app->outbox()->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    std::string code = entries->front().receipt;
    std::string typed;
    for (char c : code)
        if (c != '-')
            typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    kiosk.run_text(std::string(R"(
)") + sign_in(mediator_pin) + R"(
tap id:staff.lookup
expect-screen receipt-lookup
type ")" + typed + R"("
tap id:staff.lookup_submit
expect-text "en attente d’envoi"
expect-no-text "Rue des Lilas"
screenshot lookup.png
tap id:staff.lookup_again
type "ZZZZZZZZZ"
tap id:staff.lookup_submit
expect-text "Aucune demande avec le numéro ZZZ-ZZZ-ZZZ"
)",
        kiosk.shots("lookup"));
}

TEST_CASE("the mediator reprints a looked-up receipt: the code, the procedure and the state, never the answers", "[ui][staff][printing]")
{
    KeyPair keys;
    auto printer = output_dir / "staff-state" / "reprint.escpos";
    fs::create_directories(printer.parent_path());
    fs::remove(printer);
    StaffKiosk kiosk("reprint", keys, [&](Config& config) {
        config.printer.kind = "escpos";
        config.printer.device = printer.string();
    });
    kiosk.run_text(std::string(to_review) + "tap id:review.submit\nexpect-screen receipt\ntap id:receipt.finish\n", kiosk.shots("reprint-submit"));
    auto entries = kiosk.app->outbox()->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    auto code = entries->front().receipt;
    kiosk.run_text(sign_in(mediator_pin) + R"(
tap id:staff.lookup
type ")" + code + R"("
tap id:staff.lookup_submit
expect-text "en attente d’envoi"
tap id:staff.reprint
expect-text "Le duplicata est imprimé."
screenshot reprinted.png
)",
        kiosk.shots("reprint"));
    std::ifstream in(printer, std::ios::binary);
    std::vector<uint8_t> bytes { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
    auto paper = devices::decode_escpos(bytes);
    std::string text;
    for (auto& line : paper.lines)
        text += line + " ";
    INFO(text);
    CHECK(paper.cuts == 1);
    CHECK(text.find(code) != std::string::npos);
    CHECK(text.find("duplicata") != std::string::npos);
    CHECK(text.find("en attente") != std::string::npos);
    CHECK(text.find("Signaler un probl") != std::string::npos);
    CHECK(text.find("Lilas") == std::string::npos);      // an answer: never on a reprint
    CHECK(text.find("lampadaire") == std::string::npos); // not even a printable one: the kiosk no longer holds it
    CHECK(audited(kiosk.audit(), "reprint", "mediator"));
}

TEST_CASE("receipt lookup tells the administration's state and message once the hub sent them", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("lookup-state", keys);
    kiosk.run_text(std::string(to_review) + "tap id:review.submit\nexpect-screen receipt\n", kiosk.shots("lookup-state-submit"));
    auto entries = kiosk.app->outbox()->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    auto entry = entries->front();
    // What the uploader and the heartbeat do with the hub's answers (tested against a real hub in
    // tests/sync): the submission is sent, then the hub says it was processed.
    std::vector<std::string> ids { entry.id };
    REQUIRE(kiosk.app->outbox()->mark_sent(ids, static_cast<int64_t>(std::time(nullptr))));
    kiosk.run_text(sign_in(mediator_pin) + R"(
tap id:staff.lookup
expect-screen receipt-lookup
type ")" + entry.receipt + R"("
tap id:staff.lookup_submit
expect-text "reçue par l’administration"
)",
        kiosk.shots("lookup-state-received"));
    std::vector<sync::protocol::StateUpdate> states { { entry.id, "done", "Votre acte est prêt, à retirer en mairie.",
        "2026-12-02T09:30:00.000Z", 2 } };
    REQUIRE(kiosk.app->outbox()->apply_states(states).value() == 1);
    // The hub's public status page, as a heartbeat answer from a hub with --public-url names it.
    REQUIRE(kiosk.app->outbox()->set_status_url("https://guichet.mairie.example/suivi/"));
    kiosk.run_text(R"(
expect-screen receipt-lookup
tap id:staff.lookup_again
type ")" + entry.receipt + R"("
tap id:staff.lookup_submit
expect-text "traitée le 02/12/2026"
expect-text "Message de l’administration"
expect-text "Votre acte est prêt, à retirer en mairie."
expect-text "https://guichet.mairie.example/suivi/)" + entry.receipt + R"("
expect-no-text "Rue des Lilas"
screenshot lookup-state.png
)",
        kiosk.shots("lookup-state"));

    // The longest message an agent may write (1000 bytes at the hub) still leaves the keyboard and the
    // buttons on the screen.
    std::string long_message;
    while (long_message.size() < 990)
        long_message += "Il manque le justificatif de domicile de moins de trois mois. ";
    long_message.resize(990);
    states = { { entry.id, "incomplete", long_message, "2026-12-02T10:30:00.000Z", 3 } };
    REQUIRE(kiosk.app->outbox()->apply_states(states).value() == 1);
    kiosk.run_text(R"(
expect-screen receipt-lookup
tap id:staff.lookup_again
type ")" + entry.receipt + R"("
tap id:staff.lookup_submit
expect-text "Il manque le justificatif"
expect-fits
screenshot lookup-long-message.png
)",
        kiosk.shots("lookup-long-message"));
}

TEST_CASE("receipt lookup tells how many of a demand's scanned pages the hub has", "[ui][staff][pages]")
{
    KeyPair keys;
    StaffKiosk kiosk("lookup-pages", keys);
    auto* outbox = kiosk.app->outbox();
    // A demand with three scanned pages, as the document step will hand it over (issue 18); the hub
    // has the demand and two of its pages (the uploader's part, tested against a real hub in tests/sync).
    sync::NewSubmission submission { "public-space-report", 1, false, R"({"a":1})",
        { std::vector<uint8_t>(400, 1), std::vector<uint8_t>(500, 2), std::vector<uint8_t>(600, 3) } };
    auto receipt = outbox->enqueue(submission, static_cast<int64_t>(std::time(nullptr)));
    REQUIRE(receipt);
    std::vector<std::string> ids { receipt->id };
    REQUIRE(outbox->mark_sent(ids, static_cast<int64_t>(std::time(nullptr))));
    for (int n = 0; n < 2; ++n) {
        auto chunk = outbox->next_chunk(static_cast<int64_t>(std::time(nullptr)), 1 << 20).value().value();
        REQUIRE(outbox->record_chunk(chunk.id, chunk.n, chunk.size, true));
    }
    kiosk.run_text(sign_in(mediator_pin) + R"(
tap id:staff.lookup
expect-screen receipt-lookup
type ")" + receipt->code + R"("
tap id:staff.lookup_submit
expect-text "reçue par l’administration"
expect-text "2/3 pièces envoyées"
screenshot lookup-pages.png
)",
        kiosk.shots("lookup-pages"));
}

TEST_CASE("a staff screen left alone closes itself; a mediator can end the citizen's session; a restart exits 75", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("leaving", keys);
    kiosk.run_text(std::string(R"(
tap id:welcome.start
expect-screen catalog
)") + sign_in(mediator_pin) + R"(
expect-screen mediator
advance 121
expect-screen catalog
)" + sign_in(mediator_pin) + R"(
tap id:staff.end_session
expect-screen welcome
)" + sign_in(technician_pin) + R"(
tap id:staff.tab_tools
tap id:staff.restart
)",
        kiosk.shots("leaving"));
    CHECK(kiosk.app->quit_requested());
    CHECK(kiosk.app->exit_code() == app::App::exit_restart);
    auto log = kiosk.audit();
    CHECK(audited(log, "staff-timeout", "mediator"));
    CHECK(audited(log, "end-citizen-session", "mediator"));
    CHECK(audited(log, "restart", "technician"));
}

TEST_CASE("a technician sees the diagnostics, tests the network step by step, and exports logs without personal data", "[ui][staff]")
{
    KeyPair keys;
    StaffKiosk kiosk("technician", keys);
    fs::create_directories(kiosk.state / "usb" / "STICK");
    kiosk.run_text(std::string(to_review) + "tap id:review.submit\nexpect-screen receipt\ntap id:receipt.finish\n",
        kiosk.shots("technician-submit"));
    kiosk.run_text(std::string(R"(
)") + sign_in(technician_pin) + R"(
expect-screen technician
expect-text "integration-test"
expect-text "Espace disque libre"
screenshot technician.png
tap id:staff.tab_network
tap id:staff.check_network
expect-text "TCP"
screenshot network.png
tap id:staff.tab_tools
tap id:staff.export_logs
expect-text "Journaux exportés"
tap id:staff.tab_content
expect-text "contenu d’origine"
tap id:staff.install_usb
expect-text "ne sont pas configurées"
tap id:staff.tab_tools
tap id:staff.test_pattern
expect-screen test-pattern
screenshot pattern.png
tap id:staff.show_technician
tap id:staff.touch_test
expect-screen touch-test
tap id:staff.show_technician
tap id:staff.leave
expect-screen welcome
)",
        kiosk.shots("technician"));
    // The export: state, audit and queue metadata, and nothing the citizen typed.
    fs::path exported;
    for (auto& entry : fs::recursive_directory_iterator(kiosk.state / "usb"))
        if (entry.path().filename().string().starts_with("guichet-logs-"))
            exported = entry.path();
    REQUIRE_FALSE(exported.empty());
    CHECK(exported.parent_path().filename() == "STICK");
    for (auto name : { "state.txt", "audit.tsv", "queue.tsv" }) {
        INFO(name);
        REQUIRE(fs::exists(exported / name));
        std::ifstream in(exported / name);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        CHECK(text.find("Rue des Lilas") == std::string::npos);
    }
    std::ifstream queue(exported / "queue.tsv");
    std::string queue_text((std::istreambuf_iterator<char>(queue)), {});
    CHECK(queue_text.find("public-space-report") != std::string::npos);
    auto log = kiosk.audit();
    CHECK(audited(log, "check-network", "technician"));
    CHECK(audited(log, "export-logs", "technician"));
}

namespace {

// Runs guichet-hub, the tool the administration signs packs with.
int hub_tool(const std::string& arguments)
{
    std::string command = std::string(GUICHET_HUB_BINARY) + " " + arguments + " > /dev/null 2>&1";
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_line(const fs::path& file)
{
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

}

TEST_CASE("a technician installs a pack from a stick: a bad one is refused while the kiosk serves, a good one is used from the next welcome", "[ui][staff][pack]")
{
    auto work = output_dir / "staff-state" / "usb-pack-work";
    fs::remove_all(work);
    fs::create_directories(work);
    REQUIRE(hub_tool("pack keygen --out " + (work / "pack.key").string()) == 0);
    std::string public_key = read_line(work / "pack.key.pub");
    REQUIRE_FALSE(public_key.empty());

    // Version 2 renames the welcome's title; a broken version 3 has a procedure that does not parse.
    fs::copy(source_dir / "assets", work / "good", fs::copy_options::recursive);
    {
        std::ifstream in(work / "good" / "strings" / "fr.json");
        auto strings = json::parse(in);
        strings["welcome.title"] = "Bienvenue à la mairie";
        std::ofstream(work / "good" / "strings" / "fr.json") << strings.dump(2);
    }
    fs::copy(source_dir / "assets", work / "bad", fs::copy_options::recursive);
    std::ofstream(work / "bad" / "procedures" / "public-space-report.json") << "{ \"id\": ";
    REQUIRE(hub_tool("pack build " + (work / "bad").string() + " --key " + (work / "pack.key").string()
                + " --version 3 --out " + (work / "usb" / "STICK" / "pack").string()) == 0);

    KeyPair keys;
    StaffKiosk kiosk("usb-pack", keys, [&](Config& config) {
        config.content.packs_dir = (output_dir / "staff-state" / "usb-pack" / "packs").string();
        config.content.signing_keys = { public_key };
        config.staff.usb_dir = (work / "usb").string();
    });
    kiosk.run_text(std::string(R"(
)") + sign_in(technician_pin) + R"(
tap id:staff.tab_content
expect-text "contenu d’origine"
tap id:staff.install_usb
expect-text "Contenu refusé, l’actuel reste en service"
screenshot refused.png
tap id:staff.leave
expect-screen welcome
expect-text "Bienvenue"
tap id:welcome.start
expect-screen catalog
)",
        kiosk.shots("usb-pack"));
    CHECK(kiosk.app->catalog().procedures.size() == 6);

    fs::remove_all(work / "usb" / "STICK" / "pack");
    REQUIRE(hub_tool("pack build " + (work / "good").string() + " --key " + (work / "pack.key").string()
                + " --version 2 --out " + (work / "usb" / "STICK" / "pack").string()) == 0);
    // Installed while a citizen is in the catalog: they keep the words they started with.
    kiosk.run_text(std::string(R"(
)") + sign_in(technician_pin) + R"(
tap id:staff.tab_content
tap id:staff.install_usb
expect-text "Nouveau contenu installé"
expect-text "Version 2"
screenshot installed.png
tap id:staff.leave
expect-screen catalog
tap id:catalog.back
expect-screen welcome
expect-text "Bienvenue à la mairie"
)",
        kiosk.shots("usb-pack-installed"));
    auto log = kiosk.audit();
    CHECK(std::count_if(log.begin(), log.end(), [](auto& e) { return e.action == "install-usb"; }) == 2);
}
