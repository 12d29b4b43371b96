// Key files and the opening of sealed submissions.
#include "sync/hub/keys.h"

#include "sync/hub/records.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace guichet::sync::hub {
namespace {

// ordered_json keeps the fields in the documented order, which people reading exports appreciate.
using json = nlohmann::ordered_json;

std::string encode_key(std::span<const uint8_t> key)
{
    std::string text(sodium_base64_ENCODED_LEN(key.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), key.data(), key.size(), sodium_base64_VARIANT_ORIGINAL);
    text.resize(text.size() - 1); // the terminating NUL
    return text;
}

json envelope_of(const SubmissionRecord& record)
{
    json envelope { { "id", record.id }, { "kiosk", record.kiosk }, { "procedure", record.procedure },
        { "version", record.version }, { "created_at", record.created_at }, { "received_at", record.received_at } };
    if (!record.receipt.empty())
        envelope["receipt"] = record.receipt;
    return envelope;
}

// Invalid UTF-8 in what a client sent must not stop the output: it is replaced, not thrown on.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

OpenedLine failed(json envelope, std::string reason)
{
    envelope["integrity"] = "failed";
    envelope["reason"] = std::move(reason);
    return { false, dump(envelope) };
}

}

// Creates a file that must not exist yet (O_EXCL closes the race with another keygen) and writes it.
Result<void> write_new_file(const std::filesystem::path& path, std::string_view content, mode_t mode)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return fail("cannot create '" + path.string() + "': " + std::strerror(errno));
    bool written = ::fchmod(fd, mode) == 0;
    size_t done = 0;
    while (written && done < content.size()) {
        auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            written = false;
        else
            done += static_cast<size_t>(n);
    }
    written = written && ::fsync(fd) == 0;
    int saved = errno;
    if (::close(fd) != 0)
        written = false;
    if (!written) {
        std::filesystem::remove(path);
        return fail("cannot write '" + path.string() + "': " + std::strerror(saved));
    }
    return {};
}

void wipe(std::string& text)
{
    if (!text.empty())
        sodium_memzero(text.data(), text.size());
    text.clear();
}

KeyPair::KeyPair()
{
    sodium_mlock(m_secret.data(), m_secret.size());
}

KeyPair::~KeyPair()
{
    // sodium_munlock zeroes the memory before unlocking it.
    sodium_munlock(m_secret.data(), m_secret.size());
}

KeyPair::KeyPair(KeyPair&& other) noexcept
    : KeyPair()
{
    m_public = other.m_public;
    m_secret = other.m_secret;
    sodium_memzero(other.m_secret.data(), other.m_secret.size());
}

KeyPair KeyPair::generate()
{
    KeyPair keys;
    crypto_box_keypair(keys.m_public.data(), keys.m_secret.data());
    return keys;
}

Result<KeyPair> KeyPair::load(const std::filesystem::path& secret_key_path, std::optional<std::string_view> passphrase)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    std::ifstream file(secret_key_path, std::ios::binary);
    if (!file)
        return fail("cannot read the key file '" + secret_key_path.string() + "': " + std::strerror(errno));
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto keys = from_text(std::move(text), passphrase);
    if (!keys)
        return fail("the key file '" + secret_key_path.string() + "' " + keys.error().message);
    return keys;
}

namespace {

// Decodes base64 `text` into exactly `size` bytes.
bool decode_exact(std::string_view text, uint8_t* out, size_t size)
{
    size_t length = 0;
    const char* end = nullptr;
    int decoded = sodium_base642bin(out, size, text.data(), text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL);
    return decoded == 0 && end == text.data() + text.size() && length == size;
}

std::optional<std::string> string_field(const nlohmann::json& root, const char* key)
{
    auto found = root.find(key);
    if (found == root.end() || !found->is_string())
        return std::nullopt;
    return found->get<std::string>();
}

}

