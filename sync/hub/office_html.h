// The back office's HTML: escaping, and the one page layout every /office/ page is rendered in (the
// DSFR, Système de design de l'État, served from /office/static/). Pages are server-rendered French HTML;
// JavaScript comes only from our own files (no inline script, no style="" attribute: the CSP forbids
// both, see office_routes.h).
//
// How another area renders a page:
//     std::string main = "<h1>Demandes</h1>" + ...;          // everything foreign through html_escape
//     res.set_content(page({ .title = "Demandes", .session = &session, .active = Nav::Demandes,
//                            .scripts = { "app/office.js" }, .body_page = "inbox" }, main),
//                     "text/html; charset=utf-8");
// Forms that POST carry csrf_field(session) (office_session.h checks it).
#pragma once
#include "sync/hub/office_types.h"

#include <cstdint>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace guichet::sync::hub {

// `& < > " '` become entities: safe in text and in double- or single-quoted attribute values. Not
// enough for a URL attribute (a "javascript:" URL survives escaping): build URLs only from validated ids.
std::string html_escape(std::string_view text);
// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~), for one query
// value or path segment.
std::string url_encode(std::string_view text);
// Lower-case hex of the bytes (the CSRF token's form).
std::string hex(std::span<const uint8_t> bytes);

// Where static files are served, and the vendor folders inside (sync/hub/office/assets.txt copies them).
inline constexpr std::string_view static_prefix = "/office/static/";
inline constexpr std::string_view dsfr_dir = "dsfr-1.15.3";
inline constexpr std::string_view libsodium_dir = "libsodium-0.8.4";
// "/office/static/" + path, e.g. static_url("app/office.js").
std::string static_url(std::string_view path);

// The header navigation; an entry shows only to roles that may open it.
enum class Nav { None, Demandes, Export, Cle, Statistiques, Flotte, Journal };

struct PageFrame {
    std::string title;                   // the <title>, plain text ("— Guichet, espace agents" is appended)
    const SessionView* session = nullptr; // signed in: navigation, account and sign-out; nullptr: sign-in page
    Nav active = Nav::None;              // the entry marked aria-current="page"
    std::vector<std::string> scripts;    // our ES modules under static/, e.g. "app/office.js" (type="module")
    bool needs_sodium = false;           // load the two libsodium.js UMD files first (window.sodium)
    std::string body_page;               // <body data-page="…"> for office.js; [a-z-] only
};

// The whole document (title "<frame.title> — Guichet, espace agents"): <!doctype html>, <html lang="fr">, head (DSFR CSS, office.css, favicons, <meta
// name="csrf"> when signed in, scripts), skip links, fr-header with the bloc marque, fr-nav by role, the
// account and a "Se déconnecter" form button, <main id="contenu" tabindex="-1"> holding `main_html`
// (which must contain the page's one <h1>), and fr-footer. `main_html` is inserted as is: the caller
// escapes everything that comes from a kiosk, a citizen or an agent.
std::string page(const PageFrame& frame, std::string_view main_html);

// <input type="hidden" name="_csrf" value="…"> with the session's token: put it in every POST form.
std::string csrf_field(const SessionView& session);

// The DSFR "bloc marque" (Marianne, "République Française"): the DSFR's terms reserve it, and the DSFR
// itself, to State services. A town hall or another territorial administration may not use it and needs a
// neutral theme: this function is the one place to replace (with the organisation's own name and logo),
// together with the stylesheet links in page().
std::string bloc_marque();

}
