#pragma once
// Counters the forwarder bumps and the API reads. They outlive configurations: a router removed and added again
// keeps its totals, as Prometheus expects. The runtime snapshot holds pointers resolved once per reload, so the
// data path never looks a name up. Relaxed atomics: counts need no ordering with anything else.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sy::telemetry {

using counter = std::atomic<uint64_t>;
using gauge = std::atomic<int64_t>;

/// Per entrypoint, router or service.
struct traffic_counters {
    gauge open{0};
    counter total{0};
    counter bytes_in{0};   ///< client → backend
    counter bytes_out{0};  ///< backend → client
};

/// Per server (service + address).
struct server_counters {
    counter connect_failures{0};
    counter connect_timeouts{0};
    counter proxy_headers_sent{0};
};

/// Connections refused, per entrypoint.
struct refusal_counters {
    counter no_route{0};
    counter allow_list{0};
    counter in_flight{0};
    counter untrusted_proxy{0};
};

/// Owns every counter block. Lookups lock; they happen when a snapshot is built, never per connection.
class registry {
public:
    traffic_counters& entry_point(const std::string& name);
    refusal_counters& refusals(const std::string& entry_point);
    traffic_counters& router(const std::string& name);
    traffic_counters& service(const std::string& name);
    server_counters& server(const std::string& service, const std::string& address);

    counter reloads_total{0};
    gauge last_reload_success_unix{0};

    /// Calls `f(name, block)` for every block of a kind, under the lock, in name order.
    template <class F> void for_each_entry_point(F&& f) const { each(entry_points_, f); }
    template <class F> void for_each_refusal(F&& f) const { each(refusals_, f); }
    template <class F> void for_each_router(F&& f) const { each(routers_, f); }
    template <class F> void for_each_service(F&& f) const { each(services_, f); }
    /// Server keys are "service\x1faddress".
    template <class F> void for_each_server(F&& f) const { each(servers_, f); }

private:
    template <class M, class F> void each(const M& m, F& f) const {
        std::lock_guard lock(mutex_);
        for (const auto& [k, v] : m) f(k, *v);
    }
    template <class T> T& get(std::map<std::string, std::unique_ptr<T>>& m, const std::string& key);

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<traffic_counters>> entry_points_, routers_, services_;
    std::map<std::string, std::unique_ptr<refusal_counters>> refusals_;
    std::map<std::string, std::unique_ptr<server_counters>> servers_;
};

}  // namespace sy::telemetry
