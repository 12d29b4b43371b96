// What supervisors read (issue 17): per procedure and ISO week, the citizens' ratings and the processing
// delays (received to final state), with the median and 90th percentile. Pure functions of what the
// store returns; the page (office_supervisor.cpp) draws them.
#pragma once
#include "sync/hub/office_types.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync::hub {

// "2026-12-01" → "2026-W49" (ISO 8601: weeks start on Monday, week 1 holds the year's first Thursday).
// nullopt for anything that is not a valid YYYY-MM-DD day.
std::optional<std::string> iso_week(std::string_view day);
// The Monday that starts an ISO week ("2026-W49" → "2026-11-30"); nullopt for a malformed week.
std::optional<std::string> week_monday(std::string_view week);

// Nearest-rank percentiles (the value at rank ceil(p × n)): an observed delay, never an interpolation.
struct Percentiles {
    size_t count = 0;
    int64_t median = 0;
    int64_t p90 = 0;
};
// nullopt for no samples.
std::optional<Percentiles> percentiles(std::vector<int64_t> samples);

struct WeeklyDelays {
    std::string procedure, week;
    Percentiles delays;
    int64_t done = 0, incomplete = 0;
};
// Groups samples by (procedure, week), in that order.
std::vector<WeeklyDelays> weekly_delays(std::span<const DelaySample> samples);

// A day's rating counts of one score, as the store reads them, folded into RatingWeek by (procedure,
// week), in that order; days that are not valid dates and scores outside 1..3 are left out.
struct RatingDay {
    std::string procedure, day;
    int score = 0;
    int64_t count = 0;
};
std::vector<RatingWeek> fold_rating_days(std::span<const RatingDay> days);

}
