#pragma once
// When to probe a server next and when its state changes: a pure state machine over a clock the caller passes in
// (the prober gives it steady_clock; the unit tests a fake one).
//
// Traefik's ServiceTCPHealthChecker: healthy servers are probed every `interval`, unhealthy ones every
// `unhealthyInterval`; one failed probe takes a server DOWN and one passed probe brings it back (fall = rise = 1,
// which the machine generalises). Difference from Traefik: the first probe of each server falls at a random point of
// its first interval (`phase`), not on one shared tick, so the servers of a reload, or of a restart with many
// services, are never probed all at once; after that each keeps its own period, so they stay spread.
#include <chrono>

#include "base/duration.hpp"

namespace sy::health {

using clock = std::chrono::steady_clock;

struct timing {
    duration interval = std::chrono::seconds(30);
    duration unhealthy_interval = std::chrono::seconds(30);
    int rise = 1;  ///< passed probes in a row that bring a DOWN server back
    int fall = 1;  ///< failed probes in a row that take an UP server DOWN
};

enum class change { none, went_down, went_up };

class health_machine {
public:
    /// `phase` in [0, 1): where in the first interval the first probe falls. `up`: the state to start from.
    health_machine(timing t, clock::time_point now, double phase, bool up = true);

    clock::time_point next_probe() const { return next_; }
    bool up() const { return up_; }

    /// A probe ended at `now`. `shared_up`: the server's state as others left it (passive health may have taken it
    /// DOWN since), adopted before the result counts. Schedules the next probe.
    change on_result(bool ok, bool shared_up, clock::time_point now);

private:
    timing t_;
    clock::time_point next_;
    bool up_;
    int run_ = 0;  ///< results in a row that disagree with the state
};

}  // namespace sy::health
