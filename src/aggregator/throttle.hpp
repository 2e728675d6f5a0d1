#pragma once
// Coalescing provider updates (providers.providersThrottleDuration): Traefik's aggregator keeps a one-slot ring
// buffer per provider and forwards one message per window, latest wins (pkg/provider/aggregator/aggregator.go).
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "aggregator/aggregator.hpp"
#include "base/duration.hpp"
#include "config/dynamic_config.hpp"

namespace sy::aggregator {

/// Keeps every provider's latest message and hands the merged configuration to `on_change`:
/// at once for the first change after a quiet window (leading edge), then at most once per window with the
/// latest state (trailing edge). A message equal to its provider's previous one changes nothing, and a merged
/// result equal to the last one handed on is not handed on again.
///
/// Deliberate difference from Traefik: one window for all providers instead of one per provider. Each provider
/// sends its whole configuration, so coalescing across providers only saves rebuilds; it never loses a change.
///
/// Not thread-safe: call push() on `executor` (the control io_context), where `on_change` also runs.
/// Destroying the aggregator cancels a pending trailing update.
class throttled_aggregator {
public:
    using callback = std::function<void(const merged_config&)>;

    throttled_aggregator(boost::asio::any_io_executor executor, duration window, callback on_change);
    ~throttled_aggregator();
    throttled_aggregator(const throttled_aggregator&) = delete;
    throttled_aggregator& operator=(const throttled_aggregator&) = delete;

    void push(config::provider_message msg);

    /// How many times `on_change` was called (for tests and the API's reload counter).
    uint64_t updates() const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace sy::aggregator