Result<KeyPair> KeyPair::from_text(std::string text, std::optional<std::string_view> passphrase)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    KeyPair keys;
    if (text.empty() || text.front() != '{') {
        bool whole = decode_exact(text, keys.m_secret.data(), keys.m_secret.size());
        wipe(text);
        if (!whole)
            return fail("does not hold a base64 secret key of " + std::to_string(crypto_box_SECRETKEYBYTES)
                + " bytes, nor a passphrase-protected key (JSON)");
        crypto_scalarmult_base(keys.m_public.data(), keys.m_secret.data());
        return keys;
    }
    // The protected form: nothing in it is secret without the passphrase, so it need not be wiped.
    auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!root.is_object() || string_field(root, "format") != protected_key_format)
        return fail(std::string("is JSON but not a protected key (\"format\":\"") + protected_key_format + "\")");
    if (!passphrase)
        return fail("is protected by a passphrase: give it with --passphrase-file FILE");
    if (string_field(root, "kdf") != "argon2id13")
        return fail("names a key derivation other than argon2id13");
    auto ops = root.find("opslimit");
    auto mem = root.find("memlimit");
    // Bounded, so a crafted file cannot make us spend minutes or gigabytes.
    if (ops == root.end() || !ops->is_number_unsigned() || mem == root.end() || !mem->is_number_unsigned()
        || ops->get<uint64_t>() < crypto_pwhash_OPSLIMIT_MIN || ops->get<uint64_t>() > 10
        || mem->get<uint64_t>() < crypto_pwhash_MEMLIMIT_MIN || mem->get<uint64_t>() > 1024ull * 1024 * 1024)
        return fail("has key derivation costs out of range (opslimit 1 to 10, memlimit up to 1 GiB)");
    std::array<uint8_t, crypto_pwhash_SALTBYTES> salt {};
    std::array<uint8_t, crypto_secretbox_NONCEBYTES> nonce {};
    std::array<uint8_t, crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES> box {};
    std::array<uint8_t, crypto_box_PUBLICKEYBYTES> expected_public {};
    auto field = [&](const char* key, uint8_t* out, size_t size) {
        auto value = string_field(root, key);
        return value && decode_exact(*value, out, size);
    };
    if (!field("salt", salt.data(), salt.size()) || !field("nonce", nonce.data(), nonce.size())
        || !field("box", box.data(), box.size()) || !field("public_key", expected_public.data(), expected_public.size()))
        return fail("is damaged: salt, nonce, box or public_key is missing or of the wrong size");
    std::array<uint8_t, crypto_secretbox_KEYBYTES> derived {};
    sodium_mlock(derived.data(), derived.size());
    if (crypto_pwhash(derived.data(), derived.size(), passphrase->data(), passphrase->size(), salt.data(),
            ops->get<uint64_t>(), mem->get<uint64_t>(), crypto_pwhash_ALG_ARGON2ID13)
        != 0) {
        sodium_munlock(derived.data(), derived.size());
        return fail("could not be opened: the key derivation ran out of memory");
    }
    int opened = crypto_secretbox_open_easy(keys.m_secret.data(), box.data(), box.size(), nonce.data(), derived.data());
    sodium_munlock(derived.data(), derived.size());
    if (opened != 0)
        return fail("does not open with this passphrase");
    crypto_scalarmult_base(keys.m_public.data(), keys.m_secret.data());
    if (sodium_memcmp(keys.m_public.data(), expected_public.data(), expected_public.size()) != 0)
        return fail("is damaged: its secret key does not match its public_key");
    return keys;
}

Result<void> check_passphrase(std::string_view passphrase)
{
    size_t characters = 0;
    for (size_t i = 0; i < passphrase.size();) {
        auto byte = static_cast<unsigned char>(passphrase[i]);
        size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > passphrase.size())
            return fail("the passphrase is not valid UTF-8");
        for (size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(passphrase[i + k]) & 0xC0) != 0x80)
                return fail("the passphrase is not valid UTF-8");
        i += length;
        ++characters;
    }
    if (characters < min_passphrase_characters)
        return fail("the passphrase must have at least " + std::to_string(min_passphrase_characters) + " characters");
    return {};
}

Result<std::string> protect_secret_key(const KeyPair& keys, std::string_view passphrase)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    if (auto good = check_passphrase(passphrase); !good)
        return std::unexpected(good.error());
    std::array<uint8_t, crypto_pwhash_SALTBYTES> salt {};
    std::array<uint8_t, crypto_secretbox_NONCEBYTES> nonce {};
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    std::array<uint8_t, crypto_secretbox_KEYBYTES> derived {};
    sodium_mlock(derived.data(), derived.size());
    if (crypto_pwhash(derived.data(), derived.size(), passphrase.data(), passphrase.size(), salt.data(),
            protected_key_opslimit, protected_key_memlimit, crypto_pwhash_ALG_ARGON2ID13)
        != 0) {
        sodium_munlock(derived.data(), derived.size());
        return fail("the key derivation ran out of memory (it needs 64 MiB)");
    }
    std::array<uint8_t, crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES> box {};
    crypto_secretbox_easy(box.data(), keys.secret_key().data(), keys.secret_key().size(), nonce.data(), derived.data());
    sodium_munlock(derived.data(), derived.size());
    json file { { "format", protected_key_format }, { "kdf", "argon2id13" }, { "opslimit", protected_key_opslimit },
        { "memlimit", protected_key_memlimit }, { "salt", encode_key(salt) }, { "nonce", encode_key(nonce) },
        { "box", encode_key(box) }, { "public_key", encode_key(keys.public_key()) } };
    return file.dump() + "\n";
}

