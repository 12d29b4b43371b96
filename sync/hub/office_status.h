// The public status page `GET /suivi/{code}` (issue 17, plan §5): a citizen (or anyone holding the
// receipt) reads the state of a submission, and nothing else: never the procedure, the kiosk, dates or
// the agent's message. Malformed, unknown and forgotten codes get the same 404, so the page tells a
// stranger nothing about which codes exist beyond what it answers for a valid one; a per-address rate
// limit makes guessing slow.
#pragma once
#include "sync/hub/office_types.h"
#include "sync/hub/rate_limit.h"
#include "sync/hub/store.h"

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace guichet::sync::hub {

// What the page says for a state, in French.
std::string_view status_sentence(CaseState state);
inline constexpr std::string_view status_not_found = "Aucune démarche ne correspond à ce code.";

// The whole HTML page: one h1, the sentence, no script, no style attribute. In its own function so the
// back office's layout can take it over later.
std::string render_status_page(std::string_view sentence);

// The Content-Security-Policy of the page: nothing but itself and the office's stylesheet, fonts and
// images (DSFR draws the State's logo from data: images).
inline constexpr std::string_view status_page_policy
    = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

// The log line's path: "/suivi/..." never shows the code.
std::string loggable_path(std::string_view path);

// Who limits /suivi's rate: each hub per client address, or (behind a proxy, whose address every request
// has) nobody here, the proxy doing it (docs/hub-operations.md).
enum class StatusLimit { PerAddress, Off };
Result<StatusLimit> parse_status_limit(std::string_view text);

struct StatusRoutes {
    Store& store;
    RateLimiter* limiter; // nullptr: StatusLimit::Off
    int retry_after_s = 1; // for 503 when the store fails
    std::function<void(const std::string&)> log;
};
void install_status_routes(httplib::Server& http, StatusRoutes routes);

}
