// The fleet page (GET /): its HTML rendered from rows (escaping, stale and never-seen kiosks, counts,
// nothing fetched from elsewhere), then served by the real guichet-hub, plus GET /v1/whoami.
#include "hub_fixture.h"

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
    return {
        { "kiosk-c", "2026-11-20T08:00:00.000Z", std::nullopt, std::nullopt },
        { "kiosk-a", "2026-11-01T08:00:00.000Z", "2026-11-26T08:59:00.000Z", recent },
        { "kiosk-b", "2026-11-01T08:00:00.000Z", "2026-11-26T06:00:00.000Z", old },
    };
}

}

TEST_CASE("the fleet page escapes what kiosks send and marks stale kiosks in words", "[hub][fleet]")
{
    auto html = render_fleet_page(sample_fleet(), { at("2026-11-26T09:00:00Z"), 3600, "9.9.9" });

    CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
    CHECK_THAT(html, Catch::Contains("<title>Guichet fleet: 3 kiosks, 1 stale</title>"));
    CHECK_THAT(html, Catch::Contains("<meta charset=\"utf-8\">"));
    CHECK(count_of(html, "<th scope=\"col\">") == 10);
    CHECK(count_of(html, "<th scope=\"row\">") == 3);
    CHECK_THAT(html, Catch::Contains("<caption>"));
    // Nothing runs and nothing is fetched: no script, no link, no image, no URL.
    for (auto* forbidden : { "<script", "<link", "<img", "<iframe", "http://", "https://", "src=", "url(", "@import" })
        CHECK(html.find(forbidden) == std::string::npos);
    CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
    CHECK_THAT(html, Catch::Contains("&lt;b&gt;pack&lt;/b&gt;"));

    auto a = row_of(html, "kiosk-a"), b = row_of(html, "kiosk-b"), c = row_of(html, "kiosk-c");
    CHECK_THAT(a, Catch::Contains("Seen recently"));
    CHECK(a.find("STALE") == std::string::npos);
    CHECK_THAT(a, Catch::Contains("(60 s ago)"));
    CHECK_THAT(a, Catch::Contains("<td class=\"number\">4</td>"));       // queued
    CHECK_THAT(a, Catch::Contains("<strong>1</strong>"));                // quarantined stands out
    CHECK_THAT(a, Catch::Contains("<td>10 min</td>"));                   // oldest queued
    CHECK_THAT(a, Catch::Contains("5.0 GB"));
    CHECK_THAT(b, Catch::Contains("<tr class=\"stale\">"));
    CHECK_THAT(b, Catch::Contains("<strong>STALE</strong>: silent for 3 h"));
    CHECK_THAT(b, Catch::Contains("400 MB (low)"));
    CHECK_THAT(b, Catch::Contains("<td>none</td>")); // no last error
    CHECK_THAT(c, Catch::Contains("Never seen (enrolled <time datetime=\"2026-11-20T08:00:00.000Z\">2026-11-20</time>)"));
    CHECK_THAT(c, Catch::Contains("<td>never</td>"));
    // Stale first, then never seen, then the others by name.
    CHECK(html.find(b) < html.find(c));
    CHECK(html.find(c) < html.find(a));
    CHECK_THAT(html, Catch::Contains("3 kiosks enrolled: 1 seen recently, <strong>1 stale</strong>, 1 never seen"));
    CHECK_THAT(html, Catch::Contains("16 queued, 1 quarantined"));
    CHECK_THAT(html, Catch::Contains("more than 1 h"));
    CHECK_THAT(html, Catch::Contains("Generated 2026-11-26 09:00:00 UTC by guichet-hub 9.9.9"));

    auto patient = render_fleet_page(sample_fleet(), { at("2026-11-26T09:00:00Z"), 4 * 3600, "9.9.9" });
    CHECK(patient.find("STALE") == std::string::npos);
    CHECK_THAT(patient, Catch::Contains("Guichet fleet: 3 kiosks, 0 stale"));
}

TEST_CASE("the fleet page of a hub without kiosks says how to enroll one", "[hub][fleet]")
{
    auto html = render_fleet_page({}, { at("2026-11-26T09:00:00Z"), 3600, "9.9.9" });
    CHECK(html.find("<table") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("guichet-hub enroll"));
    CHECK_THAT(html, Catch::EndsWith("</html>\n"));
}

