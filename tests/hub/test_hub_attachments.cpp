// Documents (issue 18) through the real guichet-hub binary: a batch announces sealed pages, the kiosk
// PUTs them in chunks (docs/sync-protocol.md, "Documents"), and `guichet-hub open --out` opens them.
#include "hub_fixture.h"

#include "sync/protocol.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

using namespace guichet;
using namespace guichet::sync;
using guichet::test::ServedHub;
using guichet::test::TempDir;

namespace {

std::vector<uint8_t> page_of(size_t size, uint8_t seed)
{
    std::vector<uint8_t> page(size);
    for (size_t i = 0; i < size; ++i)
        page[i] = static_cast<uint8_t>(seed + i * 13 + i / 251);
    return page;
}

struct Answer {
    int status = 0;
    nlohmann::json body;
};

Answer put_chunk(httplib::Client& client, const std::string& id, int n, int64_t offset, const std::vector<uint8_t>& page,
    size_t from, size_t length)
{
    std::string body(reinterpret_cast<const char*>(page.data()) + from, length);
    auto res = client.Put(protocol::attachment_target(id, n, offset), body, "application/octet-stream");
    REQUIRE(res);
    INFO(res->body);
    auto parsed = nlohmann::json::parse(res->body, nullptr, false);
    REQUIRE(parsed.is_object());
    return { res->status, parsed };
}

// A stored submission of the token's kiosk that announces `pages`.
protocol::Item post_with_pages(httplib::Client& client, const std::string& kiosk, const std::vector<std::vector<uint8_t>>& pages,
    std::vector<uint8_t> sealed = { 1, 2, 3 })
{
    protocol::Item item = test::make_item(std::move(sealed));
    for (size_t n = 0; n < pages.size(); ++n)
        item.attachments.push_back({ static_cast<int>(n), static_cast<int64_t>(pages[n].size()), protocol::sha256_hex(pages[n]) });
    auto res = client.Post("/v1/submissions", protocol::encode(protocol::Batch { kiosk, { item }, {} }), "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    auto decoded = protocol::decode_batch_response(res->body);
    REQUIRE(decoded);
    REQUIRE(decoded->results.at(0).status == protocol::Status::Stored);
    return item;
}

}

TEST_CASE("guichet-hub takes a page in chunks, by the protocol's rules", "[hub][server][attachments]")
{
    REQUIRE(sodium_init() >= 0);
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = test::enroll(dir, db, "mairie-01");
    auto other = test::enroll(dir, db, "mairie-02");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    auto first = page_of(300'000, 1); // three chunks: 128 KiB, 128 KiB and the rest
    auto second = page_of(1000, 2);
    auto item = post_with_pages(client, "mairie-01", { first, second });
    const size_t chunk = 128 * 1024;

    auto answer = put_chunk(client, item.id, 0, 0, first, 0, chunk);
    CHECK(answer.status == 200);
    CHECK(answer.body["received"] == chunk);
    CHECK(answer.body["complete"] == false);
    // The same chunk again: the same answer, nothing written twice.
    answer = put_chunk(client, item.id, 0, 0, first, 0, chunk);
    CHECK(answer.status == 200);
    CHECK(answer.body["received"] == chunk);
    // A gap: 409 with what the hub holds.
    answer = put_chunk(client, item.id, 0, 2 * chunk, first, 2 * chunk, first.size() - 2 * chunk);
    CHECK(answer.status == 409);
    CHECK(answer.body["received"] == chunk);
    answer = put_chunk(client, item.id, 0, chunk, first, chunk, chunk);
    CHECK(answer.status == 200);
    // Past the page's size: 400.
    answer = put_chunk(client, item.id, 0, 2 * chunk, page_of(first.size() - 2 * chunk + 1, 0), 0, first.size() - 2 * chunk + 1);
    CHECK(answer.status == 400);
    answer = put_chunk(client, item.id, 0, 2 * chunk, first, 2 * chunk, first.size() - 2 * chunk);
    CHECK(answer.status == 200);
    CHECK(answer.body["received"] == first.size());
    CHECK(answer.body["complete"] == false); // page 1 is still missing
    auto decoded = protocol::decode_chunk_answer(answer.body.dump());
    REQUIRE(decoded);
    CHECK(decoded->received == static_cast<int64_t>(first.size()));

    // Page 1, damaged: 422, received 0, and the page is taken again from 0.
    auto damaged = second;
    damaged[10] ^= 1;
    answer = put_chunk(client, item.id, 1, 0, damaged, 0, damaged.size());
    CHECK(answer.status == 422);
    CHECK(answer.body["received"] == 0);
    answer = put_chunk(client, item.id, 1, 0, second, 0, second.size());
    CHECK(answer.status == 200);
    CHECK(answer.body["complete"] == true);

    // Another kiosk's submission, a page not in the manifest, an unknown id: 404.
    auto stranger = hub.client(other);
    CHECK(put_chunk(stranger, item.id, 0, 0, first, 0, 10).status == 404);
    CHECK(put_chunk(client, item.id, 2, 0, first, 0, 10).status == 404);
    CHECK(put_chunk(client, test::new_uuid(), 0, 0, first, 0, 10).status == 404);

    // The rows: one per chunk taken, no more.
    auto database = Database::open(db);
    REQUIRE(database);
    auto count = database->prepare("SELECT count(*) FROM page_chunks WHERE id = ?");
    REQUIRE(count);
    REQUIRE(*count->bind(1, item.id).step());
    CHECK(count->int64(0) == 4);
}

TEST_CASE("guichet-hub refuses chunks without a token, too large, empty or of the wrong type", "[hub][server][attachments]")
{
    REQUIRE(sodium_init() >= 0);
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = test::enroll(dir, db, "mairie-01");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    auto page = page_of(1000, 3);
    auto item = post_with_pages(client, "mairie-01", { page });
    auto target = protocol::attachment_target(item.id, 0, 0);

    auto anonymous = hub.client();
    auto res = anonymous.Put(target, std::string(10, 'x'), "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 401);
    res = client.Put(target, std::string(protocol::max_chunk_bytes + 1, 'x'), "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 413);
    res = client.Put(target, std::string(), "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 400);
    res = client.Put(target, std::string(10, 'x'), "application/json");
    REQUIRE(res);
    CHECK(res->status == 415);
    res = client.Put("/v1/submissions/" + item.id + "/attachments/0?offset=-3", std::string(10, 'x'), "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 400);
    res = client.Put("/v1/submissions/" + item.id + "/attachments/0", std::string(10, 'x'), "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 400);
}

namespace {

std::vector<uint8_t> public_key_of(const std::filesystem::path& path)
{
    auto text = test::read_text(path);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    auto key = protocol::base64_decode(text);
    REQUIRE(key);
    REQUIRE(key->size() == crypto_box_PUBLICKEYBYTES);
    return *key;
}

std::vector<uint8_t> seal_bytes(const std::vector<uint8_t>& key, const std::vector<uint8_t>& clear)
{
    std::vector<uint8_t> sealed(clear.size() + crypto_box_SEALBYTES);
    crypto_box_seal(sealed.data(), clear.data(), clear.size(), key.data());
    return sealed;
}

std::vector<uint8_t> file_bytes(const std::filesystem::path& path)
{
    auto text = test::read_text(path);
    return { text.begin(), text.end() };
}

// Sends every page whole (each fits in one chunk here).
void send_pages(httplib::Client& client, const std::string& id, const std::vector<std::vector<uint8_t>>& sealed, size_t count)
{
    for (size_t n = 0; n < count; ++n)
        REQUIRE(put_chunk(client, id, static_cast<int>(n), 0, sealed[n], 0, sealed[n].size()).status == 200);
}

}

TEST_CASE("guichet-hub open --out writes a submission and its pages, opened and checked", "[hub][net][attachments]")
{
    REQUIRE(sodium_init() >= 0);
    TempDir dir;
    auto db = dir / "hub.db";
    REQUIRE(test::run_hub(dir, { "keygen", "--out", (dir / "keys").string() }).exit_code == 0);
    auto key = public_key_of(dir / "keys" / "submission.pub");
    auto token = test::enroll(dir, db, "mairie-1");

    // Two clear "JPEGs", listed in the sealed answers by their clear SHA-256, each sealed on its own.
    std::vector<std::vector<uint8_t>> clear { page_of(5000, 7), page_of(7000, 9) };
    auto listing = [&](const std::vector<std::vector<uint8_t>>& pages) {
        nlohmann::json list = nlohmann::json::array();
        for (size_t n = 0; n < pages.size(); ++n)
            list.push_back({ { "n", n }, { "sha256", protocol::sha256_hex(pages[n]) }, { "bytes", pages[n].size() }, { "width", 10 },
                { "height", 10 }, { "type", "image/jpeg" } });
        return nlohmann::json { { "nom", "Zoë" }, { "justificatif", { { "pages", list } } } }.dump();
    };
    auto make = [&](const std::string& answers, const std::vector<std::vector<uint8_t>>& pages) {
        auto id = test::new_uuid();
        auto sealed_payload = test::seal(key.data(), { id, "mairie-1", "carte-grise", 3, "2024-05-01T09:30:00Z", false, answers, std::nullopt });
        protocol::Item item { id, "carte-grise", 3, "2024-05-01T09:30:00Z", sealed_payload };
        std::vector<std::vector<uint8_t>> sealed;
        for (size_t n = 0; n < pages.size(); ++n) {
            sealed.push_back(seal_bytes(key, pages[n]));
            item.attachments.push_back({ static_cast<int>(n), static_cast<int64_t>(sealed.back().size()), protocol::sha256_hex(sealed.back()) });
        }
        return std::pair { item, sealed };
    };
    auto [whole, whole_pages] = make(listing(clear), clear);
    // A submission whose second page is something else than the answers list (sealed to the right key,
    // so only the clear hash can tell), and one whose second page has not arrived.
    auto [swapped, swapped_pages] = make(listing(clear), { clear[0], page_of(7000, 10) });
    auto [partial, partial_pages] = make(listing(clear), clear);
    {
        ServedHub hub(dir, db);
        auto client = hub.client(token);
        auto res = client.Post("/v1/submissions", protocol::encode(protocol::Batch { "mairie-1", { whole, swapped, partial } }),
            "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        send_pages(client, whole.id, whole_pages, 2);
        send_pages(client, swapped.id, swapped_pages, 2);
        send_pages(client, partial.id, partial_pages, 1);
        CHECK(hub.stop() == 0);
    }

    auto exported = test::run_hub(dir, { "export", "--db", db.string() });
    REQUIRE(exported.exit_code == 0);
    auto out = dir / "opened";
    auto key_file = (dir / "keys" / "submission.key").string();
    auto opened = test::run_hub(dir, { "open", "--key", key_file, "--out", out.string(), "--db", db.string() }, exported.out);
    INFO(opened.err);
    CHECK(opened.exit_code == 1); // one page refused
    CHECK(file_bytes(out / (whole.id + "-page-1.jpg")) == clear[0]);
    CHECK(file_bytes(out / (whole.id + "-page-2.jpg")) == clear[1]);
    auto json = nlohmann::json::parse(test::read_text(out / (whole.id + ".json")));
    CHECK(json["answers"]["nom"] == "Zoë");
    CHECK(json["integrity"] == "ok");
    CHECK(std::filesystem::exists(out / (swapped.id + "-page-1.jpg")));
    CHECK_FALSE(std::filesystem::exists(out / (swapped.id + "-page-2.jpg")));
    CHECK_THAT(opened.err, Catch::Contains(swapped.id + ": refused: page 2 of 2: its SHA-256 is not the one the sealed answers list"));
    CHECK(std::filesystem::exists(out / (partial.id + "-page-1.jpg")));
    CHECK_THAT(opened.err, Catch::Contains(partial.id + ": page 2 of 2: still missing at the hub (0 of"));
    // Without --db, --out cannot find the pages, and says so.
    auto no_db = test::run_hub(dir, { "open", "--key", key_file, "--out", (dir / "other").string() }, exported.out);
    CHECK(no_db.exit_code != 0);
    CHECK_THAT(no_db.err, Catch::Contains("--out needs --db"));
}

TEST_CASE("guichet-hub answers a chunk it cannot commit with 503 and Retry-After", "[hub][server][attachments]")
{
    REQUIRE(sodium_init() >= 0);
    TempDir dir;
    auto db = dir / "hub.db";
    auto token = test::enroll(dir, db, "mairie-01");
    ServedHub hub(dir, db);
    auto client = hub.client(token);
    auto page = page_of(1000, 4);
    auto item = post_with_pages(client, "mairie-01", { page });
    // The chunks' table gone behind the hub's back: the append cannot be written.
    test::run_sql(db, "DROP TABLE page_chunks");
    auto res = client.Put(protocol::attachment_target(item.id, 0, 0), std::string(100, 'x'), "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->get_header_value("Retry-After") == "1");
    CHECK_THAT(hub.log(), Catch::Contains("cannot store a chunk of kiosk mairie-01"));
}
