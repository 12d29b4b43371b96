// The manifest format of content packs: hashing, path rules, body and envelope, signature check.
#include "sync/pack.h"

#include "sync/protocol.h"
#include "kiosk/core/input_limits.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>

namespace guichet::sync::pack {
namespace {

using json = nlohmann::ordered_json;

bool initialised()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

std::optional<std::string> decode_base64(std::string_view text)
{
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<uint8_t*>(out.data()), out.size(), text.data(), text.size(), nullptr, &length,
            &end, sodium_base64_VARIANT_ORIGINAL)
            != 0
        || end != text.data() + text.size())
        return std::nullopt;
    out.resize(length);
    return out;
}

}

std::string_view refusal_name(Refusal refusal)
{
    switch (refusal) {
    case Refusal::Malformed: return "malformed";
    case Refusal::UnknownKey: return "unknown-key";
    case Refusal::BadSignature: return "bad-signature";
    case Refusal::WrongChannel: return "wrong-channel";
    case Refusal::NotNewer: return "not-newer";
    case Refusal::UnsafePath: return "unsafe-path";
    case Refusal::MissingFile: return "missing-file";
    case Refusal::Truncated: return "truncated";
    case Refusal::SizeMismatch: return "size-mismatch";
    case Refusal::HashMismatch: return "hash-mismatch";
    case Refusal::InvalidContent: return "invalid-content";
    case Refusal::Storage: return "storage";
    case Refusal::Network: return "network";
    }
    return "unknown";
}

std::string to_hex(std::span<const uint8_t> bytes)
{
    static const char* digits = "0123456789abcdef";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (auto byte : bytes) {
        text += digits[byte >> 4];
        text += digits[byte & 15];
    }
    return text;
}

bool is_hash_hex(std::string_view text)
{
    if (text.size() != 64)
        return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

std::optional<Hash> hash_from_hex(std::string_view text)
{
    if (!is_hash_hex(text))
        return std::nullopt;
    Hash hash {};
    auto value = [](char c) { return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
    for (size_t i = 0; i < hash.size(); ++i)
        hash[i] = static_cast<uint8_t>(value(text[2 * i]) << 4 | value(text[2 * i + 1]));
    return hash;
}

Hash hash_bytes(std::string_view bytes)
{
    Hash hash {};
    crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), nullptr, 0);
    return hash;
}

Result<FileDigest> hash_file(const std::filesystem::path& path, uint64_t limit)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return fail("cannot read '" + path.string() + "': " + std::strerror(errno));
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
    FileDigest digest;
    std::array<uint8_t, 64 * 1024> buffer;
    for (;;) {
        auto n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            return fail("cannot read '" + path.string() + "': " + std::strerror(saved));
        }
        if (n == 0)
            break;
        digest.size += static_cast<uint64_t>(n);
        if (digest.size > limit) {
            digest.size = limit + 1;
            break;
        }
        crypto_generichash_update(&state, buffer.data(), static_cast<size_t>(n));
    }
    ::close(fd);
    crypto_generichash_final(&state, digest.hash.data(), digest.hash.size());
    return digest;
}

uint64_t Manifest::total_bytes() const
{
    uint64_t total = 0;
    for (auto& file : files)
        total += file.size;
    return total;
}

std::optional<std::string> path_problem(std::string_view path)
{
    if (path.empty())
        return "an empty path";
    if (path.size() > max_path_bytes)
        return "a path longer than " + std::to_string(max_path_bytes) + " bytes";
    if (path.front() == '/')
        return "an absolute path";
    size_t start = 0;
    while (start <= path.size()) {
        size_t slash = std::min(path.find('/', start), path.size());
        auto part = path.substr(start, slash - start);
        if (part.empty())
            return "an empty path component";
        if (part == "..")
            return "a '..' component";
        if (part.front() == '.')
            return "a component starting with '.'";
        if (part.size() > 100)
            return "a component longer than 100 characters";
        for (char c : part) {
            if (c == '\\')
                return "a backslash";
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
                return "a character other than A-Z a-z 0-9 . _ -";
        }
        start = slash + 1;
    }
    return std::nullopt;
}

