// The uploader: a worker thread that drains the outbox to the hub with libcurl, in batches over one
// reused connection. Transient failures (network, timeouts, 5xx, 429) back off with full jitter and
// honour Retry-After; 401/403 pause it and tell the technician; a conflict or a rejection quarantines
// that item only. Screens and the CLI read a copied status snapshot, never the worker's state.
// A sibling worker sends the heartbeat (sync/heartbeat.h) over its own connection.
#pragma once
#include "sync/heartbeat.h"
#include "sync/hub_client.h"
#include "sync/outbox.h"
#include "kiosk/core/sync_status.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace guichet::sync {

struct UploaderSettings {
    std::string hub_url;  // e.g. https://hub.example.org (no trailing /v1)
    std::string token;    // the kiosk's bearer token from `guichet-hub enroll`
    std::string ca_file;  // optional CA bundle to pin; TLS verification is always on
    size_t batch_max_items = 100;
    size_t batch_max_bytes = 256 * 1024;
    int connect_timeout_s = 20;
    int low_speed_bytes_per_s = 64; // slower than this for low_speed_time_s: the link is stalled
    int low_speed_time_s = 45;
    int backoff_base_s = 2;
    int backoff_cap_s = 900;
    int periodic_s = 300;   // look at the queue at least this often, even without a trigger
    int auth_pause_s = 900; // after a 401/403, try again this much later (or when asked)
    // When above 0, start() also runs a HeartbeatSender at this interval (0: none; the app runs its own).
    int heartbeat_interval_s = 0;
};

// What one pass of the uploader did, for tests and the CLI.
struct PassReport {
    int batches = 0;
    int sent = 0;        // stored or duplicate at the hub
    int quarantined = 0;
    int deferred = 0;    // to be retried later
    bool auth_refused = false;
    bool reachable = false; // with nothing to send, the hub answered its health check
    std::string error;   // the last transient error, if any
};

class Uploader {
public:
    using Clock = std::function<int64_t()>; // unix seconds
    Uploader(Outbox& outbox, UploaderSettings settings, Clock clock = {});
    ~Uploader();
    Uploader(const Uploader&) = delete;
    Uploader& operator=(const Uploader&) = delete;

    // Runs passes on a worker thread until stop(), and the heartbeat on its own thread if its interval
    // is not 0. `on_change` is called from the worker whenever the status snapshot changed; it must
    // only post to the main thread.
    void start(std::function<void()> on_change = {});
    void stop();
    enum class Scope {
        Due,        // items whose next attempt has come
        AllQueued,  // everything queued, backoff or not: a technician's "send now"
    };
    // Asks the worker for a pass now: after an enqueue (Due), or a mediator's "send now" (AllQueued).
    void trigger(Scope = Scope::Due);

    // One pass on the calling thread: sends the items in scope, or stops at the first transient failure.
    PassReport run_once(Scope = Scope::Due);

    SyncStatus status() const;
    // Passes completed so far; a test or script waits for it to grow after a trigger.
    uint64_t passes() const { return m_passes.load(); }

    // The heartbeat's pack version ("builtin" until set); thread-safe, for the content-pack code.
    void set_pack_version(std::string version) { m_heartbeat.set_pack_version(std::move(version)); }
    HeartbeatStatus heartbeat_status() const { return m_heartbeat.status(); }
    // One heartbeat now, on the calling thread (the worker's own heartbeats go on meanwhile).
    HeartbeatStatus send_heartbeat() { return m_heartbeat.send_now(); }

private:
    void handle_batch(std::vector<protocol::Item> batch, PassReport& report, int depth);
    int64_t backoff_delay(int failures);
    void refresh_status(const PassReport&);
    void worker();

    Outbox& m_outbox;
    UploaderSettings m_settings;
    Clock m_clock;
    HubClient m_client; // the worker's connection, reused from batch to batch
    std::mt19937_64 m_random;
    int m_failures = 0;              // consecutive transient failures, for the backoff
    int64_t m_blocked_until = 0;     // no pass before this (backoff, Retry-After, auth pause)

    mutable std::mutex m_status_mutex;
    SyncStatus m_status;
    std::function<void()> m_on_change;
    std::atomic<uint64_t> m_passes { 0 };

    std::mutex m_wake_mutex;
    std::condition_variable m_wake;
    bool m_triggered = false;
    bool m_trigger_all = false; // the next pass sends everything queued
    bool m_stopping = false;
    std::thread m_thread;

    HeartbeatSender m_heartbeat; // last: it asks status() of a complete uploader
};

}
