#include "api/represent.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "bans/expiry_time.hpp"

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
    // As written ("smtp"), as Traefik shows it; the service's own entry has the qualified name.
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

/// Traefik's serverStatus (runtime.TCPServiceInfo.UpdateServerStatus): "UP" or "DOWN" per server address, read from
/// the live health state when the API answers, not from when the snapshot was built.
json server_status(const runtime::service_info& s) {
    json j = json::object();
    for (const auto& [address, built] : s.server_status) j[address] = runtime::server_state(s, address);
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
        if (const auto& p = lb->passive_health_check) {
            json pj = json::object();
            pj["maxFailedAttempts"] = p->max_failed_attempts;
            pj["failureWindow"] = format_duration(p->failure_window);
            lj["passiveHealthCheck"] = std::move(pj);
        }
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
    if (!s.server_status.empty()) j["serverStatus"] = server_status(s);
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
    if (m.config.ip_deny_list) j["ipDenyList"] = source_range(*m.config.ip_deny_list);
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
    // Switchyard only: the entrypoint speaks a mail protocol's STARTTLS dialogue itself.
    if (ep.starttls) {
        const auto& st = *ep.starttls;
        j["starttls"] = {
            {"protocol", st.protocol},
            {"hostname", st.hostname},
            {"preTLSCommandTimeout", format_duration(st.command_timeout)},
            {"preTLSTotalTimeout", format_duration(st.total_timeout)},
            {"clientHelloTimeout", format_duration(st.client_hello_timeout)},
            {"backendConnectTimeout", format_duration(st.backend_connect_timeout)},
            {"backendDialogueTimeout", format_duration(st.backend_dialogue_timeout)},
        };
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
    // Traefik lists the provider struct's field names in declaration order: Docker, Swarm, File.
    if (statics.docker.enabled) providers.push_back("Docker");
    if (statics.swarm.enabled) providers.push_back("Swarm");
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

nlohmann::json represent_certificates(const runtime::snapshot* snap) {
    json list = json::array();
    if (!snap || !snap->tls) return list;
    for (const auto& c : snap->tls->certificates) {
        json j = {{"source", c.source}, {"status", c.state}, {"sans", c.names}};
        put_nonempty(j, "keyType", c.key_kind);
        put_nonempty(j, "subject", c.subject);
        if (c.not_after != std::chrono::system_clock::time_point{}) {
            const std::time_t t = std::chrono::system_clock::to_time_t(c.not_after);
            std::tm tm{};
            gmtime_r(&t, &tm);
            char buf[32];
            std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
            j["notAfter"] = buf;
        }
        if (c.is_default) j["default"] = true;
        if (c.generated) j["generated"] = true;
        put_nonempty(j, "error", c.errors);
        list.push_back(std::move(j));
    }
    return list;
}

nlohmann::json represent_version(const std::string& version, const std::string& start_date_rfc3339) {
    return {{"Version", version}, {"Codename", "switchyard"}, {"startDate", start_date_rfc3339}};
}

namespace {

int64_t unix_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

json series_json(const telemetry::traffic_history::series& s) {
    json open = json::array(), in = json::array(), out = json::array();
    for (const auto& p : s.points) {
        open.push_back(p.open);
        in.push_back(p.bytes_in);
        out.push_back(p.bytes_out);
    }
    return {{"open", std::move(open)}, {"bytesIn", std::move(in)}, {"bytesOut", std::move(out)}};
}

}  // namespace

nlohmann::json represent_bans(const bans::ban_list_version* v, bans::unix_seconds now) {
    if (!v) return {{"enabled", false}};
    json j = {{"enabled", true},
              {"file", v->file},
              {"entryPoints", v->entry_points},
              {"entries", v->set->entries()},
              {"fileEntries", v->file_entries},
              {"active", v->set->active(now)},
              {"generation", v->generation}};
    if (v->loaded_at > 0) j["loadedAt"] = bans::format_expiry(v->loaded_at);
    if (auto next = v->set->next_expiry(now); next != bans::never) j["nextExpiry"] = bans::format_expiry(next);
    json skipped = json::array();
    for (const auto& e : v->skipped) skipped.push_back({{"line", e.line}, {"error", e.what}});
    j["skippedLines"] = std::move(skipped);
    put_nonempty(j, "readError", v->read_error);
    if (const auto& cs = v->crowdsec) {
        json c = {{"url", cs->url}, {"decisions", cs->decisions}, {"pulls", cs->pulls}};
        if (cs->last_pull > 0) c["lastPull"] = bans::format_expiry(cs->last_pull);
        put_nonempty(c, "error", cs->error);
        j["crowdsec"] = std::move(c);
    }
    return j;
}

nlohmann::json represent_activity(const telemetry::traffic_history* history,
                                  const std::vector<telemetry::refusal>& refusals) {
    json times = json::array(), routers = json::object(), services = json::object(), servers = json::object();
    if (history) {
        for (auto t : history->times()) times.push_back(unix_seconds(t));
        for (const auto& [name, s] : history->routers()) routers[name] = series_json(s);
        for (const auto& [name, s] : history->services()) services[name] = series_json(s);
        for (const auto& [key, s] : history->servers()) {
            auto sep = key.find('\x1f');
            if (sep == std::string::npos) continue;
            servers[key.substr(0, sep)][key.substr(sep + 1)] = series_json(s);
        }
    }
    json recent = json::array();
    for (const auto& r : refusals) {
        json j = {{"time", unix_seconds(r.at)}, {"entryPoint", r.entry_point}, {"client", r.client},
                  {"outcome", r.outcome}};
        put_nonempty(j, "router", r.router);
        recent.push_back(std::move(j));
    }
    return {{"interval", format_duration(telemetry::traffic_history::interval)},
            {"times", std::move(times)},
            {"routers", std::move(routers)},
            {"services", std::move(services)},
            {"servers", std::move(servers)},
            {"refusals", std::move(recent)}};
}

nlohmann::json represent_error(const std::string& message) { return {{"message", message}}; }

}  // namespace sy::api
