// guichetctl as a technician uses it: metadata only, receipts, retry, send now, clear errors.
#include "enrolled_kiosk.h"

#include <catch2/catch.hpp>

#include <ctime>

using namespace guichet;
using namespace guichet::sync;

namespace {

struct Kiosk : test::EnrolledKiosk {
    Kiosk() { configure(1); }
    void configure(int hub_port)
    {
        test::write_text(dir / "token", token + "\n");
        test::write_text(dir / "kiosk.toml",
            "[kiosk]\nid = \"mairie-01\"\n[sync]\nhub_url = \"http://127.0.0.1:" + std::to_string(hub_port)
                + "\"\ntoken_file = \"" + (dir / "token").string() + "\"\nsubmission_public_key = \""
                + protocol::base64_encode(std::vector<uint8_t>(keys.public_key.begin(), keys.public_key.end()))
                + "\"\n[storage]\noutbox = \"" + (dir / "outbox.sqlite").string() + "\"\nstaff = \""
                + (dir / "staff.sqlite").string() + "\"\n");
    }
    test::Outcome ctl(const std::string& arguments)
    {
        std::string command = std::string(GUICHETCTL) + " --config " + (dir / "kiosk.toml").string() + " " + arguments
            + " > " + (dir / "ctl.out").string() + " 2> " + (dir / "ctl.err").string();
        int status = std::system(command.c_str());
        return { test::exit_code_of(status), test::read_text(dir / "ctl.out"), test::read_text(dir / "ctl.err") };
    }
};

}

TEST_CASE("guichetctl shows the queue's metadata and never its contents", "[ctl]")
{
    Kiosk kiosk;
    auto receipt = kiosk.submit(R"({"nom":"MARQUEUR-CTL-91"})");
    auto status = kiosk.ctl("status");
    CHECK(status.exit_code == 0);
    CHECK_THAT(status.out, Catch::Contains("queued: 1"));
    auto queue = kiosk.ctl("queue --json");
    REQUIRE(queue.exit_code == 0);
    auto entries = nlohmann::json::parse(queue.out);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["receipt"] == receipt.code);
    CHECK(entries[0]["state"] == "queued");
    CHECK(queue.out.find("MARQUEUR-CTL-91") == std::string::npos);
    auto looked_up = kiosk.ctl("receipt " + receipt.code);
    CHECK(looked_up.exit_code == 0);
    CHECK_THAT(looked_up.out, Catch::Contains("\"state\": \"queued\""));
    auto unknown = kiosk.ctl("receipt AAA-AAA-AAA");
    CHECK(unknown.exit_code == 1);
    CHECK_THAT(unknown.err, Catch::Contains("no submission with the receipt"));
}

TEST_CASE("guichetctl sync-now sends to the hub and reports a dead link", "[ctl][net]")
{
    Kiosk kiosk;
    kiosk.submit(R"({"a":1})");
    kiosk.submit(R"({"a":2})");
    auto dead = kiosk.ctl("sync-now");
    CHECK(dead.exit_code == 1);
    CHECK_THAT(dead.out, Catch::Contains("cannot reach the hub"));

    test::ServedHub hub(kiosk.dir, kiosk.hub_db);
    kiosk.configure(hub.port());
    auto sent = kiosk.ctl("sync-now"); // does not wait out the backoff the dead link caused
    CHECK(sent.exit_code == 0);
    CHECK_THAT(sent.out, Catch::Contains("sent: 2"));
    CHECK_THAT(kiosk.ctl("status").out, Catch::Contains("sent: 2"));
}

TEST_CASE("guichetctl retry puts a quarantined submission back", "[ctl]")
{
    Kiosk kiosk;
    auto receipt = kiosk.submit(R"({"a":1})");
    REQUIRE(kiosk.outbox->quarantine(receipt.id, "conflict at the hub: other bytes"));
    CHECK_THAT(kiosk.ctl("status").out, Catch::Contains("quarantined: 1"));
    auto retried = kiosk.ctl("retry " + receipt.code);
    CHECK(retried.exit_code == 0);
    CHECK_THAT(kiosk.ctl("status").out, Catch::Contains("queued: 1"));
    auto again = kiosk.ctl("retry " + receipt.code);
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Catch::Contains("no quarantined submission"));
}

TEST_CASE("guichetctl set-pin stores a hash, refuses a weak PIN, and the audit log shows it", "[ctl][staff]")
{
    Kiosk kiosk;
    test::write_text(kiosk.dir / "pin", "482913\n");
    auto set = kiosk.ctl("set-pin mediator < " + (kiosk.dir / "pin").string());
    CHECK(set.exit_code == 0);
    CHECK_THAT(set.out, Catch::Contains("mediator PIN is set"));
    test::write_text(kiosk.dir / "weak", "1234\n");
    auto weak = kiosk.ctl("set-pin technician < " + (kiosk.dir / "weak").string());
    CHECK(weak.exit_code == 1);
    CHECK_THAT(weak.err, Catch::Contains("6 to 12 digits"));
    auto clash = kiosk.ctl("set-pin technician < " + (kiosk.dir / "pin").string());
    CHECK(clash.exit_code == 1);
    CHECK_THAT(clash.err, Catch::Contains("other role"));
    CHECK(kiosk.ctl("set-pin boss < " + (kiosk.dir / "pin").string()).exit_code == 2);

    auto audit = kiosk.ctl("audit --json");
    REQUIRE(audit.exit_code == 0);
    auto entries = nlohmann::json::parse(audit.out);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["action"] == "pin-set");
    CHECK(entries[0]["detail"] == "mediator");
    CHECK(test::read_text(kiosk.dir / "staff.sqlite").find("482913") == std::string::npos);
}

