// What goes wrong on one connection, decided when it is accepted: at most one of reset, stall or truncate,
// and the byte at which it strikes. Kept free of sockets so the rules can be tested directly.
#pragma once
#include "proxy_clock.h"

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace guichet::tools {

enum class FaultKind {
    None,
    Reset,    // RST to both sides
    Stall,    // nothing more flows, sockets stay open
    Truncate, // the response ends early with a normal FIN
};

const char* fault_name(FaultKind);

struct FaultRates {
    double reset = 0;
    double stall = 0;
    double truncate = 0;
};

struct FaultPlan {
    FaultKind kind = FaultKind::None;
    // Reset and stall count bytes of both directions (a reset can hit an upload); truncate counts only
    // the response (target -> client).
    uint64_t at_byte = 0;
};

// One uniform draw picks the fault, so with rates that sum to at most 1 each happens at its own rate;
// past 1 the later kinds (stall, then truncate) get what is left. The point is uniform in [0, window).
FaultPlan draw_fault_plan(const FaultRates&, uint64_t window, std::mt19937_64&);

// Tracks one connection's traffic against its plan.
class FaultTrigger {
public:
    explicit FaultTrigger(FaultPlan plan)
        : m_plan(plan)
    {
    }

    struct Verdict {
        size_t forward; // how many of the bytes just read go on
        bool fire;      // the fault strikes now, after those bytes
    };
    // Called for every chunk read, before it is forwarded.
    Verdict on_data(Direction, size_t bytes);
    // Called when the target ends its response before the point was reached: reset and stall strike
    // there instead, so a rate of 1 hits every connection however short its response.
    bool fires_at_response_end() const;

    void mark_fired() { m_fired = true; }
    bool fired() const { return m_fired; }
    const FaultPlan& plan() const { return m_plan; }

private:
    FaultPlan m_plan;
    uint64_t m_counted = 0;
    bool m_fired = false;
};

}
