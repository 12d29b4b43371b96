// The back office's sign-in, sessions and security headers, against the real guichet-hub binary on
// 127.0.0.1: cookies, CSRF and origin checks, idle expiry and lockout on the hub's virtual clock
// (--clock-file, a test hook), disabled agents, the headers of every page, and the static files.
#include "hub_fixture.h"
#include "office_fixture.h"

#include "sync/clock_text.h"
#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_session.h"
#include "sync/hub/store.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>

using namespace guichet;
using namespace guichet::sync::hub;
using guichet::test::run_hub;
using guichet::test::ServedHub;
using guichet::test::TempDir;
using guichet::test::write_text;

using namespace guichet::test::office;

TEST_CASE("Office: signing in gives a session cookie that is HttpOnly and SameSite=Strict, and pages carry the security headers", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();

    auto sign_in_page = client.Get("/office/connexion");
    REQUIRE(sign_in_page);
    check_office_headers(sign_in_page);
    CHECK(sign_in_page->get_header_value("Cache-Control") == "no-store");
    check_no_inline_code(sign_in_page->body);
    CHECK(sign_in_page->body.find("<html lang=\"fr\">") != std::string::npos);

    // A mistyped address under /office/ gets a French page of the office; under /office/api/, JSON.
    auto unknown_page = client.Get("/office/nimportequoi");
    REQUIRE(unknown_page);
    CHECK(unknown_page->status == 404);
    CHECK(unknown_page->get_header_value("Content-Type").starts_with("text/html"));
    CHECK(unknown_page->body.find("<h1>Page introuvable</h1>") != std::string::npos);
    CHECK(unknown_page->body.find("Se déconnecter") == std::string::npos); // nobody signed in: no menu
    check_office_headers(unknown_page);
    auto unknown_api = client.Get("/office/api/nimportequoi");
    REQUIRE(unknown_api);
    CHECK(unknown_api->status == 404);
    CHECK(unknown_api->get_header_value("Content-Type") == "application/json");

    // Not signed in: pages send to the sign-in form.
    auto home = client.Get("/office/");
    REQUIRE(home);
    CHECK(home->status == 303);
    CHECK(home->get_header_value("Location") == "/office/connexion");

    auto signed_in = sign_in(client, "alice", password);
    CHECK(signed_in.result->status == 303);
    CHECK(signed_in.result->get_header_value("Location") == "/office/");
    REQUIRE(signed_in.session.size() == 43);
    auto cookie = set_cookie(signed_in.result, "guichet_session")->second;
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(cookie.find("Path=/") != std::string::npos);
    CHECK(cookie.find("Secure") == std::string::npos); // plain HTTP: a Secure cookie would never come back

    home = client.Get("/office/", with_session(signed_in.session));
    REQUIRE(home);
    CHECK(home->status == 303);
    CHECK(home->get_header_value("Location") == "/office/demandes");
    auto inbox = client.Get("/office/demandes", with_session(signed_in.session));
    REQUIRE(inbox);
    CHECK(inbox->status == 200);
    check_office_headers(inbox);
    // Signed in, a mistyped address keeps the office's menu, to go on from there.
    auto lost = client.Get("/office/nimportequoi", with_session(signed_in.session));
    REQUIRE(lost);
    CHECK(lost->status == 404);
    CHECK(lost->body.find("<h1>Page introuvable</h1>") != std::string::npos);
    CHECK(lost->body.find("Se déconnecter") != std::string::npos);
    CHECK(inbox->get_header_value("Cache-Control") == "no-store");
    check_no_inline_code(inbox->body);
    CHECK(inbox->body.find("Se déconnecter") != std::string::npos);
    CHECK(inbox->body.find(">alice<") != std::string::npos);
    CHECK(inbox->body.find("/office/journal") == std::string::npos); // supervisors only
    CHECK(csrf_of(inbox->body).size() == 64);

    // The log names the agent, never a query string.
    client.Get("/office/demandes?code=SECRETCODE", with_session(signed_in.session));
    hub.stop();
    auto log = hub.log();
    CHECK(log.find("GET /office/demandes 200 agent=alice") != std::string::npos);
    CHECK(log.find("SECRETCODE") == std::string::npos);
    CHECK(log.find(password) == std::string::npos);

    // Audited, with no secret.
    auto store = Store::open(office.db.string());
    REQUIRE(store);
    auto events = (*store)->audit_log(std::nullopt, 50, std::nullopt);
    REQUIRE(events);
    bool signed_in_event = false;
    for (auto& event : *events)
        signed_in_event = signed_in_event || (event.action == "sign-in" && event.actor == "agent:alice");
    CHECK(signed_in_event);
}

