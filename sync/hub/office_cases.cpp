// The agents' pages of the back office (issue 17, plan §2.1): the inbox of one procedure, a submission's
// page with its timeline and state form, the key and export pages (their work is done by the browser's
// modules, static/app/cases.js), and the JSON API those modules call (plan §2.4). Every handler checks
// the agent's scope itself (scope_allows): hiding a procedure from a menu is not enforcing it. The
// answers never appear here: the hub serves sealed bytes, which only the agent's browser opens.
#include "sync/clock_text.h"
#include "sync/hub/case_json.h"
#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_session.h"
#include "sync/hub/procedure_catalog.h"
#include "sync/hub/svg_chart.h"
#include "sync/protocol.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>

namespace guichet::sync::hub {
namespace {

constexpr size_t inbox_page_rows = 50;
// The API's page of whole cases: at most 200 (the store's cap) and, as base64, at most 8 MiB per answer.
constexpr size_t api_page_rows = 200;
constexpr size_t api_page_sealed_bytes = 6 * 1024 * 1024;

void send_json(httplib::Response& res, int status, std::string body)
{
    res.status = status;
    res.set_content(std::move(body), "application/json");
}

std::string state_word(CaseState state)
{
    switch (state) {
    case CaseState::Received:
        return "Reçue";
    case CaseState::InProgress:
        return "En cours";
    case CaseState::Done:
        return "Traitée";
    case CaseState::Incomplete:
        return "Incomplète ou refusée";
    }
    return "";
}

// A word in a badge: the state is never told by colour alone.
std::string state_badge(CaseState state)
{
    std::string_view kind = state == CaseState::Received ? "new"
        : state == CaseState::InProgress                 ? "info"
        : state == CaseState::Done                       ? "success"
                                                         : "warning";
    return "<p class=\"fr-badge fr-badge--sm fr-badge--" + std::string(kind) + "\">" + state_word(state) + "</p>";
}

// "ABC-DEF-GHK", as the citizen's receipt prints it; anything else as it is (escaped by the caller).
std::string receipt_display(std::string_view receipt)
{
    if (receipt.size() != 9)
        return std::string(receipt);
    return std::string(receipt.substr(0, 3)) + "-" + std::string(receipt.substr(3, 3)) + "-" + std::string(receipt.substr(6));
}

// "2026-12-01 09:30 UTC" in a <time> element.
std::string time_html(std::string_view stored)
{
    std::string shown(stored.substr(0, 16));
    std::replace(shown.begin(), shown.end(), 'T', ' ');
    return "<time datetime=\"" + html_escape(stored) + "\">" + html_escape(shown) + " UTC</time>";
}

std::string age_text(std::string_view received_at, TimePoint now)
{
    auto received = parse_rfc3339(received_at);
    if (!received)
        return "";
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *received).count();
    return french_duration(std::max<int64_t>(seconds, 0));
}

// The procedures the agent may pick: theirs, or every procedure the hub knows for '*' agents.
std::vector<std::string> scope_procedures(const SessionView& session, const OfficeContext& context)
{
    if (!session.all_procedures)
        return session.procedures;
    std::set<std::string> ids;
    if (context.procedures)
        for (auto& [key, entry] : context.procedures->entries())
            ids.insert(key.first);
    return { ids.begin(), ids.end() };
}

bool is_day(std::string_view text)
{
    static const std::regex day(R"([0-9]{4}-[0-9]{2}-[0-9]{2})");
    return std::regex_match(text.begin(), text.end(), day) && parse_rfc3339(text).has_value();
}

// The inbox's filters as the URL carries them (etat, kiosque, du, au, code), checked; `problems` says,
// in French, what was not understood (that filter is then left out, never guessed).
struct Filters {
    InboxQuery query;
    std::vector<std::pair<std::string, std::string>> kept; // name → value, to repeat in links
    std::vector<std::string> problems;
    bool impossible = false; // a filter that matches nothing (a receipt code that is not one)
};

Filters read_filters(const httplib::Request& req, const std::string& procedure)
{
    Filters filters;
    filters.query.procedure = procedure;
    auto given = [&](const char* name) -> std::optional<std::string> {
        if (!req.has_param(name))
            return std::nullopt;
        auto value = req.get_param_value(name);
        if (value.empty())
            return std::nullopt;
        return value;
    };
    if (auto state = given("etat")) {
        if (auto parsed = case_state_from(*state)) {
            filters.query.state = parsed;
            filters.kept.emplace_back("etat", *state);
        } else {
            filters.problems.push_back("L’état demandé n’existe pas ; le filtre d’état est ignoré.");
        }
    }
    if (auto kiosk = given("kiosque")) {
        if (is_valid_kiosk_name(*kiosk)) {
            filters.query.kiosk = kiosk;
            filters.kept.emplace_back("kiosque", *kiosk);
        } else {
            filters.problems.push_back("Ce nom de borne n’est pas valide (lettres minuscules, chiffres et tirets) ; le filtre de borne est ignoré.");
        }
    }
    if (auto from = given("du")) {
        if (is_day(*from)) {
            filters.query.from = *from + "T00:00:00.000Z";
            filters.kept.emplace_back("du", *from);
        } else {
            filters.problems.push_back("La date de début n’est pas une date (AAAA-MM-JJ) ; elle est ignorée.");
        }
    }
    if (auto to = given("au")) {
        if (is_day(*to)) {
            // "au" includes that day: received before the next midnight.
            filters.query.to = format_rfc3339(*parse_rfc3339(*to) + std::chrono::days { 1 });
            filters.kept.emplace_back("au", *to);
        } else {
            filters.problems.push_back("La date de fin n’est pas une date (AAAA-MM-JJ) ; elle est ignorée.");
        }
    }
    if (auto code = given("code")) {
        if (auto receipt = protocol::wire_receipt(*code)) {
            filters.query.receipt = *receipt;
            filters.kept.emplace_back("code", *code);
        } else {
            filters.problems.push_back("Ce code de suivi n’est pas valide : vérifiez-le (9 caractères, par exemple ABC-DEF-GHK).");
            filters.impossible = true;
        }
    }
    return filters;
}

std::string query_string(const std::string& procedure, const std::vector<std::pair<std::string, std::string>>& kept,
    std::optional<std::pair<std::string, std::string>> cursor = std::nullopt)
{
    std::string out = "?procedure=" + url_encode(procedure);
    for (auto& [name, value] : kept)
        out += "&" + name + "=" + url_encode(value);
    if (cursor)
        out += "&" + cursor->first + "=" + url_encode(cursor->second);
    return out;
}

std::string text_input(std::string_view id, std::string_view label, std::string_view hint, std::string_view value,
    std::string_view type = "text")
{
    return "<div class=\"fr-input-group\"><label class=\"fr-label\" for=\"" + std::string(id) + "\">" + std::string(label)
        + (hint.empty() ? std::string() : "<span class=\"fr-hint-text\">" + std::string(hint) + "</span>") + "</label><input class=\"fr-input\" type=\""
        + std::string(type) + "\" id=\"" + std::string(id) + "\" name=\"" + std::string(id) + "\" value=\"" + html_escape(value) + "\"></div>";
}

// The filters' form, shared by the inbox and the export page (the same names, so a link carries over).
std::string filters_form(std::string_view action, std::string_view form_id, const std::vector<std::string>& procedures,
    const OfficeContext& context, const Filters& filters, const std::string& procedure, bool with_code, std::string_view extra,
    std::string_view button)
{
    // Only the values understood are shown again: what was not is said in an alert, never echoed.
    auto value = [&](std::string_view name) {
        for (auto& [kept, text] : filters.kept)
            if (kept == name)
                return text;
        return std::string();
    };
    std::string html = "<form method=\"get\" action=\"" + std::string(action) + "\" id=\"" + std::string(form_id)
        + "\" class=\"fr-mb-4w\"><fieldset class=\"fr-fieldset\"><legend class=\"fr-fieldset__legend\">Filtres</legend>";
    html += "<div class=\"fr-fieldset__element\"><div class=\"fr-select-group\"><label class=\"fr-label\" for=\"procedure\">Démarche</label>"
            "<select class=\"fr-select\" id=\"procedure\" name=\"procedure\">";
    bool listed = false;
    for (auto& id : procedures) {
        listed = listed || id == procedure;
        html += "<option value=\"" + html_escape(id) + "\"" + (id == procedure ? " selected" : "") + ">"
            + html_escape(procedure_title(context, id)) + " (" + html_escape(id) + ")</option>";
    }
    if (!listed && !procedure.empty())
        html += "<option value=\"" + html_escape(procedure) + "\" selected>" + html_escape(procedure_title(context, procedure)) + " ("
            + html_escape(procedure) + ")</option>";
    html += "</select></div></div>";
    auto state = value("etat");
    html += "<div class=\"fr-fieldset__element\"><div class=\"fr-select-group\"><label class=\"fr-label\" for=\"etat\">État</label>"
            "<select class=\"fr-select\" id=\"etat\" name=\"etat\"><option value=\"\">Tous</option>";
    for (auto each : { CaseState::Received, CaseState::InProgress, CaseState::Done, CaseState::Incomplete }) {
        auto name = std::string(name_of(each));
        html += "<option value=\"" + name + "\"" + (state == name ? " selected" : "") + ">" + state_word(each) + "</option>";
    }
    html += "</select></div></div>";
    html += "<div class=\"fr-fieldset__element\">" + text_input("kiosque", "Borne", "Son nom, par exemple mairie-12", value("kiosque")) + "</div>";
    html += "<div class=\"fr-fieldset__element\">" + text_input("du", "Reçues à partir du", "", value("du"), "date") + "</div>";
    html += "<div class=\"fr-fieldset__element\">" + text_input("au", "Reçues jusqu’au (inclus)", "", value("au"), "date") + "</div>";
    if (with_code)
        html += "<div class=\"fr-fieldset__element\">" + text_input("code", "Code de suivi", "Celui du reçu du citoyen, avec ou sans tirets", value("code"))
            + "</div>";
    html += std::string(extra);
    html += "<div class=\"fr-fieldset__element\"><button class=\"fr-btn\" type=\"submit\">" + std::string(button) + "</button></div></fieldset></form>";
    return html;
}

// The procedure a page is about: the `procedure` parameter or the first of the agent's scope. nullopt
// when the answer is sent (403 out of scope).
std::optional<std::string> chosen_procedure(const httplib::Request& req, httplib::Response& res, const SessionView& session,
    const std::vector<std::string>& procedures)
{
    std::string procedure = req.has_param("procedure") ? req.get_param_value("procedure") : std::string();
    if (procedure.empty() && !procedures.empty())
        procedure = procedures.front();
    if (!procedure.empty() && !scope_allows(session, procedure)) {
        send_forbidden(req, res, &session, "Cette démarche ne vous est pas attribuée : vous ne pouvez pas voir ses demandes.");
        return std::nullopt;
    }
    return procedure;
}

std::string no_procedure_alert(const SessionView& session)
{
    if (session.all_procedures)
        return "<div class=\"fr-alert fr-alert--info fr-mb-4w\"><p>Le hub ne connaît aucune démarche (ni <code>--procedures</code>, ni dépôt "
               "de paquets) : saisissez l’identifiant d’une démarche dans l’adresse, par exemple <code>?procedure=change-of-address</code>.</p></div>";
    return "<div class=\"fr-alert fr-alert--warning fr-mb-4w\"><p>Aucune démarche ne vous est attribuée : demandez à un administrateur de "
           "vous en donner (<code>guichet-hub agent reset</code>).</p></div>";
}

std::string alerts(const std::vector<std::string>& problems)
{
    std::string html;
    for (auto& problem : problems)
        html += "<div class=\"fr-alert fr-alert--warning fr-alert--sm fr-mb-2w\"><p>" + html_escape(problem) + "</p></div>";
    return html;
}

void inbox_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    auto procedures = scope_procedures(*session, context);
    auto procedure = chosen_procedure(req, res, *session, procedures);
    if (!procedure)
        return;
    PageFrame frame { .title = "Demandes", .session = &*session, .active = Nav::Demandes, .scripts = { "app/office.js" },
        .needs_sodium = true, .body_page = "demandes" };
    std::string main = "<h1>Demandes</h1>";
    if (procedure->empty())
        return send_page(res, frame, main + no_procedure_alert(*session));

