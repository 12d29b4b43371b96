// The outbox against a real SQLite file: sealing, receipts, states, retention, migrations, full disks.
#include "sync_test_support.h"

#include "sync/receipt.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace guichet;
using namespace guichet::sync;

namespace {

struct Fixture {
    std::filesystem::path dir = test::fresh_dir("outbox");
    test::KeyPair keys;
    std::unique_ptr<Outbox> outbox;

    Fixture() { reopen(); }
    void reopen()
    {
        outbox.reset();
        auto opened = Outbox::open({ dir / "outbox.sqlite", "mairie-01", keys.public_key, 3600 });
        REQUIRE(opened);
        outbox = std::move(*opened);
    }
    Receipt submit(std::string answers = R"({"nom":"Dupont"})", int64_t now = 1000)
    {
        NewSubmission submission { "acte-naissance", 2, false, std::move(answers) };
        auto receipt = outbox->enqueue(submission, now);
        REQUIRE(receipt);
        return *receipt;
    }
};

std::vector<std::string> ids_of(const std::vector<protocol::Item>& items)
{
    std::vector<std::string> ids;
    for (auto& item : items)
        ids.push_back(item.id);
    return ids;
}

}

TEST_CASE("an enqueued submission is sealed: the kiosk keeps no plaintext, the administration can open it", "[outbox]")
{
    Fixture f;
    const std::string marker = "MARQUEUR-CITOYEN-7f3a";
    NewSubmission submission { "acte-naissance", 2, true, R"({"nom":")" + marker + R"("})" };
    auto receipt = f.outbox->enqueue(submission, 1000);
    REQUIRE(receipt);
    CHECK(submission.answers_json.empty()); // wiped from the caller's object
    CHECK(protocol::is_uuid(receipt->id));
    CHECK(normalize_receipt_code(receipt->code) == receipt->code);

    CHECK_FALSE(test::any_file_contains(f.dir, marker));

    auto due = f.outbox->due(1000, 10, 1 << 20);
    REQUIRE(due);
    REQUIRE(due->size() == 1);
    auto plain = f.keys.open(due->front().sealed);
    REQUIRE_FALSE(plain.empty());
    auto payload = protocol::decode_sealed_payload(plain);
    REQUIRE(payload);
    CHECK(payload->id == receipt->id);
    CHECK(payload->kiosk == "mairie-01");
    CHECK(payload->procedure == "acte-naissance");
    CHECK(payload->assisted);
    CHECK(nlohmann::json::parse(payload->answers_json)["nom"] == marker);
}

TEST_CASE("answers that are not a JSON object are refused and nothing is stored", "[outbox]")
{
    Fixture f;
    NewSubmission submission { "p", 1, false, "[1, 2]" };
    auto receipt = f.outbox->enqueue(submission, 1000);
    REQUIRE_FALSE(receipt);
    CHECK_THAT(receipt.error().message, Catch::Contains("JSON object"));
    CHECK(f.outbox->counts()->queued == 0);
}

TEST_CASE("metadata is listed and found by receipt, never the contents", "[outbox]")
{
    Fixture f;
    auto first = f.submit(R"({"a":1})", 1000);
    auto second = f.submit(R"({"a":2})", 1010);
    auto entries = f.outbox->entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 2);
    CHECK(entries->front().id == second.id); // newest first
    CHECK(entries->front().state == ItemState::Queued);

    std::string typed = first.code;
    typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
    std::transform(typed.begin(), typed.end(), typed.begin(), ::tolower);
    auto found = f.outbox->find_by_receipt(typed);
    REQUIRE(found);
    REQUIRE(found->has_value());
    CHECK((*found)->id == first.id);
    CHECK_FALSE(f.outbox->find_by_receipt("AAA-AAA-AAA")->has_value());
}

TEST_CASE("due items come oldest first within the batch limits", "[outbox]")
{
    Fixture f;
    std::vector<Receipt> receipts;
    for (int i = 0; i < 5; ++i)
        receipts.push_back(f.submit(R"({"i":)" + std::to_string(i) + "}", 1000 + i));
    auto two = f.outbox->due(2000, 2, 1 << 20);
    REQUIRE(two);
    CHECK(ids_of(*two) == std::vector<std::string> { receipts[0].id, receipts[1].id });
    auto by_bytes = f.outbox->due(2000, 10, two->front().sealed.size() + 1);
    REQUIRE(by_bytes);
    CHECK(by_bytes->size() == 1); // never zero: one item always fits
    CHECK(f.outbox->due(999, 10, 1 << 20)->empty()); // not yet created
}

