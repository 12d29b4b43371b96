// Drawing and tracking a connection's fault; see fault_plan.h.
#include "fault_plan.h"

namespace guichet::tools {

const char* fault_name(FaultKind kind)
{
    switch (kind) {
    case FaultKind::None:
        return "none";
    case FaultKind::Reset:
        return "reset";
    case FaultKind::Stall:
        return "stall";
    case FaultKind::Truncate:
        return "truncate";
    }
    return "?";
}

FaultPlan draw_fault_plan(const FaultRates& rates, uint64_t window, std::mt19937_64& rng)
{
    // Both draws happen for every connection so that one connection's plan does not shift the random
    // sequence of the next: the same --seed gives the same plans whatever the rates.
    double pick = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    uint64_t at_byte = std::uniform_int_distribution<uint64_t>(0, window == 0 ? 0 : window - 1)(rng);
    FaultPlan plan { FaultKind::None, at_byte };
    if (pick < rates.reset)
        plan.kind = FaultKind::Reset;
    else if (pick < rates.reset + rates.stall)
        plan.kind = FaultKind::Stall;
    else if (pick < rates.reset + rates.stall + rates.truncate)
        plan.kind = FaultKind::Truncate;
    return plan;
}

FaultTrigger::Verdict FaultTrigger::on_data(Direction direction, size_t bytes)
{
    if (m_plan.kind == FaultKind::None || m_fired)
        return { bytes, false };
    if (m_plan.kind == FaultKind::Truncate && direction != Direction::Down)
        return { bytes, false };
    if (m_counted + bytes <= m_plan.at_byte) {
        m_counted += bytes;
        return { bytes, false };
    }
    size_t forward = static_cast<size_t>(m_plan.at_byte - m_counted);
    m_counted = m_plan.at_byte;
    m_fired = true;
    return { forward, true };
}

bool FaultTrigger::fires_at_response_end() const
{
    return !m_fired && (m_plan.kind == FaultKind::Reset || m_plan.kind == FaultKind::Stall);
}

}