    auto filters = read_filters(req, *procedure);
    std::optional<std::pair<std::string, std::string>> cursor_param;
    if (req.has_param("apres")) {
        filters.query.after = parse_cursor(req.get_param_value("apres"));
        if (!filters.query.after)
            filters.problems.push_back("Le repère de page n’est pas valide : voici la première page.");
    } else if (req.has_param("avant")) {
        filters.query.before = parse_cursor(req.get_param_value("avant"));
        if (!filters.query.before)
            filters.problems.push_back("Le repère de page n’est pas valide : voici la première page.");
    }
    filters.query.limit = inbox_page_rows;
    InboxPage inbox;
    if (!filters.impossible) {
        auto found = context.store.inbox(filters.query);
        if (!found)
            return send_store_unavailable(req, res, "read the inbox", found.error());
        inbox = std::move(*found);
    }

    main += "<p>" + html_escape(procedure_title(context, *procedure)) + " : les demandes reçues, de la plus récente à la plus ancienne.</p>";
    main += filters_form("/office/demandes", "filtres", procedures, context, filters, *procedure, true, "", "Filtrer");
    main += alerts(filters.problems);
    auto count = inbox.count_capped >= inbox_count_cap ? std::string("10 000+") : std::to_string(inbox.count_capped);
    main += "<p class=\"fr-mb-2w\" id=\"nombre\">" + count + (inbox.count_capped > 1 ? " demandes" : " demande") + "</p>";
    if (inbox.rows.empty()) {
        main += "<p>Aucune demande ne correspond.</p>";
    } else {
        auto now = context.clock.now();
        main += "<div class=\"fr-table\"><table><caption>Demandes : " + html_escape(procedure_title(context, *procedure))
            + "</caption><thead><tr><th scope=\"col\">Code de suivi</th><th scope=\"col\">Borne</th><th scope=\"col\">Reçue le</th>"
              "<th scope=\"col\">État</th><th scope=\"col\">Attente</th></tr></thead><tbody>";
        for (auto& row : inbox.rows) {
            std::string label = row.receipt.empty() ? "(sans code) " + row.id.substr(0, 8) : receipt_display(row.receipt);
            std::string waiting = is_final(row.state) ? "—" : html_escape(age_text(row.received_at, now));
            // Issue 18: a submission whose scanned pages have not all arrived says so.
            auto pages = context.store.attachment_pages(row.id);
            if (!pages)
                return send_store_unavailable(req, res, "read a case's pages", pages.error());
            auto arrived = std::count_if(pages->begin(), pages->end(), [](const PageState& page) { return page.complete(); });
            std::string pieces = arrived < static_cast<long>(pages->size())
                ? " <span class=\"fr-tag fr-tag--sm\">pièces " + std::to_string(arrived) + "/" + std::to_string(pages->size()) + "</span>"
                : "";
            main += "<tr><th scope=\"row\"><a href=\"/office/demandes/" + url_encode(row.id) + "\">" + html_escape(label) + "</a>"
                + (row.purged ? " <span class=\"fr-tag fr-tag--sm\">réponses supprimées</span>" : "") + pieces + "</th><td>" + html_escape(row.kiosk)
                + (row.place.empty() ? "" : "<br><span class=\"fr-text--sm\">" + html_escape(row.place) + "</span>") + "</td><td>" + time_html(row.received_at) + "</td><td>" + state_badge(row.state) + "</td><td>" + waiting + "</td></tr>";
        }
        main += "</tbody></table></div>";
    }
    // Keyset pages have no numbers: first, previous, next.
    std::string links;
    if (inbox.has_previous && !inbox.rows.empty()) {
        links += "<li><a class=\"fr-pagination__link fr-pagination__link--first\" href=\"/office/demandes"
            + html_escape(query_string(*procedure, filters.kept)) + "\">Première</a></li>";
        auto& first = inbox.rows.front();
        links += "<li><a class=\"fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label\" href=\"/office/demandes"
            + html_escape(query_string(*procedure, filters.kept, std::pair { std::string("avant"), format_cursor({ first.received_at, first.seq }) }))
            + "\">Précédente</a></li>";
    }
    if (inbox.has_next && !inbox.rows.empty()) {
        auto& last = inbox.rows.back();
        links += "<li><a class=\"fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label\" href=\"/office/demandes"
            + html_escape(query_string(*procedure, filters.kept, std::pair { std::string("apres"), format_cursor({ last.received_at, last.seq }) }))
            + "\">Suivante</a></li>";
    }
    if (!links.empty())
        main += "<nav class=\"fr-pagination\" aria-label=\"Pages des demandes\"><ul class=\"fr-pagination__list\">" + links + "</ul></nav>";
    send_page(res, frame, main);
}

