// The cases' JSON for the browser and the inbox cursors (case_json.h): the shape opener.js reads.
#include "sync/hub/case_json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace guichet::sync;
using namespace guichet::sync::hub;

TEST_CASE("Case JSON: the record the browser opens, and pages with their cursor", "[hub][office]")
{
    CaseRecord record;
    record.submission = SubmissionRecord { "00000000-0000-4000-8000-000000000001", "mairie-12", "change-of-address", 2,
        "2026-12-01T09:29:58.000Z", "2026-12-01T09:30:00.123Z", { 1, 2, 3, 250 } };
    record.receipt = "ABCDEFGHK";
    record.state = CaseState::InProgress;
    record.rev = 1;
    auto one = nlohmann::json::parse(case_json(record));
    CHECK(one == nlohmann::json { { "id", "00000000-0000-4000-8000-000000000001" }, { "kiosk", "mairie-12" },
                     { "procedure", "change-of-address" }, { "version", 2 }, { "created_at", "2026-12-01T09:29:58.000Z" },
                     { "received_at", "2026-12-01T09:30:00.123Z" }, { "receipt", "ABCDEFGHK" }, { "state", "in_progress" },
                     { "rev", 1 }, { "sealed", "AQID+g==" } });

    // A kiosk's invalid UTF-8 does not break the answer.
    record.submission.kiosk = std::string("mairie-\xff");
    CHECK(nlohmann::json::parse(case_json(record))["kiosk"].is_string());

    CasePage page { { record, record }, std::pair(std::string("2026-12-01T09:30:00.123Z"), int64_t(12345)) };
    auto listed = nlohmann::json::parse(case_page_json(page));
    CHECK(listed["items"].size() == 2);
    CHECK(listed["next"] == "2026-12-01T09:30:00.123Z~12345");
    CHECK(nlohmann::json::parse(case_page_json(CasePage {}))["next"].is_null());
}

TEST_CASE("Case JSON: inbox cursors round-trip and anything else is refused", "[hub][office]")
{
    auto key = std::pair(std::string("2026-12-01T09:30:00.123Z"), int64_t(12345));
    CHECK(parse_cursor(format_cursor(key)) == key);
    CHECK(parse_cursor("2026-12-01T09:30:00.123Z~0"));
    for (auto bad : { "", "~", "2026-12-01T09:30:00.123Z", "2026-12-01T09:30:00.123Z~", "2026-12-01T09:30:00.123Z~-1",
             "2026-12-01T09:30:00.123Z~12a", "2026-12-01T09:30:00Z~1", "2026-12-01~1", "x~1",
             "2026-12-01T09:30:00.123Z~99999999999999999999", "2026-12-01T09:30:00.123+01:00~1" })
        CHECK_FALSE(parse_cursor(bad));
}
