// A content pack's signed manifest body (docs/content-packs.md): the fuzzer writes the body, this target
// signs it with a key the kiosk trusts, and hands the envelope to open_envelope (PackStore::verify), so
// every body reaches decode_body past the signature check, as one signed by a careless or stolen key would.
#include "fuzz/fuzz_support.h"
#include "sync/pack.h"

using namespace guichet::sync::pack;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const auto keys = [] {
        if (sodium_init() < 0)
            std::abort();
        std::array<uint8_t, crypto_sign_SEEDBYTES> seed;
        seed.fill(1);
        std::pair<PublicKey, SecretKey> pair {};
        crypto_sign_seed_keypair(pair.first.data(), pair.second.data(), seed.data());
        return pair;
    }();
    auto envelope = sign(guichet::fuzz::as_text(data, size), keys.second);
    std::array<PublicKey, 1> trusted { keys.first };
    auto opened = open_envelope(envelope, trusted);
    if (opened) {
        (void)opened->manifest.total_bytes();
        (void)encode_body(opened->manifest);
    }
    return 0;
}
