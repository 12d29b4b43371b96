// Staff PINs and the audit log against a real SQLite file and real Argon2id hashes: who a PIN belongs
// to, growing waits, a lockout that survives a restart, and an audit log without personal data.
#include "sync_test_support.h"

#include "kiosk/staff/staff_store.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace guichet;
using namespace guichet::staff;
using Outcome = PinCheck::Outcome;

namespace {

struct Fixture {
    std::filesystem::path dir = test::fresh_dir("staff");
    LockoutRules rules { .lockout_after = 5, .lockout_s = 900 };
    std::optional<StaffStore> store;

    Fixture() { reopen(); }
    void reopen()
    {
        store.reset();
        auto opened = StaffStore::open(dir / "staff.sqlite", rules);
        REQUIRE(opened);
        store.emplace(std::move(*opened));
    }
    std::string file_bytes() const
    {
        std::string all;
        for (auto name : { "staff.sqlite", "staff.sqlite-wal" }) {
            std::ifstream in(dir / name, std::ios::binary);
            all.append(std::istreambuf_iterator<char>(in), {});
        }
        return all;
    }
};

}

TEST_CASE("a PIN says which role is at the kiosk", "[staff]")
{
    Fixture f;
    CHECK(f.store->check_pin("482913", 1000)->outcome == Outcome::NoPins);
    REQUIRE(f.store->set_pin(Role::Mediator, "482913", 1000));
    REQUIRE(f.store->set_pin(Role::Technician, "70318264", 1000));
    CHECK(*f.store->has_pin(Role::Mediator));

    auto mediator = f.store->check_pin("482913", 1001);
    REQUIRE(mediator);
    CHECK(mediator->outcome == Outcome::Accepted);
    CHECK(mediator->role == Role::Mediator);
    auto technician = f.store->check_pin("70318264", 1002);
    CHECK(technician->role == Role::Technician);

    // Only hashes are kept: the PIN's digits appear nowhere in the database file.
    auto bytes = f.file_bytes();
    CHECK(bytes.find("482913") == std::string::npos);
    CHECK(bytes.find("70318264") == std::string::npos);
    CHECK(bytes.find("$argon2id$") != std::string::npos);
}

TEST_CASE("malformed PINs, and one role's PIN for the other, are refused", "[staff]")
{
    Fixture f;
    for (auto pin : { "12345", "1234567890123", "12a456", "", "000000" }) {
        auto set = f.store->set_pin(Role::Mediator, pin, 1000);
        CHECK_FALSE(set);
    }
    CHECK_FALSE(*f.store->has_pin(Role::Mediator));
    REQUIRE(f.store->set_pin(Role::Mediator, "482913", 1000));
    auto same = f.store->set_pin(Role::Technician, "482913", 1000);
    REQUIRE_FALSE(same);
    CHECK_THAT(same.error().message, Catch::Contains("other role"));
    // Changing one's own PIN to itself is fine.
    CHECK(f.store->set_pin(Role::Mediator, "482913", 1001));
}

TEST_CASE("wrong PINs earn growing waits, then a lockout that a restart does not lift", "[staff]")
{
    Fixture f;
    REQUIRE(f.store->set_pin(Role::Mediator, "482913", 0));
    int64_t now = 1000;
    int64_t expected_waits[] = { 1, 2, 4, 8 };
    for (int i = 0; i < 4; ++i) {
        auto check = f.store->check_pin("111111", now);
        REQUIRE(check);
        CHECK(check->outcome == Outcome::Refused);
        CHECK(check->failures == i + 1);
        CHECK(check->retry_at == now + expected_waits[i]);
        // Too early: even the right PIN is not looked at, and the try is not counted.
        auto early = f.store->check_pin("482913", now);
        CHECK(early->outcome == Outcome::Waiting);
        CHECK(early->failures == i + 1);
        now = check->retry_at;
    }
    auto fifth = f.store->check_pin("111111", now);
    CHECK(fifth->outcome == Outcome::Locked);
    CHECK(fifth->retry_at == now + 900);

    f.reopen(); // a kill or a reboot does not reset the count
    CHECK(f.store->check_pin("482913", now + 899)->outcome == Outcome::Locked);
    CHECK(f.store->lockout_state(now + 899)->outcome == Outcome::Locked);

    // Once the lockout ends, one more wrong PIN locks again at once…
    auto after = f.store->check_pin("111111", now + 900);
    CHECK(after->outcome == Outcome::Locked);
    CHECK(after->retry_at == now + 1800);
    // …and the right one, in time, is accepted and clears the count.
    auto right = f.store->check_pin("482913", now + 1800);
    CHECK(right->outcome == Outcome::Accepted);
    CHECK(f.store->lockout_state(now + 1800)->failures == 0);
    CHECK(f.store->check_pin("111111", now + 1801)->retry_at == now + 1802);
}

TEST_CASE("the audit log records who did what and when, never a PIN", "[staff]")
{
    Fixture f;
    REQUIRE(f.store->set_pin(Role::Technician, "70318264", 100));
    CHECK(f.store->check_pin("123456", 200)->outcome == Outcome::Refused);
    CHECK(f.store->check_pin("70318264", 300)->outcome == Outcome::Accepted);
    REQUIRE(f.store->audit(Role::Technician, "sync-now", 310));
    auto log = f.store->audit_log(10);
    REQUIRE(log);
    REQUIRE(log->size() == 4);
    CHECK((*log)[0].action == "sync-now");
    CHECK((*log)[0].role == "technician");
    CHECK((*log)[0].at == 310);
    CHECK((*log)[1].action == "pin-accepted");
    CHECK((*log)[2].action == "pin-refused");
    CHECK((*log)[2].role.empty());
    CHECK((*log)[3].action == "pin-set");
    CHECK((*log)[3].detail == "technician");
    CHECK(f.file_bytes().find("123456") == std::string::npos);
    CHECK(f.store->audit_log(1)->size() == 1);
}

TEST_CASE("a staff database that cannot be opened is a clear error", "[staff]")
{
    auto dir = test::fresh_dir("staff-bad");
    std::filesystem::create_directory(dir / "staff.sqlite"); // a folder where the file should be
    auto opened = StaffStore::open(dir / "staff.sqlite");
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error().message, Catch::Contains("staff database"));
}

TEST_CASE("waits double up to the lockout", "[staff]")
{
    LockoutRules rules { .lockout_after = 3, .lockout_s = 60 };
    CHECK(wait_after_failures(0, rules) == 0);
    CHECK(wait_after_failures(1, rules) == 1);
    CHECK(wait_after_failures(2, rules) == 2);
    CHECK(wait_after_failures(3, rules) == 60);
    CHECK(wait_after_failures(40, rules) == 60);
}
