#include "sy_catch.hpp"

#include <algorithm>

#include "fixture.hpp"
#include "providers/swarm/swarm_config.hpp"
#include "providers/swarm/swarm_parse.hpp"

using namespace sy::providers::swarm;
using sy::config::element_finding;

namespace {

swarm_state captured() {
    swarm_state s;
    s.services = parse_services(fixture("services.json")).value();
    s.tasks = parse_tasks(fixture("tasks.json")).value();
    s.nodes = parse_nodes(fixture("nodes.json")).value();
    s.networks = parse_networks(fixture("networks.json")).value();
    return s;
}

sy::providers::docker::build_options swarm_options() {
    sy::providers::docker::build_options o;
    o.provider = "swarm";
    return o;
}

std::vector<std::string> servers(const swarm_build& b, const std::string& service) {
    std::vector<std::string> out;
    auto it = b.message.config.services.find(service);
    REQUIRE(it != b.message.config.services.end());
    REQUIRE(it->second.load_balancer);
    for (const auto& server : it->second.load_balancer->servers) out.push_back(server.address);
    std::sort(out.begin(), out.end());
    return out;
}

bool has_note(const swarm_build& b, const std::string& part) {
    return std::any_of(b.notes.begin(), b.notes.end(), [&](const std::string& n) { return n.find(part) != n.npos; });
}

const element_finding* finding_with(const swarm_build& b, const std::string& part) {
    for (const auto& f : b.message.findings)
        if (f.message.find(part) != std::string::npos) return &f;
    return nullptr;
}

service labelled(std::string id, std::string name, std::map<std::string, std::string> labels) {
    service s;
    s.id = std::move(id);
    s.name = std::move(name);
    s.labels = std::move(labels);
    s.endpoint_mode = "dnsrr";
    return s;
}

task running(std::string id, std::string service_id, int slot, std::string node = "n1") {
    task t;
    t.id = std::move(id);
    t.service_id = std::move(service_id);
    t.slot = slot;
    t.node_id = std::move(node);
    t.state = t.desired_state = "running";
    return t;
}

std::map<std::string, std::string> tcp(const std::string& name, const std::string& port) {
    return {{"traefik.enable", "true"},
            {"traefik.tcp.routers." + name + ".rule", "HostSNI(`*`)"},
            {"traefik.tcp.services." + name + ".loadbalancer.server.port", port}};
}

}  // namespace

TEST_CASE("the captured swarm: each kind of service routed where it can be reached") {
    auto b = build_swarm_message(captured(), swarm_options());
    CHECK(b.message.provider == "swarm");
    const auto& cfg = b.message.config;

    // Host network (a global service): the node's address and the label's port. Traefik drops these tasks.
    CHECK(servers(b, "h") == std::vector<std::string>{"127.0.0.1:26001"});
    REQUIRE(cfg.routers.contains("h"));
    CHECK(cfg.routers.at("h").service == "h");

    // Host-mode published ports, one per task: the node's address and each task's published port, found from the
    // label's container port. Traefik drops these tasks too.
    CHECK(servers(b, "p") == std::vector<std::string>{"127.0.0.1:32770", "127.0.0.1:32771"});

    // dnsrr on two overlay networks, traefik.swarm.network chooses one: every task's address on it.
    CHECK(servers(b, "imap") == std::vector<std::string>{"10.0.1.2:143", "10.0.1.3:143"});
    CHECK(cfg.routers.at("imap").entry_points == std::vector<std::string>{"imap"});

    // lbswarm: the service's virtual IP, one server.
    CHECK(servers(b, "smtp") == std::vector<std::string>{"10.0.1.4:25"});

    // The service whose health check fails has no running task: not routed, said in a note.
    CHECK_FALSE(cfg.services.contains("s"));
    CHECK(has_note(b, "Swarm service \"sick\" has no running task"));
    CHECK_FALSE(b.settling);
    for (const auto& f : b.message.findings) CHECK_FALSE(f.is_error);
}

TEST_CASE("allowEmptyServices keeps the routers of a service with no running task, with no server") {
    auto o = swarm_options();
    o.allow_empty_services = true;
    auto state = captured();
    state.services.push_back(labelled("e1", "empty", tcp("empty", "25")));
    auto b = build_swarm_message(state, o);
    REQUIRE(b.message.config.routers.contains("empty"));
    CHECK(servers(b, "empty").empty());
    CHECK(has_note(b, "Swarm service \"empty\" is without a running task"));
}

