// Agents' sessions, scope, the checks of every office POST, and the log's agent note (office_session.h).
#include "sync/hub/office_session.h"

#include "sync/hub/office_html.h"
#include "sync/hub/store_rules.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <iostream>

namespace guichet::sync::hub {
namespace {

thread_local std::string t_agent;

bool is_api(const httplib::Request& req) { return req.path.starts_with("/office/api/"); }

// No session (or an expired one, or a disabled agent): pages go to the sign-in form, fetches get 401.
void send_signed_out(const httplib::Request& req, httplib::Response& res, OfficeContext& context, bool had_cookie)
{
    if (had_cookie)
        res.set_header("Set-Cookie", cookie_header(context.options, session_cookie_name(context.options), "", 0));
    if (req.method != "GET")
        res.set_header("Connection", "close"); // its body stays unread
    if (is_api(req)) {
        send_json_error(res, 401, "session absente ou expirée : reconnectez-vous");
        return;
    }
    res.status = 303;
    res.set_header("Location", "/office/connexion");
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The CSRF token as forms and headers carry it: 64 hex digits, nothing else.
std::optional<std::array<uint8_t, 32>> decode_hex_32(std::string_view text)
{
    std::array<uint8_t, 32> out {};
    size_t length = 0;
    const char* end = nullptr;
    if (text.size() != 64 || sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end) != 0
        || length != out.size() || end != text.data() + text.size())
        return std::nullopt;
    return out;
}

std::string url_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0
            && hex_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// The host[:port] of an origin ("https://hub.example:8443" → "hub.example:8443"); empty if malformed.
std::string_view origin_host(std::string_view origin)
{
    auto scheme = origin.find("://");
    if (scheme == std::string_view::npos)
        return {};
    auto host = origin.substr(scheme + 3);
    if (host.empty() || host.find('/') != std::string_view::npos)
        return {};
    return host;
}

// "name:8443" → "name", "[::1]:8443" → "[::1]"; unchanged without a port.
std::string_view without_port(std::string_view host)
{
    auto colon = host.rfind(':');
    if (colon == std::string_view::npos || host.find(']', colon) != std::string_view::npos)
        return host;
    if (host.front() != '[' && host.find(':') != colon)
        return host; // a bare IPv6 address, not a port
    auto port = host.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos)
        return host;
    return host.substr(0, colon);
}

}

bool scope_allows(const SessionView& session, std::string_view procedure)
{
    if (session.all_procedures)
        return true;
    return std::find(session.procedures.begin(), session.procedures.end(), procedure) != session.procedures.end();
}

Form parse_form(std::string_view body)
{
    Form form;
    while (!body.empty()) {
        auto amp = body.find('&');
        auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            form.emplace_back(url_decode(pair), std::string());
        else
            form.emplace_back(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    }
    return form;
}

std::optional<std::string> form_value(const Form& form, std::string_view name)
{
    for (auto& [key, value] : form)
        if (key == name)
            return value;
    return std::nullopt;
}

std::string session_cookie_name(const OfficeOptions& options)
{
    return options.secure_cookies ? "__Host-guichet_session" : "guichet_session";
}

std::string pre_session_cookie_name(const OfficeOptions& options)
{
    return options.secure_cookies ? "__Host-guichet_pre" : "guichet_pre";
}

std::optional<std::string> cookie_value(const httplib::Request& req, std::string_view name)
{
    auto count = req.get_header_value_count("Cookie");
    for (size_t i = 0; i < count; ++i) {
        std::string line = req.get_header_value("Cookie", i); // a copy: the view below must not dangle
        std::string_view header = line;
        while (!header.empty()) {
            auto semicolon = header.find(';');
            auto pair = header.substr(0, semicolon);
            header = semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
            while (!pair.empty() && pair.front() == ' ')
                pair.remove_prefix(1);
            auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name)
                return std::string(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
}

std::string cookie_header(const OfficeOptions& options, std::string_view name, std::string_view value, int64_t max_age_s)
{
    std::string out = std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict";
    if (options.secure_cookies)
        out += "; Secure";
    if (max_age_s >= 0)
        out += "; Max-Age=" + std::to_string(max_age_s);
    return out;
}

std::string random_cookie_secret()
{
    std::array<uint8_t, 32> bytes {};
    randombytes_buf(bytes.data(), bytes.size());
    char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes.data(), bytes.size());
    return text;
}

std::optional<std::array<uint8_t, 32>> decode_cookie_secret(std::string_view text)
{
    if (text.size() != 43)
        return std::nullopt;
    std::array<uint8_t, 32> bytes {};
    size_t length = 0;
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length, nullptr,
            sodium_base64_VARIANT_URLSAFE_NO_PADDING)
            != 0
        || length != bytes.size())
        return std::nullopt;
    return bytes;
}

