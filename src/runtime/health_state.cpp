#include "runtime/health_state.hpp"

namespace sy::runtime {

bool server_health::set(bool up) { return up_.exchange(up, std::memory_order_acq_rel) != up; }

bool server_health::dial_failed(int max_failed, duration window, clock::time_point now) {
    if (max_failed <= 0) return false;
    const int64_t t = ticks(now);
    const int64_t last = last_failure_.exchange(t, std::memory_order_relaxed);
    const auto gap = std::chrono::duration_cast<clock::duration>(window).count();
    // A failure long after the previous one starts a new run (Traefik's failureWindow).
    const uint32_t run = (last != 0 && t - last <= gap) ? failures_.fetch_add(1, std::memory_order_relaxed) + 1
                                                        : (failures_.store(1, std::memory_order_relaxed), 1u);
    next_trial_.store(t + gap, std::memory_order_relaxed);
    if (run < static_cast<uint32_t>(max_failed)) return false;
    return set(false);
}

bool server_health::dial_succeeded() {
    // Read first: the common case (no failure recorded) writes nothing, so workers share the line read-only.
    if (failures_.load(std::memory_order_relaxed) != 0) failures_.store(0, std::memory_order_relaxed);
    if (active_ || up()) return false;
    return set(true);
}

bool server_health::claim_trial(duration window, clock::time_point now) {
    const int64_t t = ticks(now);
    int64_t due = next_trial_.load(std::memory_order_relaxed);
    if (t < due) return false;
    const auto gap = std::chrono::duration_cast<clock::duration>(window).count();
    return next_trial_.compare_exchange_strong(due, t + gap, std::memory_order_relaxed);
}

}  // namespace sy::runtime
