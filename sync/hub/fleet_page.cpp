// The fleet page's HTML, and the small parsers behind `serve --fleet-page` and `--stale-after`.
#include "sync/hub/fleet_page.h"

#include "sync/clock_text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace guichet::sync::hub {
namespace {

enum class Seen {
    Stale, // first: the rows a technician must look at
    Never,
    Recently,
};

struct Line {
    KioskStatus row;
    Seen seen = Seen::Never;
    std::optional<int64_t> age_s; // since the last heartbeat
};

std::string cell(std::string_view text, std::string_view cls = {})
{
    std::string out = cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
    return out + html_escape(text) + "</td>";
}

std::string seen_at(const std::string& stored, int64_t age_s)
{
    // Stored times are RFC 3339 with milliseconds; people read minutes.
    std::string shown = stored.substr(0, std::min<size_t>(stored.size(), 16));
    std::replace(shown.begin(), shown.end(), 'T', ' ');
    return "<time datetime=\"" + html_escape(stored) + "\">" + html_escape(shown) + " UTC</time> ("
        + (age_s < 1 ? std::string("just now") : html_escape(duration_text(age_s)) + " ago") + ")";
}

constexpr const char* style = R"(
body { font-family: system-ui, "DejaVu Sans", sans-serif; margin: 1.5rem; color: #111; background: #fff; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .5rem 0; }
th, td { border: 1px solid #767676; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e6e6e6; }
tbody th, time { white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.stale > * { background: #fff1c2; }
tr.never > * { background: #f0f0f0; }
strong { font-weight: 700; }
)";

}

Result<FleetPageAccess> parse_fleet_page_access(std::string_view text)
{
    if (text == "loopback")
        return FleetPageAccess::Loopback;
    if (text == "any")
        return FleetPageAccess::Anyone;
    if (text == "off")
        return FleetPageAccess::Off;
    return fail("'" + std::string(text) + "' is not one of loopback, any, off");
}

bool is_loopback_address(std::string_view address)
{
    if (address.starts_with("::ffff:"))
        address.remove_prefix(7);
    return address == "::1" || address.starts_with("127.");
}

Result<int64_t> parse_duration_s(std::string_view text)
{
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
    int64_t scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
    if (error != std::errc() || scale == 0 || value <= 0 || value > 30 * 86400 / scale)
        return fail("'" + std::string(text) + "' is not a duration from 1 s to 30 days, like 90s, 30m, 1h or 2d");
    return value * scale;
}

// html_escape is office_html.cpp's (the back office and this page escape alike).

std::string duration_text(int64_t seconds)
{
    seconds = std::max<int64_t>(seconds, 0);
    if (seconds < 120)
        return std::to_string(seconds) + " s";
    if (seconds < 3600)
        return std::to_string(seconds / 60) + " min";
    if (seconds < 2 * 86400) {
        auto minutes = seconds / 60 % 60;
        return std::to_string(seconds / 3600) + " h" + (minutes ? " " + std::to_string(minutes) + " min" : "");
    }
    return std::to_string(seconds / 86400) + " days";
}

std::string bytes_text(int64_t bytes)
{
    if (bytes >= 1'000'000'000) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
        return text;
    }
    if (bytes >= 1'000'000)
        return std::to_string(bytes / 1'000'000) + " MB";
    if (bytes >= 1'000)
        return std::to_string(bytes / 1'000) + " kB";
    return std::to_string(std::max<int64_t>(bytes, 0)) + " bytes";
}

std::string render_fleet_page(std::vector<KioskStatus> rows, const FleetPageOptions& options)
{
    std::vector<Line> lines;
    size_t stale = 0, never = 0;
    int64_t queued = 0, quarantined = 0;
    for (auto& row : rows) {
        Line line { std::move(row), Seen::Never, std::nullopt };
        if (line.row.last_seen) {
            line.seen = Seen::Recently;
            if (auto when = parse_rfc3339(*line.row.last_seen)) {
                line.age_s = std::chrono::duration_cast<std::chrono::seconds>(options.now - *when).count();
                if (*line.age_s > options.stale_after_s)
                    line.seen = Seen::Stale;
            }
        }
        stale += line.seen == Seen::Stale;
        never += line.seen == Seen::Never;
        if (line.row.heartbeat) {
            queued += line.row.heartbeat->queued;
            quarantined += line.row.heartbeat->quarantined;
        }
        lines.push_back(std::move(line));
    }
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
        return a.seen != b.seen ? a.seen < b.seen : a.row.name < b.row.name;
    });

    auto kiosks_text = [](size_t count) { return std::to_string(count) + (count == 1 ? " kiosk" : " kiosks"); };
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>Guichet fleet: " + kiosks_text(lines.size()) + ", " + std::to_string(stale) + " stale</title>\n";
    html += std::string("<style>") + style + "</style>\n</head>\n<body>\n<main>\n<h1>Guichet fleet</h1>\n";
    auto now_text = format_rfc3339(options.now, Precision::Seconds); // 2026-11-26T09:08:40Z
    std::replace(now_text.begin(), now_text.end(), 'T', ' ');
    if (!now_text.empty() && now_text.back() == 'Z')
        now_text.back() = ' ', now_text += "UTC";
    html += "<p>Generated " + html_escape(now_text) + " by guichet-hub " + html_escape(options.hub_version)
        + ". A kiosk is <strong>stale</strong> when the hub has not heard from it for more than "
        + html_escape(duration_text(options.stale_after_s)) + ". Reload the page for fresh figures.</p>\n";
    html += "<p id=\"summary\">" + kiosks_text(lines.size()) + " enrolled: " + std::to_string(lines.size() - stale - never)
        + " seen recently, <strong>" + std::to_string(stale) + " stale</strong>, " + std::to_string(never)
        + " never seen. Waiting on the kiosks: " + std::to_string(queued) + " queued, " + std::to_string(quarantined)
        + " quarantined.</p>\n";
    if (lines.empty()) {
        html += "<p>No kiosk is enrolled yet: run <code>guichet-hub enroll NAME --db FILE</code> on the hub.</p>\n";
        return html + "</main>\n</body>\n</html>\n";
    }

    html += "<table>\n<caption>Enrolled kiosks: stale first, then never seen, then by name</caption>\n<thead>\n<tr>";
    for (auto* title : { "Kiosk", "State", "Last seen", "App version", "Pack version", "Queued", "Quarantined",
             "Oldest queued", "Disk free", "Last error" })
        html += std::string("<th scope=\"col\">") + title + "</th>";
    html += "</tr>\n</thead>\n<tbody>\n";
    for (auto& line : lines) {
        auto& kiosk = line.row;
        auto& beat = line.row.heartbeat;
        std::string row_class = line.seen == Seen::Stale ? "stale" : line.seen == Seen::Never ? "never" : "recent";
        html += "<tr class=\"" + row_class + "\"><th scope=\"row\">" + html_escape(kiosk.name) + "</th>";
        if (line.seen == Seen::Stale)
            html += "<td><strong>STALE</strong>: silent for " + html_escape(duration_text(line.age_s.value_or(0))) + "</td>";
        else if (line.seen == Seen::Never)
            html += "<td>Never seen (enrolled <time datetime=\"" + html_escape(kiosk.enrolled_at) + "\">"
                + html_escape(kiosk.enrolled_at.substr(0, 10)) + "</time>)</td>";
        else
            html += "<td>Seen recently</td>";
        html += kiosk.last_seen ? "<td>" + seen_at(*kiosk.last_seen, line.age_s.value_or(0)) + "</td>" : cell("never");
        if (!beat) {
            html += cell("no data") + cell("no data") + cell("no data", "number") + cell("no data", "number") + cell("no data")
                + cell("no data", "number") + cell("no data") + "</tr>\n";
            continue;
        }
        html += cell(beat->app_version.empty() ? "unknown" : beat->app_version);
        html += cell(beat->pack_version.empty() ? "unknown" : beat->pack_version);
        html += cell(std::to_string(beat->queued), "number");
        html += beat->quarantined > 0 ? "<td class=\"number\"><strong>" + std::to_string(beat->quarantined) + "</strong></td>"
                                      : cell("0", "number");
        html += cell(beat->oldest_queued_age_s && beat->queued > 0 ? duration_text(*beat->oldest_queued_age_s) : "none queued");
        if (!beat->disk_free_bytes)
            html += cell("unknown", "number");
        else if (*beat->disk_free_bytes < 1'000'000'000)
            html += "<td class=\"number\"><strong>" + html_escape(bytes_text(*beat->disk_free_bytes)) + " (low)</strong></td>";
        else
            html += cell(bytes_text(*beat->disk_free_bytes), "number");
        html += cell(beat->last_error.empty() ? "none" : beat->last_error);
        html += "</tr>\n";
    }
    html += "</tbody>\n</table>\n</main>\n</body>\n</html>\n";
    return html;
}

}
