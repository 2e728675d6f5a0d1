#pragma once
// One warning per cause and interval: a backend that is down, or a client that keeps sending what it must not,
// would otherwise write a line per connection (thousands a second), which costs the logging thread and floods the
// log; the first line says what happens and the next one how often it went on.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace sy::telemetry {

class rate_limit {
public:
    using clock = std::chrono::steady_clock;
    static constexpr auto interval = std::chrono::seconds(10);

    /// Whether to log now (any thread, lock-free): the number of occurrences held back since the last line that
    /// went out (0 for the first), or nullopt to stay quiet this time.
    std::optional<uint64_t> allow(clock::time_point now = clock::now()) {
        const int64_t t = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
        int64_t next = next_ns_.load(std::memory_order_relaxed);
        if (t < next || !next_ns_.compare_exchange_strong(
                            next, t + std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count(),
                            std::memory_order_relaxed)) {
            held_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        return held_.exchange(0, std::memory_order_relaxed);
    }

private:
    std::atomic<int64_t> next_ns_{0};
    std::atomic<uint64_t> held_{0};
};

}  // namespace sy::telemetry
