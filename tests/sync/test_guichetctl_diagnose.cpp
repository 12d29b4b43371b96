// `guichetctl diagnose` as a technician runs it: each step on its own line, then the verdict and an
// exit code that says whether the kiosk can reach its hub.
#include "enrolled_kiosk.h"

#include <catch2/catch.hpp>

using namespace guichet;

namespace {

struct DiagnosedKiosk : test::EnrolledKiosk {
    test::Outcome diagnose(int hub_port, const std::string& token_line, const std::string& options = {})
    {
        test::write_text(dir / "token", token_line);
        test::write_text(dir / "kiosk.toml",
            "[kiosk]\nid = \"mairie-01\"\n[sync]\nhub_url = \"http://127.0.0.1:" + std::to_string(hub_port)
                + "\"\ntoken_file = \"" + (dir / "token").string() + "\"\n[storage]\noutbox = \""
                + (dir / "outbox.sqlite").string() + "\"\n");
        std::string command = std::string(GUICHETCTL) + " --config " + (dir / "kiosk.toml").string() + " diagnose " + options
            + " > " + (dir / "ctl.out").string() + " 2> " + (dir / "ctl.err").string();
        int status = std::system(command.c_str());
        return { test::exit_code_of(status), test::read_text(dir / "ctl.out"), test::read_text(dir / "ctl.err") };
    }
};

}

TEST_CASE("guichetctl diagnose prints each step and passes against a running hub", "[ctl][net]")
{
    DiagnosedKiosk kiosk;
    test::ServedHub hub(kiosk.dir, kiosk.hub_db);
    auto run = kiosk.diagnose(hub.port(), kiosk.token + "\n");
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("1. Name lookup (DNS)"));
    CHECK_THAT(run.out, Catch::Contains("3. Secure channel (TLS)"));
    CHECK_THAT(run.out, Catch::Contains("not needed"));
    CHECK_THAT(run.out, Catch::Contains("5. Kiosk token accepted"));
    CHECK_THAT(run.out, Catch::Contains("Every step passed"));

    auto json = kiosk.diagnose(hub.port(), kiosk.token + "\n", "--json");
    REQUIRE(json.exit_code == 0);
    auto steps = nlohmann::json::parse(json.out);
    REQUIRE(steps.size() == 5);
    CHECK(steps[4]["result"] == "OK");
    CHECK(steps[0]["elapsed_ms"].is_number());
}

TEST_CASE("guichetctl diagnose names the failing step and exits 1", "[ctl][net]")
{
    DiagnosedKiosk kiosk;
    int port = 0;
    {
        test::ServedHub gone(kiosk.dir, kiosk.hub_db);
        port = gone.port();
    }
    auto down = kiosk.diagnose(port, kiosk.token + "\n");
    CHECK(down.exit_code == 1);
    CHECK_THAT(down.out, Catch::Contains("2. Connection (TCP)"));
    CHECK_THAT(down.out, Catch::Contains("FAILED"));
    CHECK_THAT(down.out, Catch::Contains("not tried"));
    CHECK_THAT(down.out, Catch::Contains("A step failed"));

    test::ServedHub hub(kiosk.dir, kiosk.hub_db);
    auto no_token = kiosk.diagnose(hub.port(), "");
    CHECK(no_token.exit_code == 1);
    CHECK_THAT(no_token.out, Catch::Contains("cannot read the kiosk token"));
}
