#pragma once
// Counters the forwarder bumps and the API reads. They outlive configurations: a router removed and added again
// keeps its totals, as Prometheus expects, until nothing has referred to it for a while (forget_unused): container
// addresses and names change on every restart, and series that are never forgotten grow without bound.
//
// The data-path blocks are sharded: one cache line per worker thread, written only by that worker, summed when
// read. Workers therefore never write a shared cache line per relayed chunk (a shared atomic counter bounces its
// line between cores on every add). Relaxed atomics: counts need no ordering with anything else.
//
// The runtime snapshot holds the blocks it uses (shared ownership, so a forgotten block stays valid for the
// connections of an old snapshot) and raw pointers resolved once per reload, so the data path never looks a name up.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "telemetry/outcome.hpp"
#include "telemetry/rate_limit.hpp"
#include "telemetry/recent_refusals.hpp"

namespace sy::telemetry {

using counter = std::atomic<uint64_t>;
using gauge = std::atomic<int64_t>;

/// How long a router, service or server block stays in the registry (and /metrics) after the configuration stops
/// naming it: long enough for a scrape interval and a container's restart, short enough that a day of churn stays
/// bounded.
inline constexpr auto forget_after = std::chrono::minutes(10);

/// Adds to a counter of one's own shard.
inline void bump(counter& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

/// One worker's part of a traffic block.
struct alignas(64) traffic_shard {
    gauge open{0};
    counter total{0};
    counter bytes_in{0};   ///< client → backend
    counter bytes_out{0};  ///< backend → client
};

struct traffic_totals {
    int64_t open = 0;
    uint64_t total = 0;
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
};

/// Per entrypoint, router or service.
class traffic_counters {
public:
    explicit traffic_counters(std::size_t shards);
    /// Worker `i`'s shard (the last one for any larger index: tests with more threads than shards).
    traffic_shard& shard(std::size_t i) { return shards_[i < count_ ? i : count_ - 1]; }
    traffic_totals read() const;

private:
    std::unique_ptr<traffic_shard[]> shards_;
    std::size_t count_;
};

/// Per entrypoint: how its connections ended, one counter per outcome.
class outcome_counters {
public:
    struct alignas(64) shard_type {
        std::array<counter, outcome_count> by{};
    };
    explicit outcome_counters(std::size_t shards);
    shard_type& shard(std::size_t i) { return shards_[i < count_ ? i : count_ - 1]; }
    uint64_t read(outcome o) const;
    /// For the entrypoint's warnings about its clients (an untrusted PROXY header).
    rate_limit client_warnings;

private:
    std::unique_ptr<shard_type[]> shards_;
    std::size_t count_;
};

/// Per server (service + address): its traffic (sharded), and rare events (a failed dial) and one header per
/// connection, not sharded.
struct server_counters {
    explicit server_counters(std::size_t shards) : traffic(shards) {}
    traffic_counters traffic;  ///< connections relayed to this server, and their bytes
    counter connect_failures{0};
    counter connect_timeouts{0};
    counter proxy_headers_sent{0};
    rate_limit dial_warnings;  ///< "cannot reach" lines for this server
};

/// Owns every counter block. Lookups lock; they happen when a snapshot is built, never per connection.
class registry {
public:
    using clock = std::chrono::steady_clock;

    /// `shards`: how many worker threads write the data-path blocks (at least 1). `now`: the clock lookups are
    /// stamped with (tests simulate a day with it).
    explicit registry(std::size_t shards = 1, clock::time_point (*now)() = &clock::now);
    std::size_t shards() const { return shards_; }

    /// Entrypoints are static: their blocks are never forgotten.
    traffic_counters& entry_point(const std::string& name);
    outcome_counters& outcomes(const std::string& entry_point);
    /// Routers, services and servers come and go with the configuration: each lookup marks the block as used now.
    std::shared_ptr<traffic_counters> router(const std::string& name);
    std::shared_ptr<traffic_counters> service(const std::string& name);
    std::shared_ptr<server_counters> server(const std::string& service, const std::string& address);

    /// Drops router, service and server blocks not looked up since `cutoff` from the registry (and so from
    /// /metrics); snapshots that still hold one keep it alive for their connections. Returns how many went.
    std::size_t forget_unused(clock::time_point cutoff);
    /// How many router, service and server blocks the registry holds.
    std::size_t size() const;

    counter reloads_total{0};
    gauge last_reload_success_unix{0};
    recent_refusals refusals_seen;  ///< the last connections that reached no backend (dashboard)

    /// Calls `f(name, block)` for every block of a kind, under the lock, in name order.
    template <class F> void for_each_entry_point(F&& f) const { each(entry_points_, f); }
    template <class F> void for_each_outcome(F&& f) const { each(outcomes_, f); }
    template <class F> void for_each_router(F&& f) const { each(routers_, f); }
    template <class F> void for_each_service(F&& f) const { each(services_, f); }
    /// Server keys are "service\x1faddress".
    template <class F> void for_each_server(F&& f) const { each(servers_, f); }

private:
    template <class T> struct used {
        std::shared_ptr<T> block;
        clock::time_point last_used;
    };
    template <class M, class F> void each(const M& m, F& f) const {
        std::lock_guard lock(mutex_);
        // Not a structured binding: clang 14 (the fuzz build) refuses one inside a requires-expression.
        for (const auto& entry : m) {
            if constexpr (requires { entry.second.block; })
                f(entry.first, *entry.second.block);
            else
                f(entry.first, *entry.second);
        }
    }
    template <class T> std::shared_ptr<T> get(std::map<std::string, used<T>>& m, const std::string& key);

    std::size_t shards_;
    clock::time_point (*now_)();
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<traffic_counters>> entry_points_;
    std::map<std::string, std::unique_ptr<outcome_counters>> outcomes_;
    std::map<std::string, used<traffic_counters>> routers_, services_;
    std::map<std::string, used<server_counters>> servers_;
};

}  // namespace sy::telemetry