TEST_CASE("guichetctl's help and its commands' help go to stdout", "[ctl]")
{
    Kiosk kiosk;
    auto help = kiosk.ctl("--help");
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("sync-now") && Catch::Contains("set-pin") && Catch::Contains("Exit codes"));
    auto pack = kiosk.ctl("pack --help");
    CHECK(pack.exit_code == 0);
    CHECK_THAT(pack.out, Catch::Contains("install") && Catch::Contains("rollback"));
    auto validate = kiosk.ctl("validate --help");
    CHECK(validate.exit_code == 0);
    CHECK_THAT(validate.out, Catch::Contains("--languages"));
    auto version = kiosk.ctl("--version");
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("guichetctl "));
}

TEST_CASE("guichetctl names an unknown option, a missing pack command and a stray argument", "[ctl]")
{
    Kiosk kiosk;
    auto option = kiosk.ctl("status --colour");
    CHECK(option.exit_code == 2);
    CHECK_THAT(option.err, Catch::Contains("unknown option '--colour' for 'status'"));
    auto no_pack_command = kiosk.ctl("pack");
    CHECK(no_pack_command.exit_code == 2);
    CHECK_THAT(no_pack_command.err, Catch::Contains("'pack' needs a command: status, install, check, rollback"));
    auto unknown_pack_command = kiosk.ctl("pack upgrade");
    CHECK(unknown_pack_command.exit_code == 2);
    CHECK_THAT(unknown_pack_command.err, Catch::Contains("unknown command 'pack upgrade'"));
    auto stray = kiosk.ctl("status now");
    CHECK(stray.exit_code == 2);
    CHECK_THAT(stray.err, Catch::Contains("'status' takes no argument, got 'now'"));
    // --config may still follow the command.
    std::string command = std::string(GUICHETCTL) + " status --config /nonexistent.toml 2>&1";
    CHECK(test::exit_code_of(std::system(command.c_str())) == 2);
}

TEST_CASE("guichetctl refuses bad command lines with the reason", "[ctl]")
{
    Kiosk kiosk;
    CHECK(kiosk.ctl("").exit_code == 2);
    auto unknown = kiosk.ctl("explode");
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("unknown command 'explode'"));
    auto missing_argument = kiosk.ctl("retry");
    CHECK(missing_argument.exit_code == 2);
    CHECK_THAT(missing_argument.err, Catch::Contains("'retry' takes one argument"));
    std::string command = std::string(GUICHETCTL) + " --config /nonexistent.toml status 2>&1";
    CHECK(test::exit_code_of(std::system(command.c_str())) == 2);
}

TEST_CASE("guichetctl validate passes the shipped procedures and names each problem of a broken one", "[ctl][procedure]")
{
    Kiosk kiosk; // its configuration offers French only, so --config checks fewer languages
    auto shipped = kiosk.ctl(std::string("validate ") + GUICHET_SOURCE_DIR "/assets/procedures");
    CHECK(shipped.exit_code == 0);
    CHECK_THAT(shipped.out, Catch::Contains("5 procedures valid, 0 problems"));

    auto dir = kiosk.dir / "procedures";
    std::filesystem::create_directories(dir);
    std::filesystem::copy(GUICHET_SOURCE_DIR "/assets/procedures/public-space-report.json", dir / "report.json");
    auto text = test::read_text(dir / "report.json");
    auto replace = [&](std::string_view from, std::string_view to) {
        auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("\"problem == 'other'\"", "\"problem == 'othre'\"");
    replace("\"type\": \"date\"", "\"type\": \"calendar\"");
    test::write_text(dir / "report.json", text);
    test::write_text(dir / "broken.json", "{ \"id\": ");

    auto broken = kiosk.ctl("validate " + dir.string() + " --languages fr,en,pt,es");
    CHECK(broken.exit_code == 1);
    CHECK_THAT(broken.out, Catch::Contains((dir / "broken.json").string() + ": $: is not valid JSON"));
    CHECK_THAT(broken.out, Catch::Contains("report.json: $.steps[1].show_if: 'othre' is not a value of 'problem'"));
    CHECK_THAT(broken.out, Catch::Contains("unknown field type 'calendar'"));
    CHECK_THAT(broken.out, Catch::Contains("0 procedures valid, 3 problems"));

    auto german = kiosk.ctl(std::string("validate ") + GUICHET_SOURCE_DIR "/assets/procedures --languages fr,de");
    CHECK(german.exit_code == 1);
    CHECK_THAT(german.out, Catch::Contains("$.languages: lacks 'de', a language this kiosk offers"));
    CHECK(kiosk.ctl("validate").exit_code == 2);
}
