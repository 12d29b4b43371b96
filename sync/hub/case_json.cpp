// Cases as JSON for the browser, and inbox cursors (case_json.h).
#include "sync/hub/case_json.h"

#include "sync/clock_text.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace guichet::sync::hub {
namespace {

using json = nlohmann::ordered_json;

json case_object(const CaseRecord& record)
{
    auto& s = record.submission;
    return json { { "id", s.id }, { "kiosk", s.kiosk }, { "procedure", s.procedure }, { "version", s.version },
        { "created_at", s.created_at }, { "received_at", s.received_at }, { "receipt", record.receipt },
        { "state", name_of(record.state) }, { "rev", record.rev }, { "sealed", protocol::base64_encode(s.sealed) } };
}

// Text from kiosks may hold invalid UTF-8: replaced, never thrown on.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}

std::string case_json(const CaseRecord& record) { return dump(case_object(record)); }

std::string case_page_json(const CasePage& page)
{
    json items = json::array();
    for (auto& record : page.cases)
        items.push_back(case_object(record));
    json body { { "items", std::move(items) }, { "next", nullptr } };
    if (page.next)
        body["next"] = format_cursor(*page.next);
    return dump(body);
}

std::string format_cursor(const std::pair<std::string, int64_t>& key) { return key.first + "~" + std::to_string(key.second); }

std::optional<std::pair<std::string, int64_t>> parse_cursor(std::string_view text)
{
    auto tilde = text.find('~');
    if (tilde == std::string_view::npos)
        return std::nullopt;
    auto at = text.substr(0, tilde);
    auto number = text.substr(tilde + 1);
    // Only the stored form (fixed width, UTC, milliseconds): what the inbox printed.
    auto parsed = parse_rfc3339(at);
    if (!parsed || format_rfc3339(*parsed) != at)
        return std::nullopt;
    int64_t seq = -1;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), seq);
    if (error != std::errc() || end != number.data() + number.size() || number.empty() || seq < 0)
        return std::nullopt;
    return std::pair(std::string(at), seq);
}

}
