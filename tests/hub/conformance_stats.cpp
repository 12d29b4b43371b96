// Store conformance (both engines): what supervisors chart, rating counts and processing delays, read by
// day range and folded into ISO weeks; and the pure functions behind the figures (stats.h).
#include "store_conformance.h"

#include "sync/hub/stats.h"
#include "sync/hub/svg_chart.h"
#include "sync/sqlite.h"

#include <libpq-fe.h>

using namespace guichet::sync::hub;
using namespace guichet::test::conformance;
using guichet::test::TempDir;

TEST_CASE("Statistics: ISO weeks and nearest-rank percentiles", "[hub][stats]")
{
    CHECK(iso_week("2026-12-01") == "2026-W49");
    CHECK(iso_week("2026-11-30") == "2026-W49"); // a Monday
    CHECK(iso_week("2026-12-06") == "2026-W49"); // a Sunday
    CHECK(iso_week("2027-01-01") == "2026-W53"); // a Friday: still the previous ISO year
    CHECK(iso_week("2024-12-30") == "2025-W01"); // a Monday whose Thursday is in the next year
    CHECK(iso_week("2021-01-03") == "2020-W53");
    CHECK_FALSE(iso_week("2026-02-30"));
    CHECK_FALSE(iso_week("2026-12-1"));
    CHECK_FALSE(iso_week("not a day!"));
    CHECK(week_monday("2026-W49") == "2026-11-30");
    CHECK(week_monday("2026-W53") == "2026-12-28");
    CHECK_FALSE(week_monday("2025-W53")); // 2025 has 52 ISO weeks
    CHECK_FALSE(week_monday("2026-W00"));

    CHECK_FALSE(percentiles({}));
    auto one = percentiles({ 42 });
    REQUIRE(one);
    CHECK(one->median == 42);
    CHECK(one->p90 == 42);
    // Ten samples 1..10: the median is the 5th, the 90th percentile the 9th (observed values).
    auto ten = percentiles({ 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 });
    REQUIRE(ten);
    CHECK(ten->count == 10);
    CHECK(ten->median == 5);
    CHECK(ten->p90 == 9);

    std::vector<DelaySample> samples { { "a", "2026-W49", 100, CaseState::Done }, { "a", "2026-W49", 300, CaseState::Incomplete },
        { "a", "2026-W48", 50, CaseState::Done }, { "b", "2026-W49", 7, CaseState::Done } };
    auto weekly = weekly_delays(samples);
    REQUIRE(weekly.size() == 3);
    CHECK(weekly[0].procedure == "a");
    CHECK(weekly[0].week == "2026-W48");
    CHECK(weekly[1].week == "2026-W49");
    CHECK(weekly[1].delays.median == 100);
    CHECK(weekly[1].delays.p90 == 300);
    CHECK(weekly[1].done == 1);
    CHECK(weekly[1].incomplete == 1);
    CHECK(weekly[2].procedure == "b");
}

TEST_CASE("Store conformance: ratings and delays are read by day range and folded into weeks", "[hub][store][pg][stats]")
{
    auto engine = GENERATE(Engine::Sqlite, Engine::Postgres);
    INFO(name_of(engine));
    TempDir dir;
    auto where = fresh_location(engine, dir);
    auto store = open_store(where);
    REQUIRE(store->enroll("mairie-1"));
    REQUIRE(store->enroll("mairie-2"));
    direct_sql(engine, where,
        "INSERT INTO ratings (kiosk, day, procedure, score, count) VALUES "
        "('mairie-1', '2026-11-30', 'change-of-address', 3, 5), ('mairie-2', '2026-12-02', 'change-of-address', 3, 2), "
        "('mairie-1', '2026-12-01', 'change-of-address', 1, 1), ('mairie-1', '2026-11-23', 'change-of-address', 2, 4), "
        "('mairie-1', '2026-12-01', 'birth-certificate', 2, 3), ('mairie-1', '2026-12-07', 'change-of-address', 3, 9)");
    direct_sql(engine, where,
        "INSERT INTO processing_delays (procedure, final_day, delay_s, final_state) VALUES "
        "('change-of-address', '2026-11-30', 3600, 'done'), ('change-of-address', '2026-12-03', 7200, 'incomplete'), "
        "('change-of-address', '2026-11-20', 60, 'done'), ('change-of-address', '2026-12-07', 1, 'done')");

    // [2026-11-23, 2026-12-07): weeks 48 and 49; the 7 December (week 50) is outside.
    auto ratings = store->rating_weeks("2026-11-23", "2026-12-07");
    INFO((ratings ? std::string() : ratings.error().message));
    REQUIRE(ratings);
    REQUIRE(ratings->size() == 3);
    CHECK((*ratings)[0].procedure == "birth-certificate");
    CHECK((*ratings)[0].counts == std::array<int64_t, 3> { 0, 3, 0 });
    CHECK((*ratings)[1].week == "2026-W48");
    CHECK((*ratings)[1].counts == std::array<int64_t, 3> { 0, 4, 0 });
    CHECK((*ratings)[2].week == "2026-W49");
    CHECK((*ratings)[2].counts == std::array<int64_t, 3> { 1, 0, 7 }); // two kiosks' counts add up

    auto delays = store->delays("2026-11-23", "2026-12-07");
    REQUIRE(delays);
    REQUIRE(delays->size() == 2);
    CHECK((*delays)[0].week == "2026-W49");
    CHECK((*delays)[0].delay_s == 3600);
    CHECK((*delays)[1].final_state == CaseState::Incomplete);
    CHECK(store->rating_weeks("2027-01-01", "2027-02-01")->empty());
}

TEST_CASE("Statistics charts: named for screen readers, escaped, no style attribute, labels beside colours", "[hub][stats]")
{
    std::vector<RatingWeek> ratings { { "a", "2026-W48", { 1, 2, 7 } }, { "a", "2026-W49", { 0, 0, 0 } } };
    auto bars = ratings_chart_svg("avis-a", "Avis <b>&</b>", ratings);
    CHECK(bars.starts_with("<svg "));
    CHECK(bars.ends_with("</svg>"));
    CHECK(bars.find("role=\"img\"") != std::string::npos);
    CHECK(bars.find("aria-labelledby=\"avis-a-title avis-a-desc\"") != std::string::npos);
    CHECK(bars.find("<title id=\"avis-a-title\">Avis &lt;b&gt;&amp;&lt;/b&gt;</title>") != std::string::npos);
    CHECK(bars.find("style=") == std::string::npos);
    CHECK(bars.find(">7</text>") != std::string::npos); // the count is written on its segment
    CHECK(bars.find("aucun avis") != std::string::npos);
    for (auto name : { "Facile", "Moyenne", "Difficile" })
        CHECK(bars.find(name) != std::string::npos);

    std::vector<WeeklyDelays> delays { { "a", "2026-W48", { 3, 1800, 7200 }, 3, 0 }, { "a", "2026-W49", { 1, 90000, 90000 }, 0, 1 } };
    auto lines = delays_chart_svg("delais-a", "Délais", delays);
    CHECK(lines.find("stroke-dasharray") != std::string::npos); // the 90th percentile is dashed, not only coloured
    CHECK(lines.find("<circle") != std::string::npos);
    CHECK(lines.find("style=") == std::string::npos);
    CHECK(lines.find("W49") != std::string::npos);

    CHECK(french_duration(60) == "1 min");
    CHECK(french_duration(5400) == "1,5 h");
    CHECK(french_duration(3 * 86400) == "3 j");
}
