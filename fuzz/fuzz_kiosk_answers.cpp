// What the kiosk's uploader reads from the hub after posting a batch (sync/uploader.cpp):
// protocol::decode_batch_response on the answer's body. A captive portal or a hostile hub writes it.
#include "fuzz/fuzz_support.h"
#include "sync/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto response = guichet::sync::protocol::decode_batch_response(guichet::fuzz::as_text(data, size));
    if (response)
        (void)guichet::sync::protocol::encode(*response);
    return 0;
}
