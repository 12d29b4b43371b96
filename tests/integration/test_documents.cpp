// Documents end to end (issue 18), with real components: the kiosk scans on SANE's test backend, the
// pages are sealed with the submission, sent in chunks to a real guichet-hub, and `guichet-hub open --out`
// gives back the very JPEGs the scanner produced. Then what goes wrong at the scanner, and the marker
// test: nothing of a scanned page lies in clear on the kiosk's disk.
#include "../hub/hub_fixture.h"
#include "devices/jpeg.h"
#include "devices/scanner.h"
#include "kiosk_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace guichet;
using namespace guichet::test;

namespace {

const fs::path source_dir = GUICHET_SOURCE_DIR;
const fs::path output_dir = GUICHET_TEST_OUTPUT_DIR;

std::vector<uint8_t> file_bytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

// The page the kiosk's configuration scans (kiosk_fixture.h: test:0, its grid, A4 at 150 dpi, greyscale as
// housing-certificate asks), scanned again here: the test backend draws the same pixels every time and
// libjpeg-turbo encodes them to the same bytes.
ScannedPage reference_page()
{
    use_sane_test_backend();
    ScannerSection section;
    section.device = "test:0";
    section.options = { { "test-picture", "Grid" } };
    std::atomic<bool> cancel = false;
    auto page = devices::scan_page(devices::scanner_settings(section), false, {}, cancel);
    INFO((page ? "" : page.error().detail));
    REQUIRE(page);
    return std::move(*page);
}

// The shipped assets with one procedure: a question, then an optional one-page document.
fs::path assets_with_optional_document(const fs::path& to)
{
    auto procedure = minimal_procedure();
    nlohmann::json document { { "id", "proof" }, { "kind", "document" }, { "title", { { "fr", "Un justificatif" }, { "en", "A proof" } } },
        { "document", { { "accepted", { { "fr", "Une facture" }, { "en", "A bill" } } }, { "required", false } } } };
    procedure["steps"] = nlohmann::json::array({ procedure["steps"][1], document });
    procedure.erase("outcomes");
    procedure["id"] = "with-document";
    return assets_with_one_procedure(to, procedure);
}

const char* to_optional_document = "tap id:welcome.start\n"
                                   "tap id:procedure.with-document\n"
                                   "tap id:intro.start\n"
                                   "tap id:option.no\n"
                                   "tap id:step.next\n"
                                   "expect-text \"Un justificatif\"\n";

}

TEST_CASE("a two-page document scanned at the kiosk reaches the hub whole and opens to the scanner's own JPEGs", "[ui][documents][net]")
{
    TempDir dir;
    auto db = dir / "hub.sqlite";
    REQUIRE(run_hub(dir, { "keygen", "--out", (dir / "keys").string() }).exit_code == 0);
    write_text(dir / "token", enroll(dir, db, "integration-test"));
    auto public_key = read_text(dir / "keys" / "submission.pub");
    while (!public_key.empty() && (public_key.back() == '\n' || public_key.back() == '\r'))
        public_key.pop_back();
    auto hub = std::make_unique<ServedHub>(dir, db);
    KeyPair unused;
    Kiosk kiosk(output_dir / "documents-state", unused, [&](Config& config) {
        config.sync.hub_url = "http://127.0.0.1:" + std::to_string(hub->port());
        config.sync.token_file = (dir / "token").string();
        config.sync.submission_public_key = public_key; // the hub's `open` holds the secret half
        config.sync.chunk_kib = 64; // each page in several chunks
    });
    kiosk.run_file(source_dir / "tests" / "procedures" / "housing-certificate.gsc", output_dir / "documents");
    kiosk.run_text("wait-sync\n", output_dir / "documents");

    auto entries = kiosk.app->outbox()->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    CHECK(entries->front().state == sync::ItemState::Sent);
    CHECK(entries->front().pages_total == 2);
    CHECK(entries->front().pages_sent == 2);
    REQUIRE(hub->stop() == 0);

    auto exported = run_hub(dir, { "export", "--db", db.string() });
    REQUIRE(exported.exit_code == 0);
    auto out = dir / "opened";
    auto opened = run_hub(dir, { "open", "--key", (dir / "keys" / "submission.key").string(), "--out", out.string(), "--db", db.string() },
        exported.out);
    INFO(opened.err);
    REQUIRE(opened.exit_code == 0);
    auto code = entries->front().receipt;
    std::erase(code, '-');
    auto reference = reference_page();
    for (int n = 1; n <= 2; ++n) {
        auto file = out / (code + "-page-" + std::to_string(n) + ".jpg");
        INFO(file.string());
        REQUIRE(fs::exists(file));
        auto jpeg = file_bytes(file);
        CHECK(jpeg == reference.jpeg); // the scanner's pixels, byte for byte through seal, chunks and hub
        auto image = devices::decode_jpeg(jpeg);
        REQUIRE(image);
        CHECK(image->width == 1240);
        CHECK(image->height == 1753);
        CHECK(image->channels == 1);
    }
    auto payload = nlohmann::json::parse(read_text(out / (code + ".json")));
    CHECK(payload["integrity"] == "ok");
}

