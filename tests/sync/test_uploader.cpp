// The uploader against a real guichet-hub on 127.0.0.1 and a real outbox file: offline then drained,
// duplicates, conflicts, refused tokens, a hub that fails or answers late, and a link that cuts
// answers short or stalls (the fault proxy).
#include "enrolled_kiosk.h"
#include "fault_proxy_process.h"

#include "sync/uploader.h"

#include <catch2/catch.hpp>

#include <ctime>
#include <set>

using namespace guichet;
using namespace guichet::sync;

namespace {

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

struct Rig : test::EnrolledKiosk {
    std::vector<Receipt> submit(int count)
    {
        std::vector<Receipt> receipts;
        for (int i = 0; i < count; ++i)
            receipts.push_back(EnrolledKiosk::submit(R"({"i":)" + std::to_string(i) + "}"));
        return receipts;
    }

    UploaderSettings settings(const std::string& url, std::string with_token = {}) const
    {
        return { .link = { .hub_url = url, .token = with_token.empty() ? token : with_token, .connect_timeout_s = 2,
                     .low_speed_bytes_per_s = 100, .low_speed_time_s = 2 },
            .batch_max_items = 4 };
    }

    // The ids the hub holds, from `guichet-hub export`.
    std::multiset<std::string> hub_ids()
    {
        auto exported = test::run_hub(dir, { "export", "--db", hub_db.string() });
        REQUIRE(exported.exit_code == 0);
        std::multiset<std::string> ids;
        std::istringstream lines(exported.out);
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty())
                ids.insert(nlohmann::json::parse(line)["id"].get<std::string>());
        }
        return ids;
    }

    void set_all_queued() // as if the kiosk died after the hub stored but before it recorded the answer
    {
        auto db = Database::open(dir / "outbox.sqlite");
        REQUIRE(db);
        REQUIRE(db->exec("UPDATE submissions SET state = 'queued', next_attempt_at = 0"));
    }
};

std::string url_of(int port) { return "http://127.0.0.1:" + std::to_string(port); }

}

TEST_CASE("submissions made offline wait and drain once the hub is there", "[net][uploader]")
{
    Rig rig;
    auto receipts = rig.submit(10);
    int closed_port = 0;
    {
        test::ServedHub gone(rig.dir, rig.dir / "gone.sqlite"); // a port that was just closed
        closed_port = gone.port();
    }
    Uploader offline(*rig.outbox, rig.settings(url_of(closed_port)));
    auto report = offline.run_once();
    CHECK(report.sent == 0);
    CHECK(report.deferred == 4); // the first batch failed; the others were not tried
    CHECK_THAT(report.error, Catch::Contains("cannot reach the hub"));
    CHECK(offline.status().link == LinkState::Offline);
    CHECK(offline.status().queued == 10);
    auto entry = rig.outbox->find_by_receipt(receipts[0].code).value().value();
    CHECK(entry.attempts == 1);
    CHECK(entry.next_attempt_at > now() - 1);

    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader online(*rig.outbox, rig.settings(url_of(hub.port())));
    report = online.run_once(Uploader::Scope::AllQueued); // "send now" does not wait out the backoff
    CHECK(report.error == "");
    CHECK(report.sent == 10);
    CHECK(report.batches == 3); // 4 + 4 + 2
    CHECK(online.status().link == LinkState::Online);
    CHECK(online.status().queued == 0);
    CHECK(online.status().sent == 10);

    auto at_hub = rig.hub_ids();
    CHECK(at_hub.size() == 10);
    for (auto& receipt : receipts)
        CHECK(at_hub.count(receipt.id) == 1);
}

TEST_CASE("with nothing to send the uploader still learns whether the hub answers", "[net][uploader]")
{
    Rig rig;
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    auto report = uploader.run_once();
    CHECK(report.reachable);
    CHECK(uploader.status().link == LinkState::Online);
}

TEST_CASE("a batch sent again is answered as duplicate and stored once", "[net][uploader]")
{
    Rig rig;
    auto receipts = rig.submit(3);
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    REQUIRE(uploader.run_once().sent == 3);
    rig.set_all_queued();
    auto again = uploader.run_once();
    CHECK(again.sent == 3); // duplicates count as delivered
    CHECK(again.quarantined == 0);
    CHECK(rig.outbox->counts()->sent == 3);
    CHECK(rig.hub_ids().size() == 3);
}

