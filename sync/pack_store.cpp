// [SECTION] files  [SECTION] content checks  [SECTION] state  [SECTION] install  [SECTION] rollback
#include "sync/pack_store.h"

#include "kiosk/core/i18n.h"
#include "kiosk/core/input_limits.h"
#include "kiosk/core/procedure.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace guichet::sync::pack {
namespace fs = std::filesystem;

namespace {

constexpr const char* state_file = "state.json";

std::string errno_text() { return std::strerror(errno); }

// [SECTION] files


bool write_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        auto n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

// Written to a temporary name, synced, renamed over the target, and the folder synced: a reader sees
// the old content or the new, never half of it.
Result<void> replace_file(const fs::path& path, std::string_view content)
{
    auto temporary = path;
    temporary += ".tmp";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail("cannot write '" + temporary.string() + "': " + errno_text());
    bool written = write_all(fd, content) && ::fsync(fd) == 0;
    int saved = errno;
    written = ::close(fd) == 0 && written;
    if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
        if (written)
            saved = errno;
        ::unlink(temporary.c_str());
        return fail("cannot write '" + path.string() + "': " + std::strerror(saved));
    }
    if (!sync_path(path.parent_path()))
        return fail("cannot sync the folder of '" + path.string() + "': " + errno_text());
    return {};
}

// Copies at most limit + 1 bytes of a regular file (never through a symlink), synced. The size copied
// tells a short or long file apart.
PackResult<uint64_t> copy_bounded(const fs::path& from, const fs::path& to, uint64_t limit)
{
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0) {
        if (errno == ELOOP)
            return refuse(Refusal::UnsafePath, "'" + from.string() + "' is a symlink; a pack folder holds plain files only");
        return refuse(Refusal::MissingFile, "cannot read '" + from.string() + "': " + errno_text());
    }
    struct stat info {};
    if (::fstat(in, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(in);
        return refuse(Refusal::UnsafePath, "'" + from.string() + "' is not a plain file");
    }
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        ::close(in);
        return refuse(Refusal::Storage, "cannot write '" + to.string() + "': " + errno_text());
    }
    std::vector<char> buffer(256 * 1024);
    uint64_t copied = 0;
    bool ok = true;
    while (ok && copied <= limit) {
        auto n = ::read(in, buffer.data(), static_cast<size_t>(std::min<uint64_t>(buffer.size(), limit + 1 - copied)));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = write_all(out, std::string_view(buffer.data(), static_cast<size_t>(n)));
        copied += static_cast<uint64_t>(n);
    }
    ok = ok && ::fsync(out) == 0;
    ok = ::close(out) == 0 && ok;
    ::close(in);
    if (!ok) {
        ::unlink(to.c_str());
        return refuse(Refusal::Storage, "cannot copy '" + from.string() + "' to '" + to.string() + "': " + errno_text());
    }
    return copied;
}

std::optional<std::string> read_small_file(const fs::path& path, size_t limit)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return std::nullopt;
    std::string text;
    std::array<char, 64 * 1024> buffer;
    for (;;) {
        auto n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || text.size() + static_cast<size_t>(n) > limit) {
            ::close(fd);
            if (n == 0)
                return text;
            return std::nullopt;
        }
        text.append(buffer.data(), static_cast<size_t>(n));
    }
}

void remove_quietly(const fs::path& path)
{
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

std::string tree_name(const SignedManifest& signed_manifest)
{
    return "v" + std::to_string(signed_manifest.manifest.version) + "-" + to_hex(hash_bytes(signed_manifest.body)).substr(0, 12);
}

}

// [SECTION] content checks

