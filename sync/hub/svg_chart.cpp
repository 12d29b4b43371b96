// Inline SVG charts for the supervisors' page: stacked bars for ratings, two lines for delays.
#include "sync/hub/svg_chart.h"

#include "sync/hub/office_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace guichet::sync::hub {
namespace {

std::string number(double value)
{
    char out[32];
    std::snprintf(out, sizeof out, "%.1f", value);
    return out;
}

// French decimal comma.
std::string decimal(double value)
{
    auto text = number(value);
    std::replace(text.begin(), text.end(), '.', ',');
    if (text.ends_with(",0"))
        text.resize(text.size() - 2);
    return text;
}

std::string open_svg(std::string_view id, std::string_view title, const std::string& description, int width, int height)
{
    auto ids = html_escape(id);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"guichet-chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(width)
        + " " + std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height)
        + "\" aria-labelledby=\"" + ids + "-title " + ids + "-desc\"><title id=\"" + ids + "-title\">" + html_escape(title)
        + "</title><desc id=\"" + ids + "-desc\">" + html_escape(description) + "</desc>";
}

// DSFR colours (success, neutral, error 425), each ≥ 4.5:1 against white text.
constexpr const char* score_fill[3] = { "#ce0500", "#666666", "#18753c" };   // Difficile, Moyenne, Facile
constexpr const char* score_name[3] = { "Difficile", "Moyenne", "Facile" };

}

std::string french_duration(int64_t seconds)
{
    if (seconds < 3600)
        return std::to_string((seconds + 59) / 60) + " min";
    if (seconds < 72 * 3600)
        return decimal(static_cast<double>(seconds) / 3600.0) + " h";
    return decimal(static_cast<double>(seconds) / 86400.0) + " j";
}

std::string ratings_chart_svg(std::string_view id, std::string_view title, std::span<const RatingWeek> weeks)
{
    constexpr int label_width = 96, bar_width = 480, row = 30, legend = 34;
    int height = legend + row * static_cast<int>(std::max<size_t>(weeks.size(), 1)) + 8;
    int width = label_width + bar_width + 16;
    std::string description = "Part des avis Facile, Moyenne et Difficile par semaine ; les nombres sont dans le tableau qui suit.";
    auto svg = open_svg(id, title, description, width, height);
    // Legend, in the bars' order (left to right: Facile, Moyenne, Difficile).
    int x = label_width;
    for (int score = 2; score >= 0; --score) {
        svg += "<rect x=\"" + std::to_string(x) + "\" y=\"6\" width=\"14\" height=\"14\" fill=\"" + score_fill[score] + "\"/>";
        svg += "<text x=\"" + std::to_string(x + 20) + "\" y=\"18\" font-size=\"14\" fill=\"#161616\">" + score_name[score] + "</text>";
        x += 120;
    }
    int y = legend;
    for (auto& week : weeks) {
        int64_t total = week.counts[0] + week.counts[1] + week.counts[2];
        svg += "<text x=\"0\" y=\"" + std::to_string(y + 19) + "\" font-size=\"14\" fill=\"#161616\">" + html_escape(week.week) + "</text>";
        double left = label_width;
        for (int score = 2; score >= 0 && total > 0; --score) {
            double share = static_cast<double>(week.counts[score]) / static_cast<double>(total);
            double w = share * bar_width;
            if (w <= 0)
                continue;
            svg += "<rect x=\"" + number(left) + "\" y=\"" + std::to_string(y + 2) + "\" width=\"" + number(w) + "\" height=\""
                + std::to_string(row - 6) + "\" fill=\"" + score_fill[score] + "\"/>";
            if (w >= 28)
                svg += "<text x=\"" + number(left + 6) + "\" y=\"" + std::to_string(y + 19) + "\" font-size=\"13\" fill=\"#ffffff\">"
                    + std::to_string(week.counts[score]) + "</text>";
            left += w;
        }
        if (total == 0)
            svg += "<text x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 19)
                + "\" font-size=\"13\" fill=\"#161616\">aucun avis</text>";
        y += row;
    }
    return svg + "</svg>";
}