TEST_CASE("sent, retried and quarantined items move through their states", "[outbox]")
{
    Fixture f;
    auto a = f.submit(R"({"a":1})"), b = f.submit(R"({"b":1})"), c = f.submit(R"({"c":1})");
    std::vector<std::string> sent { a.id };
    REQUIRE(f.outbox->mark_sent(sent, 1100));
    std::vector<std::string> later { b.id };
    REQUIRE(f.outbox->retry_later(later, 1500, "cannot reach the hub"));
    REQUIRE(f.outbox->quarantine(c.id, "conflict at the hub"));

    CHECK(ids_of(*f.outbox->due(1200, 10, 1 << 20)).empty());
    CHECK(ids_of(*f.outbox->due(1500, 10, 1 << 20)) == later);
    CHECK(f.outbox->next_attempt_at().value() == 1500);
    auto counts = f.outbox->counts();
    REQUIRE(counts);
    CHECK(counts->queued == 1);
    CHECK(counts->sent == 1);
    CHECK(counts->quarantined == 1);
    auto b_entry = f.outbox->find_by_receipt(b.code).value().value();
    CHECK(b_entry.attempts == 1);
    CHECK(b_entry.last_error == "cannot reach the hub");

    CHECK(f.outbox->requeue(c.code, 1600).value());
    CHECK_FALSE(f.outbox->requeue(c.code, 1600).value()); // no longer quarantined
    CHECK(f.outbox->counts()->queued == 2);
}

TEST_CASE("sealed bytes are deleted after the retention delay and the metadata stays", "[outbox]")
{
    Fixture f; // retention: 3600 s
    auto receipt = f.submit();
    std::vector<std::string> sent { receipt.id };
    REQUIRE(f.outbox->mark_sent(sent, 2000));
    CHECK(f.outbox->purge_acknowledged(2000 + 3599).value() == 0);
    CHECK(f.outbox->purge_acknowledged(2000 + 3600).value() == 1);
    auto entry = f.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.state == ItemState::Sent);
    CHECK_FALSE(entry.sealed_kept);
}

TEST_CASE("the outbox survives a reopen, and refuses a database from a newer version", "[outbox]")
{
    Fixture f;
    auto receipt = f.submit();
    f.reopen();
    CHECK(f.outbox->find_by_receipt(receipt.code).value().has_value());

    f.outbox.reset();
    {
        auto db = Database::open(f.dir / "outbox.sqlite");
        REQUIRE(db);
        REQUIRE(db->exec("PRAGMA user_version = 99"));
    }
    auto opened = Outbox::open({ f.dir / "outbox.sqlite", "k", f.keys.public_key });
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error().message, Catch::Contains("newer than this program knows"));
}

TEST_CASE("an outbox that cannot be opened says where and why", "[outbox]")
{
    test::KeyPair keys;
    auto dir = test::fresh_dir("unopenable");
    std::filesystem::create_directories(dir / "outbox.sqlite"); // a folder where the file should be
    auto opened = Outbox::open({ dir / "outbox.sqlite", "k", keys.public_key });
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error().message, Catch::Contains("outbox.sqlite"));
}

TEST_CASE("a full disk refuses the submission with no receipt and keeps the earlier ones", "[outbox]")
{
    Fixture f;
    auto kept = f.submit();
    // Emulate a full disk: the process may not grow any file beyond its current size.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit previous {};
    getrlimit(RLIMIT_FSIZE, &previous);
    rlimit tight = previous;
    tight.rlim_cur = 64 * 1024;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &tight) == 0);
    std::string big = R"({"pieces":")" + std::string(200 * 1024, 'x') + R"("})";
    NewSubmission submission { "p", 1, false, big };
    auto receipt = f.outbox->enqueue(submission, 1000);
    setrlimit(RLIMIT_FSIZE, &previous);
    REQUIRE_FALSE(receipt);
    CHECK_THAT(receipt.error().message, Catch::Contains("cannot store the submission"));

    f.reopen();
    auto counts = f.outbox->counts();
    REQUIRE(counts);
    CHECK(counts->queued == 1);
    CHECK(f.outbox->find_by_receipt(kept.code).value().has_value());
    f.submit(); // and it works again once there is room
    CHECK(f.outbox->counts()->queued == 2);
}

