// The uploader: a worker thread that drains the outbox to the hub with libcurl, in batches over one
// reused connection. Transient failures (network, timeouts, 5xx, 429) back off with full jitter and
// honour Retry-After; 401/403 pause it and tell the technician; a conflict or a rejection quarantines
// that item only. Screens and the CLI read a copied status snapshot, never the worker's state.
// The heartbeat is not its business: HeartbeatSender (sync/heartbeat.h) runs beside it.
#pragma once
#include "kiosk/core/sync_status.h"
#include "sync/hub_client.h"
#include "sync/link_settings.h"
#include "sync/outbox.h"

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
    LinkSettings link;
    size_t batch_max_items = 100;
    size_t batch_max_bytes = 256 * 1024;
    size_t chunk_bytes = 256 * 1024; // one PUT of a scanned page (issue 18): a page in one; at most protocol::max_chunk_bytes
    int backoff_base_s = 2;
    int backoff_cap_s = 900;
    int periodic_s = 300;   // look at the queue at least this often, even without a trigger
    int auth_pause_s = 900; // after a 401/403, try again this much later (or when asked)
};

// What one pass of the uploader did, for tests and the CLI.
struct PassReport {
    int batches = 0;
    int sent = 0;        // stored or duplicate at the hub
    int quarantined = 0;
    int deferred = 0;    // to be retried later
    bool auth_refused = false;
    bool reachable = false; // with nothing to send, the hub answered its health check
    int chunks = 0;         // pieces of scanned pages sent (issue 18)
    int pages_done = 0;     // pages the hub now holds whole and checked
    int64_t page_bytes = 0; // bytes of pages the hub acknowledged in this pass
    std::string error;   // the last transient error, if any
};

class Uploader {
public:
    using Clock = std::function<int64_t()>; // unix seconds
    Uploader(Outbox& outbox, UploaderSettings settings, Clock clock = {});
    ~Uploader();
    Uploader(const Uploader&) = delete;
    Uploader& operator=(const Uploader&) = delete;

    // Runs passes on a worker thread until stop(). `on_change` is called from the worker whenever the
    // status snapshot changed; it must only post to the main thread.
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

private:
    void handle_batch(std::vector<protocol::Item> batch, PassReport& report, int depth);
    void send_pages(int64_t horizon, PassReport& report);
    // False when the pass must stop here (the link, the token, the outbox).
    bool send_chunk(const PendingChunk& chunk, PassReport& report);
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
};

}
