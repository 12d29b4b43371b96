// Fault injection for tests of the kiosk's retry logic: `--faults 500:0.1,503:0.05,429:0.05` makes a
// share of submission requests fail with those statuses, before the hub touches its database.
#pragma once
#include "kiosk/core/result.h"

#include <optional>
#include <string_view>
#include <vector>

namespace guichet::sync::hub {

struct Fault {
    int status = 500;
    double probability = 0; // in [0, 1]
};

class FaultPlan {
public:
    // An empty spec is a plan without faults. Statuses must be 400..599, probabilities in [0, 1] and
    // their sum at most 1.
    static Result<FaultPlan> parse(std::string_view spec);

    // `uniform` is a draw in [0, 1): the status of the fault it falls on, if any.
    std::optional<int> pick(double uniform) const;
    // Draws from libsodium's generator, which is safe to call from every server thread.
    std::optional<int> draw() const;

    bool empty() const { return m_faults.empty(); }
    const std::vector<Fault>& faults() const { return m_faults; }

private:
    std::vector<Fault> m_faults;
};

}
