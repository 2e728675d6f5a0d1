// The active checks a snapshot needs: every load balancer with healthCheck that some route can reach (Traefik
// builds, and so checks, only the services routers use), one target per distinct server and check.
#include <algorithm>
#include <set>

#include "runtime/build_steps.hpp"

namespace sy::runtime::detail {

namespace {

void collect(const service_plan& s, std::set<const service_plan*>& seen, std::map<std::string, probe_target>& out) {
    if (!seen.insert(&s).second) return;
    for (const auto& child : s.weighted)
        if (child.service) collect(*child.service, seen, out);
    if (!s.health_check) return;
    for (const auto& server : s.servers) {
        if (!server.health) continue;
        // The health state's own identity is the key: servers that share a state share a probe.
        const std::string key = std::to_string(reinterpret_cast<uintptr_t>(server.health.get()));
        auto [it, fresh] = out.try_emplace(key);
        auto& t = it->second;
        if (fresh) {
            t.key = key;
            t.address = server.address;
            t.host = server.host;
            t.port = s.health_check->port ? s.health_check->port : server.port;
            t.proxy_protocol_version = s.proxy_protocol_version;
            t.check = *s.health_check;
            t.health = server.health;
        }
        if (std::find(t.services.begin(), t.services.end(), s.name) == t.services.end()) t.services.push_back(s.name);
    }
}

}  // namespace

std::vector<probe_target> probe_targets(const std::map<std::string, entry_point_table>& tables) {
    std::set<const service_plan*> seen;
    std::map<std::string, probe_target> found;
    for (const auto& [name, table] : tables)
        for (const auto* routes : {&table.tls_routes, &table.tcp_routes})
            for (const auto& r : *routes)
                if (r.service) collect(*r.service, seen, found);
    std::vector<probe_target> out;
    out.reserve(found.size());
    for (auto& [key, t] : found) {
        std::sort(t.services.begin(), t.services.end());
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace sy::runtime::detail
