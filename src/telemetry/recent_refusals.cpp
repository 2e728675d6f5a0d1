#include "telemetry/recent_refusals.hpp"

namespace sy::telemetry {

void recent_refusals::add(refusal r) {
    std::lock_guard lock(mutex_);
    ring_.push_front(std::move(r));
    if (ring_.size() > capacity) ring_.pop_back();
}

std::vector<refusal> recent_refusals::list() const {
    std::lock_guard lock(mutex_);
    return {ring_.begin(), ring_.end()};
}

}  // namespace sy::telemetry