Result<void> check_assets(const fs::path& assets, const std::vector<std::string>& languages)
{
    auto catalog = load_catalog(assets / "procedures", { .languages = languages });
    if (!catalog.problems.empty()) {
        auto& first = catalog.problems.front();
        auto file = fs::path(first.file).lexically_relative(assets).generic_string();
        auto more = catalog.problems.size() > 1 ? " (and " + std::to_string(catalog.problems.size() - 1) + " more problems)" : "";
        return fail("a procedure fails the validator: " + (file.empty() ? first.file : file) + " " + first.path + ": "
            + first.message + more);
    }
    if (catalog.procedures.empty())
        return fail("the pack holds no procedure (procedures/*.json)");

    auto strings = Strings::load(assets / "strings", languages);
    if (!strings)
        return fail("the UI strings: " + strings.error().message);
    auto& base = strings->table(base_language);
    for (auto& language : languages) {
        for (auto& [key, text] : base) {
            if (!strings->has(language, key))
                return fail("the UI strings: strings/" + language + ".json lacks '" + key + "', which the base language has");
        }
    }

    std::error_code error;
    if (fs::is_directory(assets / "themes", error)) {
        for (auto& entry : fs::directory_iterator(assets / "themes", error)) {
            if (entry.path().extension() != ".json")
                continue;
            // Bounded like every file the kiosk reads: the size before reading, the nesting before parsing.
            auto text = read_file_at_most(entry.path(), max_theme_bytes, "a theme");
            if (!text)
                return fail("themes/" + entry.path().filename().string() + " "
                    + (text.error().kind == ReadProblem::Kind::TooLarge ? "" : "cannot be read: ") + text.error().reason);

            auto theme = parse_json_bounded(*text);
            if (!theme)
                return fail("themes/" + entry.path().filename().string() + " " + theme.error().message);
            if (!theme->is_object())
                return fail("themes/" + entry.path().filename().string() + " is not a JSON object");

        }
    }
    return {};
}

// [SECTION] state

// state.json: {"highest_accepted": N, "active": NAME|null, "previous": NAME|null, "etag": TEXT}
struct PackStore::State {
    int64_t highest = 0;
    std::optional<std::string> active;
    std::optional<std::string> previous;
    std::string etag;
};

// Taken for every change: flock on <dir>/lock (other processes) over the mutex (other threads).
struct PackStore::Lock {
    std::unique_lock<std::mutex> guard;
    int fd = -1;
    Lock(std::mutex& mutex, const fs::path& dir)
        : guard(mutex)
    {
        fd = ::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
            }
        }
    }
    ~Lock()
    {
        if (fd >= 0)
            ::close(fd); // releases the flock
    }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
};

PackStore::PackStore(PackStoreSettings settings)
    : m_settings(std::move(settings))
{
}

Result<PackStore::State> PackStore::read_state() const
{
    auto path = m_settings.dir / state_file;
    std::error_code error;
    if (!fs::exists(path, error))
        return State {};
    auto text = read_small_file(path, 64 * 1024);
    auto root = text ? nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false) : nlohmann::json();
    if (!text || root.is_discarded() || !root.is_object() || !root.contains("highest_accepted")
        || !root["highest_accepted"].is_number_integer())
        return fail("the pack state '" + path.string() + "' is unreadable; packs are refused until a technician repairs it");
    State state;
    state.highest = root["highest_accepted"].get<int64_t>();
    for (auto [key, slot] : { std::pair { "active", &state.active }, std::pair { "previous", &state.previous } }) {
        if (auto found = root.find(key); found != root.end() && found->is_string())
            *slot = found->get<std::string>();
    }
    if (auto found = root.find("etag"); found != root.end() && found->is_string())
        state.etag = found->get<std::string>();
    return state;
}

Result<void> PackStore::write_state(const State& state) const
{
    nlohmann::json root { { "highest_accepted", state.highest }, { "active", nullptr }, { "previous", nullptr },
        { "etag", state.etag } };
    if (state.active)
        root["active"] = *state.active;
    if (state.previous)
        root["previous"] = *state.previous;
    return replace_file(m_settings.dir / state_file, root.dump(2) + "\n");
}

std::optional<PackInfo> PackStore::info_of(const std::string& name) const
{
    auto envelope = read_small_file(m_settings.dir / "trees" / name / manifest_file_name, max_manifest_bytes);
    if (!envelope)
        return std::nullopt;
    auto opened = read_installed_envelope(*envelope);
    if (!opened)
        return std::nullopt;
    auto& manifest = opened->manifest;
    return PackInfo { name, manifest.version, manifest.channel, manifest.created_at, opened->key_id, manifest.files.size(),
        manifest.total_bytes() };
}

