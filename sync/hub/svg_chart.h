// The supervisors' charts (issue 17), as inline SVG the server writes: no script, no style attribute
// (the back office's Content-Security-Policy allows neither), readable without colour (labels, a dashed
// line, distinct markers), and named for assistive technologies (role="img", <title>, <desc>). The page
// shows the same figures in a table beside each chart.
#pragma once
#include "sync/hub/stats.h"

#include <span>
#include <string>
#include <string_view>

namespace guichet::sync::hub {

// One procedure's ratings, a stacked bar per week (shares of Facile / Moyenne / Difficile, with counts).
// `id` makes the title and description ids unique in the page.
std::string ratings_chart_svg(std::string_view id, std::string_view title, std::span<const RatingWeek> weeks);

// One procedure's processing delays, the median and the 90th percentile per week, in hours.
std::string delays_chart_svg(std::string_view id, std::string_view title, std::span<const WeeklyDelays> weeks);

// "45 min", "3,5 h", "2,1 j": a delay for people, in French.
std::string french_duration(int64_t seconds);

}
