// JSON encoding and strict decoding of protocol bodies.
#include "sync/protocol.h"

#include "kiosk/core/input_limits.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>

namespace guichet::sync::protocol {
namespace {

using nlohmann::json;

Result<json> parse_object(std::string_view body)
{
    if (body.size() > max_body_bytes)
        return fail("the body is larger than " + std::to_string(max_body_bytes) + " bytes");
    // One linear pass bounds what parsing may cost (depth, number of values) before json::parse, so
    // a hostile body is refused having cost nothing but the scan.
    if (auto bounded = check_json_depth(body, max_json_depth, max_json_values); !bounded)
        return fail("the body " + bounded.error().message);
    auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded())
        return fail("the body is not valid JSON");
    if (!parsed.is_object())
        return fail("the body must be a JSON object");
    return parsed;
}

Result<std::string> get_string(const json& object, const char* key, size_t max_length = 256)
{
    auto found = object.find(key);
    if (found == object.end() || !found->is_string())
        return fail(std::string("'") + key + "' must be a string");
    auto& value = found->get_ref<const std::string&>();
    if (value.size() > max_length)
        return fail(std::string("'") + key + "' is longer than " + std::to_string(max_length) + " characters");
    return value;
}

Result<int64_t> get_int(const json& object, const char* key)
{
    auto found = object.find(key);
    if (found == object.end() || !found->is_number_integer())
        return fail(std::string("'") + key + "' must be a whole number");
    return found->get<int64_t>();
}

// One item of a batch whose id is a string; any other fault refuses this item only.
Result<Item> decode_item(const json& entry, const std::string& id)
{
    auto procedure = get_string(entry, "procedure");
    auto version = get_int(entry, "version");
    auto created_at = get_string(entry, "created_at", 64);
    auto sealed = get_string(entry, "sealed", max_sealed_bytes * 4 / 3 + 4);
    for (auto* problem : { procedure ? nullptr : &procedure.error(), created_at ? nullptr : &created_at.error(),
             sealed ? nullptr : &sealed.error() }) {
        if (problem)
            return std::unexpected(*problem);
    }
    if (!version)
        return std::unexpected(version.error());
    if (!is_uuid(id))
        return fail("'id' must be a lower-case UUID");
    auto bytes = base64_decode(*sealed);
    if (!bytes)
        return fail("'sealed' is " + bytes.error().message);
    if (bytes->empty())
        return fail("'sealed' is empty");
    return Item { id, *procedure, *version, *created_at, std::move(*bytes) };
}

std::optional<int64_t> get_optional_int(const json& object, const char* key)
{
    auto found = object.find(key);
    if (found == object.end() || !found->is_number_integer())
        return std::nullopt;
    return found->get<int64_t>();
}

}

std::string_view status_name(Status status)
{
    switch (status) {
    case Status::Stored:
        return "stored";
    case Status::Duplicate:
        return "duplicate";
    case Status::Conflict:
        return "conflict";
    case Status::Rejected:
        return "rejected";
    }
    return "rejected";
}

std::optional<Status> status_from_name(std::string_view name)
{
    for (auto status : { Status::Stored, Status::Duplicate, Status::Conflict, Status::Rejected }) {
        if (status_name(status) == name)
            return status;
    }
    return std::nullopt;
}

bool is_plain_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_uuid(std::string_view text)
{
    if (text.size() != 36)
        return false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

std::string base64_encode(const std::vector<uint8_t>& bytes)
{
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1); // the terminating NUL
    return out;
}

Result<std::vector<uint8_t>> base64_decode(std::string_view text)
{
    std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
    size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
            sodium_base64_VARIANT_ORIGINAL)
            != 0
        || end != text.data() + text.size())
        return fail("not valid base64");
    out.resize(length);
    return out;
}

Result<std::string> encode(const SealedPayload& payload)
{
    auto first = payload.answers_json.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || payload.answers_json[first] != '{' || !json::accept(payload.answers_json))
        return fail("the answers must be a JSON object");
    // The answers are spliced in as the caller's text rather than parsed into a tree and printed
    // again: citizen data is copied as few times as possible, into buffers the caller wipes.
    json envelope { { "id", payload.id }, { "kiosk", payload.kiosk }, { "procedure", payload.procedure },
        { "version", payload.version }, { "created_at", payload.created_at }, { "assisted", payload.assisted } };
    std::string text = envelope.dump();
    text.pop_back(); // the closing brace
    text.reserve(text.size() + payload.answers_json.size() + 16);
    text += ",\"answers\":";
    text += payload.answers_json;
    text += '}';
    return text;
}

Result<SealedPayload> decode_sealed_payload(std::string_view plaintext)
{
    auto root = parse_object(plaintext);
    if (!root)
        return std::unexpected(root.error());
    SealedPayload payload;
    auto id = get_string(*root, "id");
    auto kiosk = get_string(*root, "kiosk");
    auto procedure = get_string(*root, "procedure");
    auto version = get_int(*root, "version");
    auto created_at = get_string(*root, "created_at", 64);
    if (!id || !kiosk || !procedure || !version || !created_at)
        return fail("the payload needs id, kiosk, procedure, version and created_at");
    auto answers = root->find("answers");
    if (answers == root->end() || !answers->is_object())
        return fail("the payload's 'answers' must be an object");
    auto assisted = root->find("assisted");
    payload.id = *id;
    payload.kiosk = *kiosk;
    payload.procedure = *procedure;
    payload.version = *version;
    payload.created_at = *created_at;
    payload.assisted = assisted != root->end() && assisted->is_boolean() && assisted->get<bool>();
    payload.answers_json = answers->dump();
    return payload;
}

