// The supervisors' pages of the back office (issue 17): statistics (ratings and processing delays per
// procedure and week, as SVG charts with the same figures in tables), the fleet of kiosks, and the audit
// log. Server-rendered, no script; every value from a kiosk or an agent is escaped.
#include "sync/hub/fleet_page.h"
#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_session.h"
#include "sync/hub/stats.h"
#include "sync/hub/svg_chart.h"

#include <guichet/version.h>

#include <charconv>
#include <optional>
#include <regex>
#include <set>

namespace guichet::sync::hub {
namespace {

constexpr int default_weeks = 12;
constexpr size_t journal_page = 100;

// A format's name as people write it ("csv" → "CSV").
std::string upper_ascii(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

// What an event is about: a submission's id links to its page (which checks the reader's scope itself).
std::string target_html(std::string_view target)
{
    static const std::regex id("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    if (std::regex_match(target.begin(), target.end(), id))
        return "<a href=\"/office/demandes/" + std::string(target) + "\">demande " + std::string(target.substr(0, 8)) + "…</a>";
    return html_escape(target);
}

// The journal's actions and actors in French (the stored names are the hub's own, shared with its
// command line); an action not listed shows as stored.
std::string action_words(std::string_view action)
{
    static constexpr std::pair<std::string_view, std::string_view> words[] = {
        { "sign-in", "Connexion" }, { "sign-out", "Déconnexion" }, { "sign-in-refused", "Connexion refusée" },
        { "sign-in-throttled", "Connexion refusée (trop d’essais depuis ce poste)" },
        { "csrf-refused", "Requête refusée (jeton de sécurité)" }, { "view", "Consultation" },
        { "state", "Changement d’état" }, { "fetch-sealed", "Téléchargement scellé" }, { "export", "Export" },
        { "open-failed", "Ouverture impossible" }, { "view-journal", "Lecture du journal" }, { "purge", "Purge" },
        { "agent-add", "Agent ajouté" }, { "agent-disable", "Agent désactivé" }, { "agent-reset", "Agent réinitialisé" },
        { "agent-list", "Liste des agents" }, { "kiosk-revoke", "Borne révoquée" }, { "kiosk-rotate", "Jeton de borne renouvelé" },
    };
    for (auto& [name, french] : words)
        if (name == action)
            return std::string(french);
    return std::string(action);
}

// A detail made of known "key=value" words ("role=agent procedures=a,b", "purged=2 forgotten=0",
// "password role=supervisor"), in French; nothing when a word is not known.
std::optional<std::string> pairs_words(std::string_view detail)
{
    std::string out;
    while (!detail.empty()) {
        auto space = detail.find(' ');
        auto token = detail.substr(0, space);
        detail = space == std::string_view::npos ? std::string_view() : detail.substr(space + 1);
        auto eq = token.find('=');
        auto key = token.substr(0, eq);
        auto value = eq == std::string_view::npos ? std::string_view() : token.substr(eq + 1);
        std::string words;
        if (token == "password")
            words = "nouveau mot de passe";
        else if (key == "role" && (value == "agent" || value == "supervisor"))
            words = value == "agent" ? "rôle agent" : "rôle superviseur";
        else if (key == "procedures" && !value.empty())
            words = value == "*" ? "toutes les démarches" : "démarches : " + std::string(value);
        else if (key == "purged" && !value.empty())
            words = std::string(value) + " réponses supprimées";
        else if (key == "forgotten" && !value.empty())
            words = std::string(value) + " demandes oubliées";
        if (words.empty())
            return std::nullopt;
        out += (out.empty() ? "" : ", ") + words;
    }
    return out;
}

// The details in French: a state change's "from=received to=in_progress", a view's "page" or "sealed",
// the counts ("n=3 format=csv", "failures=2", "events=100"). Others (roles, reasons) show as stored.
std::string detail_words(std::string_view action, std::string_view detail)
{
    auto count = [&](std::string_view key) -> std::optional<std::string> {
        if (!detail.starts_with(key))
            return std::nullopt;
        auto rest = detail.substr(key.size());
        return std::string(rest.substr(0, rest.find(' ')));
    };
    auto state = [](std::string_view name) -> std::string {
        if (auto parsed = case_state_from(name)) {
            switch (*parsed) {
            case CaseState::Received: return "Reçue";
            case CaseState::InProgress: return "En cours";
            case CaseState::Done: return "Traitée";
            case CaseState::Incomplete: return "Incomplète ou refusée";
            }
        }
        return std::string(name);
    };
    if (action == "state" && detail.starts_with("from=")) {
        auto space = detail.find(" to=");
        if (space != std::string_view::npos)
            return state(detail.substr(5, space - 5)) + " → " + state(detail.substr(space + 4));
    }
    if (action == "view" && detail == "page")
        return "page de la demande";
    if (action == "view" && detail == "sealed")
        return "réponses scellées, pour les ouvrir";
    if (auto n = count("n=")) {
        auto format = detail.find("format=");
        return *n + (*n == "1" ? " demande" : " demandes")
            + (format == std::string_view::npos ? "" : ", " + upper_ascii(detail.substr(format + 7)));
    }
    if (auto n = count("failures="))
        return *n + (*n == "1" ? " échec" : " échecs") + " de suite";
    if (auto n = count("events="))
        return *n + " lignes lues";
    if (detail == "per-address")
        return "limite par adresse";
    if (auto words = pairs_words(detail))
        return *words;
    return std::string(detail);
}

std::string actor_words(std::string_view actor)
{
    if (actor.starts_with("agent:"))
        return std::string(actor.substr(6));
    if (actor == "cli")
        return "ligne de commande";
    if (actor == "anonymous")
        return "anonyme";
    return std::string(actor);
}

std::optional<int64_t> positive_number(const std::string& text)
{
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value <= 0)
        return std::nullopt;
    return value;
}

// "YYYY-MM-DD" of a time point, `days` later.
std::string day_of(TimePoint time, int days = 0)
{
    return format_rfc3339(time + std::chrono::days { days }).substr(0, 10);
}

std::string ratings_table(std::string_view caption, std::span<const RatingWeek> weeks)
{
    std::string html = "<div class=\"fr-table\"><table><caption>" + html_escape(caption)
        + "</caption><thead><tr><th scope=\"col\">Semaine</th><th scope=\"col\">Facile</th><th scope=\"col\">Moyenne</th>"
          "<th scope=\"col\">Difficile</th><th scope=\"col\">Total</th></tr></thead><tbody>";
    for (auto& week : weeks)
        html += "<tr><th scope=\"row\">" + html_escape(week.week) + "</th><td>" + std::to_string(week.counts[2]) + "</td><td>"
            + std::to_string(week.counts[1]) + "</td><td>" + std::to_string(week.counts[0]) + "</td><td>"
            + std::to_string(week.counts[0] + week.counts[1] + week.counts[2]) + "</td></tr>";
    return html + "</tbody></table></div>";
}

std::string delays_table(std::string_view caption, std::span<const WeeklyDelays> weeks)
{
    std::string html = "<div class=\"fr-table\"><table><caption>" + html_escape(caption)
        + "</caption><thead><tr><th scope=\"col\">Semaine</th><th scope=\"col\">Traitées</th><th scope=\"col\">Incomplètes "
          "ou refusées</th><th scope=\"col\">Délai médian</th><th scope=\"col\">90<sup>e</sup> centile</th></tr></thead><tbody>";
    for (auto& week : weeks)
        html += "<tr><th scope=\"row\">" + html_escape(week.week) + "</th><td>" + std::to_string(week.done) + "</td><td>"
            + std::to_string(week.incomplete) + "</td><td>" + html_escape(french_duration(week.delays.median)) + "</td><td>"
            + html_escape(french_duration(week.delays.p90)) + "</td></tr>";
    return html + "</tbody></table></div>";
}

void statistics_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Supervisor);
    if (!session)
        return;
    int weeks = default_weeks;
    if (req.has_param("semaines")) {
        auto asked = positive_number(req.get_param_value("semaines"));
        weeks = asked ? static_cast<int>(std::min<int64_t>(*asked, 104)) : default_weeks;
    }
    auto now = context.clock.now();
    auto monday = week_monday(iso_week(day_of(now)).value_or("")).value_or(day_of(now));
    auto from_time = parse_rfc3339(monday).value_or(now) - std::chrono::days { 7 * (weeks - 1) };
    auto from = day_of(from_time), to = day_of(now, 1);
    auto ratings = context.store.rating_weeks(from, to);
    if (!ratings)
        return send_store_unavailable(req, res, "read the ratings", ratings.error());
    auto samples = context.store.delays(from, to);
    if (!samples)
        return send_store_unavailable(req, res, "read the processing delays", samples.error());
    auto delays = weekly_delays(*samples);

