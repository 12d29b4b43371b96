// Helpers for the content-pack tests: a signing key, an assets tree copied from the repository's
// assets/, pack folders built and signed by the hub's real tools, and a kiosk PackStore over a fresh
// folder.
#pragma once
#include "../hub/hub_fixture.h"

#include "sync/hub/pack_tools.h"
#include "sync/pack_store.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace guichet::test {

namespace fs = std::filesystem;

struct SigningKey {
    sync::pack::PublicKey public_key {};
    sync::pack::SecretKey secret_key {};
    SigningKey()
    {
        [[maybe_unused]] int ready = sodium_init();
        crypto_sign_keypair(public_key.data(), secret_key.data());
    }
    std::string public_base64() const { return sync::pack::encode_key(public_key); }
};

// procedures/, strings/ and themes/ of the repository's assets: a complete, valid pack.
inline void copy_assets(const fs::path& to)
{
    fs::path assets = GUICHET_SOURCE_DIR "/assets";
    fs::create_directories(to);
    for (auto* sub : { "procedures", "strings", "themes" })
        fs::copy(assets / sub, to / sub, fs::copy_options::recursive);
}

// Edits one procedure file the way a content editor would: a new version and a changed title.
inline void change_procedure(const fs::path& file, const std::string& title)
{
    auto procedure = nlohmann::json::parse(read_text(file));
    procedure["version"] = procedure["version"].get<int64_t>() + 1;
    procedure["title"]["fr"] = title;
    write_text(file, procedure.dump(2) + "\n");
}

// The envelope of a pack folder, to damage on purpose.
inline nlohmann::json read_envelope(const fs::path& pack) { return nlohmann::json::parse(read_text(pack / "manifest.json")); }

struct PackRig {
    TempDir dir;
    SigningKey key;
    fs::path source = dir / "source";
    fs::path packs = dir / "packs";
    fs::path builtin = GUICHET_SOURCE_DIR "/assets";
    std::string trusted_key = key.public_base64(); // what the kiosk's content.signing_keys holds

    PackRig() { copy_assets(source); }

    // Builds `from` (default: the source tree) into a new pack folder with the real builder.
    fs::path build(int64_t version, const SigningKey& with, const std::string& channel = "stable", fs::path from = {})
    {
        static int count = 0;
        auto out = dir / ("pack-v" + std::to_string(version) + "-" + std::to_string(++count));
        auto built = sync::hub::build_pack({ .source = from.empty() ? source : from, .out = out, .version = version,
                                               .channel = channel },
            with.secret_key);
        REQUIRE(built);
        return out;
    }
    fs::path build(int64_t version) { return build(version, key); }

    sync::pack::PackStoreSettings settings() const
    {
        return { .dir = packs, .signing_keys = { trusted_key }, .channel = "stable", .builtin_assets_dir = builtin };
    }

    std::unique_ptr<sync::pack::PackStore> open() const
    {
        auto store = sync::pack::PackStore::open(settings());
        REQUIRE(store);
        return std::move(*store);
    }
};

inline int64_t active_version(const sync::pack::PackStore& store)
{
    auto status = store.status();
    return status.active ? status.active->version : 0;
}

}
