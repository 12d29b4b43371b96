// What both store engines share for the operations calls (tokens, retention, the public status): time
// arithmetic on stored times, and the forms a receipt code may be stored in.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/office_types.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace guichet::sync::hub::ops {

// `time` (any RFC 3339 form) moved by `seconds`, in the stored form (UTC, milliseconds): stored times
// compare as text, so every bound a query compares them with must have the same fixed width.
Result<std::string> shift(std::string_view time, int64_t seconds);
// The stored form of `time`.
Result<std::string> stored_form(std::string_view time);
// The UTC day of `time`: "2026-12-02". purge_runs is keyed by it.
Result<std::string> utc_day(std::string_view time);

constexpr int64_t seconds_per_day = 86400;

// The retention of `procedure` under `policy`, in days.
int retention_days_of(const PurgePolicy& policy, std::string_view procedure);

// How many rows one purge transaction touches at most: a large backlog is purged in short transactions
// that leave the database to the kiosks in between.
constexpr int64_t purge_chunk = 1000;

// A receipt code as a citizen typed it, in the two forms a submission row may hold it: canonical with
// dashes (ABC-DEF-GHK) and the nine characters alone (ABCDEFGHK). nullopt when the code is not valid.
std::optional<std::array<std::string, 2>> receipt_forms(std::string_view typed);

}