void send_page(httplib::Response& res, const PageFrame& frame, std::string_view main_html, int status)
{
    res.status = status;
    res.set_content(page(frame, main_html), "text/html; charset=utf-8");
}

void send_json_error(httplib::Response& res, int status, std::string_view message)
{
    res.status = status;
    // Messages may quote what a client sent: invalid UTF-8 is replaced, never a reason to throw.
    res.set_content(nlohmann::json { { "error", message } }.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
        "application/json");
}

std::optional<SessionView> require_session(const httplib::Request& req, httplib::Response& res, OfficeContext& context, Need need)
{
    auto cookie = cookie_value(req, session_cookie_name(context.options));
    auto secret = cookie ? decode_cookie_secret(*cookie) : std::nullopt;
    if (!secret) {
        send_signed_out(req, res, context, cookie.has_value());
        return std::nullopt;
    }
    auto id_hash = rules::hash_of(std::span<const uint8_t>(*secret));
    sodium_memzero(secret->data(), secret->size());
    auto session = context.store.session(id_hash, context.clock.now_text(), context.options.session_idle_s);
    if (!session) {
        send_store_unavailable(req, res, "cannot read a session", session.error());
        return std::nullopt;
    }
    if (!*session) {
        send_signed_out(req, res, context, true);
        return std::nullopt;
    }
    note_agent((*session)->agent);
    if (need == Need::Supervisor && (*session)->role != AgentRole::Supervisor) {
        send_forbidden(req, res, &**session, "Cette page est réservée aux superviseurs.");
        return std::nullopt;
    }
    return std::move(*session);
}

bool same_origin(const httplib::Request& req)
{
    if (req.has_header("Sec-Fetch-Site") && req.get_header_value("Sec-Fetch-Site") != "same-origin")
        return false;
    if (req.has_header("Origin")) {
        auto origin = req.get_header_value("Origin");
        // Our pages' Referrer-Policy: no-referrer makes browsers send "Origin: null" with every POST
        // from them (the Fetch standard; seen in Chromium by the browser test). Such a POST is ours only
        // when the browser also says same-origin; with no Sec-Fetch-Site, "null" tells nothing: refused.
        if (origin == "null")
            return req.get_header_value("Sec-Fetch-Site") == "same-origin";
        auto host = origin_host(origin);
        auto expected = req.get_header_value("Host");
        // Behind a proxy that passes `Host $host` (nginx, image/nginx), Host has no port while Origin has
        // the proxy's non-default one: compare names only then. Same-site either way; the token decides.
        if (!expected.empty() && without_port(expected) == expected)
            host = without_port(host);
        if (host.empty() || host != expected)
            return false;
    }
    return true;
}

std::optional<OfficePost> accept_post(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
    OfficeContext& context, Need need)
{
    auto session = require_session(req, res, context, need);
    if (!session)
        return std::nullopt;
    auto refuse = [&](std::string_view detail) {
        audit_event(context, agent_actor(session->agent), "csrf-refused", req.path, detail);
        res.set_header("Connection", "close");
        send_forbidden(req, res, &*session, "La demande ne vient pas de cette page (jeton de sécurité absent ou périmé) : rechargez la page et recommencez.");
        return std::nullopt;
    };
    if (!same_origin(req))
        return refuse("origin");
    // The body policy (server.cpp, office_body_policy) already refused a body of another type or size;
    // this bound holds even if it was bypassed.
    OfficePost post;
    size_t limit = is_api(req) ? office_json_max_bytes : office_form_max_bytes;
    bool too_large = false;
    bool complete = reader([&](const char* data, size_t length) {
        if (post.body.size() + length > limit) {
            too_large = true;
            return false;
        }
        post.body.append(data, length);
        return true;
    });
    if (too_large || !complete) {
        res.set_header("Connection", "close");
        send_json_error(res, too_large ? 413 : 400, too_large ? "the body is too large" : "the body could not be read");
        return std::nullopt;
    }
    auto type = req.get_header_value("Content-Type");
    if (type.starts_with("application/x-www-form-urlencoded"))
        post.form = parse_form(post.body);
    std::optional<std::string> token;
    if (req.has_header("X-CSRF-Token"))
        token = req.get_header_value("X-CSRF-Token");
    else
        token = form_value(post.form, "_csrf");
    auto presented = token ? decode_hex_32(*token) : std::nullopt;
    if (!presented || sodium_memcmp(presented->data(), session->csrf.data(), 32) != 0)
        return refuse(token ? "token" : "no-token");
    post.session = std::move(*session);
    return post;
}

