// The administration's submission key pair (X25519, libsodium crypto_box): creating the key files and
// opening what kiosks sealed to the public key. Only the administration's side runs this.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/store.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace guichet::sync::hub {

inline constexpr const char* public_key_file = "submission.pub";
inline constexpr const char* secret_key_file = "submission.key";

// Holds the key pair in memory locked against swapping, and wipes it when it goes away.
class KeyPair {
public:
    KeyPair();
    ~KeyPair();
    KeyPair(const KeyPair&) = delete;
    KeyPair& operator=(const KeyPair&) = delete;
    KeyPair(KeyPair&& other) noexcept;
    KeyPair& operator=(KeyPair&&) = delete;

    static KeyPair generate();
    // Reads a .key file and derives the public key from it: either the secret key in base64, or the
    // protected JSON form (below), which needs its passphrase.
    static Result<KeyPair> load(const std::filesystem::path& secret_key_path,
        std::optional<std::string_view> passphrase = std::nullopt);
    // The same from the file's text (the browser's keyring reads the same two forms).
    static Result<KeyPair> from_text(std::string text, std::optional<std::string_view> passphrase = std::nullopt);

    const std::array<uint8_t, crypto_box_PUBLICKEYBYTES>& public_key() const { return m_public; }
    const std::array<uint8_t, crypto_box_SECRETKEYBYTES>& secret_key() const { return m_secret; }

private:
    std::array<uint8_t, crypto_box_PUBLICKEYBYTES> m_public {};
    std::array<uint8_t, crypto_box_SECRETKEYBYTES> m_secret {};
};

// A secret key file protected by a passphrase (plan §3): a JSON object
// {"format":"guichet-secret-key-1","kdf":"argon2id13","opslimit":3,"memlimit":67108864,
//  "salt":b64(16),"nonce":b64(24),"box":b64(secretbox of the 32-byte secret),"public_key":b64(32)}
// whose secretbox key is Argon2id(passphrase, salt). The costs are those a browser can afford
// (libsodium.js fails above a few hundred MiB), so the back office's key page opens the same file.
inline constexpr const char* protected_key_format = "guichet-secret-key-1";
inline constexpr unsigned long long protected_key_opslimit = 3;
inline constexpr size_t protected_key_memlimit = 64u * 1024 * 1024;
inline constexpr size_t min_passphrase_characters = 12;

// The protected JSON text of `keys` under `passphrase` (one line, with a final newline).
Result<std::string> protect_secret_key(const KeyPair& keys, std::string_view passphrase);
// Refuses a passphrase shorter than min_passphrase_characters (code points) or not valid UTF-8.
Result<void> check_passphrase(std::string_view passphrase);

// Writes DIR/submission.pub (base64, one line) and DIR/submission.key (base64, or the protected JSON
// when a passphrase is given; mode 0600), creating DIR if needed. Refuses when either file already
// exists: overwriting a key loses every submission sealed to it.
Result<void> write_key_files(const std::filesystem::path& dir, std::optional<std::string_view> passphrase = std::nullopt);

// What `open` makes of one export line.
struct OpenedLine {
    bool ok = false;
    std::string json_line; // holds the citizen's answers when ok: wipe it after use (wipe() below)
};

// Opens the sealed blob, checks that its content belongs to its envelope, and returns the envelope
// with "answers" and "integrity":"ok", or "integrity":"failed" and a "reason".
OpenedLine open_export_line(const KeyPair& keys, std::string_view line);

// Creates a file that must not exist yet (O_EXCL) with `mode`, writes and syncs it; removes it on failure.
Result<void> write_new_file(const std::filesystem::path& path, std::string_view content, mode_t mode);

// Overwrites a string's bytes before it is freed, for buffers that held plaintext.
void wipe(std::string& text);

}
