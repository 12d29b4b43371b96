// The fleet page (/office/flotte): its HTML rendered from rows (escaping, silent and never-seen kiosks,
// counts, nothing fetched from elsewhere), then served by the real guichet-hub to signed-in supervisors
// only, plus GET /v1/whoami.
#include "hub_fixture.h"
#include "office_fixture.h"

#include "sync/clock_text.h"
#include "sync/hub/fleet_page.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <thread>

using namespace guichet;
using namespace guichet::sync;
using namespace guichet::sync::hub;
using guichet::test::ServedHub;
using guichet::test::TempDir;

namespace {

TimePoint at(const char* text) { return parse_rfc3339(text).value(); }

// The <tr> ... </tr> of one kiosk.
std::string row_of(const std::string& html, const std::string& kiosk)
{
    auto header = html.find("<th scope=\"row\">" + kiosk + "</th>");
    if (header == std::string::npos)
        return {};
    auto start = html.rfind("<tr", header);
    return html.substr(start, html.find("</tr>", header) + 5 - start);
}

size_t count_of(const std::string& text, const std::string& part)
{
    size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

std::vector<KioskStatus> sample_fleet()
{
    protocol::Heartbeat recent { "kiosk-a", "1.2.0", "<b>pack</b>", 4, 20, 1, 600, 5'000'000'000,
        R"(<script>alert("x")</script> & 'q')" };
    protocol::Heartbeat old { "kiosk-b", "1.1.0", "builtin", 12, 3, 0, 7200, 400'000'000, "" };
    recent.printer = "no_paper"; // issue 19: a problem stands out
    old.printer = "ready";
    return {
        { "kiosk-c", "2026-11-20T08:00:00.000Z", std::nullopt, std::nullopt },
        { "kiosk-a", "2026-11-01T08:00:00.000Z", "2026-11-26T08:59:00.000Z", recent },
        { "kiosk-b", "2026-11-01T08:00:00.000Z", "2026-11-26T06:00:00.000Z", old },
    };
}

}

TEST_CASE("the fleet page escapes what kiosks send and marks silent kiosks in words", "[hub][fleet]")
{
    auto html = render_fleet_section(sample_fleet(), { at("2026-11-26T09:00:00Z"), 3600, "9.9.9" });

    CHECK_THAT(html, Catch::StartsWith("<h1>Flotte des bornes</h1>"));
    CHECK(count_of(html, "<th scope=\"col\">") == 11);
    CHECK(count_of(html, "<th scope=\"row\">") == 3);
    CHECK_THAT(html, Catch::Contains("<caption>"));
    // Nothing runs and nothing is fetched: no script, no link, no image, no URL, no style.
    for (auto* forbidden : { "<script", "<link", "<img", "<iframe", "http://", "https://", "src=", "url(", "@import", "style=", "<style" })
        CHECK(html.find(forbidden) == std::string::npos);
    CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
    CHECK_THAT(html, Catch::Contains("&lt;b&gt;pack&lt;/b&gt;"));

    auto a = row_of(html, "kiosk-a"), b = row_of(html, "kiosk-b"), c = row_of(html, "kiosk-c");
    CHECK_THAT(a, Catch::Contains("Vue récemment"));
    CHECK(a.find("Silencieuse") == std::string::npos);
    CHECK_THAT(a, Catch::Contains("(il y a 60 s)"));
    CHECK_THAT(a, Catch::Contains("<td>4</td>"));                // to send
    CHECK_THAT(a, Catch::Contains("<strong>1</strong>"));        // quarantined stands out
    CHECK_THAT(a, Catch::Contains("<td>10 min</td>"));           // oldest queued
    CHECK_THAT(a, Catch::Contains("5,0 Go"));
    CHECK_THAT(b, Catch::Contains("Silencieuse</p> depuis 3 h"));
    CHECK_THAT(b, Catch::Contains("400 Mo (faible)"));
    CHECK_THAT(a, Catch::Contains("<td><strong>plus de papier</strong></td>"));
    CHECK_THAT(b, Catch::Contains("<td>prête</td>"));
    CHECK_THAT(c, Catch::Contains("<td>pas de données</td>"));
    CHECK_THAT(b, Catch::Contains("<td>aucune</td>")); // no last error
    CHECK_THAT(b, Catch::Contains("<td>celle de l’application</td>")); // "builtin": no content pack installed
    CHECK_THAT(c, Catch::Contains("Jamais vue</p> (enregistrée le <time datetime=\"2026-11-20T08:00:00.000Z\">2026-11-20</time>)"));
    CHECK_THAT(c, Catch::Contains("<td>jamais</td>"));
    // Silent first, then never seen, then the others by name.
    CHECK(html.find(b) < html.find(c));
    CHECK(html.find(c) < html.find(a));
    CHECK_THAT(html, Catch::Contains("3 bornes enregistrées : 1 vue récemment, <strong>1 silencieuse</strong>, 1 jamais vue"));
    CHECK_THAT(html, Catch::Contains("16 à envoyer, 1 en quarantaine"));
    CHECK_THAT(html, Catch::Contains("plus de 1 h"));
    CHECK_THAT(html, Catch::Contains("État au 2026-11-26 09:00:00 UTC (guichet-hub 9.9.9)"));

    auto patient = render_fleet_section(sample_fleet(), { at("2026-11-26T09:00:00Z"), 4 * 3600, "9.9.9" });
    CHECK(patient.find("Silencieuse") == std::string::npos);
    CHECK_THAT(patient, Catch::Contains("<strong>0 silencieuse</strong>"));
}

TEST_CASE("the fleet page of a hub without kiosks says how to enroll one", "[hub][fleet]")
{
    auto html = render_fleet_section({}, { at("2026-11-26T09:00:00Z"), 3600, "9.9.9" });
    CHECK(html.find("<table") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("guichet-hub enroll"));
}

TEST_CASE("fleet page options: durations, and French figures", "[hub][fleet]")
{
    CHECK(parse_duration_s("30m") == 1800);
    CHECK(parse_duration_s("1h") == 3600);
    CHECK(parse_duration_s("90") == 90);
    CHECK(parse_duration_s("90s") == 90);
    CHECK(parse_duration_s("2d") == 172800);
    for (auto* bad : { "", "0", "-5m", "1w", "h", "31d", "1.5h", "10 m" })
        CHECK_FALSE(parse_duration_s(bad));
    CHECK(duration_text(59) == "59 s");
    CHECK(duration_text(3 * 3600 + 5 * 60) == "3 h 5 min");
    CHECK(duration_text(3 * 86400) == "3 j");
    CHECK(bytes_text(1'500'000'000) == "1,5 Go");
}

TEST_CASE("Hub serves the fleet page to signed-in supervisors only, with the latest heartbeats and silent kiosks marked", "[hub][net][fleet][office]")
{
    using namespace guichet::test::office;
    Office office({ { "alice", "agent" }, { "boss", "supervisor" } });
    auto token = guichet::test::enroll(office.dir, office.db, "kiosk-a");
    ServedHub hub(office.dir, office.db, office.serve_args({ "--stale-after", "60s" }));
    protocol::Heartbeat beat { "kiosk-a", "1.2.0", "7", 3, 40, 2, 125, 8'000'000'000, "<img src=x onerror=alert(1)>" };
    auto posted = hub.client(token).Post("/v1/heartbeat", protocol::encode(beat), "application/json");
    REQUIRE(posted);
    REQUIRE(posted->status == 200);

    // The hub's clock is the test's: now, then past --stale-after.
    auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    office.set_clock(format_rfc3339(now));
    auto client = hub.client();
    // The old address sends to the new page, which asks who is there.
    auto root = client.Get("/");
    REQUIRE(root);
    CHECK(root->status == 303);
    CHECK(root->get_header_value("Location") == "/office/flotte");
    auto anonymous = client.Get("/office/flotte");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 303);
    CHECK(anonymous->get_header_value("Location").starts_with("/office/connexion"));
    auto alice = sign_in(client, "alice", password);
    auto refused = client.Get("/office/flotte", with_session(alice.session));
    REQUIRE(refused);
    CHECK(refused->status == 403);

    auto boss = sign_in(client, "boss", password);
    REQUIRE_FALSE(boss.session.empty());
    auto page = client.Get("/office/flotte", with_session(boss.session));
    REQUIRE(page);
    CHECK(page->status == 200);
    check_office_headers(page);
    check_no_inline_code(page->body);
    CHECK(page->get_header_value("Cache-Control") == "no-store");
    auto a = row_of(page->body, "kiosk-a");
    CHECK_THAT(a, Catch::Contains("Vue récemment"));
    CHECK_THAT(a, Catch::Contains("<td>3</td>"));
    CHECK_THAT(a, Catch::Contains("<strong>2</strong>"));
    CHECK_THAT(a, Catch::Contains("&lt;img src=x onerror=alert(1)&gt;"));
    CHECK(page->body.find("<img src=x") == std::string::npos);
    CHECK_THAT(row_of(page->body, "k1"), Catch::Contains("Jamais vue"));

    office.set_clock(format_rfc3339(now + std::chrono::minutes(5))); // past --stale-after on the hub's clock
    auto later = client.Get("/office/flotte", with_session(boss.session));
    REQUIRE(later);
    CHECK_THAT(row_of(later->body, "kiosk-a"), Catch::Contains("Silencieuse"));
    CHECK(hub.stop() == 0); // log lines follow their answers: stopping waits for them
    CHECK_THAT(hub.log(), Catch::Contains("GET /office/flotte 200"));
}

TEST_CASE("Hub still starts with the retired --fleet-page option, and refuses a bad --stale-after", "[hub][net][fleet]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    {
        ServedHub hub(dir, db, { "--fleet-page", "off" });
        auto page = hub.client().Get("/");
        REQUIRE(page);
        CHECK(page->status == 303);
        CHECK(hub.stop() == 0);
        CHECK_THAT(hub.log(), Catch::Contains("--fleet-page is ignored"));
    }
    auto bad_duration = guichet::test::run_hub(dir, { "serve", "--db", db.string(), "--listen", "127.0.0.1:0", "--stale-after", "soon" });
    CHECK(bad_duration.exit_code == 2);
    CHECK_THAT(bad_duration.err, Catch::Contains("--stale-after 'soon' is not a duration"));
}

TEST_CASE("Hub names the kiosk of a token at /v1/whoami and refuses unknown tokens", "[hub][net]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    ServedHub hub(dir, db);
    auto known = hub.client(token).Get("/v1/whoami");
    REQUIRE(known);
    CHECK(known->status == 200);
    CHECK(nlohmann::json::parse(known->body)["kiosk"] == "kiosk-a");
    auto unknown = hub.client("not-a-token").Get("/v1/whoami");
    REQUIRE(unknown);
    CHECK(unknown->status == 401);
    auto anonymous = hub.client().Get("/v1/whoami");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
}
