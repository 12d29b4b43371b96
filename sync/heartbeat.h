// The kiosk's heartbeat: every `heartbeat_interval_s`, a small worker tells the hub how the kiosk is
// (versions, queue counts by state, oldest queued age, free disk, last error) with POST /v1/heartbeat.
// It has its own connection and thread, so a slow or failing heartbeat never delays a submission, and
// it only reads the outbox's counts: never a submission's contents.
#pragma once
#include "sync/hub_client.h"
#include "sync/link_settings.h"
#include "sync/outbox.h"
#include "sync/protocol.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace guichet::sync {

// Bytes an unprivileged process may still write on the filesystem that holds `path`; nullopt when the
// filesystem cannot be asked.
std::optional<int64_t> disk_free_bytes(const std::filesystem::path& path);

// The queue by state and the age of its oldest queued item, at `now`.
struct QueueSummary {
    int64_t queued = 0;
    int64_t sent = 0;
    int64_t quarantined = 0;
    std::optional<int64_t> oldest_queued_age_s;
};
Result<QueueSummary> summarize_queue(Outbox&, int64_t now);

// The first day (YYYY-MM-DD, local time) whose rating counts a heartbeat at `now` reports.
std::string rating_first_day(int64_t now);

// For the technician screen: how the heartbeat fares, copied out of the worker.
struct HeartbeatStatus {
    std::optional<int64_t> last_attempt_unix;
    std::optional<int64_t> last_sent_unix; // the last one the hub accepted
    std::string last_error;                // of the last attempt; empty when it was accepted
    uint64_t attempts = 0;
};

class HeartbeatSender {
public:
    using Clock = std::function<int64_t()>;         // unix seconds
    using LastError = std::function<std::string()>; // the uploader's last error, for the technician
    HeartbeatSender(Outbox&, const LinkSettings&, int interval_s, Clock, LastError);
    ~HeartbeatSender();
    HeartbeatSender(const HeartbeatSender&) = delete;
    HeartbeatSender& operator=(const HeartbeatSender&) = delete;

    // One heartbeat at once, then one every interval (sooner again after a failure), until stop().
    void start();
    void stop();

    // Sends one heartbeat on the calling thread and returns the new status.
    HeartbeatStatus send_now();
    // What the next heartbeats say, without sending: for tests and `guichetctl`.
    protocol::Heartbeat compose();

    // Thread-safe; the content-pack code calls it after it switched packs. Defaults to "builtin".
    void set_pack_version(std::string);
    // Where the kiosk stands (kiosk.place_name), shown beside its id at the hub. Thread-safe; empty by default.
    void set_place(std::string);
    // The receipt printer's state as its last check said ("ready", "no_paper", …); empty: no printer.
    void set_printer(std::string);
    HeartbeatStatus status() const;

    // After a failure the next try comes this soon (or after the interval, if shorter).
    static constexpr int retry_after_failure_s = 120;

private:
    void worker();

    Outbox& m_outbox;
    std::mutex m_exchange_mutex; // one exchange at a time on m_client: the worker's or send_now()'s
    HubClient m_client;
    int m_interval_s;
    Clock m_clock;
    LastError m_last_error;

    mutable std::mutex m_mutex; // guards the pack version, the place and the status
    std::string m_pack_version = "builtin";
    std::string m_place;
    std::string m_printer;
    HeartbeatStatus m_status;

    std::mutex m_wake_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::atomic<bool> m_cancel { false }; // stop() ends an exchange in progress, even on a stalled link
    std::thread m_thread;
};

}
