// A small kiosk stand-in for the kill test, built from the same outbox and uploader as the kiosk:
// it enqueues submissions while the uploader sends, printing each receipt only once its COMMIT
// returned ("shown to the citizen"). The kill test kills it with SIGKILL at random moments.
//   outbox_driver --db FILE --key PUBLIC_KEY_BASE64 --hub URL --token TOKEN [--kiosk NAME] enqueue N
//   outbox_driver ... drain        (send until the queue is empty, then exit)
//   outbox_driver ... list         (every submission's id and state, then SQLite's integrity check)
#include "sync/outbox.h"
#include "sync/uploader.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

using namespace guichet;

int main(int argc, char** argv)
{
    std::string db, key, hub, token, kiosk = "chaos", command;
    int count = 0;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--db")
            db = next();
        else if (arg == "--key")
            key = next();
        else if (arg == "--hub")
            hub = next();
        else if (arg == "--token")
            token = next();
        else if (arg == "--kiosk")
            kiosk = next();
        else if (arg == "enqueue")
            command = arg, count = std::atoi(next().c_str());
        else if (arg == "drain" || arg == "list")
            command = arg;
    }
    auto public_key = sync::parse_public_key(key);
    if (db.empty() || !public_key || hub.empty() || token.empty() || command.empty()) {
        std::fprintf(stderr, "usage: outbox_driver --db FILE --key KEY --hub URL --token TOKEN [--kiosk NAME] enqueue N | drain\n");
        return 2;
    }
    auto outbox = sync::Outbox::open({ db, kiosk, *public_key });
    if (!outbox) {
        std::fprintf(stderr, "outbox_driver: %s\n", outbox.error().message.c_str());
        return 1;
    }
    if (command == "list") {
        auto entries = (*outbox)->entries(10'000'000);
        if (!entries)
            return 1;
        for (auto& entry : *entries)
            std::printf("ITEM %s %s\n", entry.id.c_str(), std::string(sync::state_name(entry.state)).c_str());
        auto database = sync::Database::open(db);
        auto check = database ? database->prepare("PRAGMA integrity_check") : std::unexpected(database.error());
        std::printf("INTEGRITY %s\n", check && check->step().value_or(false) ? check->text(0).c_str() : "unreadable");
        return 0;
    }
    // Short timeouts: the test's stalls must be noticed in seconds, not the kiosk's minute.
    sync::Uploader uploader(**outbox, { .link = { .hub_url = hub, .token = token, .connect_timeout_s = 2,
                                                    .low_speed_bytes_per_s = 100, .low_speed_time_s = 2 },
                                          .batch_max_items = 20, .backoff_base_s = 1,
                                          .backoff_cap_s = 2, .periodic_s = 1 });
    uploader.start();

    for (int i = 0; i < count; ++i) {
        char padding[1600];
        randombytes_buf(padding, sizeof padding);
        // The marker stands for what a citizen typed: the kill test greps every file for it.
        std::string answers = R"({"note":"MARQUEUR-CITOYEN-KILL","sequence":)" + std::to_string(i) + R"(,"padding":")";
        for (unsigned char c : padding)
            answers += "0123456789abcdef"[c % 16];
        answers += "\"}";
        sync::NewSubmission submission { "kill-test", 1, false, std::move(answers) };
        auto receipt = (*outbox)->enqueue(submission, static_cast<int64_t>(std::time(nullptr)));
        if (!receipt) {
            std::fprintf(stderr, "outbox_driver: %s\n", receipt.error().message.c_str());
            return 1;
        }
        std::printf("RECEIPT %s %s\n", receipt->id.c_str(), receipt->code.c_str());
        std::fflush(stdout);
        uploader.trigger();
    }
    // Wait for the queue to empty (the kill test usually kills us before).
    for (;;) {
        auto counts = (*outbox)->counts();
        if (counts && counts->queued == 0)
            break;
        uploader.trigger();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    uploader.stop();
    std::printf("DRAINED\n");
    return 0;
}