TEST_CASE("nothing of a scanned page lies in clear on the kiosk's disk", "[ui][documents]")
{
    KeyPair keys;
    auto state = output_dir / "documents-marker-state";
    {
        Kiosk kiosk(state, keys);
        kiosk.run_file(source_dir / "tests" / "procedures" / "housing-certificate.gsc", output_dir / "documents-marker");
        auto* outbox = kiosk.app->outbox();
        REQUIRE(outbox);
        auto counts = outbox->counts();
        REQUIRE(counts);
        CHECK(counts->pages_pending == 2);
    }
    // The grid's JPEG as the scanner gives it: any 48 bytes of it in a file under the kiosk's state (its
    // outbox with its WAL, the staff database) would be the page in clear. The JPEG's first bytes are its
    // standard headers; the search starts past them.
    auto page = reference_page();
    REQUIRE(page.jpeg.size() > 4096);
    std::vector<std::vector<uint8_t>> markers;
    for (size_t at = 1024; at + 48 < page.jpeg.size(); at += page.jpeg.size() / 16)
        markers.emplace_back(page.jpeg.begin() + static_cast<ptrdiff_t>(at), page.jpeg.begin() + static_cast<ptrdiff_t>(at + 48));
    int files = 0;
    for (auto& entry : fs::recursive_directory_iterator(state)) {
        if (!entry.is_regular_file())
            continue;
        ++files;
        auto bytes = file_bytes(entry.path());
        for (auto& marker : markers) {
            INFO(entry.path().string());
            CHECK(std::search(bytes.begin(), bytes.end(), marker.begin(), marker.end()) == bytes.end());
        }
    }
    CHECK(files >= 1);
}

TEST_CASE("a scanner that fails says so in plain words, and an optional document can be skipped", "[ui][documents]")
{
    TempDir dir;
    auto assets = assets_with_optional_document(dir / "assets");
    KeyPair keys;
    struct Case {
        const char* name;
        std::vector<std::pair<std::string, std::string>> options;
        std::string device;
        int max_page_kib;
        const char* message;
    };
    auto failure = GENERATE(values<Case>({
        { "no scanner", {}, "absent:0", 300, "Le scanner ne répond pas." },
        { "gone in the middle of a scan", { { "test-picture", "Grid" }, { "read-return-value", "SANE_STATUS_IO_ERROR" } }, "test:1", 300,
            "Le scanner s’est arrêté pendant la lecture." },
        { "an empty page", { { "test-picture", "Solid white" } }, "test:2", 300, "La page semble vide." },
        { "a page over the cap", { { "test-picture", "Color pattern" } }, "test:3", 16, "Cette page est trop lourde pour être envoyée." },
    }));
    INFO(failure.name);
    Kiosk kiosk(output_dir / "documents-failure-state", keys, [&](Config& config) {
        config.ui.assets_dir = assets.string();
        config.scanner.device = failure.device;
        config.scanner.options = failure.options;
        config.scanner.max_page_kib = failure.max_page_kib;
    });
    auto shots = output_dir / "documents-failure";
    kiosk.run_text(to_optional_document, shots);
    kiosk.run_text(std::string("tap id:document.scan\n"
                               "expect-text \"")
            + failure.message + "\"\n"
                                "expect-no-text \"Page 1\"\n"
                                "expect-fits\n"
                                // Scan again: the same words, nothing else breaks.
                                "tap id:document.scan\n"
                                "expect-text \""
            + failure.message + "\"\n",
        shots);
    if (std::string(failure.name) == "gone in the middle of a scan")
        REQUIRE(kiosk.app->screenshot(shots / "scanner-lost.png"));
    // The document is optional: the citizen goes on without it, and the answers hold no pages.
    kiosk.run_text("tap id:step.next\n"
                   "expect-screen review\n"
                   "expect-text \"Pas de document\"\n"
                   "tap id:review.submit\n"
                   "expect-screen receipt\n",
        shots);
    auto counts = kiosk.app->outbox()->counts();
    REQUIRE(counts);
    CHECK(counts->queued == 1);
    CHECK(counts->pages_pending == 0);
}
