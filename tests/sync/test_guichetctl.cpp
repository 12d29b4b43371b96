// guichetctl as a technician uses it: metadata only, receipts, retry, send now, clear errors.
#include "enrolled_kiosk.h"
#include "../devices/sane_test_backend.h"

#include <catch2/catch.hpp>

#include <ctime>
#include <fstream>
#include <functional>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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
    auto looked_up = kiosk.ctl("receipt " + receipt.code + " --json");
    CHECK(looked_up.exit_code == 0);
    CHECK_THAT(looked_up.out, Catch::Contains("\"state\": \"queued\""));
    CHECK_THAT(looked_up.out, Catch::Contains("\"receipt_state\": \"queued\""));
    // In words, what a mediator tells the citizen.
    auto told = kiosk.ctl("receipt " + receipt.code);
    CHECK(told.exit_code == 0);
    CHECK(told.out == receipt.code + " : en attente d'envoi\n");
    auto unknown = kiosk.ctl("receipt AAA-AAA-AAA");
    CHECK(unknown.exit_code == 1);
    CHECK_THAT(unknown.err, Catch::Contains("no submission with the receipt"));
}

TEST_CASE("guichetctl shows how many of a submission's scanned pages the hub has", "[ctl][pages]")
{
    Kiosk kiosk;
    NewSubmission submission { "acte-naissance", 1, false, R"({"a":1})", { std::vector<uint8_t>(500, 1), std::vector<uint8_t>(600, 2), std::vector<uint8_t>(700, 3) } };
    auto receipt = kiosk.outbox->enqueue(submission, static_cast<int64_t>(std::time(nullptr))).value();
    auto plain = kiosk.submit(R"({"a":2})");
    std::vector<std::string> sent { receipt.id };
    REQUIRE(kiosk.outbox->mark_sent(sent, static_cast<int64_t>(std::time(nullptr))));
    for (int n = 0; n < 2; ++n) { // the hub has two pages of three
        auto chunk = kiosk.outbox->next_chunk(static_cast<int64_t>(std::time(nullptr)), 1 << 20).value().value();
        REQUIRE(kiosk.outbox->record_chunk(chunk.id, chunk.n, chunk.size, true));
    }
    auto queue = kiosk.ctl("queue");
    REQUIRE(queue.exit_code == 0);
    CHECK_THAT(queue.out, Catch::Contains("2/3 pièces envoyées"));
    CHECK_THAT(kiosk.ctl("status").out, Catch::Contains("pages waiting: 1\n"));
    CHECK(nlohmann::json::parse(kiosk.ctl("status --json").out)["pages_pending"] == 1);
    auto json = nlohmann::json::parse(kiosk.ctl("queue --json").out);
    REQUIRE(json.size() == 2);
    for (auto& entry : json) {
        bool with_pages = entry["receipt"] == receipt.code;
        CHECK(entry["pages_total"] == (with_pages ? 3 : 0));
        CHECK(entry["pages_sent"] == (with_pages ? 2 : 0));
    }
    CHECK_THAT(kiosk.ctl("receipt " + receipt.code).out, Catch::Contains(" : reçue\n2/3 pièces envoyées\n"));
    CHECK(kiosk.ctl("receipt " + plain.code).out == plain.code + " : en attente d'envoi\n");
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
    CHECK_THAT(sent.out, Catch::Contains("heartbeat: accepted"));
    CHECK_THAT(kiosk.ctl("status").out, Catch::Contains("sent: 2"));
}

TEST_CASE("guichetctl sync-now brings the hub's states, and receipt tells them in words", "[ctl][net]")
{
    Kiosk kiosk;
    auto receipt = kiosk.submit(R"({"a":1})");
    test::ServedHub hub(kiosk.dir, kiosk.hub_db);
    kiosk.configure(hub.port());
    REQUIRE(kiosk.ctl("sync-now").exit_code == 0);
    CHECK(kiosk.ctl("receipt " + receipt.code).out == receipt.code + " : reçue\n"); // sent, no state from the hub yet
    {
        // An agent's transition (the back office's), written into the hub's database directly.
        auto db = sync::Database::open(kiosk.hub_db);
        REQUIRE(db);
        REQUIRE(db->exec("UPDATE submissions SET state = 'done', message = 'Acte prêt en mairie.', "
                         "state_at = '2026-12-02T09:30:00.000Z', rev = 2 WHERE id = '" + receipt.id + "'"));
    }
    REQUIRE(kiosk.ctl("sync-now").exit_code == 0);
    CHECK(kiosk.ctl("receipt " + receipt.code).out == receipt.code + " : traitée\nmessage : Acte prêt en mairie.\n");
    auto json = nlohmann::json::parse(kiosk.ctl("receipt " + receipt.code + " --json").out);
    CHECK(json["receipt_state"] == "done");
    CHECK(json["hub_rev"] == 2);
}

