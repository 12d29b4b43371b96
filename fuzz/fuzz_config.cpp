// The kiosk's configuration file (TOML, assets/config/guichet.toml) as guichet and guichetctl read it:
// load_config on the file's bytes. (Not read_kiosk_token: the fuzzer would name /dev/stdin.)
#include "fuzz/fuzz_support.h"
#include "kiosk/core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static guichet::fuzz::MemoryFile file;
    (void)guichet::load_config(file.write(data, size));
    return 0;
}
