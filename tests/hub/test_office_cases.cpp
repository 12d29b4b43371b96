// The agents' pages and API of the back office against the real guichet-hub: the inbox (paging,
// filters, receipt search), a submission's page and its state form (CSRF, stale rev, history, audit),
// the JSON API of the browser's modules, the scope of each agent, and hostile strings from kiosks.
#include "hub_fixture.h"
#include "office_fixture.h"
#include "pg_fixture.h"

#include "sync/protocol.h"
#include "sync/receipt.h"
#include "sync/sqlite.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <set>

using namespace guichet;
using namespace guichet::test::office;
using guichet::test::ServedHub;

namespace {

std::string scalar(const std::filesystem::path& db, const std::string& sql)
{
    auto database = sync::Database::open(db, sync::Durability::Full);
    REQUIRE(database);
    auto statement = database->prepare(sql);
    REQUIRE(statement);
    auto row = statement->step();
    REQUIRE(row);
    REQUIRE(*row);
    return statement->text(0);
}

// "00000000-0000-4000-8000-000000000042"
std::string uuid(int n)
{
    auto digits = std::to_string(n);
    return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

std::string received(int minute)
{
    char text[40];
    std::snprintf(text, sizeof text, "2026-11-%02dT%02d:%02d:00.000Z", 1 + minute / 1440, (minute / 60) % 24, minute % 60);
    return text;
}

std::string submission_row(const std::string& id, const std::string& kiosk, const std::string& procedure, const std::string& at,
    const std::string& receipt)
{
    return "('" + id + "', '" + kiosk + "', '" + procedure + "', 1, '" + at + "', '" + at + "', randomblob(120), randomblob(32), "
        + (receipt.empty() ? std::string("NULL") : "'" + receipt + "'") + ")";
}

std::vector<std::string> case_links(const std::string& html)
{
    std::vector<std::string> ids;
    std::regex link(R"re(href="/office/demandes/([0-9a-f-]{36})")re");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), link); it != std::sregex_iterator(); ++it)
        ids.push_back((*it)[1]);
    return ids;
}

std::string link_named(const std::string& html, const std::string& name)
{
    std::smatch match;
    REQUIRE(std::regex_search(html, match, std::regex("href=\"(/office/demandes\\?[^\"]*)\">" + name + "<")));
    std::string href = match[1];
    // The href is HTML-escaped: &amp; back to &.
    for (size_t at = href.find("&amp;"); at != std::string::npos; at = href.find("&amp;", at + 1))
        href.replace(at, 5, "&");
    return href;
}

constexpr const char* hostile_kiosk = "<img src=x onerror=alert(1)>";
constexpr const char* hostile_receipt = "\"><svg onload=alert(2)>";

// 120 submissions of change-of-address from k1 (minute i of November), one from a kiosk with a hostile
// name, one with a hostile receipt, one purged, one of another procedure; returns the receipt of case 7.
std::string plant_cases(const Office& office)
{
    std::string receipt = sync::new_receipt_code();
    std::erase(receipt, '-');
    std::string rows;
    for (int i = 0; i < 120; ++i)
        rows += (rows.empty() ? "" : ", ") + submission_row(uuid(i), "k1", "change-of-address", received(i * 10), i == 7 ? receipt : "");
    guichet::test::run_sql(office.db,
        "INSERT INTO kiosks (name, token_hash, enrolled_at) VALUES ('" + std::string(hostile_kiosk) + "', x'00', '2026-11-01T00:00:00.000Z');"
        "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash, receipt) VALUES "
            + rows + ", " + submission_row(uuid(500), hostile_kiosk, "change-of-address", "2026-11-20T10:00:00.000Z", "") + ", "
            + submission_row(uuid(501), "k1", "change-of-address", "2026-11-20T11:00:00.000Z", hostile_receipt) + ", "
            + submission_row(uuid(502), "k1", "change-of-address", "2026-11-20T12:00:00.000Z", "") + ", "
            + submission_row(uuid(600), "k1", "civil-status-certificate", "2026-11-20T13:00:00.000Z", "")
            + ";"
              "UPDATE submissions SET sealed = x'', purged_at = '2026-11-30T00:00:00.000Z', state = 'done', final_at = '2026-11-21T00:00:00.000Z' "
              "WHERE id = '"
            + uuid(502) + "';" + "UPDATE submissions SET state = 'done' WHERE id IN ('" + uuid(1) + "', '" + uuid(2) + "');");
    return receipt;
}