bool sync_path(const std::filesystem::path& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

bool is_valid_channel(std::string_view name)
{
    return protocol::is_plain_name(name);
}

std::string encode_body(const Manifest& manifest)
{
    json files = json::array();
    for (auto& file : manifest.files)
        files.push_back(json { { "path", file.path }, { "size", file.size }, { "blake2b", file.hash } });
    return json { { "format", manifest.format }, { "version", manifest.version }, { "channel", manifest.channel },
        { "created_at", manifest.created_at }, { "files", std::move(files) } }
        .dump();
}

PackResult<Manifest> decode_body(std::string_view body)
{
    auto bad = [](std::string why) { return refuse(Refusal::Malformed, "the manifest body " + why); };
    // Checked before parsing: 3 MiB of '[' would otherwise build millions of nested arrays.
    if (auto shape = check_json_depth(body); !shape)
        return bad(shape.error().message);
    auto root = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object())
        return bad("is not a JSON object");
    Manifest manifest;
    auto format = root.find("format");
    if (format == root.end() || !format->is_number_integer())
        return bad("has no integer 'format'");
    if (format->get<int64_t>() != format_version)
        return bad("has format " + format->dump() + "; this kiosk reads format " + std::to_string(format_version));
    auto version = root.find("version");
    if (version == root.end() || !version->is_number_integer() || version->get<int64_t>() < 1)
        return bad("has no 'version' above 0");
    manifest.version = version->get<int64_t>();
    auto channel = root.find("channel");
    if (channel == root.end() || !channel->is_string() || !is_valid_channel(channel->get<std::string>()))
        return bad("has no valid 'channel' ([a-z0-9-]{1,64})");
    manifest.channel = channel->get<std::string>();
    if (auto created = root.find("created_at"); created != root.end() && created->is_string())
        manifest.created_at = created->get<std::string>();
    auto files = root.find("files");
    if (files == root.end() || !files->is_array())
        return bad("has no 'files' array");
    if (files->size() > max_files)
        return bad("lists more than " + std::to_string(max_files) + " files");
    std::set<std::string, std::less<>> paths;
    for (size_t i = 0; i < files->size(); ++i) {
        auto& entry = (*files)[i];
        auto where = "files[" + std::to_string(i) + "] ";
        if (!entry.is_object())
            return bad(where + "is not an object");
        auto path = entry.find("path");
        auto size = entry.find("size");
        auto hash = entry.find("blake2b");
        if (path == entry.end() || !path->is_string())
            return bad(where + "has no 'path'");
        FileEntry file { path->get<std::string>(), {}, 0 };
        if (auto problem = path_problem(file.path))
            return refuse(Refusal::UnsafePath, "the manifest lists an unsafe path '" + file.path.substr(0, 80) + "': " + *problem);
        if (size == entry.end() || !size->is_number_unsigned() || size->get<uint64_t>() > max_file_bytes)
            return bad(where + "('" + file.path + "') has no 'size' from 0 to " + std::to_string(max_file_bytes));
        file.size = size->get<uint64_t>();
        if (hash == entry.end() || !hash->is_string() || !is_hash_hex(hash->get<std::string>()))
            return bad(where + "('" + file.path + "') has no 'blake2b' of 64 lower-case hex digits");
        file.hash = hash->get<std::string>();
        if (!paths.insert(file.path).second)
            return bad("lists '" + file.path + "' twice");
        manifest.files.push_back(std::move(file));
    }
    // A path may not also be a folder of another ("a" and "a/b"): installing both cannot work.
    for (auto& path : paths) {
        auto prefix = path + "/";
        if (auto found = paths.lower_bound(prefix); found != paths.end() && found->starts_with(prefix))
            return refuse(Refusal::UnsafePath, "the manifest lists '" + path + "' both as a file and as a folder");
    }
    std::sort(manifest.files.begin(), manifest.files.end(), [](auto& a, auto& b) { return a.path < b.path; });
    return manifest;
}

std::string key_id(const PublicKey& key)
{
    Hash hash {};
    crypto_generichash(hash.data(), hash.size(), key.data(), key.size(), nullptr, 0);
    return to_hex(std::span(hash).first(8));
}

std::string encode_key(std::span<const uint8_t> key)
{
    std::string text(sodium_base64_ENCODED_LEN(key.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), key.data(), key.size(), sodium_base64_VARIANT_ORIGINAL);
    text.resize(text.size() - 1); // the terminating NUL
    return text;
}

