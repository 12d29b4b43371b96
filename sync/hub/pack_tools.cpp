// Pack signing keys, pack building, and the hub's pack depot.
#include "sync/hub/pack_tools.h"

#include "sync/clock_text.h"
#include "sync/hub/keys.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace guichet::sync::hub {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const fs::path& path, size_t limit)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string text;
    std::array<char, 64 * 1024> buffer;
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
        text.append(buffer.data(), static_cast<size_t>(in.gcount()));
        if (text.size() > limit)
            return std::nullopt;
    }
    return text;
}

// Written beside, synced, renamed into place: readers (the server, a kiosk) never see half a file.
Result<void> replace_file(const fs::path& path, std::string_view content)
{
    auto temporary = path;
    temporary += ".tmp";
    std::error_code error;
    fs::remove(temporary, error);
    if (auto written = write_new_file(temporary, content, 0644); !written)
        return written;
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int saved = errno;
        fs::remove(temporary, error);
        return fail("cannot write '" + path.string() + "': " + std::strerror(saved));
    }
    pack::sync_path(path.parent_path());
    return {};
}

// Copies `from` to `dir/hash` unless it is there already; the copy is checked against the hash.
Result<void> store_blob(const fs::path& from, const fs::path& dir, const pack::FileEntry& file)
{
    auto target = dir / file.hash;
    std::error_code error;
    if (fs::is_regular_file(fs::symlink_status(target, error)))
        return {};
    auto temporary = dir / (file.hash + ".tmp");
    fs::remove(temporary, error);
    fs::copy_file(from, temporary, error);
    if (error)
        return fail("cannot copy '" + from.string() + "' to '" + temporary.string() + "': " + error.message());
    auto digest = pack::hash_file(temporary, file.size);
    if (!digest || digest->size != file.size || pack::to_hex(digest->hash) != file.hash) {
        fs::remove(temporary, error);
        return fail("'" + from.string() + "' changed while it was copied");
    }
    pack::sync_path(temporary);
    if (::rename(temporary.c_str(), target.c_str()) != 0)
        return fail("cannot store '" + target.string() + "': " + std::strerror(errno));
    return {};
}

}

Result<std::string> write_pack_key(const fs::path& file)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    auto public_file = file;
    public_file += ".pub";
    std::error_code error;
    for (auto& path : { file, public_file }) {
        if (fs::exists(path, error))
            return fail("'" + path.string() + "' already exists; refusing to overwrite a key (move it away first)");
    }
    if (file.has_parent_path())
        fs::create_directories(file.parent_path(), error);
    pack::PublicKey public_key {};
    pack::SecretKey secret_key {};
    sodium_mlock(secret_key.data(), secret_key.size());
    crypto_sign_keypair(public_key.data(), secret_key.data());
    auto secret_text = pack::encode_key(secret_key) + "\n";
    sodium_munlock(secret_key.data(), secret_key.size());
    auto written = write_new_file(file, secret_text, 0600);
    wipe(secret_text);
    if (!written)
        return std::unexpected(written.error());
    if (auto done = write_new_file(public_file, pack::encode_key(public_key) + "\n", 0644); !done) {
        fs::remove(file, error);
        return std::unexpected(done.error());
    }
    return pack::key_id(public_key);
}

Result<pack::SecretKey> load_pack_key(const fs::path& file)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    auto text = read_file(file, 4096);
    if (!text)
        return fail("cannot read the pack key '" + file.string() + "'");
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r' || text->back() == ' '))
        text->pop_back();
    pack::SecretKey key {};
    size_t length = 0;
    const char* end = nullptr;
    int decoded = sodium_base642bin(key.data(), key.size(), text->data(), text->size(), nullptr, &length, &end,
        sodium_base64_VARIANT_ORIGINAL);
    bool whole = end == text->data() + text->size();
    wipe(*text);
    if (decoded != 0 || !whole || length != key.size())
        return fail("'" + file.string() + "' does not hold a base64 Ed25519 secret key of " + std::to_string(key.size())
            + " bytes (made by 'guichet-hub pack keygen')");
    return key;
}

