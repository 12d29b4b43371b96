// The take-home receipt at the kiosk (issue 19), with real components: the App prints through the devices
// layer to an ESC/POS printer that is a file (as the demo's) or that is absent, and the test decodes the
// bytes the printer would have received. What the paper says, what it must not say, and a printer that
// fails while the receipt stays on the screen.
#include "../devices/cups_fixture.h"
#include "../devices/pdf_read.h"
#include "devices/escpos_render.h"
#include "kiosk/app/print_feature.h"
#include "kiosk_fixture.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

using namespace guichet;
using namespace guichet::test;

namespace {

const fs::path output_dir = GUICHET_TEST_OUTPUT_DIR;

// The public-space report to its receipt (kiosk_fixture.h): a street light (printable), "Rue des Lilas" typed (not).
const std::string to_receipt = std::string(street_light_to_review) + "tap id:review.submit\nexpect-screen receipt\n";

std::vector<uint8_t> file_bytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

bool has_line(const devices::EscposDocument& document, std::string_view text)
{
    std::string all;
    for (auto& line : document.lines)
        all += line + "\n";
    // Wrapped text: compare with the line breaks as spaces.
    for (auto& c : all)
        if (c == '\n')
            c = ' ';
    std::string squeezed;
    for (char c : all)
        if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' '))
            squeezed += c;
    return squeezed.find(text) != std::string::npos;
}

}

TEST_CASE("the receipt prints on an ESC/POS printer: the code, its QR code, what happens next, the service point; never an answer not marked printable",
    "[ui][printing]")
{
    KeyPair keys;
    auto state = output_dir / "printing-state";
    auto printer = output_dir / "printing-receipt.escpos";
    fs::remove(printer);
    Kiosk kiosk(state, keys, [&](Config& config) {
        config.kiosk.place_name = "Mairie de Saint-Julien";
        config.kiosk.opening_hours = "du lundi au vendredi, 9 h – 12 h";
        config.kiosk.phone = "05 55 12 34 56";
        config.printer.kind = "escpos";
        config.printer.device = printer.string();
    });
    kiosk.run_text(std::string(to_receipt) + R"(
screenshot receipt-with-print.png
tap id:receipt.print
expect-text "Le récapitulatif est imprimé"
screenshot receipt-printed.png
)",
        output_dir / "printing");
    auto entries = kiosk.app->outbox()->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    auto code = entries->front().receipt;

    auto bytes = file_bytes(printer);
    REQUIRE(!bytes.empty());
    CHECK(bytes.size() <= 16 * 1024);
    auto paper = devices::decode_escpos(bytes);
    INFO(nlohmann::json(paper.lines).dump(1));
    CHECK(paper.problems.empty());
    CHECK(paper.cuts == 1);
    REQUIRE(paper.qr_payloads.size() == 1);
    CHECK(paper.qr_payloads.front() == code); // no hub with a public address here: the code alone
    CHECK(has_line(paper, "Mairie de Saint-Julien"));
    CHECK(has_line(paper, code));
    CHECK(has_line(paper, "Signaler un problème dans la rue"));
    CHECK(has_line(paper, "Et ensuite"));
    CHECK(has_line(paper, "Les services techniques de la commune reçoivent votre signalement."));
    CHECK(has_line(paper, "- Quel est le problème")); // the procedure marks the problem printable
    CHECK(has_line(paper, "Un lampadaire en panne"));
    CHECK(has_line(paper, "du lundi au vendredi, 9 h - 12 h"));
    CHECK(has_line(paper, "05 55 12 34 56"));
    CHECK_FALSE(has_line(paper, "Lilas")); // typed by the citizen, not printable: never on paper

    // A second tap prints a second copy; the session's end forgets the printable answers.
    kiosk.run_text("tap id:receipt.print\nexpect-text \"Le récapitulatif est imprimé\"\ntap id:receipt.finish\nexpect-screen welcome\n",
        output_dir / "printing");
    CHECK(devices::decode_escpos(file_bytes(printer)).cuts == 2);
}