// A case the agent may see, or nullopt once the answer (404, 403, 503) is sent.
std::optional<CaseRecord> case_in_scope(const httplib::Request& req, httplib::Response& res, OfficeContext& context,
    const SessionView& session, const std::string& id, bool api)
{
    auto record = context.store.case_record(id);
    if (!record) {
        send_store_unavailable(req, res, "read a case", record.error());
        return std::nullopt;
    }
    if (!*record) {
        if (api)
            send_json_error(res, 404, "no such submission");
        else
            send_page(res, { .title = "Demande introuvable", .session = &session, .active = Nav::Demandes },
                "<h1>Demande introuvable</h1><p>Aucune demande n’a cet identifiant (elle a peut-être été oubliée après sa durée de "
                "conservation).</p><p><a href=\"/office/demandes\">Retour aux demandes</a></p>",
                404);
        return std::nullopt;
    }
    if (!scope_allows(session, (*record)->submission.procedure)) {
        send_forbidden(req, res, &session, "Cette demande relève d’une démarche qui ne vous est pas attribuée.");
        return std::nullopt;
    }
    return std::move(**record);
}

std::string outcome_alert(const std::string& outcome)
{
    if (outcome == "ok")
        return "<div class=\"fr-alert fr-alert--success fr-mb-4w\" role=\"status\"><p>L’état de la demande est enregistré.</p></div>";
    if (outcome == "perime")
        return "<div class=\"fr-alert fr-alert--warning fr-mb-4w\" role=\"alert\"><p>Quelqu’un d’autre a agi sur cette demande entre-temps : "
               "rien n’a été changé. Voici son état actuel ; recommencez si c’est encore nécessaire.</p></div>";
    if (outcome == "interdit")
        return "<div class=\"fr-alert fr-alert--error fr-mb-4w\" role=\"alert\"><p>Ce changement d’état n’est pas possible : une demande "
               "traitée ou incomplète est close, et une demande en cours ne revient pas à « reçue ».</p></div>";
    if (outcome == "message")
        return "<div class=\"fr-alert fr-alert--error fr-mb-4w\" role=\"alert\"><p>Le message au citoyen est trop long : au plus "
            + std::to_string(max_state_message_bytes) + " octets (environ " + std::to_string(max_state_message_bytes)
            + " caractères sans accents). Rien n’a été changé.</p></div>";
    if (outcome == "etat")
        return "<div class=\"fr-alert fr-alert--error fr-mb-4w\" role=\"alert\"><p>Choisissez une action : prendre en charge, traitée, "
               "ou incomplète / refusée.</p></div>";
    return "";
}

