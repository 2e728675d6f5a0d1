// One container → its share of the Docker provider's configuration (Traefik v3.7 pkg/provider/docker/config.go:
// build, keepContainer, buildTCPServiceConfiguration, addServerTCP, getIPPort; traefik-tcp.md §1.6, §2.2-2.4).
// Deliberate difference from Traefik throughout: a problem Traefik answers by skipping the whole container with a
// log line (no IP, no port, a router it cannot link) is a finding on the one service or router it concerns here, so
// the API shows it and the container's other routers keep working.
#include <algorithm>

#include "base/address.hpp"
#include "config/labels.hpp"
#include "providers/docker/network.hpp"
#include "providers/docker/provider_config.hpp"

namespace sy::providers::docker {

namespace {

using kind = config::element_finding::kind;

config::element_finding make_finding(kind k, std::string name, bool error, std::string message) {
    config::element_finding f;
    f.element = k;
    f.name = std::move(name);
    f.is_error = error;
    f.message = std::move(message);
    return f;
}

/// The label decoder's finding, prefixed with the container it came from.
config::element_finding adopt(const config::element_finding& f, const std::string& who) {
    auto out = f;
    out.message = who + ": " + f.message;
    return out;
}

bool unspecified_or_invalid(const std::string& ip) {
    auto a = parse_ip(ip);
    return !a || a->is_unspecified();
}

/// The port of one service: its label, else the lowest exposed port (Traefik's getPort: NetworkSettings.Ports keys
/// sorted by number, protocol ignored).
struct port_pick {
    std::string port;
    std::string warning;  ///< several ports exposed: which one was taken
    std::string error;
};

port_pick pick_port(const container& c, const std::string& service, const std::string& label_port,
                    const std::string& prefix) {
    port_pick p;
    if (!label_port.empty()) {
        p.port = label_port;
        return p;
    }
    const std::string label = prefix + ".tcp.services." + service + ".loadbalancer.server.port";
    if (c.ports.empty()) {
        if (c.noun != "container")
            // Traefik's docs say the same: Swarm reports the ports a task publishes in host mode, nothing else.
            p.error = "Swarm does not report the ports a task listens on" +
                      std::string(c.network_mode == "host" ? " (network mode host)" : "") + ": set the label " + label;
        else if (c.network_mode == "host")
            p.error = "network mode host: the container exposes no port to detect, so the label " + label + " is required";
        else
            p.error = "the container exposes no port: set the label " + label;
        return p;
    }
    auto lowest = std::min_element(c.ports.begin(), c.ports.end(),
                                   [](const exposed_port& a, const exposed_port& b) { return a.port < b.port; });
    p.port = std::to_string(lowest->port);
    if (std::any_of(c.ports.begin(), c.ports.end(), [&](const exposed_port& e) { return e.port != lowest->port; })) {
        // Traefik silently takes the lowest port (docker-mailserver exposes eight and gets 25): said out loud here.
        std::string list;
        std::vector<int> numbers;
        for (const auto& e : c.ports) numbers.push_back(e.port);
        std::sort(numbers.begin(), numbers.end());
        numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
        for (int n : numbers) list += (list.empty() ? "" : ", ") + std::to_string(n);
        p.warning = "the " + c.noun + (c.noun == "container" ? " exposes" : " publishes") + " ports " + list +
                    "; using the lowest, " + p.port + " (set " + label + " to choose)";
    }
    return p;
}

/// useBindPortIP: the published host address of `port`, unless unpublished or bound to an unspecified address.
std::string bound_address(const container& c, const std::string& port) {
    for (const auto& e : c.ports)
        if (std::to_string(e.port) == port && e.protocol == "tcp" && !e.bindings.empty()) {
            const auto& b = e.bindings.front();
            if (unspecified_or_invalid(b.host_ip) || b.host_port.empty()) return {};
            auto host_port = parse_host_port("x:" + b.host_port);
            if (!host_port) return {};
            return format_host_port(b.host_ip, host_port->port);
        }
    return {};
}

}  // namespace

container_share container_to_config(const container& c, const build_options& options,
                                    const std::map<std::string, container>& others) {
    container_share share;
    const bool swarm = options.provider == "swarm";
    // A Swarm service's tasks share its labels: findings name the service, so its tasks' findings are one.
    const std::string who = swarm ? "Swarm service \"" + c.service_name + "\"" : "container \"" + c.name + "\"";
    const std::string& prefix = options.label_prefix;
    auto labels = config::decode_labels(c.labels, prefix);

    if (!labels.enable.value_or(options.exposed_by_default)) {
        share.skipped_because = "not enabled (" + prefix + ".enable, providers." + options.provider + ".exposedByDefault)";
        return share;
    }
    if (options.constraints_invalid || (options.constraints && !options.constraints->matches(c.labels))) {
        share.skipped_because = "it does not match providers." + options.provider + ".constraints";
        return share;
    }
    const bool running = c.status.empty() || c.status == "running";
    const bool healthy = c.health.empty() || c.health == "healthy";
    if (!labels.allow_non_running) {
        if (!running) {
            share.skipped_because = "it is " + c.status;
            return share;
        }
        if (!healthy && !options.allow_empty_services) {
            share.skipped_because = "its health check says " + c.health;
            return share;
        }
    }
    share.kept = true;
    share.config = std::move(labels.config);
    for (const auto& f : labels.findings) share.findings.push_back(adopt(f, who));
    if (!labels.has_tcp) return share;  // HTTP/UDP labels only (ignored by the decoder), or TCP middlewares alone

    auto& services = share.config.services;
    if (services.empty()) services[default_service_name(c)].load_balancer.emplace();

    if (!running || !healthy) {
        // Reached only with allowNonRunning / allowEmptyServices: routers stay, services have no server.
        for (auto& [name, s] : services)
            if (s.load_balancer) s.load_balancer->servers.clear();
        share.notes.push_back(who + " is " + (running ? (swarm ? c.health : "unhealthy or starting") : c.status) +
                              ": its services are kept with no server");
    } else {
        // Swarm: <prefix>.swarm.network, else the deprecated <prefix>.docker.network unless <prefix>.swarm.* labels
        // are also set (an error reported once per service by the Swarm provider), else the provider's network.
        std::string network = !labels.docker_network.empty() ? labels.docker_network : options.network;
        if (swarm)
            network = !labels.swarm_network.empty()                                        ? labels.swarm_network
                      : labels.swarm_keys.empty() && !labels.docker_network.empty() ? labels.docker_network
                                                                                          : options.network;
        auto address = choose_address(c, network, options.host_address,
                                      [&](std::string_view ref) { return find_container(others, ref); },
                                      prefix + (swarm ? ".swarm.network" : ".docker.network"));
        if (!address.note.empty()) share.notes.push_back(address.note);
        for (auto& [name, s] : services) {
            if (!s.load_balancer) {
                if (!s.weighted)
                    share.findings.push_back(make_finding(kind::service, name, true, who + ": the service has no loadBalancer"));
                continue;
            }
            auto& servers = s.load_balancer->servers;
            if (servers.empty()) servers.emplace_back();
            auto& server = servers.front();
            servers.resize(1);  // labels describe one server per container
            auto port = pick_port(c, name, server.port, prefix);
            server.port.clear();
            if (!port.error.empty()) {
                share.findings.push_back(make_finding(kind::service, name, true, who + ": " + port.error));
                servers.clear();
                continue;
            }
            if (!port.warning.empty())
                share.findings.push_back(make_finding(kind::service, name, false, who + ": " + port.warning));
            // With no network address, a port published on the host is the way in. Only Swarm tasks get here in
            // practice (host-mode published ports on the node's address). Difference from Traefik: it drops such a
            // task, since Swarm fills no NetworkSettings.Ports for it (traefik/traefik#3960).
            std::string bound = options.use_bind_port_ip || address.ip.empty() ? bound_address(c, port.port) : std::string();
            if (!bound.empty()) {
                server.address = bound;
                continue;
            }
            if (address.ip.empty()) {
                const std::string on = network.empty() ? std::string() : " named \"" + network + "\"";
                std::string why =
                    c.noun == "container"
                        ? "no IP address to reach it" +
                              (network.empty() ? std::string() : " on network \"" + network + "\"") +
                              " (network mode \"" + c.network_mode + "\")" +
                              (address.why_none.empty() ? std::string() : ": " + address.why_none)
                    : c.noun == "service"  // lbswarm
                        ? "lbswarm: the service has no virtual IP on a swarm-scoped network" + on
                        : "no address to reach task \"" + c.name + "\": it is on no swarm-scoped network" + on +
                              ", not on the host network, and publishes port " + port.port + " in host mode nowhere";
                share.findings.push_back(make_finding(kind::service, name, true, who + ": " + why));
                servers.clear();
                continue;
            }
            auto numeric = parse_host_port("x:" + port.port);
            if (!numeric) {
                share.findings.push_back(make_finding(kind::service, name, true,
                                                      who + ": port \"" + port.port + "\" is not a port number"));
                servers.clear();
                continue;
            }
            server.address = format_host_port(address.ip, numeric->port);
        }
    }

    // Traefik's BuildTCPRouterConfiguration: a router without a service takes the container's only one.
    for (auto& [name, r] : share.config.routers) {
        if (r.rule.empty()) {
            // A named copy: clang 14 refuses to capture a structured binding in a lambda.
            const std::string& router_name = name;
            bool reported = std::any_of(share.findings.begin(), share.findings.end(), [&](const auto& f) {
                return f.element == kind::router && f.name == router_name && f.is_error;
            });
            // Traefik drops such a router with a log line only ("Empty rule").
            if (!reported)
                share.findings.push_back(make_finding(kind::router, name, true, who + ": the router has no rule"));
        }
        if (!r.service.empty()) continue;
        if (services.size() == 1) {
            r.service = services.begin()->first;
            continue;
        }
        std::string list;
        for (const auto& [s, _] : services) list += (list.empty() ? "" : ", ") + s;
        share.findings.push_back(make_finding(kind::router, name, true,
                                              who + ": the router names no service and the " + std::string(swarm ? "service" : "container") + " defines " +
                                                  std::to_string(services.size()) + " (" + list +
                                                  "): set " + prefix + ".tcp.routers." + name + ".service"));
    }
    return share;
}

}  // namespace sy::providers::docker