    std::set<std::string> procedures;
    for (auto& week : *ratings)
        procedures.insert(week.procedure);
    for (auto& week : delays)
        procedures.insert(week.procedure);

    std::string main = "<h1>Statistiques</h1><p>Avis des usagers et délais de traitement (de la réception de la demande à "
                       "son état final : traitée, ou incomplète ou refusée), par démarche et par semaine, du "
        + html_escape(from) + " au " + html_escape(day_of(now)) + ".</p>";
    main += "<form method=\"get\" action=\"/office/statistiques\" class=\"fr-mb-4w\"><div class=\"fr-select-group\">"
            "<label class=\"fr-label\" for=\"semaines\">Période</label><select class=\"fr-select\" id=\"semaines\" name=\"semaines\">";
    for (int choice : { 4, 12, 26, 52 })
        main += "<option value=\"" + std::to_string(choice) + "\"" + (choice == weeks ? " selected" : "") + ">"
            + std::to_string(choice) + " dernières semaines</option>";
    main += "</select></div><button class=\"fr-btn fr-btn--secondary\" type=\"submit\">Afficher</button></form>";
    if (procedures.empty())
        main += "<div class=\"fr-alert fr-alert--info\"><p>Aucun avis ni aucune demande traitée sur cette période.</p></div>";
    int index = 0;
    for (auto& procedure : procedures) {
        ++index;
        std::vector<RatingWeek> its_ratings;
        for (auto& week : *ratings)
            if (week.procedure == procedure)
                its_ratings.push_back(week);
        std::vector<WeeklyDelays> its_delays;
        for (auto& week : delays)
            if (week.procedure == procedure)
                its_delays.push_back(week);
        auto id = std::to_string(index);
        // The procedure's French title, with its id as the inbox's filter shows it: an id alone means
        // nothing to a supervisor.
        auto title = procedure_title(context, procedure);
        main += "<section class=\"fr-mb-6w\"><h2>" + html_escape(title) + (title == procedure ? "" : " <span class=\"fr-text--sm\">("
            + html_escape(procedure) + ")</span>") + "</h2>";
        main += "<h3>Avis des usagers</h3>";
        if (its_ratings.empty())
            main += "<p>Aucun avis sur la période.</p>";
        else
            main += "<figure class=\"guichet-figure\">" + ratings_chart_svg("avis-" + id, "Avis : " + title, its_ratings)
                + "</figure>" + ratings_table("Avis par semaine : " + title, its_ratings);
        main += "<h3>Délais de traitement</h3>";
        if (its_delays.empty())
            main += "<p>Aucune demande arrivée à son état final sur la période.</p>";
        else
            main += "<figure class=\"guichet-figure\">" + delays_chart_svg("delais-" + id, "Délais : " + title, its_delays)
                + "</figure>" + delays_table("Délais par semaine : " + title, its_delays);
        main += "</section>";
    }
    send_page(res, { .title = "Statistiques", .session = &*session, .active = Nav::Statistiques, .body_page = "statistiques" }, main);
}

void fleet_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Supervisor);
    if (!session)
        return;
    auto kiosks = context.store.kiosks();
    if (!kiosks)
        return send_store_unavailable(req, res, "read the kiosks", kiosks.error());
    send_page(res, { .title = "Flotte des bornes", .session = &*session, .active = Nav::Flotte, .body_page = "flotte" },
        render_fleet_section(std::move(*kiosks), { context.clock.now(), context.options.stale_after_s, guichet::version_string }));
}