std::string state_form(const CaseRecord& record, const SessionView& session)
{
    if (is_final(record.state))
        return "<p>Cette demande est close : son état ne change plus.</p>";
    std::string id = url_encode(record.submission.id);
    std::string html = "<form method=\"post\" action=\"/office/demandes/" + id + "/etat\" class=\"office-soft-post\">" + csrf_field(session)
        + "<input type=\"hidden\" name=\"rev\" value=\"" + std::to_string(record.rev) + "\">";
    html += "<div class=\"fr-input-group\"><label class=\"fr-label\" for=\"message\">Message au citoyen (facultatif)"
            "<span class=\"fr-hint-text\">Il le lira avec son code de suivi, sur la borne ou sa page de suivi : pas de donnée personnelle. "
            "Au plus "
        + std::to_string(max_state_message_bytes) + " caractères.</span></label><textarea class=\"fr-input\" id=\"message\" name=\"message\" rows=\"4\" maxlength=\""
        + std::to_string(max_state_message_bytes) + "\"></textarea></div>";
    html += "<ul class=\"fr-btns-group fr-btns-group--inline-md\">";
    if (record.state == CaseState::Received)
        html += "<li><button class=\"fr-btn fr-btn--secondary\" type=\"submit\" name=\"etat\" value=\"in_progress\">Prendre en charge</button></li>";
    html += "<li><button class=\"fr-btn\" type=\"submit\" name=\"etat\" value=\"done\">Traitée</button></li>"
            "<li><button class=\"fr-btn fr-btn--tertiary\" type=\"submit\" name=\"etat\" value=\"incomplete\">Incomplète / refusée</button></li></ul></form>";
    return html;
}

