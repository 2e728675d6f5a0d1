// Per-entrypoint routing tables, sorted as Traefik's muxer sorts them (pkg/muxer/tcp/mux.go routes.Less).
#include "runtime/build_steps.hpp"

#include <algorithm>

#include "rules/rule.hpp"

namespace sy::runtime::detail {

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

/// Traefik's routes.Less, shared with `rule check`: priority (highest first), then providers.precedence
/// (docker before file), then the router name where Traefik's order is undefined.
bool route_before(const route& a, const route& b) {
    return rules::ranks_before({a.priority, a.router}, {b.priority, b.router});
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
