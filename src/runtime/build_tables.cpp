// Per-entrypoint routing tables, sorted as Traefik's muxer sorts them (pkg/muxer/tcp/mux.go routes.Less).
#include "runtime/build_steps.hpp"

#include <algorithm>
#include <array>

namespace sy::runtime::detail {

int provider_rank(std::string_view provider) {
    // Traefik v3.7 static_config.go providerNames, the default providers.precedence: earlier wins a tie.
    static constexpr std::array<std::string_view, 8> order{
        "kubernetesgateway", "kubernetescrd", "kubernetes", "kubernetesingressnginx", "swarm", "docker", "file",
        "redis"};
    for (size_t i = 0; i < order.size(); ++i)
        if (order[i] == provider) return static_cast<int>(i);
    return static_cast<int>(order.size());
}

std::vector<std::string> api_entry_points(const config::static_config& statics) {
    std::vector<std::string> out;
    auto add = [&](const std::string& ep) {
        if (std::find(out.begin(), out.end(), ep) == out.end()) out.push_back(ep);
    };
    // api.insecure serves the API on the "traefik" entrypoint (Traefik's DefaultInternalEntryPointName).
    if (statics.api.enabled && statics.api.insecure) add("traefik");
    if (statics.ping.enabled) add(statics.ping.entry_point);
    if (statics.prometheus.enabled) add(statics.prometheus.entry_point);
    return out;
}

std::vector<std::string> default_entry_points(const config::static_config& statics) {
    std::vector<std::string> out;
    for (const auto& [name, ep] : statics.entry_points)
        if (ep.as_default) out.push_back(name);
    if (!out.empty()) return out;
    const auto api = api_entry_points(statics);
    for (const auto& [name, ep] : statics.entry_points)
        if (name != "traefik" && std::find(api.begin(), api.end(), name) == api.end()) out.push_back(name);
    return out;
}

namespace {

/// Priority first (highest first), then Traefik v3.7's provider precedence, then, where Traefik's order is
/// undefined (sort.Sort over a Go map), the router name, so that a table is the same on every build.
bool route_before(const route& a, const route& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    auto pa = provider_rank(a.router.substr(a.router.rfind('@') + 1));
    auto pb = provider_rank(b.router.substr(b.router.rfind('@') + 1));
    if (pa != pb) return pa < pb;
    return a.router < b.router;
}

}  // namespace

std::map<std::string, entry_point_table> build_tables(const config::static_config& statics,
                                                      std::vector<built_routers::placed_route> routes) {
    std::map<std::string, entry_point_table> tables;
    const auto api = api_entry_points(statics);
    for (const auto& [name, ep] : statics.entry_points) {
        if (std::find(api.begin(), api.end(), name) != api.end()) continue;
        tables[name].name = name;
    }
    for (auto& placed : routes) {
        for (const auto& ep : placed.entry_points) {
            auto t = tables.find(ep);
            if (t == tables.end()) continue;
            (placed.r.tls ? t->second.tls_routes : t->second.tcp_routes).push_back(placed.r);
        }
    }
    for (auto& [name, t] : tables) {
        std::stable_sort(t.tls_routes.begin(), t.tls_routes.end(), route_before);
        std::stable_sort(t.tcp_routes.begin(), t.tcp_routes.end(), route_before);
        // Traefik's fast path (router.go ServeTCP): non-TLS routes only → route before reading a byte, which is
        // what lets server-first protocols (SMTP, IMAP, POP3) greet the client.
        t.decides_without_bytes = t.tls_routes.empty() && !t.tcp_routes.empty();
        t.mixed = !t.tls_routes.empty() && !t.tcp_routes.empty();
    }
    return tables;
}

}  // namespace sy::runtime::detail
