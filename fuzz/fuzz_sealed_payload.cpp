// What the administration reads once it opens a seal (sync/hub/keys.cpp): protocol::decode_sealed_payload
// on the plain text a kiosk sealed. A kiosk's token is enough to seal anything to the public key.
#include "fuzz/fuzz_support.h"
#include "sync/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto payload = guichet::sync::protocol::decode_sealed_payload(guichet::fuzz::as_text(data, size));
    if (payload)
        (void)guichet::sync::protocol::encode(*payload);
    return 0;
}
