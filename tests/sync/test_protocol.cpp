// Protocol bodies: round trips and the refusals a hub or kiosk must make.
#include "sync/protocol.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

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
    heartbeat.oldest_queued_age_s.reset();
    CHECK_FALSE(decode_heartbeat(encode(heartbeat))->oldest_queued_age_s);
    CHECK_FALSE(decode_heartbeat(R"({"queued":1})"));
}