TEST_CASE("a transaction rolls back unless committed", "[outbox][sqlite]")
{
    auto dir = test::fresh_dir("transaction");
    auto db = Database::open(dir / "t.sqlite");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (x INTEGER)"));
    {
        auto transaction = Transaction::begin(*db);
        REQUIRE(transaction);
        REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    } // no commit: rolled back
    {
        auto transaction = Transaction::begin(*db);
        REQUIRE(db->exec("INSERT INTO t VALUES (2)"));
        REQUIRE(transaction->commit());
    }
    auto select = db->prepare("SELECT group_concat(x) FROM t");
    REQUIRE(select);
    REQUIRE(select->step().value());
    CHECK(select->text(0) == "2");
    auto bad = db->prepare("SELECT nope FROM t");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("no such column"));
}

// Issue 17: the receipt travels and is sealed, the hub's states come back and are acknowledged once.

TEST_CASE("the receipt is sealed with the answers and sent with the item", "[outbox]")
{
    Fixture f;
    auto receipt = f.submit();
    auto due = f.outbox->due(1000, 10, 1 << 20);
    REQUIRE(due);
    REQUIRE(due->size() == 1);
    auto wire = protocol::wire_receipt(receipt.code);
    REQUIRE(wire);
    CHECK(due->front().receipt == wire);
    auto payload = protocol::decode_sealed_payload(f.keys.open(due->front().sealed));
    REQUIRE(payload);
    CHECK(payload->receipt == wire);
}

TEST_CASE("an outbox from before the hub's states gains them on open and keeps its rows", "[outbox]")
{
    auto dir = test::fresh_dir("outbox-v2");
    auto code = new_receipt_code();
    {
        // The schema as the first two steps left it, with one sent submission whose bytes were purged.
        auto db = Database::open(dir / "outbox.sqlite");
        REQUIRE(db);
        REQUIRE(db->exec(std::string(R"sql(
CREATE TABLE submissions (id TEXT PRIMARY KEY, receipt TEXT NOT NULL UNIQUE, procedure TEXT NOT NULL,
    version INTEGER NOT NULL, created_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'quarantined')), attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT '', sent_at INTEGER, sealed BLOB,
    sealed_size INTEGER NOT NULL) STRICT;
CREATE INDEX submissions_due ON submissions (state, next_attempt_at);
CREATE TABLE ratings (day TEXT NOT NULL, procedure TEXT NOT NULL, score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 3),
    count INTEGER NOT NULL, PRIMARY KEY (day, procedure, score)) STRICT;
INSERT INTO submissions (id, receipt, procedure, version, created_at, state, next_attempt_at, sent_at, sealed, sealed_size)
    VALUES ('2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b', ')sql") + code + R"sql(', 'acte-naissance', 1, 100, 'sent', 100, 200, NULL, 80);
PRAGMA user_version = 2;
)sql"));
    }
    test::KeyPair keys;
    auto opened = Outbox::open({ dir / "outbox.sqlite", "mairie-01", keys.public_key });
    REQUIRE(opened);
    auto& outbox = **opened;
    auto entry = outbox.find_by_receipt(code);
    REQUIRE(entry);
    REQUIRE(*entry);
    CHECK_FALSE((*entry)->hub_state);
    CHECK((*entry)->hub_rev == 0);
    CHECK(receipt_state(**entry) == "received");
    CHECK_FALSE((*entry)->sealed_kept);
    // The purged row takes its state all the same: the metadata outlives the sealed bytes.
    std::vector<protocol::StateUpdate> states { { "2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", "done", "Prêt en mairie.", "2026-12-02T09:00:00.000Z", 2 } };
    CHECK(outbox.apply_states(states).value() == 1);
    auto after = outbox.find_by_receipt(*protocol::wire_receipt(code)).value();
    REQUIRE(after);
    CHECK(after->hub_state == "done");
    CHECK(after->hub_message == "Prêt en mairie.");
    CHECK(receipt_state(*after) == "done");
    CHECK(receipt_state_french("done") == "traitée");
}

