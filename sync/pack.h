// Signed content packs (DESIGN.md "Content packs", docs/content-packs.md): the manifest format, its
// Ed25519 signature, BLAKE2b file hashes and the path rules. No file system state here: PackStore
// (pack_store.h) keeps packs on the kiosk, the hub's tools (sync/hub/pack_tools.h) build and publish them.
#pragma once
#include "kiosk/core/result.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync::pack {

inline constexpr int format_version = 1;
inline constexpr size_t max_manifest_bytes = 4 * 1024 * 1024; // the envelope, as stored or downloaded
inline constexpr size_t max_files = 10000;
inline constexpr uint64_t max_file_bytes = 256ull * 1024 * 1024;
inline constexpr size_t max_path_bytes = 240;

// A pack folder (what `guichet-hub pack build` writes, what a USB stick holds): the signed envelope
// and every file under blobs/<hash>.
inline constexpr std::string_view manifest_file_name = "manifest.json";
inline constexpr std::string_view blobs_dir_name = "blobs";

// Why a pack was not taken. Each refusal leaves the active pack as it was.
enum class Refusal {
    Malformed,      // the manifest is not a signed envelope or its body does not parse
    UnknownKey,     // signed by a key this kiosk does not trust
    BadSignature,   // the signature does not match the body
    WrongChannel,   // signed for another channel
    NotNewer,       // version at or below the highest this kiosk accepted
    UnsafePath,     // an absolute path, "..", a backslash, a symlink...
    MissingFile,    // a file of the manifest is not in the folder, or the hub does not have it
    Truncated,      // a file is shorter than the manifest says (a cut download)
    SizeMismatch,   // a file is longer than the manifest says
    HashMismatch,   // a file's bytes are not the ones signed
    InvalidContent, // procedures, strings or themes fail their checks
    Storage,        // the kiosk's disk refused (full, read-only...)
    Network,        // the hub could not be asked (only PackClient uses it)
};
std::string_view refusal_name(Refusal);

struct PackError {
    Refusal refusal = Refusal::Malformed;
    std::string message; // one line a technician can act on
};
template<typename T>
using PackResult = std::expected<T, PackError>;
inline std::unexpected<PackError> refuse(Refusal refusal, std::string message)
{
    return std::unexpected(PackError { refusal, std::move(message) });
}

// BLAKE2b-256 (libsodium crypto_generichash), written as 64 lower-case hex digits.
using Hash = std::array<uint8_t, 32>;
std::string to_hex(std::span<const uint8_t>);
std::optional<Hash> hash_from_hex(std::string_view);
bool is_hash_hex(std::string_view);
Hash hash_bytes(std::string_view);
struct FileDigest {
    Hash hash {};
    uint64_t size = 0;
};
// Reads at most `limit` bytes; a longer file reports size limit + 1 so the caller can refuse it.
Result<FileDigest> hash_file(const std::filesystem::path&, uint64_t limit = max_file_bytes);

struct FileEntry {
    std::string path; // relative, '/'-separated, see path_problem()
    std::string hash; // BLAKE2b-256 hex
    uint64_t size = 0;
};

struct Manifest {
    int format = format_version;
    int64_t version = 0;    // monotonic, > 0
    std::string channel;    // e.g. "stable"
    std::string created_at; // RFC 3339 UTC, informative only
    std::vector<FileEntry> files; // sorted by path, unique

    uint64_t total_bytes() const;
};

// Why a path may not be in a pack, or nullopt when it may. Each '/'-separated component is 1 to 100
// characters of [A-Za-z0-9._-], does not start with '.', so absolute paths, "..", ".", backslashes,
// empty components and hidden files are all refused.
std::optional<std::string> path_problem(std::string_view path);
// Channel names: 1 to 64 characters of [a-z0-9-].
bool is_valid_channel(std::string_view);
// fsync on a file or a folder, so a rename or a new entry survives a power cut.
bool sync_path(const std::filesystem::path&);

// The body's bytes as the builder writes them (ordered JSON, one line). The kiosk never re-encodes a
// body: it checks the signature over the bytes it received, then parses those same bytes.
std::string encode_body(const Manifest&);
PackResult<Manifest> decode_body(std::string_view body);

using PublicKey = std::array<uint8_t, crypto_sign_PUBLICKEYBYTES>;
using SecretKey = std::array<uint8_t, crypto_sign_SECRETKEYBYTES>;
// The first 16 hex digits of the BLAKE2b-256 hash of the public key: names the key in the envelope.
std::string key_id(const PublicKey&);
Result<PublicKey> parse_public_key(std::string_view base64);
std::string encode_key(std::span<const uint8_t>); // base64, original alphabet

// The envelope: {"format":1,"key_id":HEX,"signature":BASE64,"body":BASE64}. The signature is
// crypto_sign_detached over the body's exact bytes (the base64-decoded "body").
std::string sign(std::string_view body, const SecretKey&);

struct SignedManifest {
    std::string envelope; // the exact bytes received, kept with the installed pack
    std::string body;
    std::string key_id;
    Manifest manifest;
};

// Parses the envelope, finds the trusted key named by key_id, checks the signature, then parses the
// body. Malformed, UnknownKey, BadSignature or (from the body) Malformed/UnsafePath.
PackResult<SignedManifest> open_envelope(std::string_view envelope, std::span<const PublicKey> trusted);
// Reads an envelope without checking its signature: only for a pack that was verified when it was
// installed (its key may since have left the configuration), to show what it is.
PackResult<SignedManifest> read_installed_envelope(std::string_view envelope);

}