TEST_CASE("the receipt prints on an A4 printer through a real CUPS scheduler: the PDF reads back, its QR code decodes",
    "[ui][printing][cups]")
{
    using namespace std::chrono_literals;
    CupsServer server;
    server.add_pdf_queue("accueil");
    KeyPair keys;
    Kiosk kiosk(output_dir / "printing-cups-state", keys, [&](Config& config) {
        config.kiosk.place_name = "Mairie de Saint-Julien";
        config.printer.kind = "cups";
        config.printer.queue = "accueil";
        config.printer.cups_server = server.socket_path().string();
    });
    kiosk.run_text(std::string(to_receipt) + R"(
tap id:receipt.print
expect-text "Le récapitulatif est imprimé"
)",
        output_dir / "printing");
    auto code = kiosk.app->outbox()->entries()->front().receipt;
    auto pdf = server.wait_for_pdf(server.first_job_id(), 60s);
    REQUIRE(!pdf.empty());
    fs::copy_file(pdf, output_dir / "printing" / "receipt-a4.pdf", fs::copy_options::overwrite_existing);
    auto text = pdf_text(pdf);
    INFO(text);
    CHECK_THAT(text, Catch::Contains("Mairie de Saint-Julien"));
    CHECK_THAT(text, Catch::Contains(code));
    CHECK_THAT(text, Catch::Contains("Et ensuite"));
    CHECK_THAT(text, Catch::Contains("Un lampadaire en panne"));
    CHECK(text.find("Lilas") == std::string::npos);
    CHECK(pdf_qr(pdf) == code);

    // The queue stopped: the citizen hears at once that it will not print, and keeps the screen.
    server.disable("accueil");
    kiosk.run_text(R"(
tap id:receipt.print
expect-text "L’imprimante ne marche pas"
expect-text "Votre numéro de suivi"
)",
        output_dir / "printing");
    CHECK(server.job_count("accueil") == 1); // nothing was queued to wait for a printer that is off
}

TEST_CASE("a printer that is not there says so, and the receipt stays on the screen", "[ui][printing]")
{
    KeyPair keys;
    Kiosk kiosk(output_dir / "printing-absent-state", keys, [&](Config& config) {
        config.printer.kind = "escpos";
        config.printer.device = "/dev/usb/lp-guichet-absent";
    });
    kiosk.run_text(std::string(to_receipt) + R"(
tap id:receipt.print
expect-text "L’imprimante ne répond pas. Notez le numéro affiché à l’écran"
expect-screen receipt
expect-text "Votre numéro de suivi"
screenshot receipt-print-failed.png
tap id:receipt.print
expect-text "L’imprimante ne répond pas"
tap id:receipt.finish
expect-screen welcome
)",
        output_dir / "printing");
}

TEST_CASE("without a printer the receipt offers no print button", "[ui][printing]")
{
    KeyPair keys;
    Kiosk kiosk(output_dir / "printing-none-state", keys);
    kiosk.run_text(std::string(to_receipt) + "expect-no-text \"Imprimer le récapitulatif\"\n", output_dir / "printing");
}

TEST_CASE("take_home_receipt: the status link in the QR code, the aids, the papers to bring, in the session's language", "[printing]")
{
    auto strings = Strings::load(fs::path(GUICHET_SOURCE_DIR) / "assets" / "strings", { "fr", "en", "pt", "es" });
    REQUIRE(strings);
    auto catalog = load_catalog(fs::path(GUICHET_SOURCE_DIR) / "assets" / "procedures", {});
    auto procedure = catalog.find("housing-certificate");
    REQUIRE(procedure);
    KioskSection kiosk;
    kiosk.place_name = "France Services";
    Outcome aid { .id = "aid", .show_if = {}, .title = { { "fr", "Aide au logement" }, { "en", "Housing benefit" } }, .text = {} };
    auto paper = app::take_home_receipt({ .strings = *strings, .language = "en", .kiosk = kiosk, .procedure = *procedure,
        .code = "ABCD-EFGH", .status_url = "https://guichet.mairie.example/suivi/", .now = 1'796'000'000,
        .outcomes = { &aid }, .answers = nullptr });
    CHECK(paper.qr_text == "https://guichet.mairie.example/suivi/ABCD-EFGH");
    CHECK(paper.code_spelled == "A B C D - E F G H");
    CHECK(paper.procedure == "Request a certificate of accommodation");
    CHECK(paper.code_label == "Your tracking number");
    REQUIRE(paper.sections.size() == 3);
    CHECK(paper.sections[0].title == "What happens next?");
    CHECK(paper.sections[1].title == "To bring");
    CHECK(paper.sections[2].items.front() == "Housing benefit");
    CHECK(paper.footer.empty()); // no hours nor phone configured: no line
}