TEST_CASE("a conflict quarantines that item only while the rest flows", "[net][uploader]")
{
    Rig rig;
    auto first = rig.submit(1);
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    REQUIRE(uploader.run_once().sent == 1);
    {
        // The same id with other bytes: what a corrupted copy or a bug would send.
        auto db = Database::open(rig.dir / "outbox.sqlite");
        REQUIRE(db->exec("UPDATE submissions SET state = 'queued', next_attempt_at = 0, sealed = randomblob(120)"));
    }
    auto others = rig.submit(2);
    auto report = uploader.run_once();
    CHECK(report.quarantined == 1);
    CHECK(report.sent == 2);
    auto conflicted = rig.outbox->find_by_receipt(first[0].code).value().value();
    CHECK(conflicted.state == ItemState::Quarantined);
    CHECK_THAT(conflicted.last_error, Catch::StartsWith("conflict at the hub"));
    CHECK(uploader.status().quarantined == 1);
    CHECK(rig.hub_ids().size() == 3);
}

TEST_CASE("a rejected item is quarantined alone from a batch the hub otherwise stores, without halving", "[net][uploader]")
{
    Rig rig;
    auto receipts = rig.submit(4); // one batch of 4
    {
        // An item the hub cannot take: what a corrupted row or a kiosk bug would send.
        auto db = Database::open(rig.dir / "outbox.sqlite");
        REQUIRE(db->exec("UPDATE submissions SET procedure = replace(hex(zeroblob(150)), '0', 'x') WHERE id = '" + receipts[1].id + "'"));
    }
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    auto report = uploader.run_once();
    CHECK(report.batches == 1); // one round trip: no halving to find the bad item
    CHECK(report.sent == 3);
    CHECK(report.quarantined == 1);
    CHECK(report.error == "");
    auto rejected = rig.outbox->find_by_receipt(receipts[1].code).value().value();
    CHECK(rejected.state == ItemState::Quarantined);
    CHECK_THAT(rejected.last_error, Catch::StartsWith("rejected at the hub") && Catch::Contains("longer than 256"));
    auto at_hub = rig.hub_ids();
    CHECK(at_hub.size() == 3);
    CHECK(at_hub.count(receipts[1].id) == 0);
}

TEST_CASE("a refused token pauses sending and tells the technician without spending attempts", "[net][uploader]")
{
    Rig rig;
    auto receipts = rig.submit(2);
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port()), "not-the-token"));
    auto report = uploader.run_once();
    CHECK(report.auth_refused);
    CHECK(report.sent == 0);
    CHECK_THAT(report.error, Catch::Contains("refused this kiosk's token (HTTP 401)"));
    CHECK(uploader.status().link == LinkState::AuthRefused);
    auto entry = rig.outbox->find_by_receipt(receipts[0].code).value().value();
    CHECK(entry.state == ItemState::Queued);
    CHECK(entry.attempts == 0);
}

TEST_CASE("a failing hub defers the batch and Retry-After is honoured", "[net][uploader]")
{
    Rig rig;
    auto receipts = rig.submit(2);
    test::ServedHub hub(rig.dir, rig.hub_db, { "--faults", "503:1.0", "--retry-after", "120" });
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    int64_t before = now();
    auto report = uploader.run_once();
    CHECK(report.deferred == 2);
    CHECK(report.error == "the hub answered HTTP 503");
    auto entry = rig.outbox->find_by_receipt(receipts[0].code).value().value();
    CHECK(entry.next_attempt_at >= before + 120);
    CHECK(rig.hub_ids().empty());
}

TEST_CASE("answers cut short by the link are retried and nothing is stored twice", "[net][uploader][proxy]")
{
    Rig rig;
    auto receipts = rig.submit(6);
    test::ServedHub hub(rig.dir, rig.hub_db);
    {
        test::FaultProxy cutting(rig.dir.path(), hub.port(), { "--truncate-rate", "1", "--fault-window", "300" });
        Uploader uploader(*rig.outbox, rig.settings(cutting.url()));
        auto report = uploader.run_once(Uploader::Scope::AllQueued);
        CHECK(report.sent == 0);
        CHECK_FALSE(report.error.empty());
    }
    Uploader direct(*rig.outbox, rig.settings(url_of(hub.port())));
    auto report = direct.run_once(Uploader::Scope::AllQueued);
    CHECK(report.error == "");
    CHECK(report.sent == 6);
    auto at_hub = rig.hub_ids();
    CHECK(at_hub.size() == 6);
    CHECK(std::set<std::string>(at_hub.begin(), at_hub.end()).size() == 6);
}

TEST_CASE("a stalled link is noticed within the low-speed time", "[net][uploader][proxy]")
{
    Rig rig;
    rig.submit(2);
    test::ServedHub hub(rig.dir, rig.hub_db);
    test::FaultProxy stalling(rig.dir.path(), hub.port(), { "--stall-rate", "1", "--fault-window", "500" });
    Uploader uploader(*rig.outbox, rig.settings(stalling.url()));
    auto start = std::chrono::steady_clock::now();
    auto report = uploader.run_once();
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(report.deferred == 2);
    CHECK_FALSE(report.error.empty());
    CHECK(took < std::chrono::seconds(30)); // a bound on waiting forever, not a timing assertion
}

