// The back office under /office/ (issue 17): its options, the context every office handler receives,
// and the installers of its routes. server.cpp calls install_office_routes once; each area adds its own
// installer in its own file and one line in install_office_routes (office_routes.cpp).
//
// Every answer under /office/ gets, from a post-routing handler installed here (handlers need not set
// them): the Content-Security-Policy below, X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer,
// Cross-Origin-Opener-Policy and -Resource-Policy same-origin, and Cache-Control: no-store unless the
// handler set a Cache-Control itself (static files do).
//
// Bodies (server.cpp's body policy, office_body_policy below): a POST under /office/ may carry
// application/x-www-form-urlencoded up to 16 KiB, or under /office/api/ application/json up to 64 KiB,
// with a Content-Length (no chunked bodies). Handlers read it with accept_post (office_session.h).
#pragma once
#include "sync/hub/gate.h"
#include "sync/hub/hub_clock.h"
#include "sync/hub/store.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace guichet::sync::hub {

inline constexpr std::string_view office_csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
                                               "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; form-action 'self'; "
                                               "frame-ancestors 'none'; base-uri 'none'";
inline constexpr size_t office_form_max_bytes = 16 * 1024;
inline constexpr size_t office_json_max_bytes = 64 * 1024;

// The Argon2id cost of agents' password hashes: libsodium's "interactive" (2 passes over 64 MiB), as for
// the kiosk's staff PINs; Test (1 pass, 8 MiB) only with GUICHET_HUB_TEST_HOOKS=1, so tests sign in fast.
enum class HashCostLevel { Interactive, Test };
struct AgentHashCost {
    unsigned long long opslimit;
    size_t memlimit;
};
AgentHashCost agent_hash_cost(HashCostLevel);

// Where the hub finds its office assets when --office-assets is not given: the build tree's copy for a
// hub run from the build tree (tests), else the installed copy.
std::filesystem::path default_office_assets_dir();

class ProcedureCatalog; // procedure_catalog.h

struct OfficeOptions {
    std::filesystem::path assets_dir = default_office_assets_dir(); // serve --office-assets
    int64_t session_idle_s = 30 * 60;  // serve --session-idle
    int64_t session_max_s = 12 * 3600; // absolute end of a session
    // The session cookie is Secure and named __Host-guichet_session under TLS (or behind a TLS proxy:
    // --public-url https://…); guichet_session on plain HTTP, where browsers refuse both.
    bool secure_cookies = false;
    // serve --sign-in-limit: sign-in attempts from one client address, whatever the names tried, are
    // limited (sign_in_rate); off behind a proxy, whose address every request has and which limits them.
    bool sign_in_per_address = true;
    HashCostLevel hash_cost = HashCostLevel::Interactive; // of the dummy hash unknown names are checked against
    int64_t stale_after_s = 3600;                        // serve --stale-after: the fleet page marks kiosks silent longer
    // The procedures of serve --procedures and --packs (procedure_catalog.h), loaded once at start: the
    // French labels of opened answers; null when the hub was given neither.
    std::shared_ptr<const ProcedureCatalog> procedures;
};

class OfficeAssets;   // office_assets.h: the static files, in memory
class SignInLimiter;  // office_session.cpp: at most 2 concurrent Argon2id verifications

// What every office handler receives. Lives as long as the server; safe to share between worker threads.
struct OfficeContext {
    Store& store;
    const OfficeOptions& options;
    HubClock clock;
    std::shared_ptr<const OfficeAssets> assets;
    std::shared_ptr<SignInLimiter> sign_in;
    // The procedures' labels (OfficeOptions::procedures); null without --procedures and --packs, when the
    // labels come only from the definitions the store remembers.
    std::shared_ptr<const ProcedureCatalog> procedures;
};

// The French title of a procedure (its highest known version in the catalog), else its id.
std::string procedure_title(const OfficeContext& context, std::string_view id);

// Builds the context: loads the assets directory into memory (a clear error when it is missing: build
// the hub, or install guichet-hub's package), the dummy hash; `clock` is the server's (hub_clock.h).
Result<std::unique_ptr<OfficeContext>> make_office_context(Store& store, const OfficeOptions& options, HubClock clock);

// Installs every /office/ route and the post-routing handler that sets the headers above.
void install_office_routes(GatedServer& http, OfficeContext& context);

// Each area's installer (one file each).
void install_auth_routes(GatedServer& http, OfficeContext& context);   // office_auth.cpp
void install_static_routes(GatedServer& http, OfficeContext& context); // office_assets.cpp
void install_supervisor_routes(GatedServer& http, OfficeContext& context); // office_supervisor.cpp
void install_case_routes(GatedServer& http, OfficeContext& context); // office_cases.cpp: inbox, case pages, key, export, API

// Whether a Content-Type header names `expected` (lower case), whatever its parameters and letter case:
// "Application/JSON; charset=utf-8" is application/json.
bool media_type_is(std::string_view content_type, std::string_view expected);

// The body policy for paths under /office/: nullopt when the request may go on (its body, if any, is of
// an allowed type and size), else the status to refuse it with (413, 415, 411, 404) and a message.
struct BodyRefusal {
    int status;
    std::string message;
};
std::optional<BodyRefusal> office_body_policy(std::string_view method, std::string_view path, std::string_view content_type,
    std::optional<size_t> content_length, bool chunked);

}
