// Protocol bodies: round trips and the refusals a hub or kiosk must make.
#include "sync/protocol.h"
#include "sync/receipt.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>

using namespace guichet::sync::protocol;

namespace {

Item sample_item(std::string id = "0f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f")
{
    return { std::move(id), "acte-naissance", 3, "2026-11-26T10:00:00Z", { 1, 2, 3, 250, 0, 7 } };
}

}

TEST_CASE("a batch survives encoding and decoding", "[protocol]")
{
    Batch batch { "mairie-01", { sample_item() } };
    auto decoded = decode_batch(encode(batch));
    REQUIRE(decoded);
    CHECK(decoded->kiosk == "mairie-01");
    REQUIRE(decoded->items.size() == 1);
    CHECK(decoded->items[0].id == batch.items[0].id);
    CHECK(decoded->items[0].version == 3);
    CHECK(decoded->items[0].sealed == batch.items[0].sealed);
}

TEST_CASE("malformed batches are refused with a reason", "[protocol]")
{
    struct Case {
        std::string body;
        const char* reason;
    };
    auto [body, reason] = GENERATE_COPY(values<Case>({
        { "not json", "not valid JSON" },
        { "[]", "must be a JSON object" },
        { R"({"items":[]})", "'kiosk' must be a string" },
        { R"({"kiosk":"k","items":[]})", "'items' is empty" },
        { R"({"kiosk":"k","items":{}})", "'items' must be an array" },
        { R"({"kiosk":"k","items":[3]})", "items[0]: must be an object" },
        { R"({"kiosk":"k","items":[{"procedure":"p"}]})", "items[0]: 'id' must be a string" },
    }));
    auto decoded = decode_batch(body);
    REQUIRE_FALSE(decoded);
    CHECK_THAT(decoded.error().message, Catch::Contains(reason));
}

TEST_CASE("a bad item is rejected with its reason while the others decode", "[protocol]")
{
    struct Case {
        std::string item;
        const char* reason;
    };
    auto good = R"({"id":"0f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f","procedure":"p","version":1,"created_at":"t","sealed":"AQID"})";
    auto [item, reason] = GENERATE_COPY(values<Case>({
        { R"({"id":"NOT-A-UUID","procedure":"p","version":1,"created_at":"t","sealed":"AQID"})",
            "items[1]: 'id' must be a lower-case UUID" },
        { R"({"id":"1f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f","procedure":"p","version":1,"created_at":"t","sealed":"%%%"})",
            "items[1]: 'sealed' is not valid base64" },
        { R"({"id":"1f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f","procedure":"p","version":"1","created_at":"t","sealed":"AQID"})",
            "items[1]: 'version' must be a whole number" },
        { R"({"id":"1f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f","procedure":"p","version":1,"created_at":"t","sealed":""})",
            "items[1]: 'sealed' is empty" },
    }));
    auto decoded = decode_batch(std::string(R"({"kiosk":"k","items":[)") + good + "," + item + "]}");
    REQUIRE(decoded);
    REQUIRE(decoded->items.size() == 1);
    CHECK(decoded->items[0].id == "0f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f");
    REQUIRE(decoded->rejected.size() == 1);
    CHECK(decoded->rejected[0].status == Status::Rejected);
    CHECK(decoded->rejected[0].id == nlohmann::json::parse(item)["id"].get<std::string>());
    CHECK_THAT(decoded->rejected[0].reason, Catch::Contains(reason));
}

TEST_CASE("deep nesting and swarms of values are refused before any tree is built", "[protocol]")
{
    // 8 MB of '[' once took ~300 MB to parse into a tree; now the scan refuses it at level 33.
    auto bomb = std::string(max_body_bytes - 1, '[');
    auto decoded = decode_batch(bomb);
    REQUIRE_FALSE(decoded);
    CHECK_THAT(decoded.error().message, Catch::Contains("nests arrays and objects more than 32 deep"));
    CHECK_FALSE(decode_heartbeat(std::string(40, '{')));

    std::string wide = R"({"kiosk":"k","items":[0)";
    for (size_t i = 0; i < max_json_values; ++i)
        wide += ",0";
    wide += "]}";
    decoded = decode_batch(wide);
    REQUIRE_FALSE(decoded);
    CHECK_THAT(decoded.error().message, Catch::Contains("more than 100000 JSON values"));

    // Brackets, commas and escaped quotes inside strings are text, not structure.
    std::string quoted = R"({"kiosk":"k","last_error":")" + std::string(100, '[') + R"(\"[,:{"})";
    auto heartbeat = decode_heartbeat(quoted);
    REQUIRE(heartbeat);
    CHECK(heartbeat->last_error.starts_with("[[["));
}

