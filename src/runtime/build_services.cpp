// Services: load balancers become dial plans (servers, PROXY version, transport timeouts); weighted services are
// resolved child by child, with cycles reported instead of followed.
#include "runtime/build_steps.hpp"

#include "base/address.hpp"
#include "base/concat.hpp"
#include "runtime/suggest.hpp"
#include "runtime/wrr_schedule.hpp"

namespace sy::runtime::detail {

namespace {

constexpr std::string_view internal_transport = "default@internal";

std::string quoted(std::string_view s) { return concat("\"", s, "\""); }

/// Traefik's maxPayloadSize for send and expect (pkg/healthcheck/healthcheck_tcp.go).
constexpr size_t max_payload = 65535;

/// Traefik's NewServiceTCPHealthChecker: a value that is not positive falls back to the default, with an error in
/// Traefik's log; here a warning on the service naming the key. Difference from Traefik: Traefik's probe dials with
/// the raw timeout (so `timeout: 0` fails every probe at once); here the fallback applies to the dial too.
health_check_plan health_check_of(service_info& info, const config::tcp_health_check& h) {
    health_check_plan p;
    auto positive = [&](std::string_view key, duration value, duration fallback) {
        if (value > duration::zero()) return value;
        add_warning(info, concat("healthCheck.", key, ": must be positive, got ", format_duration(value), "; using ",
                                 format_duration(fallback), " as Traefik does"));
        return fallback;
    };
    p.interval = positive("interval", h.interval, std::chrono::seconds(30));
    // Absent: as often as healthy servers. Present but not positive: Traefik's default interval, not `interval`.
    p.unhealthy_interval = h.unhealthy_interval
                               ? positive("unhealthyInterval", *h.unhealthy_interval, std::chrono::seconds(30))
                               : p.interval;
    p.timeout = positive("timeout", h.timeout, std::chrono::seconds(5));
    if (h.port && (*h.port < 0 || *h.port > 65535))
        add_error(info, concat("healthCheck.port: ", std::to_string(*h.port), " is out of range 1-65535"));
    else if (h.port)
        p.port = static_cast<uint16_t>(*h.port);
    p.send = h.send;
    p.expect = h.expect;
    if (p.send.size() > max_payload) {
        add_warning(info, concat("healthCheck.send: longer than ", std::to_string(max_payload),
                                 " bytes; the check only connects, as Traefik does"));
        p.send.clear();
    }
    if (p.expect.size() > max_payload) {
        add_warning(info, concat("healthCheck.expect: longer than ", std::to_string(max_payload),
                                 " bytes; no answer is awaited, as Traefik does"));
        p.expect.clear();
    }
    return p;
}

passive_plan passive_of(service_info& info, const config::passive_health_check& c) {
    passive_plan p;
    if (c.max_failed_attempts < 0)
        add_error(info, concat("passiveHealthCheck.maxFailedAttempts: must not be negative, got ",
                               std::to_string(c.max_failed_attempts), " (0 turns passive health off)"));
    else
        p.max_failed_attempts = c.max_failed_attempts;
    if (c.failure_window <= duration::zero())
        add_error(info, concat("passiveHealthCheck.failureWindow: must be positive, got ",
                               format_duration(c.failure_window)));
    else
        p.failure_window = c.failure_window;
    return p;
}

/// What makes two servers one health state: the address probed and how (services with the same check share it;
/// one without an active check shares the address's passive state).
std::string health_key(const server_plan& s, const service_plan& plan) {
    if (!plan.health_check) return concat(s.address, "\x1fpassive");
    const auto& c = *plan.health_check;
    return concat(s.host, "\x1f", std::to_string(c.port ? c.port : s.port), "\x1f", c.send, "\x1f", c.expect, "\x1f",
                  std::to_string(c.interval.count()), "\x1f", std::to_string(c.unhealthy_interval.count()), "\x1f",
                  std::to_string(c.timeout.count()), "\x1f", std::to_string(plan.proxy_protocol_version));
}

class service_builder {
public:
    service_builder(const aggregator::merged_config& merged, const tls::setup& tls, telemetry::registry& counters,
                    live_state& live, built_services& out)
        : merged_(merged), tls_(tls), counters_(counters), live_(live), out_(out) {}