// Signing in gives a Secure, __Host- prefixed session cookie (and no plain one) that opens the office.
template<typename Client>
void check_host_session(Client& client)
{
    auto signed_in = sign_in(client, "alice", password, "__Host-");
    CHECK(signed_in.result->status == 303);
    REQUIRE_FALSE(signed_in.session.empty());
    auto cookie = set_cookie(signed_in.result, "__Host-guichet_session")->second;
    CHECK(cookie.find("; Secure") != std::string::npos);
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(cookie.find("Path=/") != std::string::npos);
    CHECK(cookie.find("Domain") == std::string::npos);
    CHECK_FALSE(set_cookie(signed_in.result, "guichet_session"));
    auto home = client.Get("/office/", { { "Cookie", "__Host-guichet_session=" + signed_in.session } });
    REQUIRE(home);
    CHECK(home->get_header_value("Location") == "/office/demandes");
}

TEST_CASE("Office: under TLS the session cookie is __Host- prefixed and Secure", "[hub][net][office]")
{
    Office office;
    auto cert = office.dir / "cert.pem", key = office.dir / "key.pem";
    auto command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost"
                   " -addext subjectAltName=IP:127.0.0.1 -keyout "
        + key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    ServedHub hub(office.dir, office.db, office.serve_args({ "--tls-cert", cert.string(), "--tls-key", key.string() }));
    httplib::SSLClient client("127.0.0.1", hub.port());
    client.set_ca_cert_path(cert.c_str());
    client.enable_server_certificate_verification(true);
    check_host_session(client);
}

TEST_CASE("Office: behind a TLS proxy (--public-url https://...) the plain-HTTP hub still sets __Host- Secure cookies", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args({ "--public-url", "https://guichet.mairie.example/" }));
    auto client = hub.client(); // the proxy's side: plain HTTP on 127.0.0.1
    check_host_session(client);
}

TEST_CASE("Office: an http:// public URL keeps the plain cookies", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args({ "--public-url", "http://guichet.lan" }));
    auto client = hub.client();
    auto signed_in = sign_in(client, "alice", password);
    REQUIRE_FALSE(signed_in.session.empty());
    auto cookie = set_cookie(signed_in.result, "guichet_session")->second;
    CHECK(cookie.find("Secure") == std::string::npos);
}

TEST_CASE("Office: a session ends after 30 idle minutes on the hub's clock", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto signed_in = sign_in(client, "alice", password);
    REQUIRE_FALSE(signed_in.session.empty());

    office.set_clock("2026-12-01T10:29:00.000Z");
    CHECK(client.Get("/office/demandes", with_session(signed_in.session))->status == 200);
    office.set_clock("2026-12-01T10:58:00.000Z"); // 29 min after the last request
    CHECK(client.Get("/office/demandes", with_session(signed_in.session))->status == 200);
    office.set_clock("2026-12-01T11:28:01.000Z"); // 30 min and a second
    auto expired = client.Get("/office/demandes", with_session(signed_in.session));
    REQUIRE(expired);
    CHECK(expired->status == 303);
    CHECK(expired->get_header_value("Location") == "/office/connexion");
    CHECK(set_cookie(expired, "guichet_session")->second.find("Max-Age=0") != std::string::npos);
}

