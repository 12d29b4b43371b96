// JSON encoding and strict decoding of protocol bodies.
#include "sync/protocol.h"

#include "kiosk/core/input_limits.h"
#include "sync/receipt.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <array>

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

bool is_lower_hex_sha256(std::string_view text)
{
    return text.size() == 64
        && std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An item's manifest of sealed pages (issue 18), absent from older kiosks. Checked strictly: the hub
// will hold the kiosk to it (each page's size and hash), so a manifest it cannot honour is refused now,
// with the item, rather than leaving a submission that can never be complete.
Result<std::vector<Attachment>> decode_attachments(const json& entry)
{
    std::vector<Attachment> out;
    auto found = entry.find("attachments");
    if (found == entry.end() || found->is_null())
        return out;
    if (!found->is_array())
        return fail("'attachments' must be an array");
    if (found->size() > max_attachments)
        return fail("'attachments' holds at most " + std::to_string(max_attachments) + " pages");
    for (size_t i = 0; i < found->size(); ++i) {
        auto& page = (*found)[i];
        auto where = "'attachments'[" + std::to_string(i) + "] ";
        if (!page.is_object())
            return fail(where + "must be an object");
        auto n = get_int(page, "n");
        auto size = get_int(page, "size");
        auto sha = get_string(page, "sha256", 64);
        if (!n || !size || !sha)
            return fail(where + "needs 'n', 'size' and 'sha256'");
        if (*n != static_cast<int64_t>(i))
            return fail(where + "has n " + std::to_string(*n) + ": pages are numbered 0, 1, … in order");
        if (*size <= 0 || *size > static_cast<int64_t>(max_attachment_bytes))
            return fail(where + "has size " + std::to_string(*size) + ", not between 1 and "
                + std::to_string(max_attachment_bytes) + " bytes");
        if (!is_lower_hex_sha256(*sha))
            return fail(where + "'sha256' must be 64 lower-case hexadecimal digits");
        out.push_back({ static_cast<int>(*n), *size, *sha });
    }
    return out;
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
    Item item { id, *procedure, *version, *created_at, std::move(*bytes), std::nullopt };
    if (auto receipt = entry.find("receipt"); receipt != entry.end() && !receipt->is_null()) {
        if (!receipt->is_string())
            return fail("'receipt' must be a string");
        item.receipt = wire_receipt(receipt->get_ref<const std::string&>());
        if (!item.receipt)
            return fail("'receipt' is not a valid receipt code");
    }
    if (auto attachments = decode_attachments(entry); !attachments)
        return std::unexpected(attachments.error());
    else
        item.attachments = std::move(*attachments);
    return item;
}

// The states of a hub's answer: entries that do not make sense are left out, so a newer hub's answer
// never stops an older kiosk from reading the rest.
std::vector<StateUpdate> decode_states(const json& root)
{
    std::vector<StateUpdate> states;
    auto found = root.find("states");
    if (found == root.end() || !found->is_array())
        return states;
    for (auto& entry : *found) {
        if (states.size() >= max_states_per_answer)
            break;
        if (!entry.is_object())
            continue;
        auto id = get_string(entry, "id");
        auto state = get_string(entry, "state");
        auto rev = get_int(entry, "rev");
        if (!id || !is_uuid(*id) || !state || !is_state_name(*state) || !rev || *rev < 1)
            continue;
        StateUpdate update { *id, *state, {}, {}, *rev };
        if (auto message = get_string(entry, "message", 4000))
            update.message = *message;
        if (auto at = get_string(entry, "at", 64))
            update.at = *at;
        states.push_back(std::move(update));
    }
    return states;
}

json encode_states(const std::vector<StateUpdate>& states)
{
    json out = json::array();
    for (auto& state : states)
        out.push_back({ { "id", state.id }, { "state", state.state }, { "message", state.message }, { "at", state.at },
            { "rev", state.rev } });
    return out;
}

bool is_day(std::string_view day)
{
    if (day.size() != 10 || day[4] != '-' || day[7] != '-')
        return false;
    for (size_t i : { 0, 1, 2, 3, 5, 6, 8, 9 })
        if (day[i] < '0' || day[i] > '9')
            return false;
    return true;
}

std::optional<int64_t> get_optional_int(const json& object, const char* key)
{
    auto found = object.find(key);
    if (found == object.end() || !found->is_number_integer())
        return std::nullopt;
    return found->get<int64_t>();
}

}

