// The administration's side of content packs (docs/content-packs.md): the Ed25519 signing key, building
// and signing a pack folder from an assets tree, and the hub's pack depot that `pack publish` fills and
// the server reads (channels/<channel>.json and blobs/<hash>).
#pragma once
#include "kiosk/core/result.h"
#include "sync/pack.h"

#include <filesystem>
#include <optional>
#include <string>

namespace guichet::sync::hub {

// Writes FILE (the secret key in base64, mode 0600) and FILE.pub (the public key in base64: what goes
// into the kiosks' content.signing_keys). Refuses to overwrite either. Returns the key id.
Result<std::string> write_pack_key(const std::filesystem::path& file);
Result<pack::SecretKey> load_pack_key(const std::filesystem::path& file);

struct BuildOptions {
    std::filesystem::path source; // an assets tree: procedures/, strings/, themes/, data/, recordings/...
    std::filesystem::path out;    // the pack folder: manifest.json and blobs/<hash>
    int64_t version = 0;
    std::string channel = "stable";
};
// Every plain file under `source` (names starting with '.' are skipped; a symlink or a name outside
// the path rules is an error), stored by hash under out/blobs and listed in a signed manifest.
Result<pack::Manifest> build_pack(const BuildOptions&, const pack::SecretKey&);

// The hub's store of published packs, a folder next to its database.
class PackDepot {
public:
    explicit PackDepot(std::filesystem::path dir);
    // Checks the pack folder (every file present with its size and hash, its channel the one asked,
    // its version above the one published there), copies its files in, then replaces the channel's
    // manifest atomically. The signature is the kiosks' to check: the hub holds no key.
    Result<pack::Manifest> publish(const std::filesystem::path& pack_folder, const std::string& channel);
    // The channel's envelope as published, or nullopt.
    std::optional<std::string> manifest(const std::string& channel) const;
    std::filesystem::path blob_path(const std::string& hash) const;
    const std::filesystem::path& dir() const { return m_dir; }

private:
    std::filesystem::path m_dir;
};

}