TEST_CASE("Office: a POST without the CSRF token, with another's, or from another site is refused with 403", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto signed_in = sign_in(client, "alice", password);
    REQUIRE_FALSE(signed_in.session.empty());
    auto csrf = csrf_of(client.Get("/office/demandes", with_session(signed_in.session))->body);
    auto form_type = "application/x-www-form-urlencoded";

    auto missing = client.Post("/office/deconnexion", with_session(signed_in.session), "", form_type);
    REQUIRE(missing);
    CHECK(missing->status == 403);
    check_office_headers(missing);
    auto wrong = client.Post("/office/deconnexion", with_session(signed_in.session), "_csrf=" + std::string(64, '0'), form_type);
    CHECK(wrong->status == 403);
    auto cross_site = client.Post("/office/deconnexion", with_session(signed_in.session, { { "Origin", "https://evil.example" } }),
        "_csrf=" + csrf, form_type);
    CHECK(cross_site->status == 403);
    auto fetch_metadata = client.Post("/office/deconnexion", with_session(signed_in.session, { { "Sec-Fetch-Site", "cross-site" } }),
        "_csrf=" + csrf, form_type);
    CHECK(fetch_metadata->status == 403);
    // "Origin: null" is what browsers send from our no-referrer pages: ours only with Sec-Fetch-Site same-origin.
    auto null_origin = client.Post("/office/deconnexion", with_session(signed_in.session, { { "Origin", "null" } }), "_csrf=" + csrf, form_type);
    CHECK(null_origin->status == 403);
    auto null_cross_site = client.Post("/office/deconnexion",
        with_session(signed_in.session, { { "Origin", "null" }, { "Sec-Fetch-Site", "cross-site" } }), "_csrf=" + csrf, form_type);
    CHECK(null_cross_site->status == 403);
    CHECK(client.Get("/office/demandes", with_session(signed_in.session))->status == 200);

    // The header form of the token (fetch, X-CSRF-Token) works like the field.
    auto second = sign_in(client, "alice", password);
    auto second_csrf = csrf_of(client.Get("/office/demandes", with_session(second.session))->body);
    auto by_header = client.Post("/office/deconnexion", with_session(second.session, { { "X-CSRF-Token", second_csrf } }), "", form_type);
    CHECK(by_header->status == 303);
    CHECK(client.Get("/office/demandes", with_session(second.session))->status == 303);
    CHECK(client.Get("/office/demandes", with_session(signed_in.session))->status == 200);

    // Sign-in itself: a form without the pre-session token is refused too (login CSRF).
    auto no_pre = client.Post("/office/connexion", form({ { "name", "alice" }, { "password", password } }), form_type);
    REQUIRE(no_pre);
    CHECK(no_pre->status == 403);
    CHECK_FALSE(set_cookie(no_pre, "guichet_session"));

    // Bodies other than forms (or too large) never reach a handler.
    auto json = client.Post("/office/deconnexion", with_session(signed_in.session), "{}", "application/json");
    CHECK(json->status == 415);
    auto huge = client.Post("/office/connexion", std::string(17 * 1024, 'a'), form_type);
    CHECK(huge->status == 413);

    // With the token and from this site (as Chromium sends it from our pages): signed out, and the session is gone.
    auto out = client.Post("/office/deconnexion",
        with_session(signed_in.session, { { "Origin", "null" }, { "Sec-Fetch-Site", "same-origin" } }), "_csrf=" + csrf, form_type);
    REQUIRE(out);
    CHECK(out->status == 303);
    CHECK(out->get_header_value("Clear-Site-Data") == R"("cookies", "storage")");
    CHECK(client.Get("/office/demandes", with_session(signed_in.session))->status == 303);

    auto store = Store::open(office.db.string());
    auto events = (*store)->audit_log(std::nullopt, 50, std::string("/office/deconnexion"));
    REQUIRE(events);
    CHECK(events->size() == 6);
    for (auto& event : *events)
        CHECK(event.action == "csrf-refused");
}