Result<pack::Manifest> build_pack(const BuildOptions& options, const pack::SecretKey& key)
{
    if (options.version < 1)
        return fail("--version must be a whole number above 0");
    if (!pack::is_valid_channel(options.channel))
        return fail("the channel '" + options.channel + "' is not valid: use 1 to 64 of [a-z0-9-]");
    std::error_code error;
    if (!fs::is_directory(options.source, error))
        return fail("'" + options.source.string() + "' is not a folder");
    auto blobs = options.out / pack::blobs_dir_name;
    fs::create_directories(blobs, error);
    if (error)
        return fail("cannot create '" + blobs.string() + "': " + error.message());

    pack::Manifest manifest;
    manifest.version = options.version;
    manifest.channel = options.channel;
    manifest.created_at = now_rfc3339(Precision::Seconds);
    auto walk = fs::recursive_directory_iterator(options.source, fs::directory_options::none, error);
    if (error)
        return fail("cannot read '" + options.source.string() + "': " + error.message());
    for (auto entry = fs::begin(walk); entry != fs::end(walk); entry.increment(error)) {
        if (error)
            return fail("cannot read '" + options.source.string() + "': " + error.message());
        auto name = entry->path().filename().string();
        if (name.starts_with(".")) {
            if (entry->is_directory(error))
                entry.disable_recursion_pending();
            continue;
        }
        auto relative = entry->path().lexically_relative(options.source).generic_string();
        if (entry->is_symlink(error))
            return fail("'" + relative + "' is a symlink; a pack holds plain files only");
        if (entry->is_directory(error))
            continue;
        if (!entry->is_regular_file(error))
            return fail("'" + relative + "' is not a plain file");
        if (auto problem = pack::path_problem(relative))
            return fail("'" + relative + "' cannot be in a pack: " + *problem);
        auto digest = pack::hash_file(entry->path());
        if (!digest)
            return std::unexpected(digest.error());
        if (digest->size > pack::max_file_bytes)
            return fail("'" + relative + "' is larger than " + std::to_string(pack::max_file_bytes) + " bytes");
        pack::FileEntry file { relative, pack::to_hex(digest->hash), digest->size };
        if (auto stored = store_blob(entry->path(), blobs, file); !stored)
            return std::unexpected(stored.error());
        manifest.files.push_back(std::move(file));
    }
    if (manifest.files.empty())
        return fail("'" + options.source.string() + "' holds no file");
    if (manifest.files.size() > pack::max_files)
        return fail("a pack holds at most " + std::to_string(pack::max_files) + " files");
    std::sort(manifest.files.begin(), manifest.files.end(), [](auto& a, auto& b) { return a.path < b.path; });
    auto envelope = pack::sign(pack::encode_body(manifest), key);
    if (auto written = replace_file(options.out / pack::manifest_file_name, envelope); !written)
        return std::unexpected(written.error());
    return manifest;
}

PackDepot::PackDepot(fs::path dir)
    : m_dir(std::move(dir))
{
}

Result<pack::Manifest> PackDepot::publish(const fs::path& folder, const std::string& channel)
{
    if (!pack::is_valid_channel(channel))
        return fail("the channel '" + channel + "' is not valid: use 1 to 64 of [a-z0-9-]");
    auto envelope = read_file(folder / pack::manifest_file_name, pack::max_manifest_bytes);
    if (!envelope)
        return fail("cannot read '" + (folder / pack::manifest_file_name).string() + "' (or it is too large)");
    auto opened = pack::read_installed_envelope(*envelope);
    if (!opened)
        return fail("'" + (folder / pack::manifest_file_name).string() + "': " + opened.error().message);
    auto& manifest = opened->manifest;
    if (manifest.channel != channel)
        return fail("the pack was signed for channel '" + manifest.channel + "', not '" + channel
            + "': build it again with --channel " + channel);
    if (auto current = this->manifest(channel)) {
        if (auto published = pack::read_installed_envelope(*current); published && published->manifest.version >= manifest.version)
            return fail("channel '" + channel + "' already has version " + std::to_string(published->manifest.version)
                + "; kiosks only take a higher version");
    }
    std::error_code error;
    for (auto* sub : { "blobs", "channels" }) {
        fs::create_directories(m_dir / sub, error);
        if (error)
            return fail("cannot create '" + (m_dir / sub).string() + "': " + error.message());
    }
    for (auto& file : manifest.files) {
        auto source = folder / pack::blobs_dir_name / file.hash;
        auto digest = pack::hash_file(source, file.size);
        if (!digest)
            return fail("the pack folder lacks '" + file.path + "' (" + source.string() + ")");
        if (digest->size != file.size || pack::to_hex(digest->hash) != file.hash)
            return fail("'" + source.string() + "' ('" + file.path + "') does not match the manifest");
        if (auto stored = store_blob(source, m_dir / "blobs", file); !stored)
            return std::unexpected(stored.error());
    }
    pack::sync_path(m_dir / "blobs");
    if (auto written = replace_file(m_dir / "channels" / (channel + ".json"), *envelope); !written)
        return std::unexpected(written.error());
    return manifest;
}

std::optional<std::string> PackDepot::manifest(const std::string& channel) const
{
    if (!pack::is_valid_channel(channel))
        return std::nullopt;
    return read_file(m_dir / "channels" / (channel + ".json"), pack::max_manifest_bytes);
}

fs::path PackDepot::blob_path(const std::string& hash) const { return m_dir / "blobs" / hash; }

}
