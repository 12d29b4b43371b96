// Growing waits after wrong secrets in a row, then a lockout: the kiosk's staff PINs (kiosk/staff) and the
// hub's agent passwords (sync/hub) follow the same rules, so they live here, below both.
#pragma once
#include <algorithm>
#include <cstdint>

namespace guichet {

struct LockoutRules {
    int lockout_after = 5; // wrong secrets in a row before the lockout
    int lockout_s = 900;   // the lockout's length; each wrong secret after it locks again
};

// The wait after the n-th wrong secret in a row (n >= 1): 1, 2, 4, 8 … seconds, then the lockout.
inline int64_t wait_after_failures(int failures, const LockoutRules& rules)
{
    if (failures <= 0)
        return 0;
    if (failures >= rules.lockout_after)
        return rules.lockout_s;
    return int64_t { 1 } << std::min(failures - 1, 30);
}

}