std::optional<std::string> wire_receipt(std::string_view typed)
{
    auto canonical = normalize_receipt_code(typed);
    if (!canonical)
        return std::nullopt;
    std::string nine;
    for (char c : *canonical)
        if (c != '-')
            nine += c;
    // The training journey's receipt has a valid shape and is never a citizen's (journey_feature.cpp).
    if (nine == "000000000")
        return std::nullopt;
    return nine;
}

std::string describe_token_refusal(long http, std::string_view body)
{
    std::string reason;
    if (body.size() <= 4096) {
        auto root = json::parse(body, nullptr, /*allow_exceptions=*/false);
        if (root.is_object())
            if (auto found = root.find("reason"); found != root.end() && found->is_string())
                reason = found->get<std::string>();
    }
    std::string status = " (HTTP " + std::to_string(http) + ")";
    if (reason == "revoked")
        return "jeton révoqué par le hub" + status + ": the hub revoked this kiosk's token; ask for a new one "
               "(guichet-hub kiosk rotate) and install it";
    if (reason == "expired")
        return "jeton remplacé, période de grâce finie" + status + ": this kiosk's token was replaced and its grace "
               "period is over; install the new token (guichet-hub kiosk rotate)";
    return "the hub refused this kiosk's token" + status + ": enroll the kiosk again and install the new token";
}