// What a case's saved pages are named after: its receipt code when it is one (the hub stores what a
// kiosk sent; only a code's letters and digits belong in a file name), else its id.
std::string file_name_of(const CaseRecord& record)
{
    bool plain = !record.receipt.empty() && record.receipt.size() <= 16
        && std::all_of(record.receipt.begin(), record.receipt.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
    return plain ? record.receipt : record.submission.id;
}

void case_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    std::string id = req.matches[1];
    auto record = case_in_scope(req, res, context, *session, id, false);
    if (!record)
        return;
    auto history = context.store.state_history(id);
    if (!history)
        return send_store_unavailable(req, res, "read a case's history", history.error());
    audit_event(context, agent_actor(session->agent), "view", id, "page");

    auto& submission = record->submission;
    std::string code = record->receipt.empty() ? std::string("sans code de suivi") : receipt_display(record->receipt);
    std::string main = "<p class=\"fr-mb-1w\"><a class=\"fr-link fr-icon-arrow-left-s-line fr-link--icon-left\" href=\"/office/demandes"
        + html_escape(query_string(submission.procedure, {})) + "\">Demandes de cette démarche</a></p>";
    main += "<h1>Demande " + html_escape(code) + "</h1>";
    main += outcome_alert(req.has_param("resultat") ? req.get_param_value("resultat") : "");
    main += "<dl class=\"office-facts\">";
    auto fact = [&](std::string_view term, const std::string& html) {
        main += "<dt>" + std::string(term) + "</dt><dd>" + html + "</dd>";
    };
    fact("État", state_badge(record->state));
    fact("Démarche", html_escape(procedure_title(context, submission.procedure)) + " (" + html_escape(submission.procedure) + ", version "
            + std::to_string(submission.version) + ")");
    fact("Borne", html_escape(submission.kiosk));
    fact("Reçue par le hub", time_html(submission.received_at));
    fact("Déposée sur la borne (heure de la borne)", time_html(submission.created_at));
    if (!is_final(record->state))
        fact("Attente", html_escape(age_text(submission.received_at, context.clock.now())));
    if (record->handler)
        fact("Dernier agent", html_escape(*record->handler));
    if (!record->message.empty())
        fact("Message au citoyen", html_escape(record->message));
    fact("Identifiant", "<code>" + html_escape(submission.id) + "</code>");
    main += "</dl>";

    main += "<h2>Réponses</h2>";
    if (record->purged_at) {
        main += "<div class=\"fr-alert fr-alert--info fr-mb-4w\"><p>Les réponses de cette demande ont été supprimées le "
            + time_html(*record->purged_at)
            + ", au terme de leur durée de conservation. Son état reste consultable pour le suivi du citoyen.</p></div>";
    } else {
        main += "<div id=\"reponses\" class=\"fr-mb-4w\" aria-live=\"polite\" data-id=\"" + html_escape(submission.id) + "\" data-procedure=\""
            + html_escape(submission.procedure) + "\" data-name=\"" + html_escape(file_name_of(*record))
            + "\" data-version=\"" + std::to_string(submission.version)
            + "\"><p>Les réponses sont scellées : elles s’ouvrent dans ce navigateur avec la clé de dépôt "
              "(<a href=\"/office/cle\">charger la clé</a>).</p></div>";
    }

    // Issue 18: the scanned pages. The hub says which arrived; the browser opens them (cases.js, pages.js).
    if (!record->purged_at) {
        auto pages = context.store.attachment_pages(id);
        if (!pages)
            return send_store_unavailable(req, res, "read a case's pages", pages.error());
        if (!pages->empty()) {
            auto arrived = std::count_if(pages->begin(), pages->end(), [](const PageState& page) { return page.complete(); });
            main += "<h2>Pièces jointes</h2><p id=\"pieces\">" + std::to_string(pages->size())
                + (pages->size() > 1 ? " pages" : " page") + ", " + std::to_string(arrived) + " arrivée" + (arrived > 1 ? "s" : "")
                + " au hub" + (arrived < static_cast<long>(pages->size()) ? " : la borne envoie encore les autres." : ".")
                + "</p><div id=\"pieces-ouvertes\" class=\"fr-mb-4w\" aria-live=\"polite\"><p>Les pages s’ouvrent avec les réponses, "
                  "dans ce navigateur.</p></div>";
        }
    }

    main += "<h2>Changer l’état</h2>" + state_form(*record, *session);

    main += "<h2>Historique</h2><ol class=\"office-timeline\"><li>" + time_html(submission.received_at) + " : reçue par le hub</li>";
    for (auto& change : *history)
        main += "<li>" + time_html(change.at) + " : " + html_escape(change.agent) + ", " + state_word(change.from) + " → " + state_word(change.to)
            + "</li>";
    main += "</ol>";
    send_page(res, { .title = "Demande " + code, .session = &*session, .active = Nav::Demandes, .scripts = { "app/office.js" },
                       .needs_sodium = true, .body_page = "demande" },
        main);
}

