// Agents' sessions in the back office: who is signed in, what they may see, and the checks every POST
// passes (same origin, CSRF token). Sessions live in the store (any hub instance serves any agent); the
// cookie holds 32 random bytes, the store only their BLAKE2b hash.
//
// How another area's handlers use it:
//     http.Get("/office/demandes", [&ctx](const httplib::Request& req, httplib::Response& res) {
//         auto session = require_session(req, res, ctx, Need::Agent);
//         if (!session) return;                              // the answer (303, 401, 403, 503) is sent
//         if (!scope_allows(*session, procedure)) { send_forbidden(req, res, *session); return; }
//         ...
//     });
//     http.Post("/office/demandes/([0-9a-f-]{36})/etat",
//         [&ctx](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
//         auto post = accept_post(req, res, reader, ctx, Need::Agent);
//         if (!post) return;                                 // 303/401/403/413 sent; CSRF already checked
//         auto state = form_value(post->form, "etat");
//         ...
//     });
#pragma once
#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_types.h"

#include <httplib.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::sync::hub {

enum class Need { Agent, Supervisor };

// The signed-in agent, or nullopt once the answer is sent: pages get 303 to /office/connexion (no
// session, expired, agent disabled), JSON under /office/api/ gets 401; an agent where a supervisor is
// needed gets 403; the store down gets 503. Notes the agent's name for the log line.
std::optional<SessionView> require_session(const httplib::Request& req, httplib::Response& res, OfficeContext& context, Need need);

// Whether the agent may see submissions of `procedure` ('*' agents see all).
bool scope_allows(const SessionView& session, std::string_view procedure);

// A decoded application/x-www-form-urlencoded body, in order (names may repeat).
using Form = std::vector<std::pair<std::string, std::string>>;
Form parse_form(std::string_view body);
std::optional<std::string> form_value(const Form& form, std::string_view name); // the first with that name

// A POST that passed every check.
struct OfficePost {
    SessionView session;
    std::string body; // as sent (JSON under /office/api/)
    Form form;        // parsed when the body is a form
};
// For every state-changing request: the session (as require_session), the origin (Origin or
// Sec-Fetch-Site, when the browser sends them, must be this site), the body read within the body policy,
// and the CSRF token (the form's _csrf field, or the X-CSRF-Token header for fetch) compared in constant
// time with the session's. A failure answers 403 (audited csrf-refused) and returns nullopt.
std::optional<OfficePost> accept_post(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
    OfficeContext& context, Need need);

// Whether Origin / Sec-Fetch-Site (when present) say the request comes from this site.
bool same_origin(const httplib::Request& req);

// A whole page of the layout (office_html.h) with `status`.
void send_page(httplib::Response& res, const PageFrame& frame, std::string_view main_html, int status = 200);

// {"error": message} with `status`, for /office/api/.
void send_json_error(httplib::Response& res, int status, std::string_view message);

// Answers 403 with a French page (or JSON under /office/api/).
void send_forbidden(const httplib::Request& req, httplib::Response& res, const SessionView* session, std::string_view why);
// Answers 503 + Retry-After when the store failed, logging `what` (never shown to the agent).
void send_store_unavailable(const httplib::Request& req, httplib::Response& res, std::string_view what, const Error& error);
// httplib's own 404 under /office/ (a mistyped or stale address, not /office/api/): a French page of the
// office's layout instead of the protocol's JSON error. False for other paths and statuses.
bool send_office_not_found(const httplib::Request& req, httplib::Response& res, OfficeContext& context);

// The agent a handler served, for the request's log line (server.cpp prints agent=NAME for office paths).
void note_agent(std::string_view name);
std::string noted_agent();
void clear_noted_agent();

// The audit log's actor for an agent: "agent:NAME".
std::string agent_actor(std::string_view name);
// Writes an audit event at the context's now; a failure is logged, not fatal to the request.
void audit_event(OfficeContext& context, std::string_view actor, std::string_view action, std::string_view target,
    std::string_view detail = {});

// ---- For the sign-in and sign-out routes (office_auth.cpp).

// "__Host-guichet_session" with secure cookies, else "guichet_session"; the pre-session cookie of the
// sign-in form likewise ("__Host-guichet_pre" / "guichet_pre").
std::string session_cookie_name(const OfficeOptions& options);
std::string pre_session_cookie_name(const OfficeOptions& options);
// The value of the cookie `name` in the request's Cookie header(s).
std::optional<std::string> cookie_value(const httplib::Request& req, std::string_view name);
// A Set-Cookie value: HttpOnly; SameSite=Strict; Path=/ (+ Secure with secure cookies); max_age_s < 0 for
// a cookie that ends with the browser session, 0 to delete it.
std::string cookie_header(const OfficeOptions& options, std::string_view name, std::string_view value, int64_t max_age_s);
// 32 random bytes as URL-safe base64 without padding, and back (nullopt for anything else).
std::string random_cookie_secret();
std::optional<std::array<uint8_t, 32>> decode_cookie_secret(std::string_view text);

}