TEST_CASE("the network is chosen deterministically and the choice is logged") {
    auto state = captured();
    for (auto& s : state.services)
        if (s.name == "mail_imap") s.labels.erase("traefik.swarm.network");
    auto b = build_swarm_message(state, swarm_options());
    // backnet sorts before mail_swarm: Traefik would take either, at random, on each poll.
    CHECK(servers(b, "imap") == std::vector<std::string>{"10.0.2.2:143", "10.0.2.3:143"});
    CHECK(has_note(b, "task \"mail_imap.1\" is on 2 networks; using \"backnet\""));
    CHECK(has_note(b, "set traefik.swarm.network to choose"));

    auto o = swarm_options();
    o.network = "mail_swarm";  // providers.swarm.network
    CHECK(servers(build_swarm_message(state, o), "imap") == std::vector<std::string>{"10.0.1.2:143", "10.0.1.3:143"});

    for (auto& s : state.services)
        if (s.name == "mail_imap") s.labels["traefik.swarm.network"] = "swarm";  // the stack prefix forgotten
    auto missing = build_swarm_message(state, swarm_options());
    CHECK(has_note(missing, "network \"swarm\" is not attached to task \"mail_imap.1\" (is the stack prefix missing"));
}

TEST_CASE("useBindPortIP prefers the host-mode published port to the task's network address") {
    auto state = captured();
    // The imap tasks also publish 143 in host mode on their node.
    for (auto& t : state.tasks)
        if (t.service_id == "uu2i4ph657kih1i9xrl6aiozt") t.ports.push_back({143, 40000 + t.slot, "tcp", "host"});
    CHECK(servers(build_swarm_message(state, swarm_options()), "imap") ==
          std::vector<std::string>{"10.0.1.2:143", "10.0.1.3:143"});
    auto o = swarm_options();
    o.use_bind_port_ip = true;
    CHECK(servers(build_swarm_message(state, o), "imap") ==
          std::vector<std::string>{"127.0.0.1:40001", "127.0.0.1:40002"});
}

TEST_CASE("labels: the deprecated traefik.docker.* still work, with a warning; both kinds are an error") {
    swarm_state state;
    state.nodes.push_back({"n1", "node-1", "192.0.2.1", "ready"});
    state.networks.push_back({"net1", "mail_proxy", "overlay", false});
    auto labels = tcp("old", "25");
    labels["traefik.docker.network"] = "mail_proxy";
    state.services.push_back(labelled("s1", "old", labels));
    auto t = running("t1", "s1", 1);
    t.networks.push_back({"net1", "mail_proxy", "overlay", {"10.0.3.2"}});
    t.networks.push_back({"net0", "other", "overlay", {"10.0.9.2"}});  // not swarm-scoped: ignored, as Traefik
    state.tasks.push_back(t);
    auto b = build_swarm_message(state, swarm_options());
    CHECK(servers(b, "old") == std::vector<std::string>{"10.0.3.2:25"});
    auto w = finding_with(b, "traefik.docker.network: traefik.docker.* labels are deprecated");
    REQUIRE(w);
    CHECK_FALSE(w->is_error);

    state.services[0].labels["traefik.swarm.lbswarm"] = "false";
    auto both = build_swarm_message(state, swarm_options());
    auto e = finding_with(both, "both traefik.swarm.* and the deprecated traefik.docker.* labels are set");
    REQUIRE(e);
    CHECK(e->is_error);
    CHECK(e->message.find("ignoring traefik.docker.network") != std::string::npos);
}

TEST_CASE("a mislabelled service is an error on its own elements; its neighbours are routed") {
    swarm_state state;
    state.nodes.push_back({"n1", "node-1", "127.0.0.1", "ready"});
    auto host_task = [&](std::string id, std::string service_id) {
        auto t = running(std::move(id), std::move(service_id), 1);
        t.networks.push_back({"hostnet", "host", "host", {}});
        return t;
    };
    state.services.push_back(labelled("good", "good", tcp("good", "2525")));
    state.tasks.push_back(host_task("t1", "good"));
    auto bad = tcp("bad", "2526");
    bad.erase("traefik.tcp.services.bad.loadbalancer.server.port");
    bad["traefik.tcp.services.one.loadbalancer.server.port"] = "1";
    bad["traefik.tcp.services.two.loadbalancer.server.port"] = "2";
    state.services.push_back(labelled("bad", "bad", bad));
    state.tasks.push_back(host_task("t2", "bad"));
    auto noport = std::map<std::string, std::string>{{"traefik.tcp.routers.np.rule", "HostSNI(`*`)"}};
    state.services.push_back(labelled("np", "noport", noport));
    state.tasks.push_back(host_task("t3", "np"));

    auto b = build_swarm_message(state, swarm_options());
    CHECK(servers(b, "good") == std::vector<std::string>{"127.0.0.1:2525"});
    auto names = finding_with(b, "Swarm service \"bad\": the router names no service and the service defines 2");
    REQUIRE(names);
    CHECK(names->is_error);
    CHECK(names->name == "bad");
    auto port = finding_with(b, "Swarm does not report the ports a task listens on (network mode host)");
    REQUIRE(port);
    CHECK(port->name == "noport");  // the default service name
}