TEST_CASE("Office: ten wrong passwords lock the account; waits and the lockout are kept by the database", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto refused_text = "Identifiant ou mot de passe incorrect";

    // Each failure earns a wait (1, 2, 4 … 256 s); the clock moves past it before the next try.
    int64_t clock_s = 0;
    auto at = [](int64_t seconds) {
        auto base = guichet::sync::parse_rfc3339("2026-12-01T10:00:00.000Z");
        return guichet::sync::format_rfc3339(*base + std::chrono::seconds(seconds));
    };
    for (int failure = 1; failure <= 10; ++failure) {
        auto wrong = sign_in(client, "alice", "not the password at all");
        CHECK(wrong.result->status == 200);
        CHECK(wrong.result->body.find(refused_text) != std::string::npos);
        CHECK(wrong.session.empty());
        if (failure < 10)
            clock_s += (int64_t { 1 } << (failure - 1)) + 1;
        office.set_clock(at(clock_s));
    }
    // Locked for 15 minutes: the right password is refused, with the same words.
    auto locked = sign_in(client, "alice", password);
    CHECK(locked.session.empty());
    CHECK(locked.result->body.find(refused_text) != std::string::npos);
    office.set_clock(at(clock_s + 899));
    CHECK(sign_in(client, "alice", password).session.empty());
    auto agents = (*Store::open(office.db.string()))->list_agents();
    CHECK(agents->at(0).failures == 10); // tries during the lockout are not checked, so not counted

    office.set_clock(at(clock_s + 901));
    auto unlocked = sign_in(client, "alice", password);
    CHECK_FALSE(unlocked.session.empty());
    agents = (*Store::open(office.db.string()))->list_agents();
    CHECK(agents->at(0).failures == 0);

    // An unknown name gets the same answer as a wrong password.
    auto unknown = sign_in(client, "nobody", password);
    CHECK(unknown.session.empty());
    CHECK(unknown.result->status == 200);
    CHECK(unknown.result->body.find(refused_text) != std::string::npos);
}

TEST_CASE("Office: one client address gets 20 sign-in attempts at once, whatever the names, then 429 with Retry-After", "[hub][net][office]")
{
    Office office;
    auto refused_text = "Identifiant ou mot de passe incorrect";
    {
        ServedHub hub(office.dir, office.db, office.serve_args());
        auto client = hub.client();
        // A guesser spreads tries over names, which the per-name waits do not see.
        for (int attempt = 0; attempt < 20; ++attempt) {
            auto tried = sign_in(client, "name-" + std::to_string(attempt), "a guessed password");
            REQUIRE(tried.result);
            CHECK(tried.result->status == 200);
            CHECK(tried.result->body.find(refused_text) != std::string::npos);
        }
        auto throttled = sign_in(client, "alice", password);
        REQUIRE(throttled.result);
        CHECK(throttled.result->status == 429);
        CHECK(throttled.session.empty());
        CHECK(std::stoi(throttled.result->get_header_value("Retry-After")) >= 1);
        CHECK(throttled.result->body.find("Trop d’essais de connexion depuis ce poste") != std::string::npos);
    }
    // Behind a proxy that limits sign-ins, the hub does not count the proxy's address.
    ServedHub hub(office.dir, office.db, office.serve_args({ "--sign-in-limit", "off" }));
    auto client = hub.client();
    for (int attempt = 0; attempt < 21; ++attempt)
        CHECK(sign_in(client, "name-" + std::to_string(attempt), "a guessed password").result->status == 200);
    CHECK_FALSE(sign_in(client, "alice", password).session.empty());
    CHECK(run_hub(office.dir, { "serve", "--db", office.db.string(), "--listen", "127.0.0.1:0", "--sign-in-limit", "sometimes" }).exit_code == 2);
}

