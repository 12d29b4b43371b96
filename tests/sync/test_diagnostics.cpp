// The network diagnostics against a real guichet-hub on 127.0.0.1: every step passes; each kind of
// failure (no such name, nothing listening, a certificate the pinned CA did not sign, a refused or
// another kiosk's token) stops at its own step and leaves the rest "not tried".
#include "enrolled_kiosk.h"

#include "sync/diagnostics.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace guichet;
using namespace guichet::sync;

namespace {

DiagnosticsRequest request_for(const std::string& url, const std::string& token, std::string ca_file = {})
{
    DiagnosticsRequest request;
    request.link.hub_url = url;
    request.link.token = token;
    request.link.ca_file = std::move(ca_file);
    request.link.connect_timeout_s = 3;
    request.kiosk = "mairie-01";
    return request;
}

std::string http_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

std::vector<StepResult> results(const std::vector<DiagnosticStep>& steps)
{
    std::vector<StepResult> all;
    for (auto& step : steps)
        all.push_back(step.result);
    return all;
}

constexpr auto Ok = StepResult::Ok;
constexpr auto Failed = StepResult::Failed;
constexpr auto NotTried = StepResult::NotTried;
constexpr auto NotNeeded = StepResult::NotNeeded;

// A self-signed certificate for 127.0.0.1, which is its own CA; false when openssl fails or is missing.
bool make_certificate(const std::filesystem::path& cert, const std::filesystem::path& key)
{
    auto command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost"
                   " -addext subjectAltName=IP:127.0.0.1 -keyout "
        + key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

}

TEST_CASE("diagnostics pass every step against a running hub, in order, as they end", "[net][diagnostics]")
{
    test::EnrolledKiosk kiosk;
    test::ServedHub hub(kiosk.dir, kiosk.hub_db);
    std::vector<DiagnosticStepId> seen;
    auto steps = run_diagnostics(request_for(http_url(hub.port()), kiosk.token), [&](const DiagnosticStep& step) { seen.push_back(step.id); });
    CHECK(results(steps) == std::vector { Ok, Ok, NotNeeded, Ok, Ok });
    CHECK(seen == std::vector { DiagnosticStepId::Dns, DiagnosticStepId::Tcp, DiagnosticStepId::Tls, DiagnosticStepId::Health,
                      DiagnosticStepId::Token });
    CHECK(diagnostics_passed(steps));
    CHECK_THAT(steps[0].detail, Catch::Contains("127.0.0.1 is an address"));
    CHECK_THAT(steps[1].detail, Catch::Contains("connected to 127.0.0.1:" + std::to_string(hub.port())));
    CHECK_THAT(steps[2].detail, Catch::Contains("http://"));
    CHECK_THAT(steps[3].detail, Catch::Contains("the hub answers (guichet-hub"));
    CHECK_THAT(steps[3].detail, Catch::Contains("agree"));
    CHECK_THAT(steps[4].detail, Catch::Contains("kiosk 'mairie-01'"));
    CHECK(steps[1].elapsed.count() > 0);
}

TEST_CASE("diagnostics stop at the TCP step when nothing listens", "[net][diagnostics]")
{
    test::EnrolledKiosk kiosk;
    int port = 0;
    {
        test::ServedHub gone(kiosk.dir, kiosk.hub_db);
        port = gone.port();
    }
    auto steps = run_diagnostics(request_for(http_url(port), kiosk.token));
    CHECK(results(steps) == std::vector { Ok, Failed, NotTried, NotTried, NotTried });
    CHECK_FALSE(diagnostics_passed(steps));
    CHECK_THAT(steps[1].detail, Catch::Contains("refused the connection"));
    CHECK_THAT(steps[1].detail, Catch::Contains("is guichet-hub running?"));
    CHECK(steps[4].detail == "step 2 failed");
}

TEST_CASE("diagnostics stop at the name lookup for a name that does not exist", "[net][diagnostics]")
{
    auto steps = run_diagnostics(request_for("https://hub.guichet.invalid:8443", "token"));
    CHECK(results(steps) == std::vector { Failed, NotTried, NotTried, NotTried, NotTried });
    CHECK_THAT(steps[0].detail, Catch::Contains("'hub.guichet.invalid'"));
    // Where no DNS server answers at all, the lookup says that instead.
    CHECK((steps[0].detail.find("does not exist") != std::string::npos || steps[0].detail.find("no DNS server") != std::string::npos));

    auto no_scheme = run_diagnostics(request_for("hub.example.org", "token"));
    CHECK(results(no_scheme)[0] == Failed);
    CHECK_THAT(no_scheme[0].detail, Catch::Contains("sync.hub_url"));
    auto none = run_diagnostics(request_for("", "token"));
    CHECK_THAT(none[0].detail, Catch::Contains("no hub is configured"));
}

TEST_CASE("diagnostics tell a refused token from another kiosk's token", "[net][diagnostics]")
{
    test::EnrolledKiosk kiosk;
    auto other = test::enroll(kiosk.dir, kiosk.hub_db, "mairie-02");
    test::ServedHub hub(kiosk.dir, kiosk.hub_db);

    auto refused = run_diagnostics(request_for(http_url(hub.port()), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    CHECK(results(refused) == std::vector { Ok, Ok, NotNeeded, Ok, Failed });
    CHECK_THAT(refused[4].detail, Catch::Contains("refused this kiosk's token (HTTP 401)"));

    auto wrong_kiosk = run_diagnostics(request_for(http_url(hub.port()), other));
    CHECK(results(wrong_kiosk)[4] == Failed);
    CHECK_THAT(wrong_kiosk[4].detail, Catch::Contains("belongs to kiosk 'mairie-02', but this kiosk is 'mairie-01'"));

    auto unreadable = request_for(http_url(hub.port()), "");
    unreadable.token_problem = "cannot read the kiosk token from '/nowhere' ('sync.token_file')";
    auto missing = run_diagnostics(unreadable);
    CHECK(results(missing)[4] == Failed);
    CHECK(missing[4].detail == unreadable.token_problem);
}

TEST_CASE("diagnostics check the hub's certificate against the pinned CA", "[net][diagnostics]")
{
    test::EnrolledKiosk kiosk;
    auto cert = kiosk.dir / "hub.pem", key = kiosk.dir / "hub.key";
    auto stranger = kiosk.dir / "other-ca.pem", stranger_key = kiosk.dir / "other-ca.key";
    // openssl is a test dependency (scripts/install-deps.sh): without it the test fails, never skips.
    REQUIRE(make_certificate(cert, key));
    REQUIRE(make_certificate(stranger, stranger_key));
    test::ServedHub hub(kiosk.dir, kiosk.hub_db, { "--tls-cert", cert.string(), "--tls-key", key.string() });
    auto url = "https://127.0.0.1:" + std::to_string(hub.port());

    auto pinned = run_diagnostics(request_for(url, kiosk.token, cert.string()));
    CHECK(results(pinned) == std::vector { Ok, Ok, Ok, Ok, Ok });
    CHECK_THAT(pinned[2].detail, Catch::Contains("signed by the pinned CA"));

    auto mismatched = run_diagnostics(request_for(url, kiosk.token, stranger.string()));
    CHECK(results(mismatched) == std::vector { Ok, Ok, Failed, NotTried, NotTried });
    CHECK_THAT(mismatched[2].detail, Catch::Contains("not signed by the pinned CA"));
    CHECK_THAT(mismatched[2].detail, Catch::Contains(stranger.string()));

    auto missing_ca = run_diagnostics(request_for(url, kiosk.token, (kiosk.dir / "no-such-ca.pem").string()));
    CHECK(results(missing_ca)[2] == Failed);
    CHECK_THAT(missing_ca[2].detail, Catch::Contains("cannot read the pinned CA"));

    // Plain http:// to a TLS port: the connection works, the hub's answer does not.
    auto plain = run_diagnostics(request_for(http_url(hub.port()), kiosk.token));
    CHECK(results(plain) == std::vector { Ok, Ok, NotNeeded, Failed, NotTried });
}
