// The back office's scanned pages (issue 18) against the real guichet-hub: the inbox says when pages are
// missing, the case page lists them, and the sealed-page API keeps to the agent's scope, is audited, and
// hands out only whole pages (the browser opens them; the hub never holds the key).
#include "office_fixture.h"

#include "sync/sqlite.h"

#include <catch2/catch.hpp>

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

constexpr const char* mine = "00000000-0000-4000-8000-000000000001";
constexpr const char* theirs = "00000000-0000-4000-8000-000000000002";

// Two submissions with three pages each: alice's procedure (pages 1 and 2 whole, page 3 half there)
// and one of another procedure, all pages whole. Page bytes are test values ('AAAA…').
void plant(const Office& office)
{
    std::string sql;
    for (auto [id, procedure] : { std::pair { mine, "change-of-address" }, std::pair { theirs, "civil-status-certificate" } }) {
        std::string at = "2026-11-30T10:00:00.000Z";
        sql += "INSERT INTO submissions (id, kiosk, procedure, version, created_at, received_at, sealed, sealed_hash) VALUES ('"
            + std::string(id) + "', 'k1', '" + procedure + "', 1, '" + at + "', '" + at + "', randomblob(100), randomblob(32));";
        for (int n = 0; n < 3; ++n) {
            bool half = id == std::string(mine) && n == 2;
            sql += "INSERT INTO submission_pages (id, n, size, sha256, received) VALUES ('" + std::string(id) + "', " + std::to_string(n)
                + ", 4, '" + std::string(64, 'a') + "', " + (half ? "2" : "4") + ");";
            sql += "INSERT INTO page_chunks (id, n, at_byte, data) VALUES ('" + std::string(id) + "', " + std::to_string(n) + ", 0, "
                + (half ? "x'4141'" : "x'41414141'") + ");";
        }
    }
    test::run_sql(office.db, sql);
}

}

TEST_CASE("Office: pages of a case, by the agent's scope, whole only, audited", "[hub][net][office][attachments]")
{
    Office office;
    plant(office);
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    REQUIRE_FALSE(alice.session.empty());
    auto session = with_session(alice.session);

    auto inbox = client.Get("/office/demandes?procedure=change-of-address", session);
    REQUIRE(inbox);
    REQUIRE(inbox->status == 200);
    CHECK_THAT(inbox->body, Catch::Contains("pièces 2/3"));

    auto page = client.Get(std::string("/office/demandes/") + mine, session);
    REQUIRE(page);
    REQUIRE(page->status == 200);
    check_office_headers(page);
    check_no_inline_code(page->body);
    CHECK_THAT(page->body, Catch::Contains("3 pages, 2 arrivées au hub"));
    CHECK_THAT(page->body, Catch::Contains("id=\"pieces-ouvertes\""));

    // A whole page: its sealed bytes, as they are, and an audit line.
    auto sealed = client.Get(std::string("/office/api/demandes/") + mine + "/pieces/0", session);
    REQUIRE(sealed);
    CHECK(sealed->status == 200);
    CHECK(sealed->body == "AAAA");
    CHECK(sealed->get_header_value("Content-Type") == "application/octet-stream");
    CHECK(scalar(office.db, std::string("SELECT detail FROM audit WHERE action = 'view' AND target = '") + mine + "' ORDER BY seq DESC LIMIT 1")
        == "page 1");
    // A page still arriving, or not in the manifest: 404.
    auto half = client.Get(std::string("/office/api/demandes/") + mine + "/pieces/2", session);
    REQUIRE(half);
    CHECK(half->status == 404);
    auto absent = client.Get(std::string("/office/api/demandes/") + mine + "/pieces/7", session);
    REQUIRE(absent);
    CHECK(absent->status == 404);
    // Another procedure's case: 403, nothing handed out.
    auto refused = client.Get(std::string("/office/api/demandes/") + theirs + "/pieces/0", session);
    REQUIRE(refused);
    CHECK(refused->status == 403);
    CHECK(refused->body.find("AAAA") == std::string::npos);
    // Without a session: no bytes either.
    auto anonymous = client.Get(std::string("/office/api/demandes/") + mine + "/pieces/0");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
    CHECK(anonymous->body.find("AAAA") == std::string::npos);
    // Purged: 410.
    test::run_sql(office.db, std::string("UPDATE submissions SET purged_at = '2026-12-01T00:00:00.000Z' WHERE id = '") + mine + "'");
    auto purged = client.Get(std::string("/office/api/demandes/") + mine + "/pieces/1", session);
    REQUIRE(purged);
    CHECK(purged->status == 410);
}