std::optional<int64_t> whole_number(std::string_view text)
{
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

void change_state(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader, OfficeContext& context)
{
    auto post = accept_post(req, res, reader, context, Need::Agent);
    if (!post)
        return;
    std::string id = req.matches[1];
    auto record = case_in_scope(req, res, context, post->session, id, false);
    if (!record)
        return;
    auto back = [&](std::string_view outcome) {
        res.status = 303;
        res.set_header("Location", "/office/demandes/" + url_encode(id) + "?resultat=" + std::string(outcome));
    };
    auto to = case_state_from(form_value(post->form, "etat").value_or(""));
    if (!to || *to == CaseState::Received)
        return back("etat");
    auto message = form_value(post->form, "message").value_or("");
    // Browsers send a textarea's line ends as CRLF; the kiosk shows plain LF.
    std::erase(message, '\r');
    if (message.size() > max_state_message_bytes)
        return back("message");
    auto rev = whole_number(form_value(post->form, "rev").value_or(""));
    if (!rev)
        return back("perime");
    auto outcome = context.store.set_state(Transition { .id = id, .agent = post->session.agent,
        .now = format_rfc3339(context.clock.now()), .to = *to, .message = message, .expected_rev = *rev });
    if (!outcome)
        return send_store_unavailable(req, res, "change a case's state", outcome.error());
    switch (*outcome) {
    case TransitionOutcome::Done:
        audit_event(context, agent_actor(post->session.agent), "state", id,
            "from=" + std::string(name_of(record->state)) + " to=" + std::string(name_of(*to)));
        return back("ok");
    case TransitionOutcome::Stale:
        return back("perime");
    case TransitionOutcome::Forbidden:
        return back("interdit");
    case TransitionOutcome::NotFound:
        res.status = 404;
        res.set_content("Demande introuvable.", "text/plain; charset=utf-8");
        return;
    }
}

void key_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    std::string main
        = "<h1>Clé de dépôt</h1>"
          "<p>Les réponses des citoyens sont scellées sur la borne pour la clé de dépôt de l’administration. Chargez ici le fichier de "
          "cette clé (<code>submission.key</code>, ou la clé protégée par une phrase de passe) : il est lu par ce navigateur, n’est "
          "jamais envoyé au hub, et la clé reste dans la mémoire de cet onglet seulement.</p>"
          "<div class=\"fr-alert fr-alert--info fr-mb-4w\"><p>L’onglet oublie la clé quand vous vous déconnectez, après 30 minutes sans "
          "activité, ou si vous rechargez la page (F5) : naviguez avec les liens de l’espace agents.</p></div>"
          "<p id=\"cle-etat\" class=\"fr-mb-4w\" role=\"status\">Aucune clé chargée.</p>"
          "<div class=\"fr-upload-group fr-mb-2w\"><label class=\"fr-label\" for=\"cle-fichier\">Fichier de la clé"
          "<span class=\"fr-hint-text\">Celui qu’a écrit <code>guichet-hub keygen</code>.</span></label>"
          "<input class=\"fr-upload\" type=\"file\" id=\"cle-fichier\" accept=\".key,.json,.txt,text/plain,application/json\"></div>"
          "<div class=\"fr-input-group\"><label class=\"fr-label\" for=\"cle-phrase\">Phrase de passe<span class=\"fr-hint-text\">Seulement "
          "pour une clé protégée.</span></label><input class=\"fr-input\" type=\"password\" id=\"cle-phrase\" autocomplete=\"off\"></div>"
          "<ul class=\"fr-btns-group fr-btns-group--inline-md\"><li><button class=\"fr-btn\" type=\"button\" id=\"cle-charger\">Charger la clé</button></li>"
          "<li><button class=\"fr-btn fr-btn--secondary\" type=\"button\" id=\"cle-oublier\">Oublier la clé</button></li></ul>";
    // Back to the submission the agent came from (cases.js links here with ?retour=ID): built from a
    // checked id only.
    static const std::regex uuid(R"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
    auto back = req.has_param("retour") ? req.get_param_value("retour") : std::string();
    if (std::regex_match(back, uuid))
        main += "<p><a href=\"/office/demandes/" + back + "\">Revenir à la demande</a></p>";
    else
        main += "<p><a href=\"/office/demandes\">Aller aux demandes</a></p>";
    send_page(res, { .title = "Clé de dépôt", .session = &*session, .active = Nav::Cle, .scripts = { "app/office.js" },
                       .needs_sodium = true, .body_page = "cle" },
        main);
}

void export_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    auto procedures = scope_procedures(*session, context);
    auto procedure = chosen_procedure(req, res, *session, procedures);
    if (!procedure)
        return;
    PageFrame frame { .title = "Export", .session = &*session, .active = Nav::Export, .scripts = { "app/office.js" },
        .needs_sodium = true, .body_page = "export" };
    std::string main = "<h1>Export</h1><p>Ouvre dans ce navigateur, avec la clé de dépôt chargée, toutes les demandes qui correspondent "
                       "aux filtres, et les enregistre en un fichier : CSV pour un tableur (séparateur « ; », une colonne par question) ou "
                       "JSON. Le hub ne voit jamais les réponses ; il note seulement dans son journal le nombre de demandes exportées.</p>";
    if (procedure->empty())
        return send_page(res, frame, main + no_procedure_alert(*session));
    std::string format = "<div class=\"fr-fieldset__element\"><fieldset class=\"fr-fieldset\"><legend class=\"fr-fieldset__legend\">Format</legend>"
                         "<div class=\"fr-fieldset__element\"><div class=\"fr-radio-group\"><input type=\"radio\" id=\"format-csv\" name=\"format\" "
                         "value=\"csv\" checked><label class=\"fr-label\" for=\"format-csv\">CSV (tableur)</label></div></div>"
                         "<div class=\"fr-fieldset__element\"><div class=\"fr-radio-group\"><input type=\"radio\" id=\"format-json\" name=\"format\" "
                         "value=\"json\"><label class=\"fr-label\" for=\"format-json\">JSON</label></div></div></fieldset></div>";
    auto filters = read_filters(req, *procedure);
    main += alerts(filters.problems);
    main += filters_form("/office/export", "export-filtres", procedures, context, filters, *procedure, false, format, "Ouvrir et exporter");
    main += "<div id=\"export-etat\" role=\"status\" class=\"fr-mb-4w\"></div><div id=\"export-echecs\"></div>";
    send_page(res, frame, main);
}

