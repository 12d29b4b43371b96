// The fleet page's HTML, and the parser behind `serve --stale-after`.
#include "sync/hub/fleet_page.h"

#include "sync/clock_text.h"
#include "sync/hub/office_html.h"

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

std::string cell(std::string_view text) { return "<td>" + html_escape(text) + "</td>"; }

// The receipt printer as the kiosk's heartbeat says it (devices/printing.h's names), in French; a problem
// stands out, as a low disk does.
std::string printer_cell(std::string_view state)
{
    static const std::pair<std::string_view, std::string_view> words[] = { { "ready", "prête" }, { "printing", "en train d’imprimer" },
        { "unknown", "état inconnu" }, { "no_printer", "absente" }, { "offline", "hors ligne" }, { "no_paper", "plus de papier" },
        { "cover_open", "capot ouvert" }, { "write_failed", "impression interrompue" }, { "failed", "en panne" } };
    if (state.empty())
        return cell("aucune");
    for (auto& [name, french] : words) {
        if (name == state)
            return name == "ready" || name == "printing" || name == "unknown" ? cell(french) : "<td><strong>" + html_escape(french) + "</strong></td>";
    }
    return cell(state);
}

std::string seen_at(const std::string& stored, int64_t age_s)
{
    // Stored times are RFC 3339 with milliseconds; people read minutes.
    std::string shown = stored.substr(0, std::min<size_t>(stored.size(), 16));
    std::replace(shown.begin(), shown.end(), 'T', ' ');
    return "<time datetime=\"" + html_escape(stored) + "\">" + html_escape(shown) + " UTC</time> ("
        + (age_s < 1 ? std::string("à l’instant") : "il y a " + html_escape(duration_text(age_s))) + ")";
}

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
    return std::to_string(seconds / 86400) + " j";
}

std::string bytes_text(int64_t bytes)
{
    if (bytes >= 1'000'000'000) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f Go", static_cast<double>(bytes) / 1e9);
        std::string out(text);
        std::replace(out.begin(), out.end(), '.', ',');
        return out;
    }
    if (bytes >= 1'000'000)
        return std::to_string(bytes / 1'000'000) + " Mo";
    if (bytes >= 1'000)
        return std::to_string(bytes / 1'000) + " ko";
    return std::to_string(std::max<int64_t>(bytes, 0)) + " octets";
}

std::string render_fleet_section(std::vector<KioskStatus> rows, const FleetPageOptions& options)
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

    // French puts 0 and 1 in the singular.
    auto plural = [](size_t count) { return count > 1 ? "s" : ""; };
    auto kiosks_text = [&](size_t count) { return std::to_string(count) + " borne" + plural(count); };
    std::string html = "<h1>Flotte des bornes</h1>\n";
    auto now_text = format_rfc3339(options.now, Precision::Seconds); // 2026-11-26T09:08:40Z
    std::replace(now_text.begin(), now_text.end(), 'T', ' ');
    if (!now_text.empty() && now_text.back() == 'Z')
        now_text.back() = ' ', now_text += "UTC";
    html += "<p>État au " + html_escape(now_text) + " (guichet-hub " + html_escape(options.hub_version)
        + "). Une borne est <strong>silencieuse</strong> quand le hub n’en a pas de nouvelles depuis plus de "
        + html_escape(duration_text(options.stale_after_s)) + ". Rechargez la page pour des chiffres à jour.</p>\n";
    auto recent = lines.size() - stale - never;
    html += "<p id=\"summary\">" + kiosks_text(lines.size()) + " enregistrée" + plural(lines.size()) + " : "
        + std::to_string(recent) + " vue" + plural(recent) + " récemment, <strong>" + std::to_string(stale) + " silencieuse"
        + plural(stale) + "</strong>, " + std::to_string(never) + " jamais vue" + plural(never) + ". En attente sur les bornes : "
        + std::to_string(queued) + " à envoyer, " + std::to_string(quarantined) + " en quarantaine.</p>\n";
    if (lines.empty()) {
        html += "<p>Aucune borne n’est encore enregistrée : sur le hub, lancez <code>guichet-hub enroll NOM --db FICHIER</code>.</p>\n";
        return html;
    }

    html += "<div class=\"fr-table fr-table--bordered\"><table>\n<caption>Bornes enregistrées : silencieuses d’abord, puis "
            "jamais vues, puis par nom</caption>\n<thead>\n<tr>";
    for (auto* title : { "Borne", "État", "Dernier contact", "Version de l’application", "Version du contenu", "À envoyer",
             "En quarantaine", "Plus ancienne en attente", "Disque libre", "Imprimante", "Dernière erreur" })
        html += std::string("<th scope=\"col\">") + title + "</th>";
    html += "</tr>\n</thead>\n<tbody>\n";
    for (auto& line : lines) {
        auto& kiosk = line.row;
        auto& beat = line.row.heartbeat;
        html += "<tr><th scope=\"row\">" + html_escape(kiosk.name)
            + (beat && !beat->place.empty() ? "<br><span class=\"fr-text--sm\">" + html_escape(beat->place) + "</span>" : "") + "</th>";
        if (line.seen == Seen::Stale)
            html += "<td><p class=\"fr-badge fr-badge--warning\">Silencieuse</p> depuis "
                + html_escape(duration_text(line.age_s.value_or(0))) + "</td>";
        else if (line.seen == Seen::Never)
            html += "<td><p class=\"fr-badge\">Jamais vue</p> (enregistrée le <time datetime=\"" + html_escape(kiosk.enrolled_at)
                + "\">" + html_escape(kiosk.enrolled_at.substr(0, 10)) + "</time>)</td>";
        else
            html += "<td><p class=\"fr-badge fr-badge--success\">Vue récemment</p></td>";
        html += kiosk.last_seen ? "<td>" + seen_at(*kiosk.last_seen, line.age_s.value_or(0)) + "</td>" : cell("jamais");
        if (!beat) {
            html += cell("pas de données") + cell("pas de données") + cell("pas de données") + cell("pas de données")
                + cell("pas de données") + cell("pas de données") + cell("pas de données") + cell("pas de données") + "</tr>\n";
            continue;
        }
        html += cell(beat->app_version.empty() ? "inconnue" : beat->app_version);
        // "builtin" is what a kiosk with no content pack installed says (content_updates.cpp).
        html += cell(beat->pack_version.empty() ? "inconnue" : beat->pack_version == "builtin" ? "celle de l’application" : beat->pack_version);
        html += cell(std::to_string(beat->queued));
        html += beat->quarantined > 0 ? "<td><strong>" + std::to_string(beat->quarantined) + "</strong></td>" : cell("0");
        html += cell(beat->oldest_queued_age_s && beat->queued > 0 ? duration_text(*beat->oldest_queued_age_s) : "aucune en attente");
        if (!beat->disk_free_bytes)
            html += cell("inconnu");
        else if (*beat->disk_free_bytes < 1'000'000'000)
            html += "<td><strong>" + html_escape(bytes_text(*beat->disk_free_bytes)) + " (faible)</strong></td>";
        else
            html += cell(bytes_text(*beat->disk_free_bytes));
        html += printer_cell(beat->printer);
        html += cell(beat->last_error.empty() ? "aucune" : beat->last_error);
        html += "</tr>\n";
    }
    html += "</tbody>\n</table></div>\n";
    return html;
}

}