Result<PublicKey> parse_public_key(std::string_view base64)
{
    while (!base64.empty() && (base64.back() == '\n' || base64.back() == '\r' || base64.back() == ' '))
        base64.remove_suffix(1);
    auto bytes = decode_base64(base64);
    PublicKey key {};
    if (!bytes || bytes->size() != key.size())
        return fail("'" + std::string(base64.substr(0, 60)) + "' is not a base64 Ed25519 public key ("
            + std::to_string(key.size()) + " bytes)");
    std::memcpy(key.data(), bytes->data(), key.size());
    return key;
}

std::string sign(std::string_view body, const SecretKey& secret)
{
    (void)initialised();
    std::array<uint8_t, crypto_sign_BYTES> signature {};
    crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const uint8_t*>(body.data()), body.size(), secret.data());
    PublicKey key {};
    crypto_sign_ed25519_sk_to_pk(key.data(), secret.data());
    return json { { "format", format_version }, { "key_id", key_id(key) }, { "signature", encode_key(signature) },
        { "body", encode_key(std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size())) } }
               .dump()
        + "\n";
}

namespace {

struct RawEnvelope {
    std::string key_id;
    std::string signature;
    std::string body;
};

PackResult<RawEnvelope> parse_envelope(std::string_view envelope)
{
    if (envelope.size() > max_manifest_bytes)
        return refuse(Refusal::Malformed, "the manifest is larger than " + std::to_string(max_manifest_bytes) + " bytes");
    if (auto shape = check_json_depth(envelope); !shape)
        return refuse(Refusal::Malformed, "the manifest " + shape.error().message);
    auto root = json::parse(envelope, nullptr, /*allow_exceptions=*/false);

    if (root.is_discarded() || !root.is_object())
        return refuse(Refusal::Malformed, "the manifest is not JSON (damaged or cut short?)");
    auto field = [&](const char* name) -> std::optional<std::string> {
        auto found = root.find(name);
        if (found == root.end() || !found->is_string())
            return std::nullopt;
        return found->get<std::string>();
    };
    auto format = root.find("format");
    if (format == root.end() || !format->is_number_integer() || format->get<int64_t>() != format_version)
        return refuse(Refusal::Malformed, "the manifest envelope is not format " + std::to_string(format_version));
    auto id = field("key_id");
    auto signature_text = field("signature");
    auto body_text = field("body");
    if (!id || !signature_text || !body_text)
        return refuse(Refusal::Malformed, "the manifest envelope lacks 'key_id', 'signature' or 'body'");
    auto signature = decode_base64(*signature_text);
    auto body = decode_base64(*body_text);
    if (!signature || signature->size() != crypto_sign_BYTES)
        return refuse(Refusal::Malformed, "the manifest's signature is not " + std::to_string(crypto_sign_BYTES) + " bytes of base64");
    if (!body)
        return refuse(Refusal::Malformed, "the manifest's body is not base64");
    return RawEnvelope { std::move(*id), std::move(*signature), std::move(*body) };
}

}

PackResult<SignedManifest> open_envelope(std::string_view envelope, std::span<const PublicKey> trusted)
{
    if (!initialised())
        return refuse(Refusal::Storage, "libsodium could not be initialised");
    auto raw = parse_envelope(envelope);
    if (!raw)
        return std::unexpected(raw.error());
    const PublicKey* key = nullptr;
    for (auto& candidate : trusted) {
        if (key_id(candidate) == raw->key_id)
            key = &candidate;
    }
    if (!key)
        return refuse(Refusal::UnknownKey, "the pack is signed by key " + raw->key_id.substr(0, 32)
            + ", which is not in this kiosk's 'content.signing_keys'");
    if (crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(raw->signature.data()),
            reinterpret_cast<const uint8_t*>(raw->body.data()), raw->body.size(), key->data())
        != 0)
        return refuse(Refusal::BadSignature, "the manifest's signature does not verify with key " + raw->key_id
            + " (tampered or damaged)");
    auto manifest = decode_body(raw->body);
    if (!manifest)
        return std::unexpected(manifest.error());
    return SignedManifest { std::string(envelope), std::move(raw->body), std::move(raw->key_id), std::move(*manifest) };
}

PackResult<SignedManifest> read_installed_envelope(std::string_view envelope)
{
    auto raw = parse_envelope(envelope);
    if (!raw)
        return std::unexpected(raw.error());
    auto manifest = decode_body(raw->body);
    if (!manifest)
        return std::unexpected(manifest.error());
    return SignedManifest { std::string(envelope), std::move(raw->body), std::move(raw->key_id), std::move(*manifest) };
}

}