TEST_CASE("tasks not running, on a down node, or on the way; names by slot or task ID") {
    swarm_state state;
    state.nodes.push_back({"n1", "node-1", "127.0.0.1", "ready"});
    state.nodes.push_back({"n2", "node-2", "192.0.2.2", "down"});
    state.services.push_back(labelled("s", "app", tcp("app", "25")));
    auto host = [](task t) {
        t.networks.push_back({"h", "host", "host", {}});
        return t;
    };
    state.tasks.push_back(host(running("t1", "s", 1)));
    state.tasks.push_back(host(running("t2", "s", 2, "n2")));
    auto starting = host(running("t3", "s", 3));
    starting.state = "starting";
    state.tasks.push_back(starting);
    auto b = build_swarm_message(state, swarm_options());
    CHECK(servers(b, "app") == std::vector<std::string>{"127.0.0.1:25"});
    CHECK(has_note(b, "task \"app.2\" is on node \"node-2\", which is down: not routed"));
    CHECK(b.settling);  // t3 is on its way: poll again soon

    auto listing = list_containers(state, swarm_options());
    REQUIRE(listing.containers.contains("t1"));
    CHECK(listing.containers.at("t1").name == "app.1");
    CHECK(listing.containers.at("t1").node_address == "127.0.0.1");
    state.services[0].global = true;
    CHECK(list_containers(state, swarm_options()).containers.at("t1").name == "app.t1");
}

TEST_CASE("a task whose container an event reported unhealthy or exited is not routed while still running") {
    swarm_state state;
    state.nodes.push_back({"n1", "node-1", "127.0.0.1", "ready"});
    state.services.push_back(labelled("s", "app", tcp("app", "25")));
    for (auto [id, slot] : {std::pair{"t1", 1}, {"t2", 2}, {"t3", 3}}) {
        auto t = running(id, "s", slot);
        t.ports.push_back({25, 2500 + slot, "tcp", "host"});
        state.tasks.push_back(t);
    }
    state.failing = {{"t2", "unhealthy"}, {"t3", "exited"}};
    auto b = build_swarm_message(state, swarm_options());
    CHECK(servers(b, "app") == std::vector<std::string>{"127.0.0.1:2501"});
    CHECK(has_note(b, "task \"app.2\": its container is unhealthy (Docker event) while Swarm still lists it running"));
    CHECK(has_note(b, "task \"app.3\": its container has exited"));
    state.failing.clear();
    CHECK(servers(build_swarm_message(state, swarm_options()), "app").size() == 3);
}

TEST_CASE("exposedByDefault, constraints and the label prefix apply to service labels") {
    auto o = swarm_options();
    o.exposed_by_default = false;
    auto b = build_swarm_message(captured(), o);
    CHECK_FALSE(b.message.config.services.contains("p"));  // pubsvc has no traefik.enable
    CHECK(b.message.config.services.contains("h"));

    o = swarm_options();
    o.label_prefix = "switchyard";
    auto state = captured();
    state.services.push_back(labelled("own", "own", {{"switchyard.tcp.routers.own.rule", "HostSNI(`*`)"},
                                                      {"switchyard.tcp.services.own.loadbalancer.server.port", "25"}}));
    auto t = running("own1", "own", 1, "nkdhza89pph5yqhv309j4tx37");
    t.networks.push_back({"h", "host", "host", {}});
    state.tasks.push_back(t);
    auto mine = build_swarm_message(state, o);
    // With another prefix only its labels count: pubsvc and the rest have traefik.* labels only.
    CHECK(mine.message.config.routers.contains("own"));
    CHECK_FALSE(mine.message.config.routers.contains("h"));
}