TEST_CASE("a batch has a bounded number of items", "[protocol]")
{
    Batch batch { "k", {} };
    for (size_t i = 0; i <= max_items_per_batch; ++i) {
        char id[37];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012zx", i);
        batch.items.push_back(sample_item(id));
    }
    auto decoded = decode_batch(encode(batch));
    REQUIRE_FALSE(decoded);
    CHECK_THAT(decoded.error().message, Catch::Contains("at most"));
}

TEST_CASE("responses decode and unknown statuses are refused", "[protocol]")
{
    BatchResponse response { { { "a", Status::Stored, "" }, { "b", Status::Conflict, "other bytes" } } };
    auto decoded = decode_batch_response(encode(response));
    REQUIRE(decoded);
    REQUIRE(decoded->results.size() == 2);
    CHECK(decoded->results[1].status == Status::Conflict);
    CHECK(decoded->results[1].reason == "other bytes");
    CHECK_FALSE(decode_batch_response(R"({"results":[{"id":"a","status":"maybe"}]})"));
    CHECK_FALSE(decode_batch_response(R"({"results":[{"id":"a","status":"sto)"));
}

TEST_CASE("the sealed payload carries the answers untouched and refuses non-objects", "[protocol]")
{
    SealedPayload payload { "id-1", "k", "p", 2, "2026-11-26T10:00:00Z", true, R"({"nom":"Élodie d’Arc","age":41})" };
    auto text = encode(payload);
    REQUIRE(text);
    auto decoded = decode_sealed_payload(*text);
    REQUIRE(decoded);
    CHECK(decoded->assisted);
    CHECK(decoded->answers_json == R"({"age":41,"nom":"Élodie d’Arc"})");
    payload.answers_json = "[1,2]";
    CHECK_FALSE(encode(payload));
    payload.answers_json = "{\"a\":";
    CHECK_FALSE(encode(payload));
}

TEST_CASE("base64 round-trips and refuses garbage", "[protocol]")
{
    std::vector<uint8_t> bytes;
    for (int i = 0; i < 300; ++i)
        bytes.push_back(static_cast<uint8_t>(i * 7));
    auto decoded = base64_decode(base64_encode(bytes));
    REQUIRE(decoded);
    CHECK(*decoded == bytes);
    CHECK_FALSE(base64_decode("AQI"));
    CHECK_FALSE(base64_decode("AQID!"));
}

TEST_CASE("a heartbeat survives encoding and decoding and carries no more than its fields", "[protocol]")
{
    Heartbeat heartbeat { "mairie-01", "0.1.0", "pack-7", 3, 120, 1, 3600, 5'000'000'000, "cannot reach the hub" };
    auto decoded = decode_heartbeat(encode(heartbeat));
    REQUIRE(decoded);
    CHECK(decoded->kiosk == "mairie-01");
    CHECK(decoded->queued == 3);
    CHECK(decoded->sent == 120);
    CHECK(decoded->quarantined == 1);
    CHECK(decoded->oldest_queued_age_s == 3600);
    CHECK(decoded->disk_free_bytes == 5'000'000'000);
    CHECK(decoded->last_error == "cannot reach the hub");
    CHECK(decoded->place.empty()); // absent: kiosks before issue 17
    heartbeat.place = "Mairie de Saint-Éloi";
    CHECK(decode_heartbeat(encode(heartbeat))->place == "Mairie de Saint-Éloi");
    CHECK(decoded->printer.empty()); // absent: no printer, or a kiosk before issue 19
    heartbeat.printer = "cover_open";
    CHECK(decode_heartbeat(encode(heartbeat))->printer == "cover_open");
    heartbeat.printer = std::string(33, 'x'); // over its bound: left out, not the heartbeat
    CHECK(decode_heartbeat(encode(heartbeat))->printer.empty());
    heartbeat.printer.clear();
    // A place over its bound is left out, not the heartbeat (the kiosk cuts it at 80 characters).
    heartbeat.place = std::string(max_place_bytes + 1, 'x');
    auto long_place = decode_heartbeat(encode(heartbeat));
    REQUIRE(long_place);
    CHECK(long_place->place.empty());
    heartbeat.oldest_queued_age_s.reset();
    CHECK_FALSE(decode_heartbeat(encode(heartbeat))->oldest_queued_age_s);
    CHECK_FALSE(decode_heartbeat(R"({"queued":1})"));
}

// Issue 17: receipts, states and ratings travel, all optional so old kiosks and old hubs keep working.

TEST_CASE("an item carries its receipt normalized, a bad receipt rejects that item only, and old items decode", "[protocol]")
{
    auto code = guichet::sync::new_receipt_code();
    // The same code with another check character: one wrong character is always caught.
    std::string bad = code;
    bad.back() = bad.back() == 'A' ? 'B' : 'A';
    auto wire = wire_receipt(code);
    REQUIRE(wire);
    CHECK(wire->size() == 9);
    CHECK(wire->find('-') == std::string::npos);
    CHECK(wire_receipt(*wire) == wire);
    CHECK_FALSE(wire_receipt("000-000-000")); // the training journey's, never a citizen's
    CHECK_FALSE(wire_receipt("ABC-DEF-GHJ-K"));
    CHECK_FALSE(wire_receipt(bad));

    Batch batch { "mairie-01", { Item { "2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", "p", 1, "2026-11-26T10:00:00Z", { 1, 2 }, wire } }, {} };
    auto decoded = decode_batch(encode(batch));
    REQUIRE(decoded);
    REQUIRE(decoded->items.size() == 1);
    CHECK(decoded->items[0].receipt == wire);

    // The receipt as a person would type it is normalized.
    std::string typed = code;
    for (auto& c : typed)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto body = R"({"kiosk":"k","items":[{"id":"2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b","procedure":"p","version":1,)"
                R"("created_at":"2026-11-26T10:00:00Z","sealed":"AQI=","receipt":")"
        + typed + R"("},{"id":"3d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b","procedure":"p","version":1,)"
                  R"("created_at":"2026-11-26T10:00:00Z","sealed":"AQI=","receipt":")" + bad + R"("},)"
                  R"({"id":"4d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b","procedure":"p","version":1,)"
                  R"("created_at":"2026-11-26T10:00:00Z","sealed":"AQI=","receipt":"000000000"},)"
                  R"({"id":"5d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b","procedure":"p","version":1,)"
                  R"("created_at":"2026-11-26T10:00:00Z","sealed":"AQI="}]})";
    auto mixed = decode_batch(body);
    REQUIRE(mixed);
    REQUIRE(mixed->items.size() == 2);
    CHECK(mixed->items[0].receipt == wire);
    CHECK_FALSE(mixed->items[1].receipt); // an old kiosk's item: no receipt, still stored
    REQUIRE(mixed->rejected.size() == 2);
    CHECK_THAT(mixed->rejected[0].reason, Catch::Contains("not a valid receipt code"));
    CHECK(mixed->rejected[1].id == "4d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b");
    // And an item without a receipt is encoded without the field, as old hubs expect.
    batch.items[0].receipt.reset();
    CHECK(encode(batch).find("receipt") == std::string::npos);
}

TEST_CASE("the sealed payload repeats the receipt, and payloads sealed before it still decode", "[protocol]")
{
    SealedPayload payload { "id-1", "k", "p", 2, "2026-11-26T10:00:00Z", false,
        R"({"language":"fr","answers":{"a":1},"outcomes":["housing_aid"]})", "ABCDEFGHK" };
    auto text = encode(payload);
    REQUIRE(text);
    auto decoded = decode_sealed_payload(*text);
    REQUIRE(decoded);
    CHECK(decoded->receipt == "ABCDEFGHK");
    CHECK(nlohmann::json::parse(decoded->answers_json)["outcomes"] == nlohmann::json::array({ "housing_aid" }));
    auto old = decode_sealed_payload(
        R"({"id":"id-1","kiosk":"k","procedure":"p","version":2,"created_at":"t","assisted":false,"answers":{"language":"fr","answers":{}}})");
    REQUIRE(old);
    CHECK_FALSE(old->receipt);
    CHECK_FALSE(decode_sealed_payload(
        R"({"id":"id-1","kiosk":"k","procedure":"p","version":2,"created_at":"t","answers":{},"receipt":7})"));
}

TEST_CASE("heartbeats carry ratings and acknowledgements, answers carry states, and old bodies still decode", "[protocol]")
{
    Heartbeat heartbeat { "mairie-01", "0.1.0", "pack-7", 3, 120, 1, std::nullopt, std::nullopt, "" };
    heartbeat.ratings = { { "2026-12-01", "acte-naissance", 3, 12 }, { "2026-12-01", "acte-naissance", 1, 2 } };
    heartbeat.states_applied = { { "2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", 2 } };
    auto decoded = decode_heartbeat(encode(heartbeat));
    REQUIRE(decoded);
    REQUIRE(decoded->ratings.size() == 2);
    CHECK(decoded->ratings[0].day == "2026-12-01");
    CHECK(decoded->ratings[0].score == 3);
    CHECK(decoded->ratings[0].count == 12);
    REQUIRE(decoded->states_applied.size() == 1);
    CHECK(decoded->states_applied[0].rev == 2);
    // An old kiosk's heartbeat has neither, and a heartbeat without them says nothing of them.
    auto old = decode_heartbeat(R"({"kiosk":"k","queued":1})");
    REQUIRE(old);
    CHECK(old->ratings.empty());
    CHECK(old->states_applied.empty());
    heartbeat.ratings.clear();
    heartbeat.states_applied.clear();
    CHECK(encode(heartbeat).find("ratings") == std::string::npos);
    // Malformed additions fail the body.
    CHECK_FALSE(decode_heartbeat(R"({"kiosk":"k","ratings":[{"day":"2026-12-01","procedure":"p","score":4,"count":1}]})"));
    CHECK_FALSE(decode_heartbeat(R"({"kiosk":"k","ratings":[{"day":"yesterday","procedure":"p","score":1,"count":1}]})"));
    CHECK_FALSE(decode_heartbeat(R"({"kiosk":"k","states_applied":[{"id":"nope","rev":1}]})"));
    CHECK_FALSE(decode_heartbeat(R"({"kiosk":"k","ratings":{}})"));
    std::string many = R"({"kiosk":"k","ratings":[)";
    for (size_t i = 0; i <= max_rating_counts; ++i)
        many += std::string(i ? "," : "") + R"({"day":"2026-12-01","procedure":"p","score":1,"count":1})";
    CHECK_FALSE(decode_heartbeat(many + "]}"));

    // The hub's answers: states when there are, none from an old hub; nonsense entries are left out.
    HeartbeatAnswer answer { "ok", "2026-12-02T10:00:00Z", { { "2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b", "done", "Votre acte est prêt.", "2026-12-02T09:59:00.000Z", 3 } }, {} };
    auto read = decode_heartbeat_answer(encode(answer));
    REQUIRE(read);
    REQUIRE(read->states.size() == 1);
    CHECK(read->states[0].state == "done");
    CHECK(read->states[0].message == "Votre acte est prêt.");
    CHECK(read->states[0].rev == 3);
    auto old_hub = decode_heartbeat_answer(R"({"status":"ok","time":"2026-12-02T10:00:00Z"})");
    REQUIRE(old_hub);
    CHECK(old_hub->states.empty());
    auto odd = decode_heartbeat_answer(R"({"status":"ok","states":[{"id":"2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b","state":"lost","rev":1},)"
                                       R"({"id":"2d8f7a4e-1c2b-4e5f-9a6b-7c8d9e0f1a2b","state":"in_progress","rev":1},7]})");
    REQUIRE(odd);
    REQUIRE(odd->states.size() == 1);
    CHECK(odd->states[0].state == "in_progress");

    BatchResponse response { { { "a", Status::Stored, {} } }, answer.states };
    auto batch_answer = decode_batch_response(encode(response));
    REQUIRE(batch_answer);
    CHECK(batch_answer->states.size() == 1);
    CHECK(decode_batch_response(R"({"results":[]})")->states.empty());
}

TEST_CASE("a refused token says why when the hub says it", "[protocol]")
{
    CHECK_THAT(describe_token_refusal(401, R"({"error":"revoked at the hub","reason":"revoked"})"),
        Catch::StartsWith("jeton révoqué par le hub (HTTP 401)"));
    CHECK_THAT(describe_token_refusal(401, R"({"error":"…","reason":"expired"})"),
        Catch::StartsWith("jeton remplacé, période de grâce finie"));
    CHECK_THAT(describe_token_refusal(401, R"({"error":"unknown token"})"), Catch::StartsWith("the hub refused this kiosk's token"));
    CHECK_THAT(describe_token_refusal(403, "<html>"), Catch::StartsWith("the hub refused this kiosk's token (HTTP 403)"));
}

TEST_CASE("a batch item's sealed pages survive encoding and decoding", "[protocol][attachments]")
{
    auto item = sample_item();
    item.attachments = { { 0, 1234, std::string(64, 'a') }, { 1, 99, std::string(64, '0') } };
    auto decoded = decode_batch(encode(Batch { "mairie-01", { item } }));
    REQUIRE(decoded);
    REQUIRE(decoded->items.size() == 1);
    auto& pages = decoded->items[0].attachments;
    REQUIRE(pages.size() == 2);
    CHECK(pages[0].n == 0);
    CHECK(pages[0].size == 1234);
    CHECK(pages[0].sha256 == std::string(64, 'a'));
    CHECK(pages[1].n == 1);
    CHECK(pages[1].size == 99);
}

TEST_CASE("an item without attachments (an older kiosk) still decodes with none", "[protocol][attachments]")
{
    auto decoded = decode_batch(
        R"({"kiosk":"k","items":[{"id":"0f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f","procedure":"p","version":1,"created_at":"t","sealed":"AQID"}]})");
    REQUIRE(decoded);
    REQUIRE(decoded->items.size() == 1);
    CHECK(decoded->items[0].attachments.empty());
    // Nor does encoding add the key when there are none: an older hub sees the body it always saw.
    CHECK(encode(Batch { "k", { sample_item() } }).find("attachments") == std::string::npos);
}

TEST_CASE("a bad manifest rejects its item with a reason", "[protocol][attachments]")
{
    struct Case {
        std::string pages;
        const char* reason;
    };
    auto hash = std::string(64, 'b');
    auto page = [&](std::string n, std::string size, std::string sha) {
        return R"({"n":)" + n + R"(,"size":)" + size + R"(,"sha256":")" + sha + R"("})";
    };
    std::string many = "[";
    for (size_t i = 0; i <= max_attachments; ++i)
        many += (i ? "," : "") + page(std::to_string(i), "10", hash);
    many += "]";
    auto [pages, reason] = GENERATE_COPY(values<Case>({
        { "{}", "'attachments' must be an array" },
        { "[" + page("1", "10", hash) + "]", "pages are numbered 0, 1" },
        { "[" + page("0", "10", hash) + "," + page("2", "10", hash) + "]", "pages are numbered 0, 1" },
        { "[" + page("0", "10", hash) + "," + page("0", "10", hash) + "]", "pages are numbered 0, 1" },
        { many, "at most 20 pages" },
        { "[" + page("0", "0", hash) + "]", "not between 1 and" },
        { "[" + page("0", std::to_string(max_attachment_bytes + 1), hash) + "]", "not between 1 and" },
        { "[" + page("0", "10", std::string(64, 'B')) + "]", "64 lower-case hexadecimal" },
        { "[" + page("0", "10", std::string(63, 'b')) + "]", "64 lower-case hexadecimal" },
        { "[" + page("0", "10", std::string(63, 'b') + "g") + "]", "64 lower-case hexadecimal" },
        { R"([{"n":0,"size":10}])", "needs 'n', 'size' and 'sha256'" },
        { "[3]", "must be an object" },
    }));
    auto body = std::string(R"({"kiosk":"k","items":[{"id":"1f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f","procedure":"p",)")
        + R"("version":1,"created_at":"t","sealed":"AQID","attachments":)" + pages + "}]}";
    auto decoded = decode_batch(body);
    REQUIRE(decoded);
    CHECK(decoded->items.empty());
    REQUIRE(decoded->rejected.size() == 1);
    CHECK_THAT(decoded->rejected[0].reason, Catch::Contains(reason));
}

TEST_CASE("a chunk answer survives encoding and decoding; a bad one is refused", "[protocol][attachments]")
{
    auto decoded = decode_chunk_answer(encode(ChunkAnswer { 262144, true }));
    REQUIRE(decoded);
    CHECK(decoded->received == 262144);
    CHECK(decoded->submission_complete);
    CHECK(encode(ChunkAnswer { 5, false }) == R"({"complete":false,"received":5})");
    // A 409's body carries received without complete: it still decodes, so the kiosk resumes there.
    auto conflict = decode_chunk_answer(R"({"error":"x","received":7})");
    REQUIRE(conflict);
    CHECK(conflict->received == 7);
    CHECK_FALSE(conflict->submission_complete);
    CHECK_FALSE(decode_chunk_answer(R"({"received":-1})"));
    CHECK_FALSE(decode_chunk_answer(R"({"received":"3"})"));
    CHECK_FALSE(decode_chunk_answer(R"({"received":3,"complete":1})"));
    CHECK_FALSE(decode_chunk_answer("nope"));
    CHECK(attachment_target("0f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f", 2, 131072)
        == "/v1/submissions/0f8c7b1e-3a2d-4c5b-9e6f-7a8b9c0d1e2f/attachments/2?offset=131072");
}