// ---- The API (JSON) of the browser's modules.

void api_case(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    std::string id = req.matches[1];
    auto record = case_in_scope(req, res, context, *session, id, true);
    if (!record)
        return;
    if (record->purged_at)
        return send_json(res, 410, R"({"error":"purged"})");
    audit_event(context, agent_actor(session->agent), "view", id, "sealed");
    send_json(res, 200, case_json(*record));
}

// Issue 18: one sealed page of a case, for the browser to open. Scoped and audited like the answers;
// 404 while the page has not arrived whole (or is not in the manifest), 410 once purged.
void api_page(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    std::string id = req.matches[1];
    int n = std::stoi(req.matches[2]); // 1 to 3 digits (the route's pattern)
    auto record = case_in_scope(req, res, context, *session, id, true);
    if (!record)
        return;
    if (record->purged_at)
        return send_json(res, 410, R"({"error":"purged"})");
    auto sealed = context.store.attachment_bytes(id, n);
    if (!sealed)
        return send_store_unavailable(req, res, "read a case's page", sealed.error());
    if (!*sealed)
        return send_json_error(res, 404, "this page has not arrived at the hub");
    audit_event(context, agent_actor(session->agent), "view", id, "page " + std::to_string(n + 1));
    res.status = 200;
    res.set_content(std::string(reinterpret_cast<const char*>((*sealed)->data()), (*sealed)->size()), "application/octet-stream");
}

void api_cases(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    std::string procedure = req.has_param("procedure") ? req.get_param_value("procedure") : std::string();
    if (procedure.empty())
        return send_json_error(res, 400, "the procedure parameter is required");
    if (!scope_allows(*session, procedure))
        return send_forbidden(req, res, &*session, "this procedure is not assigned to you");
    auto filters = read_filters(req, procedure);
    if (!filters.problems.empty())
        return send_json_error(res, 400, filters.problems.front());
    if (req.has_param("apres")) {
        filters.query.after = parse_cursor(req.get_param_value("apres"));
        if (!filters.query.after)
            return send_json_error(res, 400, "apres is not a cursor");
    }
    // Smaller pages when the sealed payloads are large, so that one answer stays within 8 MiB.
    size_t limit = api_page_rows;
    CasePage page;
    for (;;) {
        filters.query.limit = limit;
        auto found = context.store.cases_for_export(filters.query);
        if (!found)
            return send_store_unavailable(req, res, "read cases for an export", found.error());
        size_t bytes = 0;
        for (auto& item : found->cases)
            bytes += item.submission.sealed.size();
        page = std::move(*found);
        if (bytes <= api_page_sealed_bytes || limit == 1)
            break;
        limit = std::max<size_t>(1, limit / 4);
    }
    audit_event(context, agent_actor(session->agent), "fetch-sealed", procedure, "n=" + std::to_string(page.cases.size()));
    send_json(res, 200, case_page_json(page));
}