Result<std::unique_ptr<PackStore>> PackStore::open(PackStoreSettings settings)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    if (settings.dir.empty())
        return fail("'content.packs_dir' is empty: this kiosk takes no content packs");
    if (!is_valid_channel(settings.channel))
        return fail("'content.channel' = \"" + settings.channel + "\" is not a channel name ([a-z0-9-]{1,64})");
    std::unique_ptr<PackStore> store(new PackStore(std::move(settings)));
    for (auto& text : store->m_settings.signing_keys) {
        auto key = parse_public_key(text);
        if (!key)
            return fail("'content.signing_keys': " + key.error().message);
        store->m_keys.push_back(*key);
    }
    auto& dir = store->m_settings.dir;
    std::error_code error;
    for (auto* sub : { "blobs", "trees", "staging", "incoming" }) {
        fs::create_directories(dir / sub, error);
        if (error)
            return fail("cannot create '" + (dir / sub).string() + "': " + error.message());
    }
    Lock lock(store->m_mutex, dir);
    auto state = store->read_state();
    if (!state)
        return std::unexpected(state.error());
    // Repairs: a pack whose folder went missing is dropped (the built-in assets or the previous pack
    // serve); the highest version never goes below what is installed.
    State repaired = *state;
    for (auto* slot : { &repaired.active, &repaired.previous }) {
        if (!*slot)
            continue;
        auto info = store->info_of(**slot);
        if (!info)
            slot->reset();
        else
            repaired.highest = std::max(repaired.highest, info->version);
    }
    if (!repaired.active && repaired.previous && state->active) {
        repaired.active = repaired.previous;
        repaired.previous.reset();
    }
    if (repaired.active != state->active || repaired.previous != state->previous || repaired.highest != state->highest) {
        if (auto written = store->write_state(repaired); !written)
            return std::unexpected(written.error());
    }
    for (auto* sub : { "staging", "incoming" }) {
        for (auto& entry : fs::directory_iterator(dir / sub, error))
            remove_quietly(entry.path());
    }
    return store;
}

PackStatus PackStore::status() const
{
    PackStatus status;
    status.assets_dir = m_settings.builtin_assets_dir;
    auto state = read_state();
    if (!state)
        return status;
    status.highest_accepted = state->highest;
    status.etag = state->etag;
    if (state->active)
        status.active = info_of(*state->active);
    if (state->previous)
        status.previous = info_of(*state->previous);
    if (status.active)
        status.assets_dir = m_settings.dir / "trees" / status.active->name / "assets";
    return status;
}

fs::path PackStore::active_assets_dir() const { return status().assets_dir; }

Result<void> PackStore::remember_etag(const std::string& etag)
{
    Lock lock(m_mutex, m_settings.dir);
    auto state = read_state();
    if (!state)
        return std::unexpected(state.error());
    if (state->etag == etag)
        return {};
    state->etag = etag;
    return write_state(*state);
}

// [SECTION] install

PackResult<SignedManifest> PackStore::verify(std::string_view envelope) const
{
    auto opened = open_envelope(envelope, m_keys);
    if (!opened)
        return opened;
    if (opened->manifest.channel != m_settings.channel)
        return refuse(Refusal::WrongChannel, "the pack is for channel '" + opened->manifest.channel + "'; this kiosk follows '"
            + m_settings.channel + "'");
    return opened;
}

PackResult<void> PackStore::check_newer(const Manifest& manifest) const
{
    auto state = read_state();
    if (!state)
        return refuse(Refusal::Storage, state.error().message);
    if (manifest.version <= state->highest)
        return refuse(Refusal::NotNewer, "version " + std::to_string(manifest.version) + " is not newer than version "
            + std::to_string(state->highest) + ", the highest this kiosk accepted");
    return {};
}

std::vector<FileEntry> PackStore::missing_files(const Manifest& manifest) const
{
    std::vector<FileEntry> missing;
    std::set<std::string> seen;
    std::error_code error;
    for (auto& file : manifest.files) {
        if (!seen.insert(file.hash).second)
            continue;
        if (!fs::is_regular_file(fs::symlink_status(m_settings.dir / "blobs" / file.hash, error)))
            missing.push_back(file);
    }
    return missing;
}

fs::path PackStore::incoming_path(const FileEntry& file) const { return m_settings.dir / "incoming" / (file.hash + ".part"); }

