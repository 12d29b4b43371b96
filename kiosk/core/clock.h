// Time for the core: a real steady clock on the kiosk, a virtual one that the headless driver advances.
#pragma once
#include <chrono>

namespace guichet {

using Millis = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds since an arbitrary, fixed origin; never goes backwards.
    virtual Millis now() const = 0;
};

class SteadyClock final : public Clock {
public:
    Millis now() const override
    {
        return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
    }
};

class VirtualClock final : public Clock {
public:
    Millis now() const override { return m_now; }
    void advance(Millis by) { m_now += by; }

private:
    Millis m_now { 0 };
};

}
