// ISO weeks, nearest-rank percentiles and the grouping of ratings and delays by procedure and week.
#include "sync/hub/stats.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

namespace guichet::sync::hub {
namespace {

using namespace std::chrono;

std::optional<year_month_day> parse_day(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    auto number = [&](size_t at, size_t length) -> std::optional<int> {
        int value = 0;
        auto [end, error] = std::from_chars(text.data() + at, text.data() + at + length, value);
        if (error != std::errc() || end != text.data() + at + length)
            return std::nullopt;
        return value;
    };
    auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (!y || !m || !d)
        return std::nullopt;
    year_month_day day { year { *y }, month { static_cast<unsigned>(*m) }, std::chrono::day { static_cast<unsigned>(*d) } };
    if (!day.ok())
        return std::nullopt;
    return day;
}

// The Monday of week 1 of ISO year `y`: the week that holds 4 January.
sys_days week_one(int y)
{
    sys_days jan4 = year_month_day { year { y }, January, day { 4 } };
    return jan4 - (weekday { jan4 } - Monday);
}

}

std::optional<std::string> iso_week(std::string_view text)
{
    auto parsed = parse_day(text);
    if (!parsed)
        return std::nullopt;
    sys_days day = *parsed;
    // The ISO year is the calendar year of the week's Thursday.
    sys_days thursday = day - (weekday { day } - Monday) + days { 3 };
    int y = static_cast<int>(year_month_day { thursday }.year());
    auto week = (thursday - week_one(y)).count() / 7 + 1;
    char out[16];
    std::snprintf(out, sizeof out, "%04d-W%02d", y, static_cast<int>(week));
    return std::string(out);
}

std::optional<std::string> week_monday(std::string_view week)
{
    if (week.size() != 8 || week[4] != '-' || week[5] != 'W')
        return std::nullopt;
    int y = 0, w = 0;
    if (std::from_chars(week.data(), week.data() + 4, y).ptr != week.data() + 4
        || std::from_chars(week.data() + 6, week.data() + 8, w).ptr != week.data() + 8 || w < 1 || w > 53)
        return std::nullopt;
    year_month_day monday { week_one(y) + days { 7 * (w - 1) } };
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(monday.year()), static_cast<unsigned>(monday.month()),
        static_cast<unsigned>(monday.day()));
    std::string text(out);
    // Week 53 exists only in some years: its Monday must fall in the same ISO week.
    if (iso_week(text) != std::string(week))
        return std::nullopt;
    return text;
}

std::optional<Percentiles> percentiles(std::vector<int64_t> samples)
{
    if (samples.empty())
        return std::nullopt;
    std::sort(samples.begin(), samples.end());
    auto rank = [&](double p) {
        auto r = static_cast<size_t>(std::ceil(p * static_cast<double>(samples.size())));
        return samples[std::clamp<size_t>(r, 1, samples.size()) - 1];
    };
    return Percentiles { samples.size(), rank(0.5), rank(0.9) };
}

std::vector<WeeklyDelays> weekly_delays(std::span<const DelaySample> samples)
{
    struct Group {
        std::vector<int64_t> delays;
        int64_t done = 0, incomplete = 0;
    };
    std::map<std::pair<std::string, std::string>, Group> groups;
    for (auto& sample : samples) {
        auto& group = groups[{ sample.procedure, sample.week }];
        group.delays.push_back(sample.delay_s);
        (sample.final_state == CaseState::Incomplete ? group.incomplete : group.done) += 1;
    }
    std::vector<WeeklyDelays> out;
    for (auto& [key, group] : groups)
        out.push_back({ key.first, key.second, *percentiles(std::move(group.delays)), group.done, group.incomplete });
    return out;
}

std::vector<RatingWeek> fold_rating_days(std::span<const RatingDay> days)
{
    std::map<std::pair<std::string, std::string>, std::array<int64_t, 3>> weeks;
    for (auto& day : days) {
        auto week = iso_week(day.day);
        if (!week || day.score < 1 || day.score > 3)
            continue;
        weeks[{ day.procedure, *week }][day.score - 1] += day.count;
    }
    std::vector<RatingWeek> out;
    for (auto& [key, counts] : weeks)
        out.push_back({ key.first, key.second, counts });
    return out;
}

}