void send_forbidden(const httplib::Request& req, httplib::Response& res, const SessionView* session, std::string_view why)
{
    if (is_api(req)) {
        send_json_error(res, 403, why);
        return;
    }
    res.status = 403;
    res.set_content(page({ .title = "Accès refusé", .session = session },
                        R"(<h1>Accès refusé</h1><div class="fr-alert fr-alert--error fr-mb-4w"><p>)" + html_escape(why)
                            + R"(</p></div><p><a class="fr-link" href="/office/">Retour à l’accueil</a></p>)"),
        "text/html; charset=utf-8");
}

bool send_office_not_found(const httplib::Request& req, httplib::Response& res, OfficeContext& context)
{
    if (res.status != 404 || !(req.path.starts_with("/office/") || req.path == "/office") || is_api(req))
        return false;
    // A signed-in agent keeps the office's menu; the session is looked at, not required (no redirect).
    std::optional<SessionView> session;
    if (auto cookie = cookie_value(req, session_cookie_name(context.options)))
        if (auto secret = decode_cookie_secret(*cookie)) {
            auto id_hash = rules::hash_of(std::span<const uint8_t>(*secret));
            sodium_memzero(secret->data(), secret->size());
            if (auto found = context.store.session(id_hash, context.clock.now_text(), context.options.session_idle_s); found && *found)
                session = std::move(**found);
        }
    res.set_content(page({ .title = "Page introuvable", .session = session ? &*session : nullptr, .body_page = "introuvable" },
                        "<h1>Page introuvable</h1><p>Cette adresse ne correspond à aucune page de l’espace agents : elle a peut-être été "
                        "mal saisie, ou la page n’existe plus.</p><p><a class=\"fr-link\" href=\"/office/\">Aller à l’accueil de l’espace "
                        "agents</a></p>"),
        "text/html; charset=utf-8");
    return true;
}

void send_store_unavailable(const httplib::Request& req, httplib::Response& res, std::string_view what, const Error& error)
{
    std::cerr << "guichet-hub: " << what << ": " << error.message << std::endl;
    res.set_header("Retry-After", "1");
    if (is_api(req)) {
        send_json_error(res, 503, "le serveur ne peut pas lire sa base de données pour l’instant ; réessayez");
        return;
    }
    res.status = 503;
    res.set_content(page({ .title = "Service indisponible" },
                        R"(<h1>Service momentanément indisponible</h1><div class="fr-alert fr-alert--error"><p>)"
                        R"(Le serveur ne peut pas lire sa base de données pour l’instant. Réessayez dans quelques instants.</p></div>)"),
        "text/html; charset=utf-8");
}

void note_agent(std::string_view name) { t_agent = std::string(name); }
std::string noted_agent() { return t_agent; }
void clear_noted_agent() { t_agent.clear(); }

std::string agent_actor(std::string_view name) { return "agent:" + std::string(name); }

void audit_event(OfficeContext& context, std::string_view actor, std::string_view action, std::string_view target,
    std::string_view detail)
{
    AuditEvent event;
    event.at = context.clock.now_text();
    event.actor = std::string(actor);
    event.action = std::string(action);
    event.target = std::string(target);
    event.detail = std::string(detail);
    if (auto done = context.store.audit(event); !done)
        std::cerr << "guichet-hub: cannot write the audit log (" << action << "): " << done.error().message << std::endl;
}

}
