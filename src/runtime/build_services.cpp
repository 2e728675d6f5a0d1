// Services: load balancers become dial plans (servers, PROXY version, transport timeouts); weighted services are
// resolved child by child, with cycles reported instead of followed.
#include "runtime/build_steps.hpp"

#include "base/address.hpp"
#include "base/concat.hpp"
#include "runtime/wrr_schedule.hpp"

namespace sy::runtime::detail {

namespace {

constexpr std::string_view internal_transport = "default@internal";

std::string quoted(std::string_view s) { return concat("\"", s, "\""); }

class service_builder {
public:
    service_builder(const aggregator::merged_config& merged, telemetry::registry& counters, built_services& out)
        : merged_(merged), counters_(counters), out_(out) {}

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
        plan->counters = &counters_.service(name);
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
                add_error(info, "no transport configuration found for " + quoted(lb.servers_transport));
            else
                transport = &it->second;
        }
        // Traefik v3.5.2+ (pkg/tcp/dialer.go): a service that names a serversTransport takes PROXY protocol and
        // terminationDelay from it alone; the load balancer's deprecated fields count only without one.
        std::optional<config::proxy_protocol> pp = lb.proxy_protocol;
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
            plan.termination_delay = std::chrono::milliseconds(*lb.termination_delay);
            add_warning(info, "loadBalancer.terminationDelay is deprecated; read as " +
                                  std::to_string(*lb.termination_delay) +
                                  " ms (Traefik v3 reads it as nanoseconds); use a serversTransport");
        }
        // Without a transport: dialTimeout 30 s, dialKeepAlive 15 s and terminationDelay 100 ms (service_plan's
        // defaults, Traefik's documented ones). Deliberate difference: Traefik's default@internal transport leaves
        // terminationDelay at 0 (traefik/traefik#12802), cutting the other direction at the first half-close.
        if (lb.health_check)
            add_warning(info, "healthCheck is not supported yet: every server is considered UP");
        for (const auto& server : lb.servers) {
            auto hp = parse_host_port(server.address);
            if (!hp || hp->host.empty()) {
                // Traefik skips such a server with a log line; we show it on the service.
                add_warning(info, "server " + quoted(server.address) + " is skipped: " +
                                      (hp ? std::string("the address has no host") : hp.error().what));
                continue;
            }
            if (server.tls) {
                add_error(info, "server " + quoted(server.address) + ": tls to the backend is not supported yet");
                continue;
            }
            server_plan sp;
            sp.address = server.address;
            sp.host = hp->host;
            sp.port = hp->port;
            sp.tls = server.tls;
            sp.counters = &counters_.server(plan.name, server.address);
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
                add_error(info, "the service " + quoted(child.name) + " does not exist");
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

    const aggregator::merged_config& merged_;
    telemetry::registry& counters_;
    built_services& out_;
    std::map<std::string, mark> marks_;
    std::vector<std::string> stack_;
};

}  // namespace

built_services build_services(const aggregator::merged_config& merged, telemetry::registry& counters) {
    built_services out;
    service_builder b(merged, counters, out);
    for (const auto& [name, svc] : merged.config.services)
        if (!b.done(name)) b.build(name);
    return out;
}

}  // namespace sy::runtime::detail