    void build(const std::string& name) {
        marks_[name] = mark::visiting;
        stack_.push_back(name);
        const auto& svc = merged_.config.services.at(name);
        service_info info;
        info.name = name;
        info.provider = std::string(name.substr(name.rfind('@') + 1));
        info.config = svc;
        auto plan = std::make_shared<service_plan>();
        plan->name = name;
        plan->index = out_.indexes++;
        plan->counters = counters_.service(name);
        if (svc.load_balancer && svc.weighted) {
            add_error(info, "cannot create service: multi-types service not supported, consider declaring two "
                            "different pieces of service instead");
        } else if (svc.load_balancer) {
            build_load_balancer(info, *plan, *svc.load_balancer);
        } else if (svc.weighted) {
            build_weighted(info, *plan, *svc.weighted);
        } else {
            add_error(info, "the service " + quoted(name) + " does not have any type defined");
        }
        attach_findings(info, config::element_finding::kind::service, merged_.findings);
        if (info.state != status::disabled) out_.plans.emplace(name, std::move(plan));
        out_.infos.insert_or_assign(name, std::move(info));
        marks_[name] = mark::done;
        stack_.pop_back();
    }

    bool done(const std::string& name) const { return marks_.count(name) != 0; }

private:
    enum class mark { visiting, done };

    void build_load_balancer(service_info& info, service_plan& plan, const config::tcp_servers_load_balancer& lb) {
        const config::tcp_servers_transport* transport = nullptr;
        if (!lb.servers_transport.empty() && lb.servers_transport != internal_transport) {
            auto it = merged_.config.servers_transports.find(lb.servers_transport);
            if (it == merged_.config.servers_transports.end())
                add_error(info, "no transport configuration found for " + quoted(lb.servers_transport) +
                                    did_you_mean_qualified(lb.servers_transport,
                                                           keys_of(merged_.config.servers_transports)));
            else
                transport = &it->second;
        }
        // Traefik v3.5.2+ (pkg/tcp/dialer.go): a service that names a serversTransport takes PROXY protocol and
        // terminationDelay from it alone; the load balancer's deprecated fields count only without one.
        std::optional<config::proxy_protocol> pp = lb.proxy_protocol;
        if (lb.proxy_protocol)
            // Traefik v3.5.2+'s warning (pkg/server/service/tcp/service.go), shown on the service. The option keeps
            // working, as in Traefik: labels cannot define a transport, so a label-only set-up has no other way.
            add_warning(info, "Service " + quoted(info.name) +
                                  " load balancer uses `ProxyProtocol`, but this option is deprecated, please use "
                                  "ServersTransport configuration instead.");
        if (!lb.servers_transport.empty()) {
            if (lb.proxy_protocol)
                add_warning(info, "loadBalancer.proxyProtocol is ignored: the service uses serversTransport " +
                                      quoted(lb.servers_transport) + ", set proxyProtocol there");
            pp = transport ? transport->proxy_protocol : std::nullopt;
        }
        if (pp) {
            if (pp->version < 1 || pp->version > 2)
                add_error(info, "unknown proxyProtocol version: " + std::to_string(pp->version));
            else
                plan.proxy_protocol_version = pp->version;
        }
        if (transport) {
            plan.dial_timeout = transport->dial_timeout;
            plan.dial_keep_alive = transport->dial_keep_alive;
            plan.termination_delay = transport->termination_delay;
            if (lb.termination_delay)
                add_warning(info, "loadBalancer.terminationDelay is ignored: the service uses serversTransport " +
                                      quoted(lb.servers_transport) + ", set terminationDelay there");
        } else if (lb.termination_delay) {
            // Deliberate difference from Traefik v3, which casts this integer to a Go duration, i.e. reads it as
            // nanoseconds (so 100 closes at once). We read it as milliseconds, its unit in v2 and in the docs, and
            // say so, because the nanosecond reading is never what the label's author meant.
            // The integer comes from a label: milliseconds beyond the longest duration would overflow nanoseconds
            // (above ~9.2e12), so they are refused; a negative one means "never close", as Traefik's does.
            const int64_t ms = *lb.termination_delay;
            const int64_t longest_ms = std::chrono::duration_cast<std::chrono::milliseconds>(longest_duration).count();
            if (ms > longest_ms)
                add_error(info, "loadBalancer.terminationDelay " + std::to_string(ms) + ": longer than " +
                                    std::to_string(longest_ms) + " ms (" + format_duration(longest_duration) +
                                    ", 365 days), the longest duration Switchyard accepts");
            else
                plan.termination_delay = ms < 0 ? duration(-1) : duration(std::chrono::milliseconds(ms));
            add_warning(info, "loadBalancer.terminationDelay is deprecated; read as " + std::to_string(ms) +
                                  " ms (Traefik v3 reads it as nanoseconds); use a serversTransport");
        }
        // Without a transport: dialTimeout 30 s, dialKeepAlive 15 s and terminationDelay 100 ms (service_plan's
        // defaults, Traefik's documented ones). Deliberate difference: Traefik's default@internal transport leaves
        // terminationDelay at 0 (traefik/traefik#12802), cutting the other direction at the first half-close.
        if (lb.health_check) plan.health_check = health_check_of(info, *lb.health_check);
        plan.passive = passive_of(info, lb.passive_health_check.value_or(config::passive_health_check{}));
        for (const auto& server : lb.servers) {
            auto hp = parse_host_port(server.address);
            if (!hp || hp->host.empty()) {
                // Traefik skips such a server with a log line; we show it on the service.
                add_warning(info, "server " + quoted(server.address) + " is skipped: " +
                                      (hp ? std::string("the address has no host") : hp.error().what));
                continue;
            }
            if (server.tls && !plan.backend_tls && info.state != status::disabled) {
                use_backend_tls(info, plan, lb, transport);
                if (!plan.backend_tls) continue;
            }
            server_plan sp;
            sp.address = server.address;
            sp.host = hp->host;
            sp.port = hp->port;
            sp.tls = server.tls;
            sp.counters = counters_.server(plan.name, server.address);
            sp.health = live_.health(health_key(sp, plan), plan.health_check.has_value());
            info.health[server.address] = sp.health;
            plan.servers.push_back(std::move(sp));
            info.server_status[server.address] = "UP";
        }
        if (plan.servers.empty() && info.state != status::disabled) add_error(info, "the service has no servers");
    }