std::string procedures_dir()
{
    return std::string(GUICHET_SOURCE_DIR) + "/assets/procedures";
}

}

TEST_CASE("Office: the inbox pages by keyset, filters, finds a receipt code, and escapes what kiosks sent", "[hub][net][office]")
{
    Office office;
    auto receipt = plant_cases(office);
    ServedHub hub(office.dir, office.db, office.serve_args({ "--procedures", procedures_dir() }));
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    REQUIRE_FALSE(alice.session.empty());

    // The default procedure is the first of the agent's scope; 123 cases, 50 a page, newest first.
    auto first = client.Get("/office/demandes", with_session(alice.session));
    REQUIRE(first);
    REQUIRE(first->status == 200);
    check_office_headers(first);
    check_no_inline_code(first->body);
    CHECK_THAT(first->body, Catch::Contains("<h1>Demandes</h1>"));
    CHECK_THAT(first->body, Catch::Contains(">123 demandes<"));
    CHECK_THAT(first->body, Catch::Contains("Signaler un changement"));
    auto first_ids = case_links(first->body);
    REQUIRE(first_ids.size() == 50);
    CHECK(first_ids.front() == uuid(502)); // the newest
    CHECK(std::find(first_ids.begin(), first_ids.end(), uuid(600)) == first_ids.end()); // another procedure
    CHECK(first->body.find("Précédente") == std::string::npos);
    // Hostile strings are text.
    CHECK(first->body.find(hostile_kiosk) == std::string::npos);
    CHECK_THAT(first->body, Catch::Contains("&lt;img src=x onerror=alert(1)&gt;"));
    CHECK(first->body.find("<svg") == std::string::npos);
    CHECK_THAT(first->body, Catch::Contains("réponses supprimées"));

    auto next = client.Get(link_named(first->body, "Suivante"), with_session(alice.session));
    REQUIRE(next);
    REQUIRE(next->status == 200);
    auto next_ids = case_links(next->body);
    REQUIRE(next_ids.size() == 50);
    std::set<std::string> seen(first_ids.begin(), first_ids.end());
    for (auto& id : next_ids)
        CHECK(seen.count(id) == 0);
    CHECK_THAT(next->body, Catch::Contains("Première"));
    auto back = client.Get(link_named(next->body, "Précédente"), with_session(alice.session));
    REQUIRE(back);
    CHECK(case_links(back->body) == first_ids);
    auto third = client.Get(link_named(next->body, "Suivante"), with_session(alice.session));
    REQUIRE(third);
    CHECK(case_links(third->body).size() == 23);
    CHECK(third->body.find("Suivante") == std::string::npos);

    // Filters: state, kiosk, dates (both days included).
    auto done = client.Get("/office/demandes?procedure=change-of-address&etat=done", with_session(alice.session));
    REQUIRE(done);
    CHECK(case_links(done->body).size() == 3);
    auto day = client.Get("/office/demandes?procedure=change-of-address&du=2026-11-01&au=2026-11-01", with_session(alice.session));
    REQUIRE(day);
    CHECK_THAT(day->body, Catch::Contains(">120 demandes<")); // minutes 0 to 1190 of the first of November
    auto none = client.Get("/office/demandes?procedure=change-of-address&du=2026-11-21", with_session(alice.session));
    REQUIRE(none);
    CHECK_THAT(none->body, Catch::Contains("Aucune demande ne correspond."));
    auto bad = client.Get("/office/demandes?procedure=change-of-address&kiosque=" + url_encode(hostile_kiosk) + "&etat=nope",
        with_session(alice.session));
    REQUIRE(bad);
    CHECK(bad->status == 200);
    check_no_inline_code(bad->body);
    CHECK(bad->body.find(hostile_kiosk) == std::string::npos);
    CHECK_THAT(bad->body, Catch::Contains("le filtre de borne est ignoré"));

    // The receipt code as the citizen reads it: lower case, with dashes.
    std::string typed = receipt.substr(0, 3) + "-" + receipt.substr(3, 3) + "-" + receipt.substr(6);
    std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return std::tolower(c); });
    auto found = client.Get("/office/demandes?procedure=change-of-address&code=" + url_encode(typed), with_session(alice.session));
    REQUIRE(found);
    CHECK(case_links(found->body) == std::vector<std::string> { uuid(7) });
    auto wrong = client.Get("/office/demandes?procedure=change-of-address&code=" + url_encode("<b>nope"), with_session(alice.session));
    REQUIRE(wrong);
    CHECK(case_links(wrong->body).empty());
    CHECK_THAT(wrong->body, Catch::Contains("code de suivi n’est pas valide"));
    CHECK(wrong->body.find("<b>nope") == std::string::npos);

    // Without a session: the sign-in page.
    auto anonymous = client.Get("/office/demandes");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 303);
}

