// GET /suivi/{code}: the state of a submission for the public, rate-limited per client address.
#include "sync/hub/office_status.h"

#include "sync/hub/office_html.h"

namespace guichet::sync::hub {
namespace {

constexpr std::string_view page_title = "Suivi de votre démarche";
// A receipt code is 9 characters, 11 with its dashes; anything much longer is not one, and is not read.
constexpr size_t max_code_length = 32;

void set_page_headers(httplib::Response& res)
{
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Robots-Tag", "noindex, nofollow");
    res.set_header("Content-Security-Policy", std::string(status_page_policy));
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
}

void answer(httplib::Response& res, int status, std::string_view sentence)
{
    set_page_headers(res);
    res.status = status;
    res.set_content(render_status_page(sentence), "text/html; charset=utf-8");
}

}

std::string_view status_sentence(CaseState state)
{
    switch (state) {
    case CaseState::Received:
        return "Votre démarche a été reçue.";
    case CaseState::InProgress:
        return "Votre démarche est en cours de traitement.";
    case CaseState::Done:
        return "Votre démarche a été traitée.";
    case CaseState::Incomplete:
        return "Votre démarche est incomplète ou a été refusée. Rapprochez-vous du service ou d’un médiateur.";
    }
    return status_not_found;
}

std::string render_status_page(std::string_view sentence)
{
    // Every text here is ours (the four sentences and the 404's), never the request's: nothing to escape.
    // The DSFR stylesheet and fonts the back office serves (same origin): a citizen following the
    // receipt's QR code meets the State's look, not a bare page. Without the office's files the page
    // still reads plainly.
    std::string html;
    html += "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<meta name=\"robots\" content=\"noindex, nofollow\">\n";
    html += "<title>" + std::string(page_title) + "</title>\n";
    html += "<link rel=\"stylesheet\" href=\"" + static_url(std::string(dsfr_dir) + "/dsfr.min.css") + "\">\n";
    html += "<link rel=\"icon\" href=\"" + static_url(std::string(dsfr_dir) + "/favicon/favicon.svg") + "\" type=\"image/svg+xml\">\n";
    html += "</head>\n<body>\n";
    html += "<header role=\"banner\" class=\"fr-header\"><div class=\"fr-header__body\"><div class=\"fr-container\"><div class=\"fr-header__body-row\">"
            "<div class=\"fr-header__brand\"><div class=\"fr-header__brand-top\"><div class=\"fr-header__logo\">"
        + bloc_marque()
        + "</div></div><div class=\"fr-header__service\"><p class=\"fr-header__service-title\">Guichet</p>"
          "<p class=\"fr-header__service-tagline\">Le suivi des démarches déposées aux bornes</p></div></div></div></div></div></header>\n";
    html += "<main id=\"contenu\" class=\"fr-container fr-py-6w\">\n";
    html += "<h1>" + std::string(page_title) + "</h1>\n";
    html += "<p class=\"fr-text--lead\">" + std::string(sentence) + "</p>\n";
    html += "</main>\n</body>\n</html>\n";
    return html;
}

Result<StatusLimit> parse_status_limit(std::string_view text)
{
    if (text == "per-address")
        return StatusLimit::PerAddress;
    if (text == "off")
        return StatusLimit::Off;
    return fail("'" + std::string(text.substr(0, 40)) + "' is neither per-address nor off");
}

std::string loggable_path(std::string_view path)
{
    constexpr std::string_view prefix = "/suivi/";
    if (path.starts_with(prefix))
        return std::string(prefix) + "...";
    return std::string(path);
}

void install_status_routes(httplib::Server& http, StatusRoutes routes)
{
    http.Get(R"(/suivi/(.*))", [routes](const httplib::Request& req, httplib::Response& res) {
        if (int wait_s = routes.limiter ? routes.limiter->take(req.remote_addr) : 0) {
            set_page_headers(res);
            res.set_header("Retry-After", std::to_string(wait_s));
            res.status = 429;
            res.set_content(render_status_page("Trop de demandes depuis votre connexion. Réessayez dans une minute."),
                "text/html; charset=utf-8");
            return;
        }
        std::string_view code = req.matches.size() > 1 ? std::string_view(req.matches[1].first, req.matches[1].second) : "";
        // Malformed codes still go to the store (which answers nullopt for them), so that every 404
        // takes the same path.
        auto state = routes.store.public_status(code.size() > max_code_length ? std::string_view() : code);
        if (!state) {
            if (routes.log)
                routes.log("guichet-hub: cannot read a public status: " + state.error().message);
            set_page_headers(res);
            res.set_header("Retry-After", std::to_string(routes.retry_after_s));
            res.status = 503;
            res.set_content(render_status_page("Le service est momentanément indisponible. Réessayez plus tard."),
                "text/html; charset=utf-8");
            return;
        }
        if (!*state) {
            answer(res, 404, status_not_found);
            return;
        }
        answer(res, 200, status_sentence(**state));
    });
}

}
