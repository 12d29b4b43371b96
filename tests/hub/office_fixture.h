// What the back office's tests against the real guichet-hub share: a database with agents, the hub's
// virtual clock (a test hook), signing in through the real form, and the checks every page passes.
#pragma once
#include "hub_fixture.h"

#include "sync/hub/office_html.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace guichet::test::office {

using guichet::sync::hub::url_encode;
using guichet::test::run_hub;
using guichet::test::TempDir;
using guichet::test::write_text;

inline constexpr const char* password = "correct horse battery staple";

// The test hooks (--clock-file, cheap Argon2id) for every hub these tests start.
struct TestHooks {
    TestHooks() { setenv("GUICHET_HUB_TEST_HOOKS", "1", 1); }
};

// A database with kiosk "k1" (which creates it) and the agents named, each with `password`.
struct Office {
    TestHooks hooks;
    TempDir dir;
    std::filesystem::path db = dir / "hub.db";
    std::filesystem::path clock = dir / "clock";

    explicit Office(std::vector<std::pair<std::string, std::string>> agents = { { "alice", "agent" } })
    {
        REQUIRE(run_hub(dir, { "enroll", "k1", "--db", db.string() }).exit_code == 0);
        for (auto& [name, role] : agents) {
            auto added = run_hub(dir, { "agent", "add", name, "--db", db.string(), "--role", role, "--procedures",
                                          role == "supervisor" ? "*" : "change-of-address", "--hash-cost", "test" },
                std::string(password) + "\n");
            INFO(added.err);
            REQUIRE(added.exit_code == 0);
        }
        set_clock("2026-12-01T10:00:00.000Z");
    }
    void set_clock(const std::string& time) { write_text(clock, time + "\n"); }
    std::vector<std::string> serve_args(std::vector<std::string> more = {}) const
    {
        std::vector<std::string> args { "--clock-file", clock.string(), "--agent-hash-cost", "test" };
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }
};

// The value of cookie `name` among the answer's Set-Cookie headers, and that header whole.
inline std::optional<std::pair<std::string, std::string>> set_cookie(const httplib::Result& res, const std::string& name)
{
    for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
        std::string header = res->get_header_value("Set-Cookie", i);
        if (header.starts_with(name + "=")) {
            auto value = header.substr(name.size() + 1);
            return std::pair { value.substr(0, value.find(';')), header };
        }
    }
    return std::nullopt;
}

inline std::string form(std::vector<std::pair<std::string, std::string>> fields)
{
    std::string out;
    for (auto& [key, value] : fields)
        out += (out.empty() ? "" : "&") + key + "=" + url_encode(value);
    return out;
}

struct SignIn {
    httplib::Result result;
    std::string session; // the session cookie's value, empty when refused
};

template<typename Client>
SignIn sign_in(Client& client, const std::string& name, const std::string& secret, const std::string& cookie_prefix = "")
{
    auto page = client.Get("/office/connexion");
    REQUIRE(page);
    REQUIRE(page->status == 200);
    auto pre = set_cookie(page, cookie_prefix + "guichet_pre");
    REQUIRE(pre);
    httplib::Headers headers { { "Cookie", cookie_prefix + "guichet_pre=" + pre->first } };
    auto res = client.Post("/office/connexion", headers, form({ { "_csrf", pre->first }, { "name", name }, { "password", secret } }),
        "application/x-www-form-urlencoded");
    REQUIRE(res);
    auto session = set_cookie(res, cookie_prefix + "guichet_session");
    return { std::move(res), session && !session->first.empty() ? session->first : "" };
}

inline httplib::Headers with_session(const std::string& session, httplib::Headers more = {})
{
    more.emplace("Cookie", "guichet_session=" + session);
    return more;
}

inline std::string csrf_of(const std::string& html)
{
    std::smatch match;
    REQUIRE(std::regex_search(html, match, std::regex(R"re(<meta name="csrf" content="([0-9a-f]{64})">)re")));
    return match[1];
}

inline void check_office_headers(const httplib::Result& res)
{
    CHECK(res->get_header_value("Content-Security-Policy")
        == "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
           "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(res->get_header_value("Referrer-Policy") == "no-referrer");
}

// What the CSP would block: style attributes, and scripts that are not files of our own.
inline void check_no_inline_code(const std::string& html)
{
    CHECK(html.find(" style=") == std::string::npos);
    CHECK(html.find("<style") == std::string::npos);
    std::regex script(R"(<script\b([^>]*)>)");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), script); it != std::sregex_iterator(); ++it) {
        std::string attributes = (*it)[1];
        INFO(attributes);
        CHECK(attributes.find(" src=\"/office/static/") != std::string::npos);
    }
    // An event handler attribute inside a tag (escaped text from kiosks may well contain " onerror=").
    CHECK(std::regex_search(html, std::regex(R"(<[^>]*\son[a-z]+=)")) == false);
}

}
