// Content packs in the running kiosk: the pack store (sync/pack_store.h), a worker that asks the hub
// for a newer pack every `content.check_interval_s`, and what the technician's screen asks for (check
// now, install from a stick, roll back). A new pack is switched on disk at once; the App loads it at
// the next welcome screen, so a citizen finishes on the version they started with.
#pragma once
#include "kiosk/core/config.h"
#include "sync/pack_client.h"
#include "sync/pack_store.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>

namespace guichet::app {

// What a check, an install or a rollback did, for the technician's screen to put into words.
struct ContentOutcome {
    enum class Kind {
        UpToDate,
        Installed,
        NoPack,     // the hub has nothing on this kiosk's channel
        Refused,    // the pack was refused; the active one stays
        Failed,     // the hub could not be asked, or the stick could not be read
        RolledBack,
        NoHub,      // checks need a hub
    };
    Kind kind = Kind::Failed;
    int64_t version = 0; // the active version afterwards (0: the built-in assets)
    std::string detail;  // the refusal or the failure, in the sync layer's words
};
std::string_view content_outcome_key(ContentOutcome::Kind); // "staff.pack_installed", …

class ContentUpdates {
public:
    // Null when the kiosk takes no packs (no folder or no signing key) or the folder cannot be used;
    // `problem` then says why, for the technician (empty when packs are simply not configured).
    // `check` is the App's own check of a pack's assets (its strings and themes load).
    static std::unique_ptr<ContentUpdates> open(const Config&, const std::string& token,
        std::function<Result<void>(const std::filesystem::path&)> check, std::string& problem);
    ~ContentUpdates();
    ContentUpdates(const ContentUpdates&) = delete;
    ContentUpdates& operator=(const ContentUpdates&) = delete;

    // Starts the periodic check (when a hub is configured); `on_change` runs on the worker after a
    // pack was switched on, and must only post to the main thread.
    void start(std::function<void()> on_change);

    std::filesystem::path assets_dir() const { return m_store->active_assets_dir(); }
    // "12" or "builtin", for the heartbeat.
    std::string version_text() const;
    sync::pack::PackStatus status() const { return m_store->status(); }
    // The last check or install, if any.
    std::optional<ContentOutcome> last_outcome() const;
    bool can_roll_back() const;
    // True once after a switch: the App reloads its assets at the next welcome screen.
    bool take_change() { return m_changed.exchange(false); }

    // Blocking: the periodic worker and the technician's worker call them.
    ContentOutcome check_now();
    ContentOutcome install_from_folder(const std::filesystem::path&);
    ContentOutcome roll_back();

private:
    explicit ContentUpdates(std::unique_ptr<sync::pack::PackStore>);
    void worker(int interval_s);
    void changed();

    std::unique_ptr<sync::pack::PackStore> m_store;
    std::unique_ptr<sync::pack::PackClient> m_client; // null without a hub
    std::function<void()> m_on_change;
    std::atomic<bool> m_changed { false };
    mutable std::mutex m_mutex;
    std::optional<ContentOutcome> m_last;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
    int m_interval_s = 0;
};

}
