// The back office's page layout (DSFR) and escaping (office_html.h).
#include "sync/hub/office_html.h"

#include <sodium.h>

#include <guichet/version.h>

namespace guichet::sync::hub {
namespace {

struct NavEntry {
    Nav nav;
    std::string_view label;
    std::string_view href;
    bool supervisors_only;
};
constexpr NavEntry nav_entries[] = {
    { Nav::Demandes, "Demandes", "/office/demandes", false },
    { Nav::Export, "Export", "/office/export", false },
    { Nav::Cle, "Clé", "/office/cle", false },
    { Nav::Statistiques, "Statistiques", "/office/statistiques", true },
    { Nav::Flotte, "Flotte", "/office/flotte", true },
    { Nav::Journal, "Journal", "/office/journal", true },
};

constexpr std::string_view service_name = "Guichet — espace agents";

bool is_page_name(std::string_view name)
{
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || c == '-'))
            return false;
    return true;
}

std::string navigation(const PageFrame& frame)
{
    std::string out = R"(<nav class="fr-nav" id="navigation" role="navigation" aria-label="Menu principal"><ul class="fr-nav__list">)";
    for (auto& entry : nav_entries) {
        if (entry.supervisors_only && frame.session->role != AgentRole::Supervisor)
            continue;
        out += R"(<li class="fr-nav__item"><a class="fr-nav__link" href=")";
        out += entry.href;
        out += '"';
        if (entry.nav == frame.active)
            out += R"( aria-current="page")";
        out += '>';
        out += entry.label;
        out += "</a></li>";
    }
    out += "</ul></nav>";
    return out;
}

// The signed-in agent's name and the sign-out button (a POST form: signing out changes state).
std::string account_tools(const SessionView& session)
{
    return R"(<ul class="fr-btns-group"><li><p class="office-account">)"
        + html_escape(session.agent) + (session.role == AgentRole::Supervisor ? " (superviseur)" : "")
        + R"(</p></li><li><form method="post" action="/office/deconnexion" class="office-sign-out">)" + csrf_field(session)
        + R"(<button type="submit" class="fr-btn">Se déconnecter</button></form></li></ul>)";
}

std::string header(const PageFrame& frame)
{
    bool signed_in = frame.session != nullptr;
    std::string out = R"(<header role="banner" class="fr-header"><div class="fr-header__body"><div class="fr-container">)"
                      R"(<div class="fr-header__body-row"><div class="fr-header__brand fr-enlarge-link"><div class="fr-header__brand-top">)"
                      R"(<div class="fr-header__logo">)"
        + bloc_marque() + "</div>";
    if (signed_in)
        out += R"(<div class="fr-header__navbar"><button class="fr-btn--menu fr-btn" data-fr-opened="false" )"
               R"(aria-controls="menu-principal" aria-haspopup="menu" id="bouton-menu" title="Menu">Menu</button></div>)";
    out += R"(</div><div class="fr-header__service"><a href="/office/" title="Accueil — )";
    out += service_name;
    out += R"("><p class="fr-header__service-title">)";
    out += service_name;
    out += "</p></a></div></div>";
    if (signed_in)
        out += R"(<div class="fr-header__tools"><div class="fr-header__tools-links">)" + account_tools(*frame.session) + "</div></div>";
    out += "</div></div></div>";
    if (signed_in)
        out += R"(<div class="fr-header__menu fr-modal" id="menu-principal" aria-labelledby="bouton-menu"><div class="fr-container">)"
               R"(<button class="fr-btn--close fr-btn" aria-controls="menu-principal" title="Fermer">Fermer</button>)"
               R"(<div class="fr-header__menu-links"></div>)"
            + navigation(frame) + "</div></div>";
    out += "</header>";
    return out;
}