// Issue 18: scanned pages, sealed one by one, follow their submission in chunks.

namespace {

std::vector<uint8_t> page_bytes(size_t size, uint8_t seed)
{
    std::vector<uint8_t> page(size);
    for (size_t i = 0; i < size; ++i)
        page[i] = static_cast<uint8_t>(seed * 31 + i * 13 + (i >> 9));
    return page;
}

Receipt submit_pages(test::EnrolledKiosk& rig, std::vector<size_t> sizes)
{
    NewSubmission submission { "acte-naissance", 1, false, R"({"piece":"scan"})" };
    for (size_t i = 0; i < sizes.size(); ++i)
        submission.pages.push_back(page_bytes(sizes[i], static_cast<uint8_t>(i + 1)));
    auto receipt = rig.outbox->enqueue(submission, now());
    REQUIRE(receipt);
    return *receipt;
}

// The sealed bytes the hub still lacks, as the kiosk recorded its acknowledgements.
int64_t bytes_left(const std::filesystem::path& outbox_file)
{
    auto db = Database::open(outbox_file);
    REQUIRE(db);
    auto left = db->prepare("SELECT coalesce(sum(size - acked), 0) FROM attachments WHERE done = 0");
    REQUIRE(left->step().value());
    return left->int64(0);
}

int64_t summary_value(const std::string& summary, const std::string& name)
{
    auto at = summary.find(name + "=");
    REQUIRE(at != std::string::npos);
    return std::stoll(summary.substr(at + name.size() + 1));
}

}