TEST_CASE("Office: a submission's page, its state form and the agents' API keep to the agent's scope", "[hub][net][office]")
{
    Office office;
    plant_cases(office);
    ServedHub hub(office.dir, office.db, office.serve_args({ "--procedures", procedures_dir() }));
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    REQUIRE_FALSE(alice.session.empty());
    auto session = with_session(alice.session);

    auto page = client.Get("/office/demandes/" + uuid(500), session);
    REQUIRE(page);
    REQUIRE(page->status == 200);
    check_office_headers(page);
    check_no_inline_code(page->body);
    CHECK_THAT(page->body, Catch::Contains("id=\"reponses\""));
    CHECK_THAT(page->body, Catch::Contains("data-id=\"" + uuid(500) + "\""));
    CHECK_THAT(page->body, Catch::Contains("data-procedure=\"change-of-address\""));
    CHECK_THAT(page->body, Catch::Contains("data-version=\"1\""));
    CHECK_THAT(page->body, Catch::Contains("data-page=\"demande\""));
    CHECK_THAT(page->body, Catch::Contains("name=\"_csrf\""));
    CHECK_THAT(page->body, Catch::Contains("Prendre en charge"));
    CHECK_THAT(page->body, Catch::Contains("Incomplète / refusée"));
    CHECK_THAT(page->body, Catch::Contains("libsodium"));
    CHECK(page->body.find(hostile_kiosk) == std::string::npos);
    CHECK(scalar(office.db, "SELECT count(*) FROM audit WHERE action = 'view' AND target = '" + uuid(500) + "'") == "1");
    auto csrf = csrf_of(page->body);

    auto hostile = client.Get("/office/demandes/" + uuid(501), session);
    REQUIRE(hostile);
    check_no_inline_code(hostile->body);
    CHECK(hostile->body.find("<svg") == std::string::npos);
    CHECK_THAT(hostile->body, Catch::Contains("&lt;svg onload=alert(2)&gt;"));

    std::string action = "/office/demandes/" + uuid(500) + "/etat";
    auto form_type = "application/x-www-form-urlencoded";
    // Without the CSRF token: refused, nothing changes.
    auto forged = client.Post(action, session, form({ { "etat", "done" }, { "rev", "0" } }), form_type);
    REQUIRE(forged);
    CHECK(forged->status == 403);
    CHECK(scalar(office.db, "SELECT state FROM submissions WHERE id = '" + uuid(500) + "'") == "received");

    auto taken = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "in_progress" }, { "rev", "0" }, { "message", "" } }), form_type);
    REQUIRE(taken);
    CHECK(taken->status == 303);
    CHECK(taken->get_header_value("Location") == "/office/demandes/" + uuid(500) + "?resultat=ok");
    // The same form again (its rev is 0, the case is at 1): someone else acted.
    auto stale = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "done" }, { "rev", "0" } }), form_type);
    REQUIRE(stale);
    CHECK(stale->get_header_value("Location") == "/office/demandes/" + uuid(500) + "?resultat=perime");
    auto stale_page = client.Get("/office/demandes/" + uuid(500) + "?resultat=perime", session);
    REQUIRE(stale_page);
    CHECK_THAT(stale_page->body, Catch::Contains("Quelqu’un d’autre a agi"));
    auto finished = client.Post(action, session,
        form({ { "_csrf", csrf }, { "etat", "incomplete" }, { "rev", "1" }, { "message", "Il manque le justificatif <script>x</script>" } }), form_type);
    REQUIRE(finished);
    CHECK(finished->get_header_value("Location") == "/office/demandes/" + uuid(500) + "?resultat=ok");
    auto closed = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "done" }, { "rev", "2" } }), form_type);
    REQUIRE(closed);
    CHECK(closed->get_header_value("Location") == "/office/demandes/" + uuid(500) + "?resultat=interdit");
    auto too_long = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "done" }, { "rev", "2" }, { "message", std::string(1001, 'a') } }),
        form_type);
    REQUIRE(too_long);
    CHECK(too_long->get_header_value("Location") == "/office/demandes/" + uuid(500) + "?resultat=message");

    auto after = client.Get("/office/demandes/" + uuid(500) + "?resultat=ok", session);
    REQUIRE(after);
    check_no_inline_code(after->body);
    CHECK_THAT(after->body, Catch::Contains("L’état de la demande est enregistré."));
    CHECK_THAT(after->body, Catch::Contains("alice, Reçue → En cours"));
    CHECK_THAT(after->body, Catch::Contains("alice, En cours → Incomplète ou refusée"));
    CHECK_THAT(after->body, Catch::Contains("Il manque le justificatif &lt;script&gt;x&lt;/script&gt;"));
    CHECK_THAT(after->body, Catch::Contains("Cette demande est close"));
    CHECK(scalar(office.db, "SELECT group_concat(detail, '|') FROM (SELECT detail FROM audit WHERE action = 'state' AND target = '" + uuid(500)
                  + "' ORDER BY seq)")
        == "from=received to=in_progress|from=in_progress to=incomplete");
    CHECK(scalar(office.db, "SELECT message FROM submissions WHERE id = '" + uuid(500) + "'") == "Il manque le justificatif <script>x</script>");

    // The API: the sealed record, the purged one, the list, the labels, the journal.
    auto record = client.Get("/office/api/demandes/" + uuid(7), session);
    REQUIRE(record);
    CHECK(record->status == 200);
    CHECK(record->get_header_value("Content-Type") == "application/json");
    CHECK(record->get_header_value("Cache-Control") == "no-store");
    CHECK_THAT(record->body, Catch::Contains("\"sealed\":\""));
    CHECK_THAT(record->body, Catch::Contains("\"id\":\"" + uuid(7) + "\""));
    auto purged = client.Get("/office/api/demandes/" + uuid(502), session);
    REQUIRE(purged);
    CHECK(purged->status == 410);
    CHECK(purged->body == R"({"error":"purged"})");
    auto purged_page = client.Get("/office/demandes/" + uuid(502), session);
    REQUIRE(purged_page);
    CHECK_THAT(purged_page->body, Catch::Contains("ont été supprimées"));
    CHECK(purged_page->body.find("id=\"reponses\"") == std::string::npos);

    auto list = client.Get("/office/api/demandes?procedure=change-of-address&etat=received", session);
    REQUIRE(list);
    CHECK(list->status == 200);
    CHECK_THAT(list->body, Catch::Contains("\"next\":null"));
    CHECK(scalar(office.db, "SELECT detail FROM audit WHERE action = 'fetch-sealed' ORDER BY seq DESC LIMIT 1") == "n=119");
    auto labels = client.Get("/office/api/procedures/change-of-address/1", session);
    REQUIRE(labels);
    CHECK(labels->status == 200);
    CHECK_THAT(labels->body, Catch::Contains("\"moved_on\""));
    auto unknown = client.Get("/office/api/procedures/change-of-address/99", session);
    REQUIRE(unknown);
    CHECK(unknown->status == 404);

    httplib::Headers api = with_session(alice.session, { { "X-CSRF-Token", csrf } });
    auto journal = client.Post("/office/api/journal", api, R"({"action":"export","procedure":"change-of-address","count":12,"format":"csv"})",
        "application/json");
    REQUIRE(journal);
    CHECK(journal->status == 200);
    CHECK(scalar(office.db, "SELECT detail FROM audit WHERE action = 'export' ORDER BY seq DESC LIMIT 1") == "n=12 format=csv");
    auto other_action = client.Post("/office/api/journal", api, R"({"action":"delete","procedure":"change-of-address","count":1})", "application/json");
    REQUIRE(other_action);
    CHECK(other_action->status == 400);
    auto no_token = client.Post("/office/api/journal", session, R"({"action":"export","procedure":"change-of-address","count":1,"format":"csv"})",
        "application/json");
    REQUIRE(no_token);
    CHECK(no_token->status == 403);

    // Out of scope: civil-status-certificate is not alice's, by page, form, API or journal.
    std::vector<std::string> out_of_scope { "/office/demandes?procedure=civil-status-certificate", "/office/demandes/" + uuid(600),
        "/office/api/demandes/" + uuid(600), "/office/api/demandes?procedure=civil-status-certificate",
        "/office/api/procedures/civil-status-certificate/1", "/office/export?procedure=civil-status-certificate" };
    for (auto& path : out_of_scope) {
        INFO(path);
        auto refused = client.Get(path, session);
        REQUIRE(refused);
        CHECK(refused->status == 403);
        CHECK(refused->body.find("\"sealed\"") == std::string::npos);
    }
    auto refused_post = client.Post("/office/demandes/" + uuid(600) + "/etat", session,
        form({ { "_csrf", csrf }, { "etat", "done" }, { "rev", "0" } }), form_type);
    REQUIRE(refused_post);
    CHECK(refused_post->status == 403);
    CHECK(scalar(office.db, "SELECT state FROM submissions WHERE id = '" + uuid(600) + "'") == "received");
    auto refused_journal = client.Post("/office/api/journal", api,
        R"({"action":"export","procedure":"civil-status-certificate","count":1,"format":"csv"})", "application/json");
    REQUIRE(refused_journal);
    CHECK(refused_journal->status == 403);

    // Without a session, the API answers 401 in JSON.
    auto anonymous = client.Get("/office/api/demandes/" + uuid(7));
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
}

