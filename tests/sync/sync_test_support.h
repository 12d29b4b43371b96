// Helpers for the sync tests: a fresh temporary folder and a real key pair for sealing.
#pragma once
#include "sync/outbox.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace guichet::test {

inline std::filesystem::path fresh_dir(const std::string& name)
{
    auto dir = std::filesystem::temp_directory_path() / ("guichet-test-" + name + "-" + std::to_string(std::random_device {}()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

struct KeyPair {
    sync::PublicKey public_key {};
    std::array<uint8_t, crypto_box_SECRETKEYBYTES> secret_key {};
    KeyPair()
    {
        [[maybe_unused]] int ready = sodium_init(); // crypto_box_keypair needs it; failure would show in the tests
        crypto_box_keypair(public_key.data(), secret_key.data());
    }
    std::string open(const std::vector<uint8_t>& sealed) const
    {
        std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
        if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), sealed.data(), sealed.size(),
                public_key.data(), secret_key.data())
            != 0)
            return {};
        return plain;
    }
};

inline std::string read_all(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// True when `marker` appears in any file of `dir` (the database, its WAL, its journal).
inline bool any_file_contains(const std::filesystem::path& dir, const std::string& marker)
{
    for (auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file() && read_all(entry.path()).find(marker) != std::string::npos)
            return true;
    }
    return false;
}

}