TEST_CASE("Office: a disabled agent cannot sign in and loses its sessions; reset enables it again", "[hub][net][office]")
{
    Office office({ { "alice", "agent" }, { "boss", "supervisor" } });
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    auto alice = sign_in(client, "alice", password);
    REQUIRE_FALSE(alice.session.empty());
    auto boss = sign_in(client, "boss", password);
    REQUIRE_FALSE(boss.session.empty());
    auto boss_page = client.Get("/office/demandes", with_session(boss.session));
    CHECK(boss_page->body.find("/office/journal") != std::string::npos); // supervisors see their pages

    REQUIRE(run_hub(office.dir, { "agent", "disable", "alice", "--db", office.db.string() }).exit_code == 0);
    CHECK(client.Get("/office/demandes", with_session(alice.session))->status == 303);
    auto refused = sign_in(client, "alice", password);
    CHECK(refused.session.empty());
    CHECK(refused.result->body.find("Identifiant ou mot de passe incorrect") != std::string::npos);
    CHECK(client.Get("/office/demandes", with_session(boss.session))->status == 200);

    auto reset = run_hub(office.dir, { "agent", "reset", "alice", "--db", office.db.string(), "--generate", "--hash-cost", "test" });
    INFO(reset.err);
    REQUIRE(reset.exit_code == 0);
    auto generated = reset.out.substr(0, reset.out.find('\n'));
    CHECK(generated.size() == 16);
    CHECK(sign_in(client, "alice", password).session.empty());
    office.set_clock("2026-12-01T10:00:02.000Z"); // past the wait the old password earned
    CHECK_FALSE(sign_in(client, "alice", generated).session.empty());

    auto listed = run_hub(office.dir, { "agent", "list", "--db", office.db.string(), "--json" });
    CHECK(listed.exit_code == 0);
    CHECK(listed.out.find(R"("name":"alice")") != std::string::npos);
    CHECK(listed.out.find(R"("state":"active")") != std::string::npos);
    auto events = (*Store::open(office.db.string()))->audit_log(std::nullopt, 100, std::nullopt);
    int cli_events = 0;
    for (auto& event : *events)
        cli_events += event.actor == "cli";
    CHECK(cli_events == 5); // add, add, disable, reset, list
}

TEST_CASE("Office: agent add refuses a second agent of that name, short passwords, and test costs without the hook", "[hub][office]")
{
    Office office;
    auto db = office.db.string();
    auto twice = run_hub(office.dir, { "agent", "add", "alice", "--db", db, "--procedures", "x", "--hash-cost", "test" }, "another long password\n");
    CHECK(twice.exit_code == 1);
    CHECK(twice.err.find("already exists") != std::string::npos);
    auto short_one = run_hub(office.dir, { "agent", "add", "bob", "--db", db, "--procedures", "x", "--hash-cost", "test" }, "short\n");
    CHECK(short_one.exit_code == 1);
    CHECK(short_one.err.find("12 characters") != std::string::npos);
    auto no_scope = run_hub(office.dir, { "agent", "add", "bob", "--db", db }, "a long enough password\n");
    CHECK(no_scope.exit_code == 2);
    auto bad_role = run_hub(office.dir, { "agent", "add", "bob", "--db", db, "--procedures", "*", "--role", "admin" }, "a long enough password\n");
    CHECK(bad_role.exit_code == 2);
    unsetenv("GUICHET_HUB_TEST_HOOKS");
    auto hook = run_hub(office.dir, { "agent", "add", "bob", "--db", db, "--procedures", "x", "--hash-cost", "test" }, "a long enough password\n");
    CHECK(hook.exit_code == 2);
    auto clock = run_hub(office.dir, { "serve", "--db", db, "--listen", "127.0.0.1:0", "--clock-file", office.clock.string() });
    CHECK(clock.exit_code == 2);
    CHECK(clock.err.find("GUICHET_HUB_TEST_HOOKS") != std::string::npos);
    setenv("GUICHET_HUB_TEST_HOOKS", "1", 1);
    auto missing_assets = run_hub(office.dir, { "serve", "--db", db, "--listen", "127.0.0.1:0", "--office-assets", (office.dir / "none").string() });
    CHECK(missing_assets.exit_code == 1);
    CHECK(missing_assets.err.find("--office-assets") != std::string::npos);
}