TEST_CASE("hub states apply once, in revision order, and are acknowledged once", "[outbox]")
{
    Fixture f;
    auto first = f.submit();
    auto second = f.submit(R"({"a":2})", 1001);
    auto queued = f.outbox->find_by_receipt(first.code).value().value();
    CHECK(receipt_state(queued) == "queued");
    CHECK(receipt_state_french(receipt_state(queued)) == "en attente d'envoi");
    std::vector<std::string> ids { first.id, second.id };
    REQUIRE(f.outbox->mark_sent(ids, 1100));
    CHECK(receipt_state(f.outbox->find_by_receipt(first.code).value().value()) == "received");

    std::vector<protocol::StateUpdate> states { { first.id, "in_progress", "", "2026-12-02T09:00:00.000Z", 1 },
        { second.id, "done", "Votre acte est prêt.", "2026-12-02T09:05:00.000Z", 2 },
        { "7d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", "done", "", "2026-12-02T09:05:00.000Z", 1 } }; // not this kiosk's
    CHECK(f.outbox->apply_states(states).value() == 2);
    CHECK(f.outbox->apply_states(states).value() == 0); // the same answer again changes nothing

    auto acks = f.outbox->unacknowledged_states(100).value();
    REQUIRE(acks.size() == 2);
    // An older revision arriving late does not go back.
    std::vector<protocol::StateUpdate> stale { { second.id, "in_progress", "", "2026-12-02T09:01:00.000Z", 1 } };
    CHECK(f.outbox->apply_states(stale).value() == 0);
    CHECK(f.outbox->find_by_receipt(second.code).value()->hub_state == "done");

    REQUIRE(f.outbox->mark_acknowledged(acks));
    CHECK(f.outbox->unacknowledged_states(100).value().empty());
    // A newer state needs a new acknowledgement; the same one sent again (the hub missed the ack) too.
    std::vector<protocol::StateUpdate> newer { { first.id, "incomplete", "Pièce manquante.", "2026-12-02T10:00:00.000Z", 2 } };
    CHECK(f.outbox->apply_states(newer).value() == 1);
    auto pending = f.outbox->unacknowledged_states(100).value();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].id == first.id);
    CHECK(pending[0].rev == 2);
    REQUIRE(f.outbox->mark_acknowledged(pending));
    CHECK(f.outbox->apply_states(newer).value() == 0);
    REQUIRE(f.outbox->unacknowledged_states(100).value().size() == 1);
    CHECK(f.outbox->find_by_receipt(first.code).value()->hub_message == "Pièce manquante.");
}

TEST_CASE("the heartbeat's rating window takes the newest days first", "[outbox]")
{
    Fixture f;
    REQUIRE(f.outbox->record_rating("a", 3, "2026-11-01"));
    REQUIRE(f.outbox->record_rating("a", 3, "2026-11-20"));
    REQUIRE(f.outbox->record_rating("a", 3, "2026-11-20"));
    REQUIRE(f.outbox->record_rating("b", 1, "2026-11-21"));
    auto recent = f.outbox->ratings_since("2026-11-15", 10).value();
    REQUIRE(recent.size() == 2);
    CHECK(recent[0].day == "2026-11-21");
    CHECK(recent[1].count == 2);
    CHECK(f.outbox->ratings_since("2026-11-15", 1).value().size() == 1);
}

// Issue 18: scanned pages, sealed one by one and stored with their submission, sent in chunks after it.

namespace {

std::vector<uint8_t> fake_jpeg(size_t size, uint8_t seed)
{
    std::vector<uint8_t> page(size);
    for (size_t i = 0; i < size; ++i)
        page[i] = static_cast<uint8_t>(seed + i * 7);
    page[0] = 0xFF; // what a JPEG starts with
    page[1] = 0xD8;
    return page;
}

}

