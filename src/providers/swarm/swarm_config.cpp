#include "providers/swarm/swarm_config.hpp"

#include <algorithm>
#include <map>

#include "config/labels.hpp"

namespace sy::providers::swarm {

namespace {

using kind = config::element_finding::kind;

config::element_finding finding(bool error, std::string message) {
    config::element_finding f;
    f.element = kind::other;
    f.is_error = error;
    f.message = std::move(message);
    return f;
}

std::string joined(const std::vector<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
}

/// States a task passes through on its way to running (swarmkit api/types.proto TaskState, in order).
bool on_its_way(const task& t) {
    static constexpr std::string_view states[] = {"new", "pending", "assigned", "accepted", "preparing", "ready",
                                                  "starting"};
    return t.desired_state == "running" &&
           std::find(std::begin(states), std::end(states), t.state) != std::end(states);
}

docker::container base_container(const service& s, std::string id, std::string name, std::string noun) {
    docker::container c;
    c.id = std::move(id);
    c.name = std::move(name);
    c.service_name = s.name;
    c.noun = std::move(noun);
    c.status = "running";
    c.labels = s.labels;
    return c;
}

}  // namespace

bool task_is_routable(const task& t) { return t.desired_state == "running" && t.state == "running"; }

swarm_listing list_containers(const swarm_state& state, const docker::build_options& options) {
    swarm_listing out;
    std::map<std::string, const network*> networks;
    for (const auto& n : state.networks) networks.emplace(n.id, &n);
    std::map<std::string, const node*> nodes;
    for (const auto& n : state.nodes) nodes.emplace(n.id, &n);
    std::map<std::string, std::vector<const task*>> tasks_of;
    for (const auto& t : state.tasks) {
        if (on_its_way(t)) out.settling = true;
        tasks_of[t.service_id].push_back(&t);
    }

    auto& service_findings = out.findings;
    auto& containers = out.containers;
    std::vector<const service*> order;
    for (const auto& s : state.services) order.push_back(&s);
    std::sort(order.begin(), order.end(), [](const service* a, const service* b) { return a->name < b->name; });

    for (const service* s : order) {
        const auto labels = config::decode_labels(s->labels, options.label_prefix);
        if (!labels.enable.value_or(options.exposed_by_default)) continue;  // said at debug level by the merge
        const std::string who = "Swarm service \"" + s->name + "\"";
        const std::string root = options.label_prefix + ".";
        // Traefik (extractSwarmLabels) skips a service that has both with "both Docker and Swarm labels are
        // defined"; here the <prefix>.swarm.* ones win and the error names the others.
        if (!labels.docker_keys.empty() && !labels.swarm_keys.empty())
            service_findings.push_back(finding(true, who + ": both " + root + "swarm.* and the deprecated " + root +
                                                         "docker.* labels are set; ignoring " + joined(labels.docker_keys)));
        else if (!labels.docker_keys.empty())
            service_findings.push_back(finding(false, who + ": " + joined(labels.docker_keys) + ": " + root +
                                                          "docker.* labels are deprecated for Swarm services (Traefik " +
                                                          "3.2.2); use " + root + "swarm.*"));
        const bool lbswarm = labels.swarm_keys.empty() ? labels.docker_lbswarm : labels.swarm_lbswarm;

        if (lbswarm && s->endpoint_mode == "dnsrr")
            service_findings.push_back(finding(false, who + ": " + root + "swarm.lbswarm is ignored: endpoint mode " +
                                                          "dnsrr has no virtual IP; routing to its tasks"));
        if (lbswarm && s->endpoint_mode != "dnsrr") {
            // One server: the virtual IP, where Swarm balances (IPVS). Only VIPs on swarm-scoped networks count.
            auto c = base_container(*s, s->id, s->name, "service");
            for (const auto& v : s->virtual_ips) {
                auto n = networks.find(v.network_id);
                if (n == networks.end() || v.address.empty()) continue;
                c.networks.push_back({n->second->name, v.network_id, v.address});
            }
            std::sort(c.networks.begin(), c.networks.end(),
                      [](const auto& a, const auto& b) { return a.name < b.name; });
            containers.emplace(c.id, std::move(c));
            continue;
        }

        size_t routed = 0;
        for (const task* t : tasks_of[s->id]) {
            if (!task_is_routable(*t)) continue;
            auto node_it = nodes.find(t->node_id);
            const node* n = node_it == nodes.end() ? nullptr : node_it->second;
            const std::string task_name = s->name + "." + (s->global ? t->id : std::to_string(t->slot));
            if (n && n->state == "down") {
                // Difference from Traefik: a down node's tasks still read "running" until the manager reschedules
                // them; they are not routed meanwhile.
                out.notes.push_back("task \"" + task_name + "\" is on node \"" + n->hostname +
                                    "\", which is down: not routed");
                continue;
            }
            if (auto f = state.failing.find(t->id); f != state.failing.end()) {
                // Difference from Traefik, which routes a task until the manager stops listing it as running: the
                // container's own event (health_status: unhealthy, die) takes it out at once.
                out.notes.push_back("task \"" + task_name + "\": its container " +
                                    (f->second == "exited" ? "has exited" : "is " + f->second) +
                                    " (Docker event) while Swarm still lists it running: not routed");
                continue;
            }
            auto c = base_container(*s, t->id, task_name, "task");
            c.node_address = n ? n->address : std::string();
            for (const auto& a : t->networks) {
                if (a.driver == "host") {
                    c.network_mode = "host";
                    continue;
                }
                auto net = networks.find(a.network_id);
                if (net == networks.end() || a.addresses.empty()) continue;  // Traefik: swarm-scoped networks only
                // Traefik keeps one address per network (the last of a Go loop); the first is kept here.
                c.networks.push_back({net->second->name, a.network_id, a.addresses.front()});
            }
            std::sort(c.networks.begin(), c.networks.end(),
                      [](const auto& a, const auto& b) { return a.name < b.name; });
            // Host-mode published ports, as a container's NetworkSettings.Ports bound on the node's address.
            for (const auto& p : t->ports) {
                if (p.mode != "host" || p.published <= 0) continue;
                docker::exposed_port e{p.target, p.protocol, {{c.node_address, std::to_string(p.published)}}};
                if (std::none_of(c.ports.begin(), c.ports.end(), [&](const auto& x) {
                        return x.port == e.port && x.protocol == e.protocol;
                    }))
                    c.ports.push_back(std::move(e));
            }
            std::sort(c.ports.begin(), c.ports.end(), [](const auto& a, const auto& b) {
                return std::pair(a.port, a.protocol) < std::pair(b.port, b.protocol);
            });
            containers.emplace(c.id, std::move(c));
            ++routed;
        }
        if (routed == 0) {
            if (options.allow_empty_services) {
                // Difference from Traefik, where allowEmptyServices has no effect on Swarm: the service's routers
                // stay, with no server, as the Docker provider keeps an unhealthy container's.
                auto c = base_container(*s, s->id, s->name, "service");
                c.health = "without a running task";
                containers.emplace(c.id, std::move(c));
            } else {
                out.notes.push_back("Swarm service \"" + s->name + "\" has no running task: not routed");
            }
        }
    }

    return out;
}

swarm_build build_swarm_message(const swarm_state& state, const docker::build_options& options) {
    auto listing = list_containers(state, options);
    auto built = docker::build_provider_message(listing.containers, options);
    swarm_build out;
    out.message = std::move(built.message);
    out.message.findings.insert(out.message.findings.begin(), listing.findings.begin(), listing.findings.end());
    out.notes = std::move(listing.notes);
    for (auto& n : built.notes) out.notes.push_back(std::move(n));
    out.settling = listing.settling;
    return out;
}

}  // namespace sy::providers::swarm
