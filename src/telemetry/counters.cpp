#include "telemetry/counters.hpp"

namespace sy::telemetry {

template <class T>
T& registry::get(std::map<std::string, std::unique_ptr<T>>& m, const std::string& key) {
    std::lock_guard lock(mutex_);
    auto& slot = m[key];
    if (!slot) slot = std::make_unique<T>();
    return *slot;
}

traffic_counters& registry::entry_point(const std::string& name) { return get(entry_points_, name); }
refusal_counters& registry::refusals(const std::string& name) { return get(refusals_, name); }
traffic_counters& registry::router(const std::string& name) { return get(routers_, name); }
traffic_counters& registry::service(const std::string& name) { return get(services_, name); }
server_counters& registry::server(const std::string& service, const std::string& address) {
    return get(servers_, service + '\x1f' + address);
}

}  // namespace sy::telemetry
