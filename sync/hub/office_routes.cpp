// The back office's wiring: its context, the headers of every /office/ answer, the body policy, and the
// list of route installers (office_routes.h).
#include "sync/hub/office_routes.h"

#include "sync/hub/office_assets.h"
#include "sync/hub/office_session.h"

#include <sodium.h>

namespace guichet::sync::hub {

class SignInLimiter;
std::shared_ptr<SignInLimiter> make_sign_in_limiter(HashCostLevel cost, bool per_address); // office_auth.cpp

AgentHashCost agent_hash_cost(HashCostLevel level)
{
    if (level == HashCostLevel::Test)
        return { 1, 8 * 1024 * 1024 };
    return { crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE };
}

std::filesystem::path default_office_assets_dir()
{
    // A hub started from the build tree serves the build's copy, so tests need no option; an installed
    // hub serves the package's.
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    std::string_view build_dir = GUICHET_BUILD_DIR;
    if (!error && self.string().starts_with(std::string(build_dir) + "/"))
        return std::filesystem::path(build_dir) / "office-assets";
    return "/usr/share/guichet-hub/office";
}

Result<std::unique_ptr<OfficeContext>> make_office_context(Store& store, const OfficeOptions& options, HubClock clock)
{
    auto assets = OfficeAssets::load(options.assets_dir);
    if (!assets)
        return std::unexpected(assets.error());
    if (options.hash_cost == HashCostLevel::Test && !test_hooks_enabled())
        return fail("the test hash cost is a test hook: it is refused unless the environment has GUICHET_HUB_TEST_HOOKS=1");
    auto limiter = make_sign_in_limiter(options.hash_cost, options.sign_in_per_address);
    if (!limiter)
        return fail("cannot prepare the sign-in check (out of memory for Argon2id?)");
    return std::unique_ptr<OfficeContext>(new OfficeContext { store, options, clock,
        std::make_shared<const OfficeAssets>(std::move(*assets)), std::move(limiter), options.procedures });
}

bool media_type_is(std::string_view content_type, std::string_view expected)
{
    auto type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
        type.remove_suffix(1);
    return type.size() == expected.size()
        && std::equal(type.begin(), type.end(), expected.begin(),
            [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::optional<BodyRefusal> office_body_policy(std::string_view method, std::string_view path, std::string_view content_type,
    std::optional<size_t> content_length, bool chunked)
{
    bool has_body = chunked || (content_length && *content_length > 0);
    if (method != "POST") {
        if (has_body)
            return BodyRefusal { 400, "this request takes no body" };
        return std::nullopt;
    }
    auto is = [&](std::string_view expected) { return media_type_is(content_type, expected); };
    if (!has_body)
        return std::nullopt; // e.g. sign-out by fetch with no body: the CSRF header still decides
    if (chunked || !content_length)
        return BodyRefusal { 411, "a body under /office/ needs a Content-Length" };
    bool api = path.starts_with("/office/api/");
    if (api && is("application/json")) {
        if (*content_length > office_json_max_bytes)
            return BodyRefusal { 413, "the body is larger than " + std::to_string(office_json_max_bytes) + " bytes" };
        return std::nullopt;
    }
    if (is("application/x-www-form-urlencoded")) {
        if (*content_length > office_form_max_bytes)
            return BodyRefusal { 413, "the form is larger than " + std::to_string(office_form_max_bytes) + " bytes" };
        return std::nullopt;
    }
    return BodyRefusal { 415,
        api ? "the body must be application/json or application/x-www-form-urlencoded" : "the body must be application/x-www-form-urlencoded" };
}

void install_office_routes(GatedServer& http, OfficeContext& context)
{
    // Headers every office answer carries, whichever handler (or httplib itself) made it.
    http.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!req.path.starts_with("/office/") && req.path != "/office")
            return;
        res.set_header("Content-Security-Policy", std::string(office_csp));
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Referrer-Policy", "no-referrer");
        res.set_header("Cross-Origin-Opener-Policy", "same-origin");
        res.set_header("Cross-Origin-Resource-Policy", "same-origin");
        if (!res.has_header("Cache-Control"))
            res.set_header("Cache-Control", "no-store");
    });
    install_static_routes(http, context);
    install_auth_routes(http, context);
    // Other areas' installers go here, one line each.
    install_supervisor_routes(http, context);
    install_case_routes(http, context);
}

}
