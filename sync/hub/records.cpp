// Writing and strict reading of export lines.
#include "sync/hub/records.h"

#include <nlohmann/json.hpp>

namespace guichet::sync::hub {

// ordered_json keeps the fields in the documented order, which people reading exports appreciate.
using json = nlohmann::ordered_json;

std::string to_export_line(const SubmissionRecord& record)
{
    json line { { "id", record.id }, { "kiosk", record.kiosk }, { "procedure", record.procedure },
        { "version", record.version }, { "created_at", record.created_at }, { "received_at", record.received_at } };
    // Only from kiosks that send it (issue 17): lines of older submissions keep their shape.
    if (!record.receipt.empty())
        line["receipt"] = record.receipt;
    line["sealed"] = protocol::base64_encode(record.sealed);
    return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<SubmissionRecord> parse_export_line(std::string_view line)
{
    auto root = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object())
        return fail("not a JSON object");
    SubmissionRecord record;
    for (auto [key, target] : { std::pair { "id", &record.id }, std::pair { "kiosk", &record.kiosk },
             std::pair { "procedure", &record.procedure }, std::pair { "created_at", &record.created_at },
             std::pair { "received_at", &record.received_at } }) {
        auto found = root.find(key);
        if (found == root.end() || !found->is_string())
            return fail(std::string("'") + key + "' must be a string");
        *target = found->get<std::string>();
    }
    auto version = root.find("version");
    if (version == root.end() || !version->is_number_integer())
        return fail("'version' must be a whole number");
    record.version = version->get<int64_t>();
    if (auto receipt = root.find("receipt"); receipt != root.end()) {
        if (!receipt->is_string())
            return fail("'receipt' must be a string");
        record.receipt = receipt->get<std::string>();
    }
    auto sealed = root.find("sealed");
    if (sealed == root.end() || !sealed->is_string())
        return fail("'sealed' must be a string");
    auto bytes = protocol::base64_decode(sealed->get_ref<const std::string&>());
    if (!bytes)
        return fail("'sealed' is " + bytes.error().message);
    record.sealed = std::move(*bytes);
    return record;
}

}
