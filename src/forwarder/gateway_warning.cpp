#include "forwarder/gateway_warning.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>

namespace sy::forwarder {

bool warn_if_docker_gateway(const runtime::snapshot& snap, const ip_address& client, std::string_view entry_point) {
    const runtime::docker_gateway* g = runtime::gateway_of(snap.docker_gateways, client);
    if (!g) return false;
    static std::mutex mutex;
    static std::set<ip_address> warned;
    {
        std::lock_guard lock(mutex);
        if (!warned.insert(g->address).second) return false;
    }
    spdlog::warn("{}", runtime::gateway_warning(*g, entry_point));
    return true;
}

}  // namespace sy::forwarder