std::string encode(const Batch& batch)
{
    json items = json::array();
    for (auto& item : batch.items)
        items.push_back({ { "id", item.id }, { "procedure", item.procedure }, { "version", item.version },
            { "created_at", item.created_at }, { "sealed", base64_encode(item.sealed) } });
    return json { { "kiosk", batch.kiosk }, { "items", std::move(items) } }.dump();
}

std::string encode(const BatchResponse& response)
{
    json results = json::array();
    for (auto& result : response.results) {
        json entry { { "id", result.id }, { "status", status_name(result.status) } };
        if (!result.reason.empty())
            entry["reason"] = result.reason;
        results.push_back(std::move(entry));
    }
    return json { { "results", std::move(results) } }.dump();
}

std::string encode(const Heartbeat& heartbeat)
{
    json body { { "kiosk", heartbeat.kiosk }, { "app_version", heartbeat.app_version },
        { "pack_version", heartbeat.pack_version }, { "queued", heartbeat.queued }, { "sent", heartbeat.sent },
        { "quarantined", heartbeat.quarantined }, { "last_error", heartbeat.last_error } };
    if (heartbeat.oldest_queued_age_s)
        body["oldest_queued_age_s"] = *heartbeat.oldest_queued_age_s;
    if (heartbeat.disk_free_bytes)
        body["disk_free_bytes"] = *heartbeat.disk_free_bytes;
    return body.dump();
}

Result<Batch> decode_batch(std::string_view body)
{
    auto root = parse_object(body);
    if (!root)
        return std::unexpected(root.error());
    Batch batch;
    auto kiosk = get_string(*root, "kiosk");
    if (!kiosk)
        return std::unexpected(kiosk.error());
    batch.kiosk = *kiosk;
    auto items = root->find("items");
    if (items == root->end() || !items->is_array())
        return fail("'items' must be an array");
    if (items->empty())
        return fail("'items' is empty");
    if (items->size() > max_items_per_batch)
        return fail("a batch holds at most " + std::to_string(max_items_per_batch) + " items");
    for (size_t i = 0; i < items->size(); ++i) {
        auto& entry = (*items)[i];
        auto where = "items[" + std::to_string(i) + "]: ";
        // Without an id an item cannot be answered on its own: the body is not a batch.
        if (!entry.is_object())
            return fail(where + "must be an object");
        auto id = get_string(entry, "id");
        if (!id)
            return fail(where + id.error().message);
        auto item = decode_item(entry, *id);
        if (!item)
            batch.rejected.push_back({ *id, Status::Rejected, where + item.error().message });
        else
            batch.items.push_back(std::move(*item));
        // The decoded bytes are kept; the tree's copy of the text is not needed any more.
        entry = nullptr;
    }
    return batch;
}

Result<BatchResponse> decode_batch_response(std::string_view body)
{
    auto root = parse_object(body);
    if (!root)
        return std::unexpected(root.error());
    auto results = root->find("results");
    if (results == root->end() || !results->is_array())
        return fail("'results' must be an array");
    BatchResponse response;
    for (auto& entry : *results) {
        if (!entry.is_object())
            return fail("each result must be an object");
        auto id = get_string(entry, "id");
        auto status = get_string(entry, "status");
        if (!id || !status)
            return fail("each result needs 'id' and 'status'");
        auto known = status_from_name(*status);
        if (!known)
            return fail("unknown status '" + *status + "'");
        ItemResult result { *id, *known, {} };
        if (auto reason = get_string(entry, "reason", 1024))
            result.reason = *reason;
        response.results.push_back(std::move(result));
    }
    return response;
}

Result<Heartbeat> decode_heartbeat(std::string_view body)
{
    auto root = parse_object(body);
    if (!root)
        return std::unexpected(root.error());
    Heartbeat heartbeat;
    auto kiosk = get_string(*root, "kiosk");
    if (!kiosk)
        return std::unexpected(kiosk.error());
    heartbeat.kiosk = *kiosk;
    if (auto text = get_string(*root, "app_version", 64))
        heartbeat.app_version = *text;
    if (auto text = get_string(*root, "pack_version", 64))
        heartbeat.pack_version = *text;
    if (auto text = get_string(*root, "last_error", 1024))
        heartbeat.last_error = *text;
    heartbeat.queued = get_optional_int(*root, "queued").value_or(0);
    heartbeat.sent = get_optional_int(*root, "sent").value_or(0);
    heartbeat.quarantined = get_optional_int(*root, "quarantined").value_or(0);
    heartbeat.oldest_queued_age_s = get_optional_int(*root, "oldest_queued_age_s");
    heartbeat.disk_free_bytes = get_optional_int(*root, "disk_free_bytes");
    return heartbeat;
}

}
