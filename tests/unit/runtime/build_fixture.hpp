#pragma once
// A small world for the runtime builder's tests: entrypoints smtp, imaps, web and the API's traefik; helpers that
// add elements to a merged (already qualified) configuration.
#include <algorithm>
#include <string>

#include "base/concat.hpp"
#include "runtime/build.hpp"

namespace sy::test {

struct world {
    config::static_config statics;
    aggregator::merged_config merged;
    telemetry::registry counters;

    world() {
        for (auto [name, port] : {std::pair{"smtp", 25}, {"imaps", 993}, {"web", 80}, {"traefik", 8080}}) {
            config::entry_point ep;
            ep.address = concat(":", std::to_string(port));
            ep.listen = {"", static_cast<uint16_t>(port)};
            statics.entry_points[name] = ep;
        }
        statics.api.enabled = true;
        statics.api.insecure = true;
    }

    config::tcp_router& router(const std::string& name, const std::string& rule, const std::string& service,
                               std::vector<std::string> eps = {"smtp"}) {
        auto& r = merged.config.routers[name];
        r.rule = rule;
        r.service = service;
        r.entry_points = std::move(eps);
        return r;
    }
    config::tcp_service& service(const std::string& name, std::vector<std::string> addresses = {"127.0.0.1:2525"}) {
        auto& s = merged.config.services[name];
        s.load_balancer = config::tcp_servers_load_balancer{};
        for (auto& a : addresses) s.load_balancer->servers.push_back({a, "", false});
        return s;
    }
    config::tcp_router& passthrough(config::tcp_router& r) {
        r.tls = config::router_tls{};
        r.tls->passthrough = true;
        return r;
    }

    std::shared_ptr<const runtime::snapshot> build() { return runtime::build(statics, merged, counters, 1); }
};

inline bool has_error(const std::vector<std::string>& errors, const std::string& part) {
    return std::any_of(errors.begin(), errors.end(), [&](const std::string& e) {
        return e.find(part) != std::string::npos;
    });
}

}  // namespace sy::test
