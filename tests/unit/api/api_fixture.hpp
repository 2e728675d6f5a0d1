#pragma once
// Builders for the runtime snapshots Traefik's pkg/api/handler_tcp_test.go feeds its handler, and a GET helper that
// runs the route table without a socket.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/routes.hpp"
#include "runtime/snapshot.hpp"

namespace sy::api::test {

inline runtime::router_info router(const std::string& name, const std::string& rule, runtime::status st,
                                   const std::string& service = "foo-service@myprovider") {
    runtime::router_info r;
    r.name = name;
    r.provider = name.substr(name.find('@') + 1);
    r.config.entry_points = {"web"};
    r.config.service = service;
    r.config.rule = rule;
    r.state = st;
    r.using_entry_points = {"web"};  // GetTCPRoutersByEntryPoints(["web"]) in Traefik's test
    return r;
}

inline runtime::service_info service(const std::string& name, const std::string& address, runtime::status st,
                                     std::vector<std::string> used_by) {
    runtime::service_info s;
    s.name = name;
    s.provider = name.substr(name.find('@') + 1);
    s.config.load_balancer.emplace();
    s.config.load_balancer->servers.push_back({address, "", false});
    s.state = st;
    s.used_by = std::move(used_by);
    s.server_status[address] = "UP";
    return s;
}

inline runtime::middleware_info allow_list(const std::string& name, const std::string& range,
                                           std::vector<std::string> used_by) {
    runtime::middleware_info m;
    m.name = name;
    m.provider = name.substr(name.find('@') + 1);
    m.config.ip_allow_list = config::ip_allow_list{{range}};
    m.type = "ipallowlist";
    m.used_by = std::move(used_by);
    return m;
}

struct fixture {
    config::static_config statics;
    std::shared_ptr<runtime::snapshot> snap = std::make_shared<runtime::snapshot>();
    std::shared_ptr<telemetry::registry> counters = std::make_shared<telemetry::registry>();
    bool shutting_down = false;
    endpoints serve{true, true, true, true};
    telemetry::traffic_history history;

    void add(runtime::router_info r) { snap->routers[r.name] = std::move(r); }
    void add(runtime::service_info s) { snap->services[s.name] = std::move(s); }
    void add(runtime::middleware_info m) { snap->middlewares[m.name] = std::move(m); }

    http_response request(const std::string& method, const std::string& target) const {
        route_context ctx{&statics, snap, counters.get(), shutting_down, "0.1.0", "2026-11-25T11:45:47Z", serve,
                          &history, nullptr};
        return handle({method, target}, ctx);
    }
    http_response get(const std::string& target) const { return request("GET", target); }
};

inline std::string header(const http_response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

inline nlohmann::json body(const http_response& r) { return nlohmann::json::parse(r.body); }

}  // namespace sy::api::test