TEST_CASE("guichetctl receipt gives the status page's link once a hub with --public-url named it", "[ctl][net]")
{
    Kiosk kiosk;
    auto receipt = kiosk.submit(R"({"a":1})");
    test::ServedHub hub(kiosk.dir, kiosk.hub_db, { "--public-url", "https://guichet.mairie.example" });
    kiosk.configure(hub.port());
    REQUIRE(kiosk.ctl("sync-now").exit_code == 0);
    auto link = "https://guichet.mairie.example/suivi/" + receipt.code;
    CHECK(kiosk.ctl("receipt " + receipt.code).out == receipt.code + " : reçue\nsuivi : " + link + "\n");
    CHECK(nlohmann::json::parse(kiosk.ctl("receipt " + receipt.code + " --json").out)["status_link"] == link);
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
    CHECK_THAT(shipped.out, Catch::Contains("6 procedures valid, 0 problems"));

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

TEST_CASE("guichetctl validate warns, without failing, when a procedure has no retention_days", "[ctl][procedure][retention]")
{
    Kiosk kiosk;
    auto shipped = kiosk.ctl(std::string("validate ") + GUICHET_SOURCE_DIR "/assets/procedures");
    CHECK(shipped.out.find("warning") == std::string::npos);

    auto dir = kiosk.dir / "procedures";
    std::filesystem::create_directories(dir);
    auto text = test::read_text(GUICHET_SOURCE_DIR "/assets/procedures/public-space-report.json");
    auto at = text.find("\"retention_days\": 90,");
    REQUIRE(at != std::string::npos);
    text.erase(at, std::string_view("\"retention_days\": 90,").size());
    test::write_text(dir / "report.json", text);
    auto old_file = kiosk.ctl("validate " + dir.string());
    CHECK(old_file.exit_code == 0);
    CHECK_THAT(old_file.out, Catch::Contains("warning: 'public-space-report': $.retention_days is absent"));
    CHECK_THAT(old_file.out, Catch::Contains("1 procedure valid, 0 problems"));
}

// Issue 15: limits on what administrators and authors give the kiosk, against the real guichetctl. Each
// refusal is an exit code and a message, never a signal (a signal shows as 128 + its number).
namespace {

test::Outcome run_ctl(const std::filesystem::path& dir, const std::string& arguments)
{
    std::string command = std::string(GUICHETCTL) + " " + arguments + " > " + (dir / "ctl.out").string() + " 2> "
        + (dir / "ctl.err").string();
    int status = std::system(command.c_str());
    return { test::exit_code_of(status), test::read_text(dir / "ctl.out"), test::read_text(dir / "ctl.err") };
}

// The minimal procedure of tests/procedures, with one edit, written as a file of its own.
std::filesystem::path procedure_with(const std::filesystem::path& dir, const std::string& name,
    const std::function<void(nlohmann::json&)>& edit)
{
    auto object = nlohmann::json::parse(test::read_text(GUICHET_SOURCE_DIR "/tests/procedures/minimal.json"));
    edit(object);
    auto path = dir / (name + ".json");
    test::write_text(path, object.dump(2));
    return path;
}

// guichetctl run as run_ctl does, with its peak resident size in MiB: wait4 reports it for this one child
// (the shell and what it waited for). The child starts as a copy of this process, so callers keep this
// process small (files are written piece by piece, never built in memory).
struct Measured {
    int exit_code = -1;
    std::string out;
    long peak_mib = 0;
};

Measured run_ctl_measured(const std::filesystem::path& dir, const std::string& arguments)
{
    std::string command = std::string(GUICHETCTL) + " " + arguments + " > " + (dir / "ctl.out").string() + " 2> "
        + (dir / "ctl.err").string();
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage usage {};
    REQUIRE(pid > 0);
    REQUIRE(wait4(pid, &status, 0, &usage) == pid);
    return { test::exit_code_of(status), test::read_text(dir / "ctl.out"), usage.ru_maxrss / 1024 };
}

}

TEST_CASE("guichetctl refuses a configuration that used to crash the TOML parser, with exit 2 and a message", "[ctl][limits]")
{
    test::TempDir dir;
    std::string dotted = "a";
    for (int i = 0; i < 40000; ++i)
        dotted += ".a";
    test::write_text(dir / "dotted.toml", dotted + " = 1\n");
    auto key = run_ctl(dir.path(), "--config " + (dir / "dotted.toml").string() + " status");
    CHECK(key.exit_code == 2);
    CHECK_THAT(key.err, Catch::Contains("dotted.toml:1: a dotted key has more than 16 parts"));

    test::write_text(dir / "deep.toml", "[kiosk]\nlanguages = " + std::string(60000, '[') + std::string(60000, ']') + "\n");
    auto deep = run_ctl(dir.path(), "--config " + (dir / "deep.toml").string() + " status");
    CHECK(deep.exit_code == 2);
    CHECK_THAT(deep.err, Catch::Contains("deep.toml:2: arrays, tables and inline tables are nested more than 16 deep"));

    std::string tables = "[kiosk]\nid = ";
    for (int i = 0; i < 60000; ++i)
        tables += "{a=";
    test::write_text(dir / "tables.toml", tables + "1" + std::string(60000, '}') + "\n");
    auto inline_tables = run_ctl(dir.path(), "--config " + (dir / "tables.toml").string() + " validate " + (dir / "x.json").string());
    CHECK(inline_tables.exit_code == 2);
    CHECK_THAT(inline_tables.err, Catch::Contains("nested more than 16 deep"));
}

TEST_CASE("guichetctl refuses a theme given as a path and a place name too long for the welcome screen", "[ctl][limits]")
{
    test::TempDir dir;
    test::write_text(dir / "theme.toml", "[ui]\ntheme = \"../../../../tmp/mine\"\n");
    auto theme = run_ctl(dir.path(), "--config " + (dir / "theme.toml").string() + " status");
    CHECK(theme.exit_code == 2);
    CHECK_THAT(theme.err, Catch::Contains("'ui.theme' must be the name of a theme of themes/")
            && Catch::Contains("got '../../../../tmp/mine'"));

    test::write_text(dir / "place.toml", "[kiosk]\nplace_name = \"" + std::string(81, 'P') + "\"\n");
    auto place = run_ctl(dir.path(), "--config " + (dir / "place.toml").string() + " status");
    CHECK(place.exit_code == 2);
    CHECK_THAT(place.err, Catch::Contains("'kiosk.place_name' is 81 characters long; at most 80 are allowed"));
}

TEST_CASE("guichetctl validate refuses huge and deeply nested files with a message, in bounded memory", "[ctl][procedure][limits]")
{
    test::TempDir dir;
    // 64 MiB of nested arrays: the parser used to build them all and die of std::bad_alloc.
    {
        std::ofstream out(dir / "nested.json", std::ios::binary);
        std::string half(1024 * 1024, '[');
        out << "{\"steps\": ";
        for (int i = 0; i < 32; ++i)
            out << half;
        std::fill(half.begin(), half.end(), ']');
        for (int i = 0; i < 32; ++i)
            out << half;
        out << "}";
    }
    auto nested = run_ctl_measured(dir.path(), "validate " + (dir / "nested.json").string());
    CHECK(nested.exit_code == 1);
    CHECK_THAT(nested.out, Catch::Contains("nested.json: $: is 67108875 bytes; a procedure file may hold at most 1 MiB (1048576 bytes)"));
    CHECK(nested.peak_mib < 100);

    // Under the size limit, the nesting is refused before a tree is built.
    test::write_text(dir / "deep.json", "{\"steps\": " + std::string(400000, '[') + std::string(400000, ']') + "}");
    auto deep = run_ctl_measured(dir.path(), "validate " + (dir / "deep.json").string());
    CHECK(deep.exit_code == 1);
    CHECK_THAT(deep.out, Catch::Contains("deep.json: $: nests arrays and objects more than 32 deep (line 1)"));
    CHECK(deep.peak_mib < 100);

    // A 100 MB title in an otherwise valid procedure (which used to be reported valid, using 500 MB).
    {
        auto minimal = test::read_text(GUICHET_SOURCE_DIR "/tests/procedures/minimal.json");
        auto title = minimal.find("\"fr\": \"Démarche d’essai\"");
        REQUIRE(title != std::string::npos);
        std::ofstream out(dir / "title.json", std::ios::binary);
        out << minimal.substr(0, title) << "\"fr\": \"";
        std::string piece(1'000'000, 'T');
        for (int i = 0; i < 100; ++i)
            out << piece;
        out << "\"" << minimal.substr(title + std::string("\"fr\": \"Démarche d’essai\"").size());
    }
    auto huge = run_ctl_measured(dir.path(), "validate " + (dir / "title.json").string() + " --languages fr,en");
    CHECK(huge.exit_code == 1);
    CHECK_THAT(huge.out, Catch::Contains("title.json: $: is 10000") && Catch::Contains("a procedure file may hold at most 1 MiB (1048576 bytes)"));
    CHECK_THAT(huge.out, Catch::Contains("0 procedures valid, 1 problem"));
    CHECK(huge.peak_mib < 100);
}

TEST_CASE("guichetctl validate names the limit and the length of a text too long", "[ctl][procedure][limits]")
{
    test::TempDir dir;
    auto title = procedure_with(dir.path(), "title", [](nlohmann::json& object) { object["title"]["fr"] = std::string(121, 'T'); });
    auto long_title = run_ctl(dir.path(), "validate " + title.string() + " --languages fr,en");
    CHECK(long_title.exit_code == 1);
    CHECK_THAT(long_title.out, Catch::Contains("$.title.fr: is 121 characters long; a procedure title may have at most 120"));

    auto help = procedure_with(dir.path(), "help", [](nlohmann::json& object) {
        object["steps"][1]["help"] = { { "fr", std::string(1001, 'h') }, { "en", "Help" } };
    });
    auto long_help = run_ctl(dir.path(), "validate " + help.string() + " --languages fr,en");
    CHECK(long_help.exit_code == 1);
    CHECK_THAT(long_help.out, Catch::Contains("$.steps[1].help.fr: is 1001 characters long; a text or help may have at most 1000"));
}

TEST_CASE("guichetctl validate prints 2^63 as written and a NUL in a condition escaped, with what follows", "[ctl][procedure][limits]")
{
    test::TempDir dir;
    auto big = dir / "big.json";
    auto text = nlohmann::json::parse(test::read_text(GUICHET_SOURCE_DIR "/tests/procedures/minimal.json")).dump(2);
    auto at = text.find("\"type\": \"text\"");
    REQUIRE(at != std::string::npos);
    text.insert(at, "\"max_length\": 9223372036854775808, ");
    test::write_text(big, text);
    auto length = run_ctl(dir.path(), "validate " + big.string() + " --languages fr,en");
    CHECK(length.exit_code == 1);
    CHECK_THAT(length.out, Catch::Contains("max_length: 9223372036854775808 is outside 1..2000"));
    CHECK(length.out.find("-9223372036854775808") == std::string::npos);

    auto nul = procedure_with(dir.path(), "nul", [](nlohmann::json& object) {
        object["steps"][2]["show_if"] = std::string("has_children == 'yes'\0 or later", 31);
    });
    auto condition = run_ctl(dir.path(), "validate " + nul.string() + " --languages fr,en");
    CHECK(condition.exit_code == 1);
    CHECK_THAT(condition.out, Catch::Contains("unexpected character '\\0' (in: has_children == 'yes'\\0 or later)"));
    CHECK_THAT(condition.out, Catch::Contains("0 procedures valid, 1 problem"));
}

TEST_CASE("guichetctl scan-test lists the scanners and measures one test page, kept only with --out", "[ctl][documents]")
{
    test::use_sane_test_backend(); // guichetctl inherits SANE_CONFIG_DIR: the test backend only
    Kiosk kiosk;
    auto config = test::read_text(kiosk.dir / "kiosk.toml");
    test::write_text(kiosk.dir / "kiosk.toml", config + "[scanner]\ndevice = \"test:0\"\n[scanner.options]\ntest-picture = \"Grid\"\n");
    auto listed = kiosk.ctl("scan-test");
    INFO(listed.out << listed.err);
    CHECK(listed.exit_code == 0);
    CHECK_THAT(listed.out, Catch::Contains("scanner: test:0"));
    CHECK_THAT(listed.out, Catch::Contains("test scan on test:0: 1240 x 1753 pixels"));
    CHECK_THAT(listed.out, Catch::Contains("(not kept)"));
    auto page = kiosk.dir / "test-page.jpg";
    auto kept = kiosk.ctl("scan-test --json --out " + page.string());
    CHECK(kept.exit_code == 0);
    auto result = nlohmann::json::parse(kept.out);
    CHECK(result["ok"] == true);
    CHECK(result["width"] == 1240);
    CHECK(std::filesystem::file_size(page) == result["jpeg_bytes"].get<size_t>());

    // A scanner that is not there: said, exit 1.
    test::write_text(kiosk.dir / "kiosk.toml", config + "[scanner]\ndevice = \"absent:0\"\n");
    auto absent = kiosk.ctl("scan-test");
    CHECK(absent.exit_code == 1);
    CHECK_THAT(absent.out, Catch::Contains("FAILED (no_scanner)"));
}