std::string delays_chart_svg(std::string_view id, std::string_view title, std::span<const WeeklyDelays> weeks)
{
    constexpr int left = 64, top = 40, plot_width = 480, plot_height = 200, bottom = 40;
    int width = left + plot_width + 24, height = top + plot_height + bottom;
    std::string description = "Délai de traitement par semaine, en heures : la médiane (ligne pleine, ronds) et le 90e centile "
                              "(ligne pointillée, carrés) ; les valeurs sont dans le tableau qui suit.";
    auto svg = open_svg(id, title, description, width, height);
    double top_hours = 1;
    for (auto& week : weeks)
        top_hours = std::max(top_hours, static_cast<double>(week.delays.p90) / 3600.0);
    // A round top for the axis: 1, 2 or 5 times a power of ten.
    double scale = std::pow(10.0, std::floor(std::log10(top_hours)));
    for (double step : { 1.0, 2.0, 5.0, 10.0 })
        if (step * scale >= top_hours) {
            top_hours = step * scale;
            break;
        }
    auto y_of = [&](int64_t seconds) { return top + plot_height - static_cast<double>(seconds) / 3600.0 / top_hours * plot_height; };
    size_t n = weeks.size();
    auto x_of = [&](size_t i) { return left + (n <= 1 ? plot_width / 2.0 : static_cast<double>(i) * plot_width / static_cast<double>(n - 1)); };
    // Axes, ticks at 0, half and top.
    svg += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(top) + "\" x2=\"" + std::to_string(left) + "\" y2=\""
        + std::to_string(top + plot_height) + "\" stroke=\"#161616\"/>";
    svg += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(top + plot_height) + "\" x2=\""
        + std::to_string(left + plot_width) + "\" y2=\"" + std::to_string(top + plot_height) + "\" stroke=\"#161616\"/>";
    for (double fraction : { 0.0, 0.5, 1.0 }) {
        double y = top + plot_height - fraction * plot_height;
        svg += "<text x=\"" + std::to_string(left - 8) + "\" y=\"" + number(y + 5) + "\" font-size=\"13\" text-anchor=\"end\" fill=\"#161616\">"
            + decimal(fraction * top_hours) + " h</text>";
    }
    svg += "<text x=\"" + std::to_string(left) + "\" y=\"24\" font-size=\"14\" fill=\"#161616\">— médiane    - - 90e centile</text>";
    for (size_t i = 0; i < n; ++i)
        svg += "<text x=\"" + number(x_of(i)) + "\" y=\"" + std::to_string(top + plot_height + 24)
            + "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#161616\">" + html_escape(weeks[i].week.substr(5)) + "</text>";
    auto line = [&](bool p90) {
        std::string points;
        for (size_t i = 0; i < n; ++i)
            points += number(x_of(i)) + "," + number(y_of(p90 ? weeks[i].delays.p90 : weeks[i].delays.median)) + " ";
        std::string out = "<polyline fill=\"none\" stroke=\"" + std::string(p90 ? "#b34000" : "#000091") + "\" stroke-width=\"3\""
            + (p90 ? " stroke-dasharray=\"8 5\"" : "") + " points=\"" + points + "\"/>";
        for (size_t i = 0; i < n; ++i) {
            auto x = x_of(i);
            auto y = y_of(p90 ? weeks[i].delays.p90 : weeks[i].delays.median);
            out += p90 ? "<rect x=\"" + number(x - 5) + "\" y=\"" + number(y - 5) + "\" width=\"10\" height=\"10\" fill=\"#b34000\"/>"
                       : "<circle cx=\"" + number(x) + "\" cy=\"" + number(y) + "\" r=\"5\" fill=\"#000091\"/>";
        }
        return out;
    };
    if (n > 0)
        svg += line(false) + line(true);
    return svg + "</svg>";
}

}
