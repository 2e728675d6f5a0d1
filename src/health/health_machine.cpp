#include "health/health_machine.hpp"

#include <algorithm>

namespace sy::health {

health_machine::health_machine(timing t, clock::time_point now, double phase, bool up) : t_(t), up_(up) {
    t_.rise = std::max(t_.rise, 1);
    t_.fall = std::max(t_.fall, 1);
    phase = std::clamp(phase, 0.0, 1.0);
    const duration first = up ? t_.interval : t_.unhealthy_interval;
    next_ = now + std::chrono::duration_cast<clock::duration>(first * phase);
}

change health_machine::on_result(bool ok, bool shared_up, clock::time_point now) {
    if (shared_up != up_) {
        up_ = shared_up;
        run_ = 0;
    }
    change c = change::none;
    if (ok == up_) {
        run_ = 0;
    } else if (++run_ >= (up_ ? t_.fall : t_.rise)) {
        up_ = ok;
        run_ = 0;
        c = ok ? change::went_up : change::went_down;
    }
    const duration period = up_ ? t_.interval : t_.unhealthy_interval;
    // On the server's own grid while nothing changes (no drift); a change starts the new period from now. A probe
    // that outlasted its period (timeout > interval) is followed by the next one at once, never by a burst.
    const clock::time_point base = c == change::none ? next_ : now;
    next_ = std::max(base + std::chrono::duration_cast<clock::duration>(period), now);
    return c;
}

}  // namespace sy::health
