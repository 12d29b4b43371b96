// Formatting and strict parsing of RFC 3339 times, without locale or time-zone database.
#include "sync/clock_text.h"

#include <cstdio>

namespace guichet::sync {
namespace {

using namespace std::chrono;

// Reads exactly `width` digits at `at`, advancing it; false when they are not all digits.
bool read_digits(std::string_view text, size_t& at, size_t width, int& value)
{
    if (at + width > text.size())
        return false;
    value = 0;
    for (size_t i = 0; i < width; ++i) {
        char c = text[at + i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    at += width;
    return true;
}

bool expect(std::string_view text, size_t& at, char wanted)
{
    if (at >= text.size() || text[at] != wanted)
        return false;
    ++at;
    return true;
}

}

std::string format_rfc3339(TimePoint when, Precision precision)
{
    auto since_epoch = when.time_since_epoch();
    auto day = floor<days>(since_epoch);
    year_month_day date { sys_days(day) };
    hh_mm_ss time { since_epoch - day };
    char buffer[40];
    int written = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
        static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
    std::string text(buffer, static_cast<size_t>(written));
    if (precision == Precision::Milliseconds) {
        std::snprintf(buffer, sizeof buffer, ".%03d", static_cast<int>(time.subseconds().count()));
        text += buffer;
    }
    text += 'Z';
    return text;
}

std::string now_rfc3339(Precision precision) { return format_rfc3339(floor<milliseconds>(system_clock::now()), precision); }

Result<TimePoint> parse_rfc3339(std::string_view text)
{
    auto bad = [&](std::string_view why) {
        return fail("'" + std::string(text.substr(0, 64)) + "' is not an RFC 3339 time (" + std::string(why)
            + "); expected e.g. 2024-05-01T09:30:00Z");
    };
    size_t at = 0;
    int y = 0, mo = 0, d = 0;
    if (!read_digits(text, at, 4, y) || !expect(text, at, '-') || !read_digits(text, at, 2, mo) || !expect(text, at, '-')
        || !read_digits(text, at, 2, d))
        return bad("the date must be YYYY-MM-DD");
    year_month_day date { year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d)) };
    if (!date.ok())
        return bad("no such date");
    TimePoint result = sys_days(date);
    if (at == text.size())
        return result;

    if (text[at] != 'T' && text[at] != 't' && text[at] != ' ')
        return bad("the date and time are separated by 'T'");
    ++at;
    int h = 0, mi = 0, s = 0;
    if (!read_digits(text, at, 2, h) || !expect(text, at, ':') || !read_digits(text, at, 2, mi) || !expect(text, at, ':')
        || !read_digits(text, at, 2, s))
        return bad("the time must be HH:MM:SS");
    if (h > 23 || mi > 59 || s > 60)
        return bad("no such time of day");
    result += hours(h) + minutes(mi) + seconds(s == 60 ? 59 : s); // a leap second counts as its neighbour
    if (at < text.size() && text[at] == '.') {
        ++at;
        size_t digits = 0;
        int64_t fraction_ms = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            if (digits < 3)
                fraction_ms = fraction_ms * 10 + (text[at] - '0');
            ++digits;
            ++at;
        }
        if (digits == 0)
            return bad("a '.' must be followed by digits");
        for (size_t i = digits; i < 3; ++i)
            fraction_ms *= 10;
        result += milliseconds(fraction_ms);
    }
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int sign = text[at] == '+' ? 1 : -1;
        ++at;
        int oh = 0, om = 0;
        if (!read_digits(text, at, 2, oh) || !expect(text, at, ':') || !read_digits(text, at, 2, om) || oh > 23 || om > 59)
            return bad("the offset must be +HH:MM or -HH:MM");
        // Local time minus the offset is UTC.
        result -= sign * (hours(oh) + minutes(om));
    } else {
        return bad("the time needs a zone: 'Z' or an offset");
    }
    if (at != text.size())
        return bad("unexpected characters at the end");
    return result;
}

}