PackResult<void> PackStore::adopt_file(const fs::path& file, const FileEntry& entry)
{
    auto refused = [&](Refusal refusal, std::string message) {
        ::unlink(file.c_str());
        return refuse(refusal, std::move(message));
    };
    struct stat info {};
    if (::lstat(file.c_str(), &info) != 0)
        return refuse(Refusal::MissingFile, "'" + entry.path + "' was not received");
    if (!S_ISREG(info.st_mode))
        return refused(Refusal::UnsafePath, "'" + entry.path + "' is not a plain file");
    auto digest = hash_file(file, entry.size);
    if (!digest)
        return refused(Refusal::Storage, digest.error().message);
    if (digest->size < entry.size)
        return refused(Refusal::Truncated, "'" + entry.path + "' is truncated: " + std::to_string(digest->size) + " of "
            + std::to_string(entry.size) + " bytes");
    if (digest->size > entry.size)
        return refused(Refusal::SizeMismatch, "'" + entry.path + "' is longer than the " + std::to_string(entry.size)
            + " bytes the manifest says");
    if (to_hex(digest->hash) != entry.hash)
        return refused(Refusal::HashMismatch, "'" + entry.path + "' does not match its hash in the manifest (altered or damaged)");
    // Read-only: installed packs are hard links to these files, which must never change.
    ::chmod(file.c_str(), 0444);
    if (!sync_path(file))
        return refused(Refusal::Storage, "cannot sync '" + file.string() + "': " + errno_text());
    auto target = m_settings.dir / "blobs" / entry.hash;
    if (::rename(file.c_str(), target.c_str()) != 0)
        return refused(Refusal::Storage, "cannot store '" + entry.path + "' in the cache: " + errno_text());
    if (!sync_path(target.parent_path()))
        return refuse(Refusal::Storage, "cannot sync the cache folder: " + errno_text());
    return {};
}

PackResult<InstallReport> PackStore::install_from_folder(const fs::path& folder)
{
    auto manifest_path = folder / manifest_file_name;
    struct stat info {};
    if (::lstat(manifest_path.c_str(), &info) != 0)
        return refuse(Refusal::MissingFile, "'" + manifest_path.string() + "' does not exist: a pack folder holds "
            + std::string(manifest_file_name) + " and " + std::string(blobs_dir_name) + "/");
    if (!S_ISREG(info.st_mode))
        return refuse(Refusal::UnsafePath, "'" + manifest_path.string() + "' is not a plain file");
    auto envelope = read_small_file(manifest_path, max_manifest_bytes);
    if (!envelope)
        return refuse(Refusal::Malformed, "cannot read '" + manifest_path.string() + "', or it is larger than "
            + std::to_string(max_manifest_bytes) + " bytes");
    auto verified = verify(*envelope);
    if (!verified)
        return std::unexpected(verified.error());
    if (auto newer = check_newer(verified->manifest); !newer)
        return std::unexpected(newer.error());
    auto blobs = folder / blobs_dir_name;
    if (::lstat(blobs.c_str(), &info) == 0 && !S_ISDIR(info.st_mode))
        return refuse(Refusal::UnsafePath, "'" + blobs.string() + "' is not a plain folder");

    size_t copied = 0;
    uint64_t bytes = 0;
    for (auto& file : missing_files(verified->manifest)) {
        auto source = blobs / file.hash;
        if (::lstat(source.c_str(), &info) != 0)
            return refuse(Refusal::MissingFile, "the folder lacks " + std::string(blobs_dir_name) + "/" + file.hash + " ('"
                + file.path + "')");
        auto incoming = incoming_path(file);
        auto size = copy_bounded(source, incoming, file.size);
        if (!size)
            return std::unexpected(size.error());
        if (auto adopted = adopt_file(incoming, file); !adopted)
            return std::unexpected(adopted.error());
        ++copied;
        bytes += *size;
    }
    auto installed = install(*verified);
    if (installed) {
        installed->files_copied = copied;
        installed->bytes_copied = bytes;
    }
    return installed;
}

