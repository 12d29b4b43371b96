// A content pack's manifest.json (docs/content-packs.md) as the kiosk reads it from the hub or a USB
// stick: open_envelope against a trusted key (PackStore::verify), and read_installed_envelope (what the
// kiosk shows of a pack already installed).
#include "fuzz/fuzz_support.h"
#include "sync/pack.h"

using namespace guichet::sync::pack;

// The key fuzz/seeds/pack_envelope's envelopes are signed with: the Ed25519 key of the seed 32 × 0x01.
const PublicKey& fuzz_public_key()
{
    static const PublicKey key = [] {
        if (sodium_init() < 0)
            std::abort();
        std::array<uint8_t, crypto_sign_SEEDBYTES> seed;
        seed.fill(1);
        PublicKey pk {};
        SecretKey sk {};
        crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
        return pk;
    }();
    return key;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto envelope = guichet::fuzz::as_text(data, size);
    std::array<PublicKey, 1> trusted { fuzz_public_key() };
    (void)open_envelope(envelope, trusted);
    (void)read_installed_envelope(envelope);
    return 0;
}