Result<void> write_key_files(const std::filesystem::path& dir, std::optional<std::string_view> passphrase)
{
    if (sodium_init() < 0)
        return fail("libsodium could not be initialised");
    auto public_path = dir / public_key_file;
    auto secret_path = dir / secret_key_file;
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        return fail("cannot create the directory '" + dir.string() + "': " + error.message());
    for (auto& path : { secret_path, public_path }) {
        if (std::filesystem::exists(path, error))
            return fail("'" + path.string() + "' already exists; refusing to overwrite a key (move it away first)");
    }
    auto keys = KeyPair::generate();
    std::string secret_text;
    if (passphrase) {
        auto protected_text = protect_secret_key(keys, *passphrase);
        if (!protected_text)
            return std::unexpected(protected_text.error());
        secret_text = std::move(*protected_text);
    } else {
        secret_text = encode_key(keys.secret_key()) + "\n";
    }
    auto written = write_new_file(secret_path, secret_text, 0600);
    wipe(secret_text);
    if (!written)
        return written;
    if (auto done = write_new_file(public_path, encode_key(keys.public_key()) + "\n", 0644); !done) {
        // Without its public half the secret key is of no use to anyone: do not leave it behind.
        std::filesystem::remove(secret_path, error);
        return done;
    }
    return {};
}

OpenedLine open_export_line(const KeyPair& keys, std::string_view line)
{
    auto record = parse_export_line(line);
    if (!record) {
        // Keep whatever envelope fields we can read, so the failure can be traced to a submission.
        json partial = json::object();
        auto root = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (root.is_object()) {
            for (auto* key : { "id", "kiosk", "procedure", "version", "created_at", "received_at", "receipt" }) {
                if (auto found = root.find(key); found != root.end() && (found->is_string() || found->is_number_integer()))
                    partial[key] = *found;
            }
        }
        return failed(std::move(partial), "not an export record: " + record.error().message);
    }
    auto envelope = envelope_of(*record);
    if (record->sealed.size() < crypto_box_SEALBYTES)
        return failed(std::move(envelope), "the sealed blob is shorter than a seal");

    std::string plaintext(record->sealed.size() - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<uint8_t*>(plaintext.data()), record->sealed.data(), record->sealed.size(),
            keys.public_key().data(), keys.secret_key().data())
        != 0) {
        wipe(plaintext);
        return failed(std::move(envelope), "the seal does not open with this key: tampered, truncated or sealed to another key");
    }
    auto payload = protocol::decode_sealed_payload(plaintext);
    wipe(plaintext);
    if (!payload)
        return failed(std::move(envelope), "the opened content is not a submission payload: " + payload.error().message);

    std::string mismatch;
    if (payload->id != record->id)
        mismatch = "id";
    else if (payload->kiosk != record->kiosk)
        mismatch = "kiosk";
    else if (payload->procedure != record->procedure)
        mismatch = "procedure";
    else if (payload->version != record->version)
        mismatch = "version";
    else if (payload->created_at != record->created_at)
        mismatch = "created_at";
    // Payloads sealed before issue 17 have no receipt, and envelopes from older hubs neither: the codes
    // are compared only when both sides carry one.
    else if (payload->receipt && !record->receipt.empty() && *payload->receipt != record->receipt)
        mismatch = "receipt";
    if (!mismatch.empty()) {
        wipe(payload->answers_json);
        return failed(std::move(envelope), "the sealed content's " + mismatch + " differs from the envelope's");
    }

    envelope["assisted"] = payload->assisted;
    envelope["answers"] = json::parse(payload->answers_json, nullptr, /*allow_exceptions=*/false);
    envelope["integrity"] = "ok";
    wipe(payload->answers_json);
    OpenedLine opened { true, dump(envelope) };
    // The json tree's own strings cannot be reached one by one; the answers subtree is cleared at least.
    envelope["answers"] = nullptr;
    return opened;
}

}
