// The headless driver's scripts (.gsc, kiosk/core/script.h) as `guichet --script` reads them: load_script
// on the file's bytes.
#include "fuzz/fuzz_support.h"
#include "kiosk/core/script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static guichet::fuzz::MemoryFile file;
    (void)guichet::load_script(file.write(data, size));
    return 0;
}
