// What a kiosk (or anyone holding a token) posts to the hub's POST /v1/submissions: protocol::decode_batch,
// the function the hub's handler calls on the (decompressed) body.
#include "fuzz/fuzz_support.h"
#include "sync/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto batch = guichet::sync::protocol::decode_batch(guichet::fuzz::as_text(data, size));
    if (batch)
        (void)guichet::sync::protocol::encode(*batch);
    return 0;
}
