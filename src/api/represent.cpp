#include "api/represent.hpp"

#include <nlohmann/json.hpp>

namespace sy::api {
namespace {

using json = nlohmann::json;

/// Go's `omitempty` for strings and slices.
template <class T>
void put_nonempty(json& j, const char* key, const T& v) {
    if (!v.empty()) j[key] = v;
}

/// "docker" from "smtp@docker" (Traefik's getProviderName).
std::string provider_of(const std::string& name) {
    auto at = name.find('@');
    return at == std::string::npos ? std::string() : name.substr(at + 1);
}

json router_config(const runtime::router_info& r) {
    json j = json::object();
    const auto& c = r.config;
    put_nonempty(j, "entryPoints", c.entry_points);
    put_nonempty(j, "middlewares", c.middlewares);
    // Deliberate difference: Traefik shows `service` as written ("mail"); the runtime snapshot holds it qualified
    // ("mail@file"), which names the service unambiguously. The serviceName filter accepts both forms.
    put_nonempty(j, "service", c.service);
    put_nonempty(j, "rule", c.rule);
    put_nonempty(j, "ruleSyntax", c.rule_syntax);
    // Traefik v3 writes the computed priority back into the router, so the API shows the effective one.
    if (r.priority != 0) j["priority"] = r.priority;
    if (c.tls) {
        json tls = {{"passthrough", c.tls->passthrough}};
        put_nonempty(tls, "options", c.tls->options);
        put_nonempty(tls, "certResolver", c.tls->cert_resolver);
        if (!c.tls->domains.empty()) {
            json domains = json::array();
            for (const auto& d : c.tls->domains) {
                json dj = json::object();
                put_nonempty(dj, "main", d.main);
                put_nonempty(dj, "sans", d.sans);
                domains.push_back(std::move(dj));
            }
            tls["domains"] = std::move(domains);
        }
        j["tls"] = std::move(tls);
    }
    put_nonempty(j, "error", r.errors);
    j["status"] = status_text(r.state);
    put_nonempty(j, "using", r.using_entry_points);
    return j;
}

json health_check(const config::tcp_health_check& h) {
    json j = json::object();
    if (h.port && *h.port != 0) j["port"] = *h.port;
    put_nonempty(j, "send", h.send);
    put_nonempty(j, "expect", h.expect);
    if (h.interval != duration::zero()) j["interval"] = format_duration(h.interval);
    if (h.unhealthy_interval) j["unhealthyInterval"] = format_duration(*h.unhealthy_interval);
    if (h.timeout != duration::zero()) j["timeout"] = format_duration(h.timeout);
    return j;
}

json service_config(const runtime::service_info& s) {
    json j = json::object();
    if (const auto& lb = s.config.load_balancer) {
        json lj = json::object();
        if (!lb->servers.empty()) {
            json servers = json::array();
            for (const auto& srv : lb->servers) {
                json sj = json::object();
                put_nonempty(sj, "address", srv.address);
                if (srv.tls) sj["tls"] = true;
                servers.push_back(std::move(sj));
            }
            lj["servers"] = std::move(servers);
        }
        put_nonempty(lj, "serversTransport", lb->servers_transport);
        if (lb->proxy_protocol) {
            json pp = json::object();
            if (lb->proxy_protocol->version != 0) pp["version"] = lb->proxy_protocol->version;
            lj["proxyProtocol"] = std::move(pp);
        }
        if (lb->termination_delay) lj["terminationDelay"] = *lb->termination_delay;
        if (lb->health_check) lj["healthCheck"] = health_check(*lb->health_check);
        j["loadBalancer"] = std::move(lj);
    }
    if (const auto& w = s.config.weighted) {
        json wj = json::object();
        if (!w->services.empty()) {
            json services = json::array();
            for (const auto& ref : w->services) {
                json rj = json::object();
                put_nonempty(rj, "name", ref.name);
                if (ref.weight) rj["weight"] = *ref.weight;
                services.push_back(std::move(rj));
            }
            wj["services"] = std::move(services);
        }
        j["weighted"] = std::move(wj);
    }
    put_nonempty(j, "error", s.errors);
    j["status"] = status_text(s.state);
    put_nonempty(j, "usedBy", s.used_by);
    if (!s.server_status.empty()) j["serverStatus"] = s.server_status;
    return j;
}

/// Traefik's extractType: the lower-cased Go field name of the one set member.
std::string service_type(const config::tcp_service& s) {
    if (s.load_balancer) return "loadbalancer";
    if (s.weighted) return "weighted";
    return {};
}

json source_range(const config::ip_allow_list& l) {
    json j = json::object();
    put_nonempty(j, "sourceRange", l.source_range);
    return j;
}

json middleware_config(const runtime::middleware_info& m) {
    json j = json::object();
    if (m.config.in_flight_conn) {
        json ij = json::object();
        if (m.config.in_flight_conn->amount != 0) ij["amount"] = m.config.in_flight_conn->amount;
        j["inFlightConn"] = std::move(ij);
    }
    if (m.config.ip_white_list) j["ipWhiteList"] = source_range(*m.config.ip_white_list);
    if (m.config.ip_allow_list) j["ipAllowList"] = source_range(*m.config.ip_allow_list);
    put_nonempty(j, "error", m.errors);
    j["status"] = status_text(m.state);
    put_nonempty(j, "usedBy", m.used_by);
    return j;
}

json section(int total, int warnings, int errors) {
    return {{"total", total}, {"warnings", warnings}, {"errors", errors}};
}

template <class Map>
json count_section(const runtime::snapshot* snap, Map runtime::snapshot::*member) {
    int total = 0, warnings = 0, errors = 0;
    if (snap) {
        for (const auto& [name, info] : snap->*member) {
            ++total;
            if (info.state == runtime::status::warning) ++warnings;
            if (info.state == runtime::status::disabled) ++errors;
        }
    }
    return section(total, warnings, errors);
}

}  // namespace

// Kept here rather than calling runtime::to_string so that the API's strings live with the API's other names.
const char* status_text(runtime::status s) {
    switch (s) {
    case runtime::status::enabled: return "enabled";
    case runtime::status::warning: return "warning";
    case runtime::status::disabled: return "disabled";
    }
    return "enabled";
}

nlohmann::json represent_router(const runtime::router_info& r) {
    json j = router_config(r);
    j["name"] = r.name;
    j["provider"] = r.provider.empty() ? provider_of(r.name) : r.provider;
    j["priorityStr"] = std::to_string(r.priority);
    return j;
}

nlohmann::json represent_service(const runtime::service_info& s) {
    json j = service_config(s);
    j["name"] = s.name;
    j["provider"] = s.provider.empty() ? provider_of(s.name) : s.provider;
    if (auto t = service_type(s.config); !t.empty()) j["type"] = t;
    return j;
}

nlohmann::json represent_middleware(const runtime::middleware_info& m) {
    json j = middleware_config(m);
    j["name"] = m.name;
    j["provider"] = m.provider.empty() ? provider_of(m.name) : m.provider;
    if (!m.type.empty()) j["type"] = m.type;
    return j;
}

nlohmann::json represent_entry_point(const std::string& name, const config::entry_point& ep) {
    json life = json::object();
    if (ep.request_accept_grace_timeout != duration::zero())
        life["requestAcceptGraceTimeout"] = format_duration(ep.request_accept_grace_timeout);
    if (ep.grace_timeout != duration::zero()) life["graceTimeOut"] = format_duration(ep.grace_timeout);
    json responding = json::object();
    if (ep.read_timeout != duration::zero()) responding["readTimeout"] = format_duration(ep.read_timeout);
    // Traefik's default idleTimeout (HTTP keep-alive) is shown for the same output; a TCP router has no use for it.
    responding["idleTimeout"] = "3m0s";
    json j = {
        {"address", ep.address},
        {"transport", {{"lifeCycle", life}, {"respondingTimeouts", responding}}},
        {"forwardedHeaders", json::object()},
        {"http", json::object()},
        {"udp", {{"timeout", "3s"}}},
        {"name", name},
    };
    if (ep.as_default) j["asDefault"] = true;
    if (ep.proxy_protocol) {
        json pp = json::object();
        if (ep.proxy_protocol->insecure) pp["insecure"] = true;
        if (!ep.proxy_protocol->trusted_ips.empty()) {
            json ips = json::array();
            for (const auto& c : ep.proxy_protocol->trusted_ips) ips.push_back(c.to_string());
            pp["trustedIPs"] = std::move(ips);
        }
        j["proxyProtocol"] = std::move(pp);
    }
    return j;
}

nlohmann::json represent_overview(const runtime::snapshot* snap, const config::static_config& statics) {
    json j = {
        {"http",
         {{"routers", section(0, 0, 0)}, {"services", section(0, 0, 0)}, {"middlewares", section(0, 0, 0)}}},
        {"tcp",
         {{"routers", count_section(snap, &runtime::snapshot::routers)},
          {"services", count_section(snap, &runtime::snapshot::services)},
          {"middlewares", count_section(snap, &runtime::snapshot::middlewares)}}},
        {"udp", {{"routers", section(0, 0, 0)}, {"services", section(0, 0, 0)}}},
        {"features",
         {{"tracing", ""},
          {"metrics", statics.prometheus.enabled ? "Prometheus" : ""},
          {"accessLog", statics.access_log.enabled}}},
    };
    json providers = json::array();
    // Traefik lists the provider struct's field names in declaration order: Docker before File.
    if (statics.docker.enabled) providers.push_back("Docker");
    if (statics.file.enabled) providers.push_back("File");
    if (!providers.empty()) j["providers"] = std::move(providers);
    return j;
}

nlohmann::json represent_rawdata(const runtime::snapshot* snap) {
    json j = json::object();
    if (!snap) return j;
    json routers = json::object(), services = json::object(), middlewares = json::object();
    for (const auto& [name, r] : snap->routers) routers[name] = router_config(r);
    for (const auto& [name, s] : snap->services) services[name] = service_config(s);
    for (const auto& [name, m] : snap->middlewares) middlewares[name] = middleware_config(m);
    if (!routers.empty()) j["tcpRouters"] = std::move(routers);
    if (!middlewares.empty()) j["tcpMiddlewares"] = std::move(middlewares);
    if (!services.empty()) j["tcpServices"] = std::move(services);
    return j;
}

nlohmann::json represent_version(const std::string& version, const std::string& start_date_rfc3339) {
    return {{"Version", version}, {"Codename", "switchyard"}, {"startDate", start_date_rfc3339}};
}

nlohmann::json represent_error(const std::string& message) { return {{"message", message}}; }

}  // namespace sy::api