TEST_CASE("Office: the key and export pages load our modules only, with libsodium", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    for (auto [path, page] : { std::pair { "/office/cle", "cle" }, std::pair { "/office/export", "export" } }) {
        INFO(path);
        auto res = client.Get(path, with_session(alice.session));
        REQUIRE(res);
        CHECK(res->status == 200);
        check_office_headers(res);
        check_no_inline_code(res->body);
        CHECK_THAT(res->body, Catch::Contains(std::string("data-page=\"") + page + "\""));
        CHECK_THAT(res->body, Catch::Contains("libsodium"));
        CHECK_THAT(res->body, Catch::Contains("app/office.js"));
    }
    auto key = client.Get("/office/cle", with_session(alice.session));
    CHECK_THAT(key->body, Catch::Contains("Aucune clé chargée."));
    CHECK_THAT(key->body, Catch::Contains("type=\"file\""));
    auto module = client.Get("/office/static/app/cases.js");
    REQUIRE(module);
    CHECK(module->status == 200);
    // The home still leads to the inbox.
    auto home = client.Get("/office/", with_session(alice.session));
    REQUIRE(home);
    CHECK(home->status == 303);
}

TEST_CASE("Office: labels outlive the procedure files: serve remembers each version it was given", "[hub][net][office]")
{
    Office office;
    {
        ServedHub hub(office.dir, office.db, office.serve_args({ "--procedures", procedures_dir() }));
        auto client = hub.client();
        auto alice = sign_in(client, "alice", password);
        auto labels = client.Get("/office/api/procedures/change-of-address/1", with_session(alice.session));
        REQUIRE(labels);
        CHECK(labels->status == 200);
    }
    CHECK(scalar(office.db, "SELECT count(*) FROM procedure_definitions WHERE procedure = 'change-of-address' AND version = 1") == "1");
    // Started again without the files (a pack that dropped the version): the stored definition answers.
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    auto labels = client.Get("/office/api/procedures/change-of-address/1", with_session(alice.session));
    REQUIRE(labels);
    CHECK(labels->status == 200);
    CHECK_THAT(labels->body, Catch::Contains("\"moved_on\""));
    // The inbox of a '*'-less agent still lists its procedure, titled by its id without the files.
    auto inbox = client.Get("/office/demandes", with_session(alice.session));
    REQUIRE(inbox);
    CHECK(inbox->status == 200);
    CHECK_THAT(inbox->body, Catch::Contains("value=\"change-of-address\" selected"));
}

