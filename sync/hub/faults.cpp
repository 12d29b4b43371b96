// Parsing and drawing of injected faults.
#include "sync/hub/faults.h"

#include <sodium.h>

#include <charconv>
#include <string>

namespace guichet::sync::hub {

Result<FaultPlan> FaultPlan::parse(std::string_view spec)
{
    FaultPlan plan;
    double total = 0;
    while (!spec.empty()) {
        auto comma = spec.find(',');
        auto entry = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
        auto where = "fault '" + std::string(entry) + "': ";
        auto colon = entry.find(':');
        if (colon == std::string_view::npos)
            return fail(where + "expected STATUS:PROBABILITY, e.g. 503:0.1");
        Fault fault;
        auto status_text = entry.substr(0, colon);
        auto probability_text = entry.substr(colon + 1);
        auto [status_end, status_error] = std::from_chars(status_text.data(), status_text.data() + status_text.size(), fault.status);
        if (status_error != std::errc() || status_end != status_text.data() + status_text.size() || fault.status < 400
            || fault.status > 599)
            return fail(where + "the status must be an HTTP error status between 400 and 599");
        auto [probability_end, probability_error] = std::from_chars(
            probability_text.data(), probability_text.data() + probability_text.size(), fault.probability);
        if (probability_error != std::errc() || probability_end != probability_text.data() + probability_text.size()
            || !(fault.probability >= 0 && fault.probability <= 1))
            return fail(where + "the probability must be a number between 0 and 1");
        total += fault.probability;
        plan.m_faults.push_back(fault);
    }
    if (total > 1 + 1e-9)
        return fail("the fault probabilities add up to " + std::to_string(total) + ", more than 1");
    return plan;
}

std::optional<int> FaultPlan::pick(double uniform) const
{
    double edge = 0;
    for (auto& fault : m_faults) {
        edge += fault.probability;
        if (uniform < edge)
            return fault.status;
    }
    return std::nullopt;
}

std::optional<int> FaultPlan::draw() const
{
    if (m_faults.empty())
        return std::nullopt;
    constexpr uint32_t resolution = 1'000'000;
    return pick(static_cast<double>(randombytes_uniform(resolution)) / resolution);
}

}
