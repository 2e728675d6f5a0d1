// All containers' shares → the provider's one message (Traefik's provider.Merge, pkg/provider/merge.go).
#include "providers/docker/provider_config.hpp"

#include <algorithm>
#include <utility>

#include "providers/docker/network.hpp"

namespace sy::providers::docker {

namespace {

using kind = config::element_finding::kind;

/// Which containers defined an element, and whether they disagreed.
struct origin {
    std::vector<std::string> containers;
    bool conflict = false;
};

/// Two services are the same service when they differ only in their servers (replicas of one compose service).
bool same_but_servers(config::tcp_service a, config::tcp_service b) {
    if (a.load_balancer) a.load_balancer->servers.clear();
    if (b.load_balancer) b.load_balancer->servers.clear();
    return a == b;
}

template <class T, class Same, class Join>
void merge_into(std::map<std::string, T>& into, std::map<std::string, origin>& origins, std::map<std::string, T>& from,
                const std::string& container, Same same, Join join) {
    for (auto& [name, element] : from) {
        auto& o = origins[name];
        auto it = into.find(name);
        if (it == into.end()) {
            into.emplace(name, std::move(element));
        } else if (same(it->second, element)) {
            join(it->second, element);
        } else {
            o.conflict = true;
        }
        // A Swarm service's tasks come one after another (sorted by service name) and are named once.
        if (o.containers.empty() || o.containers.back() != container) o.containers.push_back(container);
    }
}

void report_conflicts(const std::map<std::string, origin>& origins, kind k, const char* what, const std::string& by,
                      std::vector<config::element_finding>& findings) {
    for (const auto& [name, o] : origins) {
        if (!o.conflict) continue;
        std::string list;
        for (const auto& c : o.containers) list += (list.empty() ? "\"" : ", \"") + c + "\"";
        config::element_finding f;
        f.element = k;
        f.name = name;
        f.is_error = true;
        // Traefik deletes every copy and logs "defined multiple times with different configurations"; the first
        // definition is kept here so the API can show the element with this error (which disables it).
        f.message = std::string(what) + " defined differently by " + by + " " + list;
        findings.push_back(std::move(f));
    }
}

}  // namespace

provider_build build_provider_message(const std::map<std::string, container>& containers, const build_options& options) {
    provider_build out;
    out.message.provider = options.provider;
    // Traefik merges configurations sorted by "<service name>-<container ID>": replicas' servers come in that order.
    std::vector<const container*> order;
    for (const auto& [id, c] : containers) order.push_back(&c);
    std::sort(order.begin(), order.end(), [](const container* a, const container* b) {
        return std::pair(default_service_name(*a), a->id) < std::pair(default_service_name(*b), b->id);
    });

    std::map<std::string, origin> routers, services, middlewares;
    auto& config = out.message.config;
    for (const container* c : order) {
        const std::string& origin_name = c->service_name.empty() ? c->name : c->service_name;
        auto share = container_to_config(*c, options, containers);
        if (!share.kept) continue;
        for (auto& n : share.notes) out.notes.push_back(std::move(n));
        auto& findings = out.message.findings;
        for (auto& f : share.findings)  // a Swarm service's tasks report the same findings once
            if (std::find(findings.begin(), findings.end(), f) == findings.end()) findings.push_back(std::move(f));
        merge_into(config.routers, routers, share.config.routers, origin_name, std::equal_to<>(), [](auto&, auto&) {});
        merge_into(config.middlewares, middlewares, share.config.middlewares, origin_name, std::equal_to<>(),
                   [](auto&, auto&) {});
        merge_into(config.services, services, share.config.services, origin_name, same_but_servers,
                   [](config::tcp_service& into, config::tcp_service& from) {
                       if (!into.load_balancer || !from.load_balancer) return;
                       auto& servers = into.load_balancer->servers;
                       for (auto& s : from.load_balancer->servers)
                           if (std::none_of(servers.begin(), servers.end(),
                                            [&](const auto& x) { return x.address == s.address; }))
                               servers.push_back(std::move(s));
                   });
    }
    for (const container* c : order)
        for (const auto& g : c->gateways) out.message.docker_gateways.emplace(g.address, g.network);
    const std::string by = options.provider == "swarm" ? "Swarm services" : "containers";
    report_conflicts(routers, kind::router, "router", by, out.message.findings);
    report_conflicts(services, kind::service, "service", by, out.message.findings);
    report_conflicts(middlewares, kind::middleware, "middleware", by, out.message.findings);
    return out;
}

}  // namespace sy::providers::docker