void audit_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Supervisor);
    if (!session)
        return;
    std::optional<int64_t> before;
    if (req.has_param("avant"))
        before = positive_number(req.get_param_value("avant"));
    // One more than a page tells whether older events exist.
    auto events = context.store.audit_log(before, journal_page + 1, std::nullopt);
    if (!events)
        return send_store_unavailable(req, res, "read the audit log", events.error());
    bool older = events->size() > journal_page;
    if (older)
        events->pop_back();
    audit_event(context, agent_actor(session->agent), "view-journal", "", "events=" + std::to_string(events->size()));

    std::string main = "<h1>Journal</h1><p>Qui a fait quoi, et quand : connexions, consultations, changements d’état, "
                       "exports, purges, commandes du hub. Le journal ne contient jamais le contenu des demandes.</p>";
    if (events->empty()) {
        main += "<p>Le journal est vide.</p>";
    } else {
        main += "<div class=\"fr-table\"><table><caption>Événements, du plus récent au plus ancien</caption><thead><tr>"
                "<th scope=\"col\">N°</th><th scope=\"col\">Quand (UTC)</th><th scope=\"col\">Qui</th><th scope=\"col\">Action</th>"
                "<th scope=\"col\">Sur</th><th scope=\"col\">Détail</th></tr></thead><tbody>";
        for (auto& event : *events) {
            auto when = event.at.substr(0, 19);
            std::replace(when.begin(), when.end(), 'T', ' ');
            main += "<tr><td>" + std::to_string(event.seq) + "</td><td><time datetime=\"" + html_escape(event.at) + "\">"
                + html_escape(when) + "</time></td><td>" + html_escape(actor_words(event.actor)) + "</td><td>"
                + html_escape(action_words(event.action)) + "</td><td>" + target_html(event.target) + "</td><td>" + html_escape(detail_words(event.action, event.detail)) + "</td></tr>";
        }
        main += "</tbody></table></div>";
    }
    main += "<nav class=\"fr-pagination\" aria-label=\"Pages du journal\"><ul class=\"fr-pagination__list\">";
    if (before)
        main += "<li><a class=\"fr-pagination__link fr-pagination__link--first\" href=\"/office/journal\">Plus récents</a></li>";
    if (older)
        main += "<li><a class=\"fr-pagination__link fr-pagination__link--next\" href=\"/office/journal?avant="
            + std::to_string(events->back().seq) + "\">Plus anciens</a></li>";
    main += "</ul></nav>";
    send_page(res, { .title = "Journal", .session = &*session, .active = Nav::Journal, .body_page = "journal" }, main);
}

}

void install_supervisor_routes(GatedServer& http, OfficeContext& context)
{
    http.Get("/office/statistiques", [&context](const httplib::Request& req, httplib::Response& res) { statistics_page(req, res, context); });
    http.Get("/office/flotte", [&context](const httplib::Request& req, httplib::Response& res) { fleet_page(req, res, context); });
    http.Get("/office/journal", [&context](const httplib::Request& req, httplib::Response& res) { audit_page(req, res, context); });
}

}
