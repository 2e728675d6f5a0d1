// Traefik v3.7's own Swarm provider tests (pkg/provider/docker/pswarm_test.go, config_test.go
// TestDynConfBuilder_getIPAddress_swarm, shared_test.go Test_getPort_swarm), ported where they apply: Traefik checks
// its intermediate dockerData names and addresses; the same inputs are checked here through list_containers and the
// servers they end up as.
#include "sy_catch.hpp"

#include <algorithm>

#include "providers/swarm/swarm_config.hpp"

using namespace sy::providers::swarm;

namespace {

sy::providers::docker::build_options swarm_options() {
    sy::providers::docker::build_options o;
    o.provider = "swarm";
    return o;
}

service make_service(std::string id, std::string name, std::map<std::string, std::string> labels,
                     std::string mode, std::vector<virtual_ip> vips = {}) {
    service s;
    s.id = std::move(id);
    s.name = std::move(name);
    s.labels = std::move(labels);
    s.labels.emplace("traefik.tcp.services." + s.name + ".loadbalancer.server.port", "8080");
    s.endpoint_mode = std::move(mode);
    s.virtual_ips = std::move(vips);
    return s;
}

task make_task(std::string id, std::string service_id, int slot, std::string state, std::string network_id,
               std::string address) {
    task t;
    t.id = std::move(id);
    t.service_id = std::move(service_id);
    t.slot = slot;
    t.state = std::move(state);
    t.desired_state = "running";
    if (!network_id.empty()) t.networks.push_back({network_id, "", "overlay", {std::move(address)}});
    return t;
}

std::vector<std::string> names(const swarm_listing& l) {
    std::vector<std::string> out;
    for (const auto& [id, c] : l.containers) out.push_back(c.name);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> servers(const swarm_build& b, const std::string& service) {
    std::vector<std::string> out;
    auto it = b.message.config.services.find(service);
    if (it == b.message.config.services.end() || !it->second.load_balancer) return out;
    for (const auto& s : it->second.load_balancer->servers) out.push_back(s.address);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("Traefik TestListTasks: only running tasks, whatever else the list holds") {
    swarm_state state;
    state.networks.push_back({"1", "foo", "overlay", false});
    state.services.push_back(make_service("svc", "container", {}, "vip"));
    state.tasks = {make_task("id1", "svc", 1, "running", "1", "127.0.0.1"),
                   make_task("id2", "svc", 2, "pending", "1", "127.0.0.2"),
                   make_task("id3", "svc", 3, "", "1", "127.0.0.3"),
                   make_task("id4", "svc", 4, "running", "1", "127.0.0.4"),
                   make_task("id5", "svc", 5, "failed", "1", "127.0.0.5"),
                   make_task("id6", "svc", 6, "running", "1", "127.0.0.6")};  // "127.0.0.6/24" is parsed upstream
    auto l = list_containers(state, swarm_options());
    CHECK(names(l) == std::vector<std::string>{"container.1", "container.4", "container.6"});
    CHECK(servers(build_swarm_message(state, swarm_options()), "container") ==
          std::vector<std::string>{"127.0.0.1:8080", "127.0.0.4:8080", "127.0.0.6:8080"});
}

TEST_CASE("Traefik TestSwarmProvider_listServices") {
    const std::map<std::string, std::string> lb{{"traefik.swarm.network", "barnet"}, {"traefik.swarm.LBSwarm", "true"}};
    const std::vector<virtual_ip> vips{{"yk6l57rfwizjzxxzftn4amaot", "10.11.12.13"}, {"2", "10.11.12.99"}};

    SECTION("no service when no network is known") {
        swarm_state state;
        state.services = {make_service("s1", "service1", lb, "vip", {{"1", "10.11.12.13"}, {"2", "10.11.12.99"}}),
                          make_service("s2", "service2", lb, "dnsrr")};
        auto b = build_swarm_message(state, swarm_options());
        // Traefik lists nothing; here service1 is there with its reason, so the API can say why it has no server.
        CHECK(servers(b, "service1").empty());
        CHECK(std::any_of(b.message.findings.begin(), b.message.findings.end(), [](const auto& f) {
            return f.is_error && f.message.find("lbswarm: the service has no virtual IP on a swarm-scoped network") !=
                                     std::string::npos;
        }));
        CHECK_FALSE(b.message.config.services.contains("service2"));  // dnsrr: back to tasks, and it has none
    }
    SECTION("only service1: lbswarm on a known network; service2 is dnsrr with no task") {
        swarm_state state;
        state.networks.push_back({"yk6l57rfwizjzxxzftn4amaot", "network_name", "overlay", false});
        state.services = {make_service("s1", "service1", lb, "vip", vips), make_service("s2", "service2", lb, "dnsrr")};
        auto l = list_containers(state, swarm_options());
        CHECK(names(l) == std::vector<std::string>{"service1"});
        // The label names "barnet", which is not known: the first network by name, as Traefik's fallback.
        CHECK(servers(build_swarm_message(state, swarm_options()), "service1") ==
              std::vector<std::string>{"10.11.12.13:8080"});
        CHECK(std::any_of(l.findings.begin(), l.findings.end(), [](const auto& f) {
            return !f.is_error && f.message.find("lbswarm is ignored: endpoint mode dnsrr") != std::string::npos;
        }));
    }
    SECTION("service1 and service2 without lbswarm: their tasks") {
        swarm_state state;
        state.networks.push_back({"yk6l57rfwizjzxxzftn4amaot", "network_name", "overlay", false});
        const std::map<std::string, std::string> net{{"traefik.swarm.network", "barnet"}};
        state.services = {make_service("s1", "service1", net, "vip", vips), make_service("s2", "service2", net, "dnsrr")};
        for (const char* s : {"s1", "s2"})
            for (const char* id : {"id1", "id2"})
                state.tasks.push_back(make_task(std::string(s) + id, s, 0, "running", "yk6l57rfwizjzxxzftn4amaot",
                                                "127.0.0.1"));
        auto l = list_containers(state, swarm_options());
        CHECK(names(l) == std::vector<std::string>{"service1.0", "service1.0", "service2.0", "service2.0"});
        auto b = build_swarm_message(state, swarm_options());
        // Both tasks have the same address: one server (Traefik's merge also keeps one).
        CHECK(servers(b, "service1") == std::vector<std::string>{"127.0.0.1:8080"});
        CHECK(servers(b, "service2") == std::vector<std::string>{"127.0.0.1:8080"});
    }
}

TEST_CASE("Traefik TestSwarmProvider_parseService_task: names by slot, by task ID when global; the node's IP") {
    swarm_state state;
    state.networks.push_back({"1", "vlan", "macvlan", false});
    state.nodes.push_back({"id1", "", "10.11.12.13", "ready"});
    state.services.push_back(make_service("svc", "container", {}, "vip", {{"1", ""}}));
    for (int slot : {1, 2, 3}) {
        auto t = make_task("id" + std::to_string(slot), "svc", slot, "running", "1", "10.11.12.13");
        t.node_id = "id1";
        state.tasks.push_back(t);
    }
    auto l = list_containers(state, swarm_options());
    CHECK(names(l) == std::vector<std::string>{"container.1", "container.2", "container.3"});
    CHECK(l.containers.at("id1").node_address == "10.11.12.13");
    REQUIRE(l.containers.at("id1").networks.size() == 1);
    CHECK(l.containers.at("id1").networks[0].name == "vlan");
    state.services[0].global = true;
    CHECK(names(list_containers(state, swarm_options())) ==
          std::vector<std::string>{"container.id1", "container.id2", "container.id3"});
}

TEST_CASE("Traefik TestDynConfBuilder_getIPAddress_swarm and Test_getPort_swarm (lbswarm: the VIP)") {
    auto lbswarm = [](std::map<std::string, std::string> labels) {
        labels["traefik.swarm.lbswarm"] = "true";
        return labels;
    };
    swarm_state state;
    state.networks = {{"1", "foonet", "overlay", false}, {"2", "barnet", "overlay", false}};
    state.services = {make_service("a", "one", lbswarm({}), "vip", {{"1", "10.11.12.13"}}),
                      make_service("b", "two", lbswarm({{"traefik.swarm.network", "barnet"}}), "vip",
                                   {{"1", "10.11.12.13"}, {"2", "10.11.12.99"}}),
                      make_service("c", "three", lbswarm({}), "dnsrr")};
    auto b = build_swarm_message(state, swarm_options());
    CHECK(servers(b, "one") == std::vector<std::string>{"10.11.12.13:8080"});
    CHECK(servers(b, "two") == std::vector<std::string>{"10.11.12.99:8080"});
    CHECK(servers(b, "three").empty());  // dnsrr has no VIP (Traefik: "")
}