bool is_state_name(std::string_view name)
{
    return name == "received" || name == "in_progress" || name == "done" || name == "incomplete";
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

std::string sha256_hex(std::span<const uint8_t> bytes)
{
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest {};
    crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
    std::string hex(2 * digest.size() + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();
    return hex;
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
    if (payload.receipt)
        envelope["receipt"] = *payload.receipt;
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
    if (auto receipt = root->find("receipt"); receipt != root->end()) {
        if (!receipt->is_string())
            return fail("the payload's 'receipt' must be a string");
        payload.receipt = receipt->get<std::string>();
    }
    return payload;
}

std::string encode(const Batch& batch)
{
    json items = json::array();
    for (auto& item : batch.items) {
        json entry { { "id", item.id }, { "procedure", item.procedure }, { "version", item.version },
            { "created_at", item.created_at }, { "sealed", base64_encode(item.sealed) } };
        if (item.receipt)
            entry["receipt"] = *item.receipt;
        if (!item.attachments.empty()) {
            json pages = json::array();
            for (auto& page : item.attachments)
                pages.push_back({ { "n", page.n }, { "size", page.size }, { "sha256", page.sha256 } });
            entry["attachments"] = std::move(pages);
        }
        items.push_back(std::move(entry));
    }
    return json { { "kiosk", batch.kiosk }, { "items", std::move(items) } }.dump();
}

std::string encode(const ChunkAnswer& answer)
{
    return json { { "received", answer.received }, { "complete", answer.submission_complete } }.dump();
}

Result<ChunkAnswer> decode_chunk_answer(std::string_view body)
{
    auto root = parse_object(body);
    if (!root)
        return std::unexpected(root.error());
    auto received = get_int(*root, "received");
    if (!received || *received < 0)
        return fail("'received' must be a whole number, 0 or more");
    auto complete = root->find("complete");
    ChunkAnswer answer { *received, false };
    if (complete != root->end()) {
        if (!complete->is_boolean())
            return fail("'complete' must be true or false");
        answer.submission_complete = complete->get<bool>();
    }
    return answer;
}

std::string attachment_target(std::string_view id, int n, int64_t offset)
{
    std::string target(version_prefix);
    target += "/submissions/";
    target += id;
    target += "/attachments/" + std::to_string(n) + "?offset=" + std::to_string(offset);
    return target;
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
    json body { { "results", std::move(results) } };
    if (!response.states.empty())
        body["states"] = encode_states(response.states);
    // An agent's message is not trusted to be valid UTF-8: replaced, never thrown on.
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode(const Heartbeat& heartbeat)
{
    json body { { "kiosk", heartbeat.kiosk }, { "app_version", heartbeat.app_version },
        { "pack_version", heartbeat.pack_version }, { "queued", heartbeat.queued }, { "sent", heartbeat.sent },
        { "quarantined", heartbeat.quarantined }, { "last_error", heartbeat.last_error } };
    if (!heartbeat.place.empty())
        body["place"] = heartbeat.place;
    if (!heartbeat.printer.empty())
        body["printer"] = heartbeat.printer;
    if (heartbeat.oldest_queued_age_s)
        body["oldest_queued_age_s"] = *heartbeat.oldest_queued_age_s;
    if (heartbeat.disk_free_bytes)
        body["disk_free_bytes"] = *heartbeat.disk_free_bytes;
    if (!heartbeat.ratings.empty()) {
        json ratings = json::array();
        for (auto& rating : heartbeat.ratings)
            ratings.push_back({ { "day", rating.day }, { "procedure", rating.procedure }, { "score", rating.score },
                { "count", rating.count } });
        body["ratings"] = std::move(ratings);
    }
    if (!heartbeat.states_applied.empty()) {
        json applied = json::array();
        for (auto& ack : heartbeat.states_applied)
            applied.push_back({ { "id", ack.id }, { "rev", ack.rev } });
        body["states_applied"] = std::move(applied);
    }
    return body.dump();
}

std::string encode(const HeartbeatAnswer& answer)
{
    json body { { "status", answer.status }, { "time", answer.time } };
    if (!answer.states.empty())
        body["states"] = encode_states(answer.states);
    if (!answer.status_url.empty())
        body["status_url"] = answer.status_url;
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<HeartbeatAnswer> decode_heartbeat_answer(std::string_view body)
{
    auto root = parse_object(body);
    if (!root)
        return std::unexpected(root.error());
    HeartbeatAnswer answer;
    if (auto status = get_string(*root, "status", 64))
        answer.status = *status;
    if (auto time = get_string(*root, "time", 64))
        answer.time = *time;
    if (auto url = get_string(*root, "status_url", 512))
        answer.status_url = *url;
    answer.states = decode_states(*root);
    return answer;
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
    response.states = decode_states(*root);
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
    if (auto text = get_string(*root, "place", max_place_bytes))
        heartbeat.place = *text;
    if (auto text = get_string(*root, "printer", 32))
        heartbeat.printer = *text;
    heartbeat.queued = get_optional_int(*root, "queued").value_or(0);
    heartbeat.sent = get_optional_int(*root, "sent").value_or(0);
    heartbeat.quarantined = get_optional_int(*root, "quarantined").value_or(0);
    heartbeat.oldest_queued_age_s = get_optional_int(*root, "oldest_queued_age_s");
    heartbeat.disk_free_bytes = get_optional_int(*root, "disk_free_bytes");
    // The issue-17 additions: optional, and a malformed one fails the body (a kiosk that sends them
    // is new enough to send them right).
    if (auto ratings = root->find("ratings"); ratings != root->end()) {
        if (!ratings->is_array())
            return fail("'ratings' must be an array");
        if (ratings->size() > max_rating_counts)
            return fail("'ratings' holds at most " + std::to_string(max_rating_counts) + " entries");
        for (auto& entry : *ratings) {
            if (!entry.is_object())
                return fail("each rating must be an object");
            auto day = get_string(entry, "day", 10);
            auto procedure = get_string(entry, "procedure", 128);
            auto score = get_int(entry, "score");
            auto count = get_int(entry, "count");
            if (!day || !is_day(*day) || !procedure || procedure->empty() || !score || *score < 1 || *score > 3 || !count
                || *count < 0)
                return fail("each rating needs 'day' (YYYY-MM-DD), 'procedure', 'score' (1 to 3) and 'count' (0 or more)");
            heartbeat.ratings.push_back({ *day, *procedure, static_cast<int>(*score), *count });
        }
    }
    if (auto applied = root->find("states_applied"); applied != root->end()) {
        if (!applied->is_array())
            return fail("'states_applied' must be an array");
        if (applied->size() > max_state_acks)
            return fail("'states_applied' holds at most " + std::to_string(max_state_acks) + " entries");
        for (auto& entry : *applied) {
            if (!entry.is_object())
                return fail("each applied state must be an object");
            auto id = get_string(entry, "id");
            auto rev = get_int(entry, "rev");
            if (!id || !is_uuid(*id) || !rev)
                return fail("each applied state needs 'id' (a UUID) and 'rev'");
            heartbeat.states_applied.push_back({ *id, *rev });
        }
    }
    return heartbeat;
}

}