    void build_weighted(service_info& info, service_plan& plan, const config::tcp_weighted& w) {
        std::vector<int> weights;
        for (const auto& child : w.services) {
            const int weight = child.weight.value_or(1);
            if (weight < 0) {
                add_error(info, "service " + quoted(child.name) + ": weight must not be negative");
                continue;
            }
            if (!merged_.config.services.count(child.name)) {
                add_error(info, "the service " + quoted(child.name) + " does not exist" +
                                    did_you_mean_qualified(child.name, keys_of(merged_.config.services)));
                continue;
            }
            auto m = marks_.find(child.name);
            if (m != marks_.end() && m->second == mark::visiting) {
                std::string path;
                auto from = std::find(stack_.begin(), stack_.end(), child.name);
                for (auto it = from; it != stack_.end(); ++it) path += *it + " -> ";
                add_error(info, "weighted services form a cycle: " + path + child.name);
                continue;
            }
            if (m == marks_.end()) build(child.name);
            auto p = out_.plans.find(child.name);
            if (p == out_.plans.end()) {
                add_error(info, "the service " + quoted(child.name) + " is disabled");
                continue;
            }
            plan.weighted.push_back({p->second, weight});
            weights.push_back(weight);
        }
        plan.schedule = wrr_schedule(weights);
        if (plan.schedule.empty() && info.state != status::disabled)
            add_error(info, "the weighted service has no service with a positive weight");
    }

    /// TLS toward the servers: the transport's tls, or the built-in one (system roots, the address's host;
    /// Traefik instead fails every handshake of a server with tls whose transport has no tls settings: deliberate
    /// difference). Errors in the transport's files disable the service.
    void use_backend_tls(service_info& info, service_plan& plan, const config::tcp_servers_load_balancer& lb,
                         const config::tcp_servers_transport* transport) {
        const std::string name = transport && transport->tls ? lb.servers_transport : std::string();
        if (auto e = tls_.transport_errors.find(name); e != tls_.transport_errors.end()) {
            for (const auto& m : e->second) add_error(info, m);
            return;
        }
        if (auto t = tls_.transports.find(name); t != tls_.transports.end()) plan.backend_tls = t->second;
    }

    const aggregator::merged_config& merged_;
    const tls::setup& tls_;
    telemetry::registry& counters_;
    live_state& live_;
    built_services& out_;
    std::map<std::string, mark> marks_;
    std::vector<std::string> stack_;
};

}  // namespace

built_services build_services(const aggregator::merged_config& merged, const tls::setup& tls,
                              telemetry::registry& counters, live_state& live) {
    built_services out;
    service_builder b(merged, tls, counters, live, out);
    for (const auto& [name, svc] : merged.config.services)
        if (!b.done(name)) b.build(name);
    return out;
}

}  // namespace sy::runtime::detail
