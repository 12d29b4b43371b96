// What a kiosk posts to the hub's POST /v1/heartbeat: protocol::decode_heartbeat, as the hub's handler
// calls it on the body.
#include "fuzz/fuzz_support.h"
#include "sync/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto heartbeat = guichet::sync::protocol::decode_heartbeat(guichet::fuzz::as_text(data, size));
    if (heartbeat)
        (void)guichet::sync::protocol::encode(*heartbeat);
    return 0;
}