TEST_CASE("scanned pages are sealed one by one with their submission and announced in its item", "[outbox][pages]")
{
    Fixture f;
    std::string marker = "PAGE-MARKER-1234567";
    auto first = fake_jpeg(5000, 1);
    std::copy(marker.begin(), marker.end(), first.begin() + 100);
    NewSubmission submission { "acte-naissance", 2, false, R"({"nom":"Dupont"})", { first, fake_jpeg(7000, 2), fake_jpeg(300, 3) } };
    auto receipt = f.outbox->enqueue(submission, 1000);
    REQUIRE(receipt);
    CHECK(submission.pages.empty()); // wiped
    CHECK_FALSE(test::any_file_contains(f.dir, marker));

    auto due = f.outbox->due(1000, 10, 1 << 20);
    REQUIRE(due);
    REQUIRE(due->size() == 1);
    auto& manifest = due->front().attachments;
    REQUIRE(manifest.size() == 3);
    CHECK(manifest[0].n == 0);
    CHECK(manifest[2].n == 2);
    CHECK(manifest[1].size == 7000 + crypto_box_SEALBYTES);

    // Pages wait for their submission to be at the hub.
    CHECK_FALSE(f.outbox->next_chunk(1000, 1 << 20).value());
    std::vector<std::string> sent { receipt->id };
    REQUIRE(f.outbox->mark_sent(sent, 1001));
    auto chunk = f.outbox->next_chunk(1001, 1 << 20).value();
    REQUIRE(chunk);
    CHECK(chunk->id == receipt->id);
    CHECK(chunk->n == 0);
    CHECK(chunk->offset == 0);
    CHECK(chunk->size == manifest[0].size);
    CHECK(protocol::sha256_hex(chunk->bytes) == manifest[0].sha256);
    CHECK(f.keys.open(chunk->bytes) == std::string(first.begin(), first.end()));
}

TEST_CASE("too many pages or a page too large refuse the submission and store nothing", "[outbox][pages]")
{
    Fixture f;
    NewSubmission many { "p", 1, false, R"({"a":1})", std::vector<std::vector<uint8_t>>(protocol::max_attachments + 1, fake_jpeg(10, 1)) };
    auto refused = f.outbox->enqueue(many, 1000);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("too many pages"));
    CHECK(many.pages.empty());
    CHECK(many.answers_json.empty());

    NewSubmission large { "p", 1, false, R"({"a":1})", { fake_jpeg(100, 1), fake_jpeg(protocol::max_attachment_bytes, 2) } };
    refused = f.outbox->enqueue(large, 1000);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("page 2 of the submission is too large"));
    CHECK(large.pages.empty());
    CHECK(f.outbox->counts()->queued == 0);
    CHECK(f.outbox->entries().value().empty());
}