void api_procedure(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    auto session = require_session(req, res, context, Need::Agent);
    if (!session)
        return;
    std::string id = req.matches[1];
    auto version = whole_number(req.matches[2].str());
    if (!version)
        return send_json_error(res, 404, "no such version");
    if (!scope_allows(*session, id))
        return send_forbidden(req, res, &*session, "this procedure is not assigned to you");
    if (context.procedures)
        if (auto* entry = context.procedures->find(id, *version))
            return send_json(res, 200, procedure_labels_json(*entry->procedure));
    // A version no longer published: the definition the store kept when it was.
    auto stored = context.store.procedure_definition(id, *version);
    if (!stored)
        return send_store_unavailable(req, res, "read a procedure definition", stored.error());
    if (!*stored)
        return send_json_error(res, 404, "the hub does not know this procedure version: start it with --procedures or --packs");
    auto labels = procedure_labels_json(**stored);
    if (!labels)
        return send_json_error(res, 500, labels.error().message);
    send_json(res, 200, std::move(*labels));
}

void api_journal(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader, OfficeContext& context)
{
    auto post = accept_post(req, res, reader, context, Need::Agent);
    if (!post)
        return;
    auto body = nlohmann::json::parse(post->body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object())
        return send_json_error(res, 400, "the body must be a JSON object");
    auto text = [&](const char* name) -> std::optional<std::string> {
        auto found = body.find(name);
        if (found == body.end() || !found->is_string())
            return std::nullopt;
        return found->get<std::string>();
    };
    auto action = text("action");
    if (action != "export" && action != "open-failed")
        return send_json_error(res, 400, "action must be \"export\" or \"open-failed\"");
    auto procedure = text("procedure").value_or("");
    if (procedure.empty() || procedure.size() > 128)
        return send_json_error(res, 400, "procedure is required");
    if (!scope_allows(post->session, procedure))
        return send_forbidden(req, res, &post->session, "this procedure is not assigned to you");
    auto count = body.find("count");
    if (count == body.end() || !count->is_number_unsigned())
        return send_json_error(res, 400, "count must be a whole number");
    std::string detail = "n=" + std::to_string(count->get<uint64_t>());
    if (*action == "export") {
        auto format = text("format");
        if (format != "csv" && format != "json")
            return send_json_error(res, 400, "format must be \"csv\" or \"json\"");
        detail += " format=" + *format;
    }
    audit_event(context, agent_actor(post->session.agent), *action, procedure, detail);
    send_json(res, 200, R"({"ok":true})");
}

}

std::string procedure_title(const OfficeContext& context, std::string_view id)
{
    if (context.procedures)
        if (auto* entry = context.procedures->latest(id))
            if (auto& title = localized(entry->procedure->title, "fr"); !title.empty())
                return title;
    return std::string(id);
}

void install_case_routes(GatedServer& http, OfficeContext& context)
{
    http.Get("/office/demandes", [&context](const httplib::Request& req, httplib::Response& res) { inbox_page(req, res, context); });
    http.Get("/office/demandes/([0-9a-f-]{36})", [&context](const httplib::Request& req, httplib::Response& res) { case_page(req, res, context); });
    http.Post("/office/demandes/([0-9a-f-]{36})/etat",
        [&context](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
            change_state(req, res, reader, context);
        });
    http.Get("/office/cle", [&context](const httplib::Request& req, httplib::Response& res) { key_page(req, res, context); });
    http.Get("/office/export", [&context](const httplib::Request& req, httplib::Response& res) { export_page(req, res, context); });
    http.Get("/office/api/demandes", [&context](const httplib::Request& req, httplib::Response& res) { api_cases(req, res, context); });
    http.Get("/office/api/demandes/([0-9a-f-]{36})", [&context](const httplib::Request& req, httplib::Response& res) { api_case(req, res, context); });
    http.Get("/office/api/demandes/([0-9a-f-]{36})/pieces/([0-9]{1,3})",
        [&context](const httplib::Request& req, httplib::Response& res) { api_page(req, res, context); });
    http.Get("/office/api/procedures/([^/]{1,128})/([0-9]{1,9})",
        [&context](const httplib::Request& req, httplib::Response& res) { api_procedure(req, res, context); });
    http.Post("/office/api/journal", [&context](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        api_journal(req, res, reader, context);
    });
}

}
