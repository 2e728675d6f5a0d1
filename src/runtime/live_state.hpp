#pragma once
// Runtime state that changes while connections are served and outlives any one snapshot: inFlightConn's
// per-client counts and the servers' health. The builder hands each snapshot pointers into it; the data path updates it without ever
// touching the snapshot.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/address.hpp"
#include "runtime/health_state.hpp"

namespace sy::runtime {

/// Open connections per client IP for one inFlightConn instance (middleware, router, entrypoint: Traefik builds
/// one handler chain per router and entrypoint, so counts are not shared between them).
///
/// Sharded by client address: a lookup locks one of 64 shards for a hash-map access and nothing else, so workers
/// meet on a lock only when two of them admit or release clients of the same shard at the same instant. (An exact
/// per-client limit across workers needs some shared state: the kernel spreads one client's connections over every
/// worker's SO_REUSEPORT socket.) No allocation per connection once a client's entry exists.
class in_flight_table {
public:
    in_flight_table() = default;
    in_flight_table(const in_flight_table&) = delete;
    in_flight_table& operator=(const in_flight_table&) = delete;

    /// Counts one more connection of `client` unless `amount` are open; false when the limit is reached.
    bool try_take(const ip_address& client, int64_t amount);
    /// The connection ended.
    void give_back(const ip_address& client);
    /// Open connections of `client` (tests, API).
    int64_t open(const ip_address& client) const;

    using key = std::array<uint8_t, 16>;  ///< the address as IPv6 (IPv4 mapped): one key space for both
    struct key_hash {
        std::size_t operator()(const key& k) const noexcept;
    };

private:
    struct alignas(64) shard {
        mutable std::mutex mutex;
        std::unordered_map<key, int64_t, key_hash> open;
    };
    shard& shard_of(const key& k);
    std::array<shard, 64> shards_;
};

/// Every in-flight table, by "middleware\x1frouter\x1fentrypoint": a reload finds the same table again, so the
/// connections still open keep counting (deliberate difference from Traefik, whose rebuilt handler chain starts at
/// zero and so lets every client exceed its limit for as long as its old connections last after a reload).
class live_state {
public:
    using clock = std::chrono::steady_clock;

    std::shared_ptr<in_flight_table> in_flight(const std::string& middleware, const std::string& router,
                                               const std::string& entry_point);
    /// The health of one server and check (see health_state.hpp): the same key finds the same object again, so
    /// a reload keeps what probes and dials found.
    std::shared_ptr<server_health> health(const std::string& key, bool actively_checked);

    /// Drops tables and health states no build has asked for since `cutoff` (holders keep theirs alive).
    std::size_t forget_unused(clock::time_point cutoff);
    std::size_t size() const;

private:
    struct used {
        std::shared_ptr<in_flight_table> table;
        clock::time_point last_used;
    };
    struct used_health {
        std::shared_ptr<server_health> state;
        clock::time_point last_used;
    };
    mutable std::mutex mutex_;
    std::map<std::string, used> in_flight_;
    std::map<std::string, used_health> health_;
};

}  // namespace sy::runtime