PackResult<InstallReport> PackStore::install(const SignedManifest& verified)
{
    auto& manifest = verified.manifest;
    if (manifest.channel != m_settings.channel)
        return refuse(Refusal::WrongChannel, "the pack is for channel '" + manifest.channel + "'");
    Lock lock(m_mutex, m_settings.dir);
    auto state = read_state();
    if (!state)
        return refuse(Refusal::Storage, state.error().message);
    if (auto newer = check_newer(manifest); !newer)
        return std::unexpected(newer.error());

    auto name = tree_name(verified);
    auto staging = m_settings.dir / "staging" / name;
    remove_quietly(staging);
    std::error_code error;
    fs::create_directories(staging / "assets", error);
    if (error)
        return refuse(Refusal::Storage, "cannot create '" + staging.string() + "': " + error.message());
    auto refused = [&](Refusal refusal, std::string message) {
        remove_quietly(staging);
        return refuse(refusal, std::move(message));
    };

    // The pack's tree: hard links to the cached files (a copy where the file system has none). Each
    // cached file is hashed again, so a damaged cache cannot slip into a pack.
    std::set<fs::path> folders { staging, staging / "assets" };
    for (auto& file : manifest.files) {
        auto blob = m_settings.dir / "blobs" / file.hash;
        auto digest = hash_file(blob, file.size);
        if (!digest)
            return refused(Refusal::MissingFile, "'" + file.path + "' is not in the cache");
        if (digest->size != file.size || to_hex(digest->hash) != file.hash) {
            remove_quietly(blob);
            return refused(Refusal::HashMismatch, "the cached copy of '" + file.path + "' is damaged; it was dropped");
        }
        auto target = staging / "assets" / file.path;
        for (auto folder = target.parent_path(); folder != staging / "assets"; folder = folder.parent_path())
            folders.insert(folder);
        fs::create_directories(target.parent_path(), error);
        if (error)
            return refused(Refusal::Storage, "cannot create '" + target.parent_path().string() + "': " + error.message());
        if (::link(blob.c_str(), target.c_str()) != 0) {
            auto copied = copy_bounded(blob, target, file.size);
            if (!copied)
                return refused(Refusal::Storage, copied.error().message);
        }
    }
    auto envelope_path = staging / manifest_file_name;
    if (auto written = replace_file(envelope_path, verified.envelope); !written)
        return refused(Refusal::Storage, written.error().message);

    if (auto checked = check_assets(staging / "assets", m_settings.languages); !checked)
        return refused(Refusal::InvalidContent, checked.error().message);
    if (m_settings.extra_check) {
        if (auto checked = m_settings.extra_check(staging / "assets"); !checked)
            return refused(Refusal::InvalidContent, checked.error().message);
    }

    for (auto& folder : folders) {
        if (!sync_path(folder))
            return refused(Refusal::Storage, "cannot sync '" + folder.string() + "': " + errno_text());
    }
    auto tree = m_settings.dir / "trees" / name;
    remove_quietly(tree); // left by an install that stopped before its state was written
    if (::rename(staging.c_str(), tree.c_str()) != 0 || !sync_path(tree.parent_path()))
        return refused(Refusal::Storage, "cannot move the pack into '" + tree.string() + "': " + errno_text());

    // The switch: one rename of state.json names the new active pack, its predecessor as previous,
    // and the new highest version together.
    State next = *state;
    next.previous = state->active;
    next.active = name;
    next.highest = manifest.version;
    if (auto written = write_state(next); !written)
        return refused(Refusal::Storage, written.error().message);
    collect_garbage(next);
    InstallReport report;
    if (auto info = info_of(name))
        report.pack = *info;
    return report;
}

void PackStore::collect_garbage(const State& state) const
{
    std::set<std::string> keep_trees, keep_blobs;
    for (auto& slot : { state.active, state.previous }) {
        if (!slot)
            continue;
        keep_trees.insert(*slot);
        auto envelope = read_small_file(m_settings.dir / "trees" / *slot / manifest_file_name, max_manifest_bytes);
        if (!envelope)
            return; // cannot tell what is used: keep everything
        auto opened = read_installed_envelope(*envelope);
        if (!opened)
            return;
        for (auto& file : opened->manifest.files)
            keep_blobs.insert(file.hash);
    }
    std::error_code error;
    for (auto& entry : fs::directory_iterator(m_settings.dir / "trees", error)) {
        if (!keep_trees.contains(entry.path().filename().string()))
            remove_quietly(entry.path());
    }
    for (auto& entry : fs::directory_iterator(m_settings.dir / "blobs", error)) {
        if (!keep_blobs.contains(entry.path().filename().string()))
            remove_quietly(entry.path());
    }
}

// [SECTION] rollback

Result<PackStatus> PackStore::rollback()
{
    {
        Lock lock(m_mutex, m_settings.dir);
        auto state = read_state();
        if (!state)
            return std::unexpected(state.error());
        if (!state->active && !state->previous)
            return fail("no pack is installed: the built-in assets are in use and there is nothing to roll back to");
        std::swap(state->active, state->previous);
        if (auto written = write_state(*state); !written)
            return std::unexpected(written.error());
    }
    return status();
}

}