TEST_CASE("Office: static files are served from memory with their types, ETags and cache lifetimes", "[hub][net][office]")
{
    Office office;
    ServedHub hub(office.dir, office.db, office.serve_args());
    auto client = hub.client();
    struct Expected {
        std::string path, type;
        bool immutable;
    };
    for (auto& [path, type, immutable] : std::vector<Expected> {
             { "dsfr-1.15.3/dsfr.min.css", "text/css; charset=utf-8", true },
             { "dsfr-1.15.3/dsfr.module.min.js", "text/javascript; charset=utf-8", true },
             { "dsfr-1.15.3/fonts/Marianne-Regular.woff2", "font/woff2", true },
             { "dsfr-1.15.3/icons/system/close-line.svg", "image/svg+xml", true },
             { "dsfr-1.15.3/favicon/favicon.ico", "image/x-icon", true },
             { "libsodium-0.8.4/libsodium-sumo.js", "text/javascript; charset=utf-8", true },
             { "libsodium-0.8.4/libsodium-wrappers.js", "text/javascript; charset=utf-8", true },
             { "office.css", "text/css; charset=utf-8", false },
             { "app/office.js", "text/javascript; charset=utf-8", false },
         }) {
        INFO(path);
        auto res = client.Get("/office/static/" + path);
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->get_header_value("Content-Type") == type);
        CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
        CHECK(res->get_header_value("Cache-Control") == (immutable ? "public, max-age=31536000, immutable" : "no-cache"));
        auto etag = res->get_header_value("ETag");
        REQUIRE(etag.size() == 34);
        auto again = client.Get("/office/static/" + path, { { "If-None-Match", etag } });
        CHECK(again->status == 304);
        CHECK(again->body.empty());
    }
    for (auto path : { "/office/static/nothing.css", "/office/static/../office.css", "/office/static/dsfr-1.15.3/dsfr.css",
             "/office/static/dsfr-1.15.3/utility/icons/icons.min.css" }) {
        INFO(path);
        auto res = client.Get(path);
        REQUIRE(res);
        CHECK(res->status == 404);
    }
}

TEST_CASE("Office: same_origin accepts this site's Origin, with a proxy's port, and refuses others", "[hub][office]")
{
    auto request = [](std::string host, std::string origin, std::string fetch_site = {}) {
        httplib::Request req;
        req.headers.emplace("Host", host);
        if (!origin.empty())
            req.headers.emplace("Origin", origin);
        if (!fetch_site.empty())
            req.headers.emplace("Sec-Fetch-Site", fetch_site);
        return req;
    };
    CHECK(same_origin(request("127.0.0.1:8080", "")));
    CHECK(same_origin(request("127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin")));
    CHECK(same_origin(request("hub.example.org", "https://hub.example.org:8443")));
    CHECK(same_origin(request("hub.example.org", "https://hub.example.org")));
    CHECK_FALSE(same_origin(request("127.0.0.1:8080", "http://127.0.0.1:9090")));
    CHECK_FALSE(same_origin(request("hub.example.org", "https://evil.example:8443")));
    CHECK_FALSE(same_origin(request("hub.example.org", "null")));
    // What Chromium sends with a form's POST under Referrer-Policy: no-referrer (bench_office_browser.py).
    CHECK(same_origin(request("127.0.0.1:8080", "null", "same-origin")));
    CHECK_FALSE(same_origin(request("127.0.0.1:8080", "null", "cross-site")));
    CHECK_FALSE(same_origin(request("hub.example.org", "", "same-site")));
    CHECK_FALSE(same_origin(request("hub.example.org", "", "none")));
}

TEST_CASE("Office: forms decode, and escaping leaves no markup from foreign text", "[hub][office]")
{
    auto form = parse_form("_csrf=ab&name=al%C3%A9+x&empty=&flag&name=second");
    CHECK(form_value(form, "name") == "alé x");
    CHECK(form_value(form, "empty") == "");
    CHECK(form_value(form, "flag") == "");
    CHECK_FALSE(form_value(form, "missing"));
    CHECK(html_escape("<script>\"'&\x1b") == "&lt;script&gt;&quot;&#39;&amp; ");
    CHECK(url_encode("a b/é?&=") == "a%20b%2F%C3%A9%3F%26%3D");

    SessionView session;
    session.agent = "<img src=x onerror=alert(1)>";
    session.role = AgentRole::Supervisor;
    auto html = page({ .title = "<T>", .session = &session, .active = Nav::Journal, .body_page = "x\" onload=\"y" }, "<h1>H</h1>");
    CHECK(html.find("<img src=x") == std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find("<title>&lt;T&gt; — Guichet, espace agents</title>") != std::string::npos);
    CHECK(html.find("onload") == std::string::npos); // a body_page that is not [a-z-] is dropped
    CHECK(html.find(R"(href="/office/journal" aria-current="page")") != std::string::npos);
    CHECK(html.find(R"(name="_csrf")") != std::string::npos);
    check_no_inline_code(html);
}