std::string footer()
{
    std::string out = R"(<footer class="fr-footer" role="contentinfo" id="pied-de-page"><div class="fr-container">)"
                      R"(<div class="fr-footer__body"><div class="fr-footer__brand fr-enlarge-link"><a href="/office/" title="Accueil — )";
    out += service_name;
    out += R"(">)" + bloc_marque() + "</a></div>";
    out += R"(<div class="fr-footer__content"><p class="fr-footer__content-desc">)";
    out += service_name;
    out += R"( : les demandes déposées aux bornes restent chiffrées sur le serveur ; elles ne s’ouvrent que dans )"
           R"(votre navigateur, avec la clé de l’administration.</p></div></div>)"
           R"(<div class="fr-footer__bottom"><div class="fr-footer__bottom-copy"><p>Guichet )";
    out += html_escape(guichet::version_string);
    out += "</p></div></div></div></footer>";
    return out;
}

}

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        // Other control characters (a terminal's escapes in a kiosk's last_error) show as spaces.
        default: out += ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f) ? ' ' : c;
        }
    }
    return out;
}

std::string url_encode(std::string_view text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
            || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string hex(std::span<const uint8_t> bytes)
{
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

std::string static_url(std::string_view path) { return std::string(static_prefix) + std::string(path); }

std::string csrf_field(const SessionView& session)
{
    return R"(<input type="hidden" name="_csrf" value=")" + hex(session.csrf) + R"(">)";
}

std::string bloc_marque() { return R"(<p class="fr-logo">République<br>Française</p>)"; }

std::string page(const PageFrame& frame, std::string_view main_html)
{
    std::string dsfr(dsfr_dir), sodium(libsodium_dir);
    std::string out = R"(<!doctype html><html lang="fr"><head><meta charset="utf-8">)"
                      R"(<meta name="viewport" content="width=device-width, initial-scale=1">)"
                      R"(<meta name="format-detection" content="telephone=no"><meta name="robots" content="noindex, nofollow">)";
    if (frame.session)
        out += R"(<meta name="csrf" content=")" + hex(frame.session->csrf) + R"(">)";
    out += "<title>" + html_escape(frame.title) + " — Guichet, espace agents</title>";
    out += R"(<link rel="stylesheet" href=")" + static_url(dsfr + "/dsfr.min.css") + R"(">)";
    out += R"(<link rel="stylesheet" href=")" + static_url("office.css") + R"(">)";
    out += R"(<link rel="apple-touch-icon" href=")" + static_url(dsfr + "/favicon/apple-touch-icon.png") + R"(">)";
    out += R"(<link rel="icon" href=")" + static_url(dsfr + "/favicon/favicon.svg") + R"(" type="image/svg+xml">)";
    out += R"(<link rel="shortcut icon" href=")" + static_url(dsfr + "/favicon/favicon.ico") + R"(" type="image/x-icon">)";
    // Classic scripts, deferred: they run in order before the modules below (which are deferred too) and
    // leave window.sodium for sodium-ready.js.
    if (frame.needs_sodium) {
        out += R"(<script defer src=")" + static_url(sodium + "/libsodium-sumo.js") + R"("></script>)";
        out += R"(<script defer src=")" + static_url(sodium + "/libsodium-wrappers.js") + R"("></script>)";
    }
    out += R"(<script type="module" src=")" + static_url(dsfr + "/dsfr.module.min.js") + R"("></script>)";
    for (auto& script : frame.scripts)
        out += R"(<script type="module" src=")" + static_url(html_escape(script)) + R"("></script>)";
    out += "</head><body";
    if (!frame.body_page.empty() && is_page_name(frame.body_page))
        out += R"( data-page=")" + frame.body_page + '"';
    out += '>';
    out += R"(<div class="fr-skiplinks"><nav class="fr-container" role="navigation" aria-label="Accès rapide"><ul class="fr-skiplinks__list">)"
           R"(<li><a class="fr-link" href="#contenu">Contenu</a></li>)";
    if (frame.session)
        out += R"(<li><a class="fr-link" href="#navigation">Menu</a></li>)";
    out += R"(<li><a class="fr-link" href="#pied-de-page">Pied de page</a></li></ul></nav></div>)";
    out += header(frame);
    // The live region navigation.js announces soft page changes in.
    out += R"(<div class="fr-sr-only" id="annonce" aria-live="polite"></div>)";
    out += R"(<main id="contenu" tabindex="-1" class="fr-container fr-py-4w">)";
    out += main_html;
    out += "</main>";
    out += footer();
    out += "</body></html>";
    return out;
}

}
