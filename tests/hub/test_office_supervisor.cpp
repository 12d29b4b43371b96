// The supervisors' pages against the real guichet-hub: statistics (charts and the same figures in
// tables) and the audit log, for supervisors only, with the security headers and no inline code.
#include "hub_fixture.h"
#include "office_fixture.h"

#include "sync/sqlite.h"

#include <catch2/catch.hpp>

using namespace guichet;
using namespace guichet::test::office;
using guichet::test::ServedHub;

TEST_CASE("Office: supervisors see ratings and delays per procedure and week, as charts and tables; agents are refused", "[hub][net][office]")
{
    Office office({ { "alice", "agent" }, { "boss", "supervisor" } });
    // As kiosks' heartbeats and agents' final states leave them (the clock file says 2026-12-01).
    guichet::test::run_sql(office.db,
        "INSERT INTO ratings (kiosk, day, procedure, score, count) VALUES ('k1', '2026-11-30', 'change-of-address', 3, 5), "
        "('k1', '2026-11-24', 'change-of-address', 1, 2), ('k1', '2026-12-01', 'change-of-address', 2, 1);"
        "INSERT INTO processing_delays (procedure, final_day, delay_s, final_state) VALUES "
        "('change-of-address', '2026-11-30', 7200, 'done'), ('change-of-address', '2026-12-01', 86400, 'incomplete'), "
        "('birth-certificate', '2026-11-25', 1800, 'done');");
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();

    auto alice = sign_in(client, "alice", password);
    for (auto* path : { "/office/statistiques", "/office/journal", "/office/flotte" }) {
        auto refused = client.Get(path, with_session(alice.session));
        REQUIRE(refused);
        CHECK(refused->status == 403);
    }

    auto boss = sign_in(client, "boss", password);
    auto page = client.Get("/office/statistiques", with_session(boss.session));
    REQUIRE(page);
    CHECK(page->status == 200);
    check_office_headers(page);
    check_no_inline_code(page->body);
    auto& html = page->body;
    CHECK_THAT(html, Catch::Contains("<h1>Statistiques</h1>"));
    CHECK_THAT(html, Catch::Contains("<h2>change-of-address</h2>"));
    CHECK_THAT(html, Catch::Contains("<h2>birth-certificate</h2>"));
    CHECK_THAT(html, Catch::Contains("role=\"img\""));
    // The figures are in tables too: week 49 has 5 Facile and 1 Moyenne; week 48 has 2 Difficile.
    CHECK_THAT(html, Catch::Contains("<tr><th scope=\"row\">2026-W49</th><td>5</td><td>1</td><td>0</td><td>6</td></tr>"));
    CHECK_THAT(html, Catch::Contains("<tr><th scope=\"row\">2026-W48</th><td>0</td><td>0</td><td>2</td><td>2</td></tr>"));
    // Delays of week 49: one done in 2 h, one incomplete in 24 h; nearest rank: median 2 h, p90 24 h.
    CHECK_THAT(html, Catch::Contains("<tr><th scope=\"row\">2026-W49</th><td>1</td><td>1</td><td>2 h</td><td>24 h</td></tr>"));
    CHECK_THAT(html, Catch::Contains("aria-current=\"page\""));

    // Four weeks back from 2026-12-01 starts on 2026-11-09; 52 is offered; nonsense falls back to 12.
    auto four = client.Get("/office/statistiques?semaines=4", with_session(boss.session));
    REQUIRE(four);
    CHECK_THAT(four->body, Catch::Contains("du 2026-11-09 au 2026-12-01"));
    auto nonsense = client.Get("/office/statistiques?semaines=-3%3Cb%3E", with_session(boss.session));
    REQUIRE(nonsense);
    CHECK(nonsense->status == 200);
    CHECK(nonsense->body.find("<b>") == std::string::npos);

    // Counts and case ids read as words and links, not as the hub stores them.
    guichet::test::run_sql(office.db, "INSERT INTO audit (at, actor, action, target, detail) VALUES "
                                      "('2026-12-01T10:00:00.000Z', 'agent:boss', 'export', 'change-of-address', 'n=3 format=csv'), "
                                      "('2026-12-01T10:00:01.000Z', 'agent:boss', 'view', '0123abcd-0000-4000-8000-000000000001', 'page')");
    auto journal = client.Get("/office/journal", with_session(boss.session));
    REQUIRE(journal);
    CHECK(journal->status == 200);
    check_no_inline_code(journal->body);
    CHECK_THAT(journal->body, Catch::Contains("<td>3 demandes, CSV</td>"));
    CHECK_THAT(journal->body, Catch::Contains("<td>rôle superviseur, toutes les démarches</td>")); // boss, added by the fixture
    CHECK_THAT(journal->body, Catch::Contains("<a href=\"/office/demandes/0123abcd-0000-4000-8000-000000000001\">demande 0123abcd…</a>"));
    CHECK_THAT(journal->body, Catch::Contains("<td>Connexion</td>"));
    CHECK_THAT(journal->body, Catch::Contains("<td>boss</td>"));
    CHECK_THAT(journal->body, Catch::Contains("<td>Agent ajouté</td>"));
    CHECK(journal->body.find("Plus anciens") == std::string::npos); // one page only
}

TEST_CASE("Office: the audit log pages back by event number", "[hub][net][office]")
{
    Office office(std::vector<std::pair<std::string, std::string>> { { "boss", "supervisor" } });
    std::string values;
    for (int i = 0; i < 150; ++i)
        values += std::string(values.empty() ? "" : ",") + "('2026-11-30T10:00:00.000Z', 'cli', 'test-event', 'e" + std::to_string(i) + "', '')";
    guichet::test::run_sql(office.db, "INSERT INTO audit (at, actor, action, target, detail) VALUES " + values);
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto boss = sign_in(client, "boss", password);
    auto first = client.Get("/office/journal", with_session(boss.session));
    REQUIRE(first);
    std::smatch older;
    REQUIRE(std::regex_search(first->body, older, std::regex(R"(href="/office/journal\?avant=([0-9]+)\">Plus anciens)")));
    auto second = client.Get("/office/journal?avant=" + older[1].str(), with_session(boss.session));
    REQUIRE(second);
    CHECK(second->status == 200);
    CHECK_THAT(second->body, Catch::Contains("Plus récents"));
    CHECK_THAT(second->body, Catch::Contains("<td>e0</td>"));
    CHECK(first->body.find("<td>e0</td>") == std::string::npos);
}
