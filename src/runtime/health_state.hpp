#pragma once
// Whether a server is UP, outside the immutable snapshot: probes (health/prober.hpp) and dials (passive health,
// forwarder/phase_dial.cpp) change it while the snapshot stays as built, so a transition needs no rebuild and resets
// no balancer position. Workers read it with one atomic load per candidate server, no lock.
//
// One object per distinct server and check (health_key): two services, or any number of routers, that probe the same
// address the same way share one object and one prober. Kept across reloads by runtime::live_state, so a reload
// neither forgets a DOWN server nor starts a burst of probes.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "base/duration.hpp"

namespace sy::runtime {

class server_health {
public:
    using clock = std::chrono::steady_clock;

    /// `actively_checked`: a prober owns the way back UP; otherwise a later successful dial does (passive only).
    explicit server_health(bool actively_checked) : active_(actively_checked) {}
    server_health(const server_health&) = delete;
    server_health& operator=(const server_health&) = delete;

    bool actively_checked() const { return active_; }
    bool up() const { return up_.load(std::memory_order_acquire); }

    /// Sets the state; true when this call changed it, so exactly one caller logs each transition.
    bool set(bool up);

    /// Passive health: a dial to the server was refused or timed out at `now`. True when this failure takes the
    /// server DOWN: `max_failed` failures in a row, each within `window` of the one before (0 never marks).
    bool dial_failed(int max_failed, duration window, clock::time_point now);
    /// A dial succeeded. True when this brings a server without an active check back UP (its trial dial passed).
    bool dial_succeeded();
    /// A server without an active check that is DOWN gets one trial dial per `window`: true for the one caller that
    /// takes it (a compare-and-swap, so two workers never both try).
    bool claim_trial(duration window, clock::time_point now);

private:
    static int64_t ticks(clock::time_point t) { return t.time_since_epoch().count(); }

    const bool active_;
    std::atomic<bool> up_{true};  ///< Traefik: servers are UP until a check says otherwise
    std::atomic<uint32_t> failures_{0};
    std::atomic<int64_t> last_failure_{0};  ///< clock ticks
    std::atomic<int64_t> next_trial_{0};    ///< clock ticks
};

}  // namespace sy::runtime