TEST_CASE("a submission with three pages arrives whole, the submission first and its pages after", "[net][uploader][pages]")
{
    Rig rig;
    auto receipt = submit_pages(rig, { 150'000, 90'000, 20'000 });
    test::ServedHub hub(rig.dir, rig.hub_db);
    auto settings = rig.settings(url_of(hub.port()));
    settings.chunk_bytes = 64 * 1024;
    Uploader uploader(*rig.outbox, settings);
    auto report = uploader.run_once();
    CHECK(report.error == "");
    CHECK(report.sent == 1);
    CHECK(report.pages_done == 3);
    CHECK(report.chunks == 3 + 2 + 1); // 150 000 + 48 bytes sealed in 64 KiB pieces: 3; then 2; then 1
    auto entry = rig.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.state == ItemState::Sent);
    CHECK(entry.pages_total == 3);
    CHECK(entry.pages_sent == 3);
    CHECK(entry.last_error == "");
    CHECK(rig.outbox->counts()->pages_pending == 0);
    CHECK(rig.hub_ids().count(receipt.id) == 1);

    // Nothing left: the next pass sends nothing more.
    auto again = uploader.run_once();
    CHECK(again.chunks == 0);
    CHECK(again.reachable);
}

TEST_CASE("pages resume at the last acknowledged chunk after the kiosk stops mid-way", "[net][uploader][pages][proxy]")
{
    Rig rig;
    auto receipt = submit_pages(rig, { 200'000, 200'000, 200'000 });
    constexpr size_t chunk = 32 * 1024;
    test::ServedHub hub(rig.dir, rig.hub_db);
    int64_t total = bytes_left(rig.dir / "outbox.sqlite");
    {
        // The link dies somewhere in the first pages (the seed makes it the same point each run), before
        // the hub closes the connection after its 5 requests: as if the kiosk were switched off there.
        test::FaultProxy dying(rig.dir.path(), hub.port(), { "--reset-rate", "1", "--fault-window", "120000", "--seed", "18" });
        auto settings = rig.settings(dying.url());
        settings.chunk_bytes = chunk;
        Uploader uploader(*rig.outbox, settings);
        auto report = uploader.run_once();
        CHECK(report.sent == 1);
        CHECK_THAT(report.error, Catch::Contains("cannot reach the hub"));
    }
    rig.outbox.reset(); // the process is gone; what it recorded is in the file
    int64_t left = bytes_left(rig.dir / "outbox.sqlite");
    CHECK(left < total);
    CHECK(left > 0);

    auto opened = Outbox::open({ rig.dir / "outbox.sqlite", "mairie-01", rig.keys.public_key });
    REQUIRE(opened);
    rig.outbox = std::move(*opened);
    auto summary_file = rig.dir / "counting.txt";
    {
        test::FaultProxy counting(rig.dir.path(), hub.port(), {}, summary_file);
        auto settings = rig.settings(counting.url());
        settings.chunk_bytes = chunk;
        Uploader uploader(*rig.outbox, settings);
        auto report = uploader.run_once();
        CHECK(report.error == "");
        CHECK(report.sent == 0); // the submission itself is not sent again
        counting.stop();
    }
    auto entry = rig.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.pages_sent == 3);
    // What went up the second time: what was left, at most one chunk more per page (the hub may hold
    // part of the chunk the kiosk never heard about), and the requests' headers.
    auto summary = test::read_all(summary_file);
    int64_t sent_up = summary_value(summary, "bytes_up");
    int64_t requests = (left + static_cast<int64_t>(chunk) - 1) / static_cast<int64_t>(chunk) + 3;
    CHECK(sent_up >= left);
    CHECK(sent_up <= left + 3 * static_cast<int64_t>(chunk) + requests * 1024);
}

TEST_CASE("a link that keeps cutting in the middle of pages still delivers them, resuming each time", "[net][uploader][pages][proxy]")
{
    Rig rig;
    auto receipt = submit_pages(rig, { 120'000, 120'000, 120'000 });
    test::ServedHub hub(rig.dir, rig.hub_db);
    test::FaultProxy cutting(rig.dir.path(), hub.port(), { "--reset-rate", "1", "--fault-window", "150000", "--seed", "7" });
    auto settings = rig.settings(cutting.url());
    settings.chunk_bytes = 16 * 1024;
    Uploader uploader(*rig.outbox, settings);
    int cuts = 0;
    for (int pass = 0; pass < 100 && rig.outbox->counts()->pages_pending > 0; ++pass) {
        auto report = uploader.run_once(Uploader::Scope::AllQueued);
        cuts += report.error.empty() ? 0 : 1;
    }
    CHECK(cuts > 0);
    auto entry = rig.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.state == ItemState::Sent);
    CHECK(entry.pages_sent == 3);
    CHECK(rig.hub_ids().count(receipt.id) == 1);
}

TEST_CASE("a page whose checksum the hub keeps refusing is held for the technician, and a retry sends it again", "[net][uploader][pages]")
{
    Rig rig;
    auto receipt = submit_pages(rig, { 3'000, 4'000 });
    std::vector<uint8_t> good;
    {
        // The sealed bytes of page 2 damaged on the kiosk's disk, its announced size and SHA-256 unchanged.
        auto db = Database::open(rig.dir / "outbox.sqlite");
        REQUIRE(db);
        auto read = db->prepare("SELECT sealed FROM attachments WHERE n = 1");
        REQUIRE(read->step().value());
        good = read->blob(0);
        REQUIRE(db->exec("UPDATE attachments SET sealed = randomblob(size) WHERE n = 1"));
    }
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    auto report = uploader.run_once();
    CHECK(report.pages_done == 1);
    CHECK(report.chunks == 1 + max_page_refusals); // page 1 once, page 2 until it is held
    auto entry = rig.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.pages_sent == 1);
    CHECK_THAT(entry.last_error, Catch::Contains("page 2") && Catch::Contains("5 times in a row; held"));
    CHECK(uploader.run_once().chunks == 0); // held: not sent again on its own

    {
        auto db = Database::open(rig.dir / "outbox.sqlite");
        auto repair = db->prepare("UPDATE attachments SET sealed = ? WHERE n = 1");
        REQUIRE(repair->bind(1, std::span<const uint8_t>(good)).run());
    }
    REQUIRE(rig.outbox->requeue(receipt.code, now()).value());
    report = uploader.run_once();
    CHECK(report.pages_done == 1);
    CHECK(rig.outbox->find_by_receipt(receipt.code).value()->pages_sent == 2);
}

TEST_CASE("pages of a submission the hub does not know wait with the error kept", "[net][uploader][pages]")
{
    Rig rig;
    auto receipt = submit_pages(rig, { 2'000 });
    // Marked sent without the hub ever storing it: what a hub restored from an older backup would show.
    std::vector<std::string> ids { receipt.id };
    REQUIRE(rig.outbox->mark_sent(ids, now()));
    test::ServedHub hub(rig.dir, rig.hub_db);
    Uploader uploader(*rig.outbox, rig.settings(url_of(hub.port())));
    auto report = uploader.run_once();
    CHECK(report.chunks == 1);
    CHECK(report.error == ""); // the link is fine: no backoff for the rest
    auto entry = rig.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.pages_sent == 0);
    CHECK_THAT(entry.last_error, Catch::Contains("page 1") && Catch::Contains("HTTP 404"));
    CHECK(uploader.run_once().chunks == 0); // it waits
    CHECK(rig.outbox->next_attempt_at().value().value() > now() + 60);
}
