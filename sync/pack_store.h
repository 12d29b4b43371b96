// The kiosk's content packs on disk (content.packs_dir): a cache of verified files by hash, a staging
// area, the active and previous packs, and state.json, the one pointer file whose atomic replacement
// switches packs. Refusals leave the active pack as it was. Layout and decisions: docs/content-packs.md.
// Thread-safe: every method may be called from any thread; changes also take a file lock so that
// guichetctl and the kiosk app can share one folder.
#pragma once
#include "sync/pack.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace guichet::sync::pack {

struct PackStoreSettings {
    std::filesystem::path dir;              // content.packs_dir
    std::vector<std::string> signing_keys;  // content.signing_keys: base64 Ed25519 public keys
    std::string channel = "stable";         // content.channel
    std::vector<std::string> languages { "fr", "en", "pt", "es" }; // kiosk.languages, for the content checks
    std::filesystem::path builtin_assets_dir; // ui.assets_dir: used while no pack is active
    // Checks the caller adds to check_assets() (e.g. the app loading its configured themes); a failure
    // refuses the pack as InvalidContent.
    std::function<Result<void>(const std::filesystem::path& assets)> extra_check;
};

struct PackInfo {
    std::string name; // the folder under trees/: v<version>-<12 hex of the body's hash>
    int64_t version = 0;
    std::string channel;
    std::string created_at;
    std::string key_id;
    size_t files = 0;
    uint64_t bytes = 0;
};

struct PackStatus {
    std::optional<PackInfo> active;   // none: the built-in assets are in use
    std::optional<PackInfo> previous; // what rollback() returns to (none: the built-in assets)
    int64_t highest_accepted = 0;     // packs at or below this version are refused
    std::filesystem::path assets_dir; // what the app loads procedures, strings and themes from
    std::string etag;                 // of the last manifest the hub sent that needed no change
};

struct InstallReport {
    PackInfo pack;
    size_t files_copied = 0;   // files that were not in the cache yet (from the folder or downloaded)
    uint64_t bytes_copied = 0;
};

// The content checks a pack must pass before it is switched on: every procedures/*.json valid for
// `languages` (load_catalog, at least one procedure), strings/<language>.json for each language with
// every key of the base language, and every themes/*.json a JSON object.
Result<void> check_assets(const std::filesystem::path& assets, const std::vector<std::string>& languages);

class PackStore {
public:
    // Creates the folder layout if needed, reads state.json, and repairs what an interrupted install
    // left (staging leftovers; an active pack whose folder is gone falls back to the built-in assets).
    static Result<std::unique_ptr<PackStore>> open(PackStoreSettings);
    PackStore(const PackStore&) = delete;
    PackStore& operator=(const PackStore&) = delete;

    std::filesystem::path active_assets_dir() const;
    PackStatus status() const;
    const PackStoreSettings& settings() const { return m_settings; }

    // A pack folder (a USB stick): manifest.json and blobs/<hash>. Verifies, copies what the cache
    // lacks, checks, switches.
    PackResult<InstallReport> install_from_folder(const std::filesystem::path& folder);

    // The steps PackClient takes for a pack from the hub:
    // the envelope's signature, key and channel (not yet its version).
    PackResult<SignedManifest> verify(std::string_view envelope) const;
    // NotNewer when the version is at or below the highest accepted.
    PackResult<void> check_newer(const Manifest&) const;
    // The files whose hash the cache lacks, one per hash.
    std::vector<FileEntry> missing_files(const Manifest&) const;
    // Where to download a file before adopt_file() takes it.
    std::filesystem::path incoming_path(const FileEntry&) const;
    // Checks size (Truncated, SizeMismatch) and hash (HashMismatch) and moves the file into the cache;
    // the file is removed when refused.
    PackResult<void> adopt_file(const std::filesystem::path& file, const FileEntry&);
    // Every file must be in the cache: builds the pack in staging, checks its content, switches to it,
    // records its version as the highest accepted, and forgets what neither it nor the previous pack uses.
    PackResult<InstallReport> install(const SignedManifest&);

    // Swaps the active and previous packs (the technician's undo; running it twice undoes it). The
    // highest accepted version stays, so the hub does not reinstall what was rolled back.
    Result<PackStatus> rollback();

    Result<void> remember_etag(const std::string& etag);

private:
    explicit PackStore(PackStoreSettings settings);
    struct State;
    struct Lock;
    Result<State> read_state() const;
    Result<void> write_state(const State&) const;
    std::optional<PackInfo> info_of(const std::string& name) const;
    void collect_garbage(const State&) const;

    PackStoreSettings m_settings;
    std::vector<PublicKey> m_keys;
    mutable std::mutex m_mutex;
};

}
