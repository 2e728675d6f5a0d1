#pragma once
// The active health checks, on a thread of their own (never on a forwarder worker): one probing loop per
// runtime::probe_target, however many services and routers share it. Each published snapshot's target list is
// handed to update(): loops of targets still listed go on undisturbed (their schedule and counts kept), new ones
// start at a random point of their first interval, gone ones stop. A result changes the server's shared
// health state (runtime/health_state.hpp) and nothing else: no snapshot is rebuilt.
#include <cstddef>
#include <memory>
#include <vector>

#include "runtime/snapshot.hpp"

namespace sy::health {

class prober {
public:
    prober();
    ~prober();  ///< stops every loop and joins the thread
    prober(const prober&) = delete;
    prober& operator=(const prober&) = delete;

    /// The targets to probe from now on (any thread; applied on the prober's thread).
    void update(std::vector<runtime::probe_target> targets);
    /// Loops running now (tests). Waits for updates posted before it.
    size_t running();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sy::health
