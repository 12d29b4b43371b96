// Time arithmetic and receipt forms for the operations calls of both engines.
#include "sync/hub/operations.h"

#include "sync/clock_text.h"
#include "sync/receipt.h"

#include <chrono>

namespace guichet::sync::hub::ops {

Result<std::string> shift(std::string_view time, int64_t seconds)
{
    auto parsed = parse_rfc3339(time);
    if (!parsed)
        return std::unexpected(parsed.error());
    return format_rfc3339(*parsed + std::chrono::seconds(seconds));
}

Result<std::string> stored_form(std::string_view time) { return shift(time, 0); }

Result<std::string> utc_day(std::string_view time)
{
    auto stored = stored_form(time);
    if (!stored)
        return std::unexpected(stored.error());
    return stored->substr(0, 10);
}

int retention_days_of(const PurgePolicy& policy, std::string_view procedure)
{
    auto found = policy.retention_days.find(std::string(procedure));
    return found == policy.retention_days.end() ? policy.default_retention_days : found->second;
}

std::optional<std::array<std::string, 2>> receipt_forms(std::string_view typed)
{
    auto canonical = normalize_receipt_code(typed);
    if (!canonical)
        return std::nullopt;
    std::string bare;
    for (char c : *canonical)
        if (c != '-')
            bare += c;
    return std::array<std::string, 2> { *canonical, bare };
}

}