// Runs `body` in a child process with its own mount namespace, where `dir` is a tmpfs of `kib` KiB: a
// real full disk (ENOSPC), without touching the machine's. Returns the child's exit code.
int in_small_tmpfs(const std::filesystem::path& dir, int kib, const std::function<int()>& body)
{
    pid_t pid = fork();
    if (pid == 0) {
        uid_t uid = getuid();
        gid_t gid = getgid();
        if (unshare(CLONE_NEWNS) != 0) {
            // Not root: a user namespace of our own gives the right to mount there.
            if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
                _exit(90);
            std::ofstream("/proc/self/setgroups") << "deny";
            std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
            std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
        }
        mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
        std::string size = "size=" + std::to_string(kib) + "k";
        if (mount("tmpfs", dir.c_str(), "tmpfs", 0, size.c_str()) != 0)
            _exit(91);
        _exit(body());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST_CASE("a disk that fills while pages are stored says so and stores nothing of the submission", "[outbox][pages]")
{
    test::KeyPair keys;
    auto dir = test::fresh_dir("full-disk");
    // In the child, no Catch assertions: each check that fails exits with its own code.
    int result = in_small_tmpfs(dir, 768, [&] {
        OutboxSettings settings { dir / "outbox.sqlite", "mairie-01", keys.public_key };
        auto outbox = Outbox::open(settings);
        if (!outbox)
            return 1;
        NewSubmission small { "p", 1, false, R"({"a":1})", { fake_jpeg(1000, 1) } };
        auto kept = (*outbox)->enqueue(small, 1000);
        if (!kept)
            return 2;
        // Two pages fit, the third does not: the first two must not stay either.
        NewSubmission large { "p", 1, false, R"({"a":1})", { fake_jpeg(300 * 1024, 1), fake_jpeg(300 * 1024, 2), fake_jpeg(300 * 1024, 3) } };
        auto refused = (*outbox)->enqueue(large, 1000);
        if (refused)
            return 3;
        std::fprintf(stderr, "full disk: %s\n", refused.error().message.c_str());
        if (!refused.error().message.starts_with("cannot store the submission: the kiosk's disk is full"))
            return 4;
        if (!large.pages.empty() || !large.answers_json.empty())
            return 5;
        outbox->reset();
        outbox = Outbox::open(settings);
        if (!outbox)
            return 6;
        auto counts = (*outbox)->counts();
        if (!counts || counts->queued != 1 || counts->pages_pending != 1)
            return 7;
        if (!(*outbox)->find_by_receipt(kept->code).value_or(std::nullopt))
            return 8;
        return 0;
    });
    CHECK(result == 0);
}

TEST_CASE("pages go in chunks, resume at the acknowledged offset after a reopen, and keep their bytes until all are sent", "[outbox][pages]")
{
    Fixture f; // retention: 3600 s
    NewSubmission submission { "p", 1, false, R"({"a":1})", { fake_jpeg(1000, 1), fake_jpeg(500, 2) } };
    auto receipt = f.outbox->enqueue(submission, 1000).value();
    std::vector<std::string> sent { receipt.id };
    REQUIRE(f.outbox->mark_sent(sent, 1000));
    CHECK(f.outbox->counts()->pages_pending == 2);

    auto chunk = f.outbox->next_chunk(1000, 400).value().value();
    CHECK(chunk.bytes.size() == 400);
    REQUIRE(f.outbox->record_chunk(chunk.id, chunk.n, 400, false));
    f.reopen(); // as after a kill -9: the acknowledged offset survives
    chunk = f.outbox->next_chunk(1000, 400).value().value();
    CHECK(chunk.n == 0);
    CHECK(chunk.offset == 400);
    REQUIRE(f.outbox->record_chunk(chunk.id, 0, chunk.size, true));
    auto entry = f.outbox->find_by_receipt(receipt.code).value().value();
    CHECK(entry.pages_total == 2);
    CHECK(entry.pages_sent == 1);

    // Retention has long passed, but page 1 is not at the hub: nothing is purged.
    CHECK(f.outbox->purge_acknowledged(1000 + 10 * 3600).value() == 0);
    chunk = f.outbox->next_chunk(1000, 4000).value().value();
    CHECK(chunk.n == 1);
    CHECK(chunk.bytes.size() == static_cast<size_t>(chunk.size));

    // Refused hashes: back to 0 each time, held at the fifth in a row, requeued by the technician.
    for (int i = 1; i < max_page_refusals; ++i)
        CHECK(f.outbox->restart_page(chunk.id, 1, "refused").value() == i);
    CHECK(f.outbox->next_chunk(1000, 4000).value()->offset == 0);
    CHECK(f.outbox->restart_page(chunk.id, 1, "page 2 refused 5 times").value() == max_page_refusals);
    CHECK_FALSE(f.outbox->next_chunk(1000, 4000).value());
    CHECK(f.outbox->find_by_receipt(receipt.code).value()->last_error == "page 2 refused 5 times");
    CHECK(f.outbox->requeue(receipt.code, 1000).value());
    chunk = f.outbox->next_chunk(1000, 4000).value().value();

    // A page the hub does not know waits for its next attempt.
    REQUIRE(f.outbox->retry_page_later(chunk.id, 1, 5000, "the hub does not know page 2"));
    CHECK_FALSE(f.outbox->next_chunk(4999, 4000).value());
    CHECK(f.outbox->next_attempt_at().value() == 5000);
    REQUIRE(f.outbox->next_chunk(5000, 4000).value());

    REQUIRE(f.outbox->record_chunk(chunk.id, 1, chunk.size, true));
    CHECK(f.outbox->find_by_receipt(receipt.code).value()->pages_sent == 2);
    CHECK(f.outbox->counts()->pages_pending == 0);
    CHECK(f.outbox->purge_acknowledged(1000 + 10 * 3600).value() == 1);
    auto db = Database::open(f.dir / "outbox.sqlite");
    auto kept = db->prepare("SELECT COUNT(*) FROM attachments WHERE sealed IS NOT NULL");
    REQUIRE(kept->step().value());
    CHECK(kept->int64(0) == 0);
}