TEST_CASE("fleet page options: durations, access and loopback addresses", "[hub][fleet]")
{
    CHECK(parse_duration_s("30m") == 1800);
    CHECK(parse_duration_s("1h") == 3600);
    CHECK(parse_duration_s("90") == 90);
    CHECK(parse_duration_s("90s") == 90);
    CHECK(parse_duration_s("2d") == 172800);
    for (auto* bad : { "", "0", "-5m", "1w", "h", "31d", "1.5h", "10 m" })
        CHECK_FALSE(parse_duration_s(bad));
    CHECK(parse_fleet_page_access("loopback") == FleetPageAccess::Loopback);
    CHECK(parse_fleet_page_access("any") == FleetPageAccess::Anyone);
    CHECK(parse_fleet_page_access("off") == FleetPageAccess::Off);
    CHECK_FALSE(parse_fleet_page_access("all"));
    CHECK(is_loopback_address("127.0.0.1"));
    CHECK(is_loopback_address("127.4.5.6"));
    CHECK(is_loopback_address("::1"));
    CHECK(is_loopback_address("::ffff:127.0.0.1"));
    CHECK_FALSE(is_loopback_address("10.0.0.127"));
    CHECK_FALSE(is_loopback_address("::ffff:192.168.1.2"));
    CHECK_FALSE(is_loopback_address("1271.0.0.1"));
    CHECK(html_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
    CHECK(duration_text(59) == "59 s");
    CHECK(duration_text(3 * 3600 + 5 * 60) == "3 h 5 min");
    CHECK(duration_text(3 * 86400) == "3 days");
    CHECK(bytes_text(1'500'000'000) == "1.5 GB");
}

TEST_CASE("Hub serves the fleet page with the latest heartbeats and marks silent kiosks stale", "[hub][net][fleet]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = guichet::test::enroll(dir, db, "kiosk-a");
    guichet::test::enroll(dir, db, "kiosk-b");
    ServedHub hub(dir, db, { "--stale-after", "1s" });
    protocol::Heartbeat beat { "kiosk-a", "1.2.0", "7", 3, 40, 2, 125, 8'000'000'000, "<img src=x onerror=alert(1)>" };
    auto posted = hub.client(token).Post("/v1/heartbeat", protocol::encode(beat), "application/json");
    REQUIRE(posted);
    REQUIRE(posted->status == 200);

    auto page = hub.client().Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK_THAT(page->get_header_value("Content-Security-Policy"), Catch::Contains("default-src 'none'"));
    CHECK(page->get_header_value("Cache-Control") == "no-store");
    auto a = row_of(page->body, "kiosk-a");
    CHECK_THAT(a, Catch::Contains("Seen recently"));
    CHECK_THAT(a, Catch::Contains("<td class=\"number\">3</td>"));
    CHECK_THAT(a, Catch::Contains("<strong>2</strong>"));
    CHECK_THAT(a, Catch::Contains("&lt;img src=x onerror=alert(1)&gt;"));
    CHECK(page->body.find("<img") == std::string::npos);
    CHECK_THAT(row_of(page->body, "kiosk-b"), Catch::Contains("Never seen"));

    std::this_thread::sleep_for(std::chrono::milliseconds(2200)); // longer than --stale-after
    auto later = hub.client().Get("/");
    REQUIRE(later);
    CHECK_THAT(row_of(later->body, "kiosk-a"), Catch::Contains("STALE"));
    CHECK_THAT(later->body, Catch::Contains("<title>Guichet fleet: 2 kiosks, 1 stale</title>"));
    CHECK(hub.stop() == 0); // log lines follow their answers: stopping waits for them
    CHECK_THAT(hub.log(), Catch::Contains("GET / 200"));
}

TEST_CASE("Hub turns the fleet page off on request and refuses bad fleet options", "[hub][net][fleet]")
{
    TempDir dir;
    auto db = dir / "hub.db";
    {
        ServedHub hub(dir, db, { "--fleet-page", "off" });
        auto page = hub.client().Get("/");
        REQUIRE(page);
        CHECK(page->status == 404);
        CHECK(page->body.find("<table") == std::string::npos);
    }
    auto bad_duration = guichet::test::run_hub(dir, { "serve", "--db", db.string(), "--listen", "127.0.0.1:0", "--stale-after", "soon" });
    CHECK(bad_duration.exit_code == 2);
    CHECK_THAT(bad_duration.err, Catch::Contains("--stale-after 'soon' is not a duration"));
    auto bad_access = guichet::test::run_hub(dir, { "serve", "--db", db.string(), "--listen", "127.0.0.1:0", "--fleet-page", "all" });
    CHECK(bad_access.exit_code == 2);
    CHECK_THAT(bad_access.err, Catch::Contains("--fleet-page 'all' is not one of loopback, any, off"));
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