TEST_CASE("Office: the API pages large sealed payloads in smaller pages, and the key page leads back to a case", "[hub][net][office]")
{
    Office office;
    std::string rows;
    for (int i = 0; i < 60; ++i)
        rows += std::string(rows.empty() ? "" : ", ") + "('" + uuid(i) + "', 'k1', 'change-of-address', 1, '" + received(i) + "', '" + received(i)
            + "', randomblob(200000), randomblob(32), NULL)";
    guichet::test::run_sql(office.db, "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash, receipt) VALUES " + rows);
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    std::set<std::string> ids;
    std::string cursor;
    int pages = 0;
    do {
        auto page = client.Get("/office/api/demandes?procedure=change-of-address" + (cursor.empty() ? "" : "&apres=" + url_encode(cursor)),
            with_session(alice.session));
        REQUIRE(page);
        REQUIRE(page->status == 200);
        CHECK(page->body.size() <= 8 * 1024 * 1024);
        std::regex id(R"re("id":"([0-9a-f-]{36})")re");
        for (auto it = std::sregex_iterator(page->body.begin(), page->body.end(), id); it != std::sregex_iterator(); ++it)
            ids.insert((*it)[1]);
        std::smatch next;
        cursor = std::regex_search(page->body, next, std::regex(R"re("next":"([^"]+)")re")) ? next[1].str() : "";
        ++pages;
    } while (!cursor.empty() && pages < 100);
    CHECK(ids.size() == 60);
    CHECK(pages > 1);

    auto key = client.Get("/office/cle?retour=" + uuid(3), with_session(alice.session));
    REQUIRE(key);
    CHECK_THAT(key->body, Catch::Contains("href=\"/office/demandes/" + uuid(3) + "\">Revenir à la demande"));
    auto odd = client.Get("/office/cle?retour=" + url_encode("javascript:alert(1)"), with_session(alice.session));
    REQUIRE(odd);
    CHECK(odd->body.find("javascript:") == std::string::npos);
}

TEST_CASE("Office: a supervisor of every procedure picks among those the hub knows", "[hub][net][office]")
{
    Office office(std::vector<std::pair<std::string, std::string>> { { "boss", "supervisor" } });
    plant_cases(office);
    ServedHub hub(office.dir, office.db, office.serve_args({ "--procedures", procedures_dir() }));
    auto client = hub.client();
    auto boss = sign_in(client, "boss", password);
    auto inbox = client.Get("/office/demandes", with_session(boss.session));
    REQUIRE(inbox);
    CHECK(inbox->status == 200);
    CHECK_THAT(inbox->body, Catch::Contains("<option value=\"adviser-appointment\" selected>"));
    CHECK_THAT(inbox->body, Catch::Contains("<option value=\"civil-status-certificate\">"));
    auto other = client.Get("/office/demandes?procedure=civil-status-certificate", with_session(boss.session));
    REQUIRE(other);
    CHECK(case_links(other->body) == std::vector<std::string> { uuid(600) });
    auto record = client.Get("/office/api/demandes/" + uuid(600), with_session(boss.session));
    REQUIRE(record);
    CHECK(record->status == 200);
}

TEST_CASE("Office on PostgreSQL: a kiosk's submission is found by its receipt code, taken and finished", "[hub][net][office][pg]")
{
    TestHooks hooks;
    TempDir dir;
    auto url = guichet::test::shared_postgres().create_database();
    auto token = guichet::test::enroll(dir, url, "k1");
    auto added = run_hub(dir, { "agent", "add", "alice", "--db", url, "--procedures", "change-of-address", "--hash-cost", "test" },
        std::string(password) + "\n");
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    ServedHub hub(dir, url, { "--agent-hash-cost", "test", "--procedures", procedures_dir() });

    // What the real kiosk sends: a sealed item with its receipt code.
    std::string sealed_text = "not really sealed, never opened by the hub";
    auto item = guichet::test::make_item({ sealed_text.begin(), sealed_text.end() }, "change-of-address");
    item.version = 1;
    std::string code = sync::new_receipt_code();
    item.receipt = sync::protocol::wire_receipt(code);
    REQUIRE(item.receipt);
    auto kiosk = hub.client(token);
    auto sent = kiosk.Post("/v1/submissions", sync::protocol::encode(sync::protocol::Batch { "k1", { item } }), "application/json");
    REQUIRE(sent);
    REQUIRE(sent->status == 200);

    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    REQUIRE_FALSE(alice.session.empty());
    auto session = with_session(alice.session);
    auto found = client.Get("/office/demandes?procedure=change-of-address&code=" + url_encode(code), session);
    REQUIRE(found);
    CHECK(case_links(found->body) == std::vector<std::string> { item.id });

    auto page = client.Get("/office/demandes/" + item.id, session);
    REQUIRE(page);
    REQUIRE(page->status == 200);
    auto csrf = csrf_of(page->body);
    auto form_type = "application/x-www-form-urlencoded";
    std::string action = "/office/demandes/" + item.id + "/etat";
    auto taken = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "in_progress" }, { "rev", "0" } }), form_type);
    REQUIRE(taken);
    CHECK(taken->get_header_value("Location") == "/office/demandes/" + item.id + "?resultat=ok");
    auto stale = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "done" }, { "rev", "0" } }), form_type);
    REQUIRE(stale);
    CHECK(stale->get_header_value("Location") == "/office/demandes/" + item.id + "?resultat=perime");
    auto done = client.Post(action, session, form({ { "_csrf", csrf }, { "etat", "done" }, { "rev", "1" }, { "message", "Votre dossier est complet." } }),
        form_type);
    REQUIRE(done);
    CHECK(done->get_header_value("Location") == "/office/demandes/" + item.id + "?resultat=ok");
    auto after = client.Get("/office/demandes/" + item.id, session);
    REQUIRE(after);
    CHECK_THAT(after->body, Catch::Contains("alice, En cours → Traitée"));
    CHECK_THAT(after->body, Catch::Contains("Votre dossier est complet."));

    auto record = client.Get("/office/api/demandes/" + item.id, session);
    REQUIRE(record);
    CHECK(record->status == 200);
    CHECK_THAT(record->body, Catch::Contains("\"receipt\":\"" + *item.receipt + "\""));
    CHECK_THAT(record->body, Catch::Contains("\"state\":\"done\""));
    auto list = client.Get("/office/api/demandes?procedure=change-of-address", session);
    REQUIRE(list);
    CHECK_THAT(list->body, Catch::Contains(item.id));
}

TEST_CASE("Office: beyond the count's cap the inbox says 10 000+, and pages still follow one another", "[hub][net][office]")
{
    Office office;
    guichet::test::run_sql(office.db,
        "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001) "
        "SELECT printf('00000000-0000-4000-8000-%012d', i), 'k1', 'change-of-address', 1, '2026-11-01T00:00:00.000Z', "
        "'2026-11-01T00:00:00.000Z', x'00', randomblob(32) FROM n");
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    auto first = client.Get("/office/demandes", with_session(alice.session));
    REQUIRE(first);
    CHECK_THAT(first->body, Catch::Contains(">10 000+ demandes<"));
    // Equal reception times: the sequence number orders them.
    auto ids = case_links(first->body);
    REQUIRE(ids.size() == 50);
    CHECK(ids.front() == uuid(10001));
    auto next = client.Get(link_named(first->body, "Suivante"), with_session(alice.session));
    REQUIRE(next);
    auto more = case_links(next->body);
    REQUIRE(more.size() == 50);
    CHECK(more.front() == uuid(9951));
}
