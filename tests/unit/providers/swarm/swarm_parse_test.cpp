#include "sy_catch.hpp"

#include <algorithm>

#include "fixture.hpp"
#include "providers/docker/events.hpp"
#include "providers/swarm/swarm_events.hpp"
#include "providers/swarm/swarm_parse.hpp"

using namespace sy::providers::swarm;

namespace {

const service& by_name(const std::vector<service>& all, const std::string& name) {
    auto it = std::find_if(all.begin(), all.end(), [&](const service& s) { return s.name == name; });
    REQUIRE(it != all.end());
    return *it;
}

}  // namespace

TEST_CASE("services: labels, mode, endpoint mode and virtual IPs as a real manager sends them") {
    auto services = parse_services(fixture("services.json"));
    REQUIRE(services);
    REQUIRE(services->size() == 5);
    const auto& smtp = by_name(*services, "mail_smtp");
    CHECK(smtp.id == "iy9464wkcx37myhg819w6v383");
    CHECK(smtp.labels.at("traefik.swarm.lbswarm") == "true");
    CHECK(smtp.endpoint_mode == "vip");
    CHECK_FALSE(smtp.global);
    REQUIRE(smtp.virtual_ips.size() == 1);
    CHECK(smtp.virtual_ips[0].network_id == "ytgnmds1rob9hwk2jsujzl7of");
    CHECK(smtp.virtual_ips[0].address == "10.0.1.4");  // "10.0.1.4/24"

    const auto& host = by_name(*services, "hostsvc");
    CHECK(host.global);
    // A host-network service is "vip" with a VIP entry that has no address.
    REQUIRE(host.virtual_ips.size() == 1);
    CHECK(host.virtual_ips[0].address.empty());

    CHECK(by_name(*services, "mail_imap").endpoint_mode == "dnsrr");
    CHECK(by_name(*services, "pubsvc").endpoint_mode == "dnsrr");
}

TEST_CASE("tasks: state, slot, node, attachments (host network by driver) and host-mode ports once each") {
    auto tasks = parse_tasks(fixture("tasks.json"));
    REQUIRE(tasks);
    CHECK(tasks->size() == 6);
    auto find = [&](const std::string& id) {
        auto it = std::find_if(tasks->begin(), tasks->end(), [&](const task& t) { return t.id == id; });
        REQUIRE(it != tasks->end());
        return *it;
    };
    auto pub1 = find("23cflcoifhwyex8da594eff5v");
    CHECK(pub1.slot == 1);
    CHECK(pub1.state == "running");
    CHECK(pub1.desired_state == "running");
    CHECK(pub1.node_id == "nkdhza89pph5yqhv309j4tx37");
    CHECK(pub1.networks.empty());
    // Docker lists the port twice (IPv4 and IPv6 bindings): kept once.
    REQUIRE(pub1.ports.size() == 1);
    CHECK(pub1.ports[0] == published_port{2525, 32770, "tcp", "host"});

    auto global = find("bae62tdgvzau46ccurp358n7d");
    CHECK(global.slot == 0);
    REQUIRE(global.networks.size() == 1);
    CHECK(global.networks[0].name == "host");
    CHECK(global.networks[0].driver == "host");
    CHECK(global.networks[0].addresses.empty());

    auto imap1 = find("keg9ao1m03boeec47w57y78wq");
    REQUIRE(imap1.networks.size() == 2);
    for (const auto& n : imap1.networks) {
        CHECK(n.driver == "overlay");
        REQUIRE(n.addresses.size() == 1);
        CHECK(n.addresses[0].rfind("10.0.", 0) == 0);
    }

    // The full task list also holds the failed task of the service whose health check fails.
    auto all = parse_tasks(fixture("tasks_all.json"));
    REQUIRE(all);
    CHECK(std::any_of(all->begin(), all->end(),
                      [](const task& t) { return t.state == "failed" && t.desired_state == "shutdown"; }));
}

TEST_CASE("nodes and networks") {
    auto nodes = parse_nodes(fixture("nodes.json"));
    REQUIRE(nodes);
    REQUIRE(nodes->size() == 1);
    CHECK((*nodes)[0].address == "127.0.0.1");
    CHECK((*nodes)[0].state == "ready");
    CHECK((*nodes)[0].hostname.size() > 0);

    auto networks = parse_networks(fixture("networks.json"));
    REQUIRE(networks);
    REQUIRE(networks->size() == 3);
    auto ingress = std::find_if(networks->begin(), networks->end(), [](const network& n) { return n.ingress; });
    REQUIRE(ingress != networks->end());
    CHECK(ingress->name == "ingress");
}

TEST_CASE("a manager that reports Status.Addr 0.0.0.0 is named by its raft address") {
    auto nodes = parse_nodes(R"([{"ID":"n1","Status":{"State":"ready","Addr":"0.0.0.0"},
                                  "ManagerStatus":{"Leader":true,"Addr":"192.0.2.7:2377"}},
                                 {"ID":"n2","Status":{"State":"down","Addr":"0.0.0.0"}}])");
    REQUIRE(nodes);
    CHECK((*nodes)[0].address == "192.0.2.7");
    CHECK((*nodes)[1].address.empty());
    CHECK((*nodes)[1].state == "down");
}

TEST_CASE("answers that are not lists, and elements of the wrong shape") {
    CHECK_FALSE(parse_services("{\"message\":\"This node is not a swarm manager.\"}"));
    CHECK_FALSE(parse_tasks("not json"));
    CHECK_FALSE(parse_nodes(""));
    auto t = parse_tasks(R"([1, null, {"ID":"a"}, {"ID":"b","ServiceID":"s","Slot":-4,
        "Status":{"State":7,"PortStatus":{"Ports":[{"TargetPort":99999,"PublishedPort":1},{"TargetPort":25}]}},
        "NetworksAttachments":[{"Network":"x"},{"Network":{"ID":"n"},"Addresses":["nope","10.0.0.9/24",3]}]}])");
    REQUIRE(t);
    REQUIRE(t->size() == 1);  // "a" has no service
    CHECK((*t)[0].slot == 0);
    CHECK((*t)[0].state.empty());
    REQUIRE((*t)[0].ports.size() == 1);
    CHECK((*t)[0].ports[0].published == 0);
    REQUIRE((*t)[0].networks.size() == 1);
    CHECK((*t)[0].networks[0].addresses == std::vector<std::string>{"10.0.0.9"});
    CHECK(address_without_prefix("fd00::2/64") == "fd00::2");
    CHECK(address_without_prefix("10.0.0.1") == "10.0.0.1");
    CHECK(address_without_prefix("").empty());
}

TEST_CASE("events: service and node events refresh; container events only for Swarm tasks") {
    std::string lines = fixture("events.jsonl");
    sy::providers::docker::line_splitter split;
    REQUIRE(split.feed(lines));
    auto update = split.next();
    auto die = split.next();
    REQUIRE(update);
    REQUIRE(die);
    auto e1 = sy::providers::docker::parse_event(*update);
    auto e2 = sy::providers::docker::parse_event(*die);
    REQUIRE(e1);
    REQUIRE(e2);
    CHECK(e1->type == "service");
    CHECK(asks_for_refresh(*e1));
    CHECK(e2->action == "die");
    CHECK(asks_for_refresh(*e2));
    auto plain = *e2;
    plain.attributes.erase("com.docker.swarm.service.id");
    CHECK_FALSE(asks_for_refresh(plain));  // a container that is no task
    auto exec = *e2;
    exec.action = "exec_start: /bin/true";
    CHECK_FALSE(asks_for_refresh(exec));
    auto health = *e2;
    health.action = "health_status: unhealthy";
    CHECK(asks_for_refresh(health));
    sy::providers::docker::event node{"node", "update", "n1", {}, 0};
    CHECK(asks_for_refresh(node));
    CHECK(swarm_events_filters_json().find("\"service\"") != std::string::npos);
}

TEST_CASE("task container events: die and unhealthy name the failing task ahead of the manager") {
    sy::providers::docker::line_splitter split;
    REQUIRE(split.feed(fixture("events.jsonl")));
    REQUIRE(split.next());
    auto die = sy::providers::docker::parse_event(*split.next());
    REQUIRE(die);
    auto exited = task_container_event(*die);
    REQUIRE(exited);
    CHECK(exited->task_id == "rww4j62xikftcvko1k0nw4470");  // the captured die event's com.docker.swarm.task.id
    CHECK(exited->failure == "exited");
    auto health = *die;
    health.action = "health_status: unhealthy";
    CHECK(task_container_event(health)->failure == "unhealthy");
    health.action = "health_status: healthy";
    REQUIRE(task_container_event(health));
    CHECK(task_container_event(health)->failure.empty());  // serving again
    health.action = "health_status: starting";
    CHECK_FALSE(task_container_event(health));
    auto kill = *die;
    kill.action = "kill";  // also how a reload signal (SIGHUP) is sent: not a failure
    CHECK_FALSE(task_container_event(kill));
    auto plain = *die;
    plain.attributes.erase("com.docker.swarm.task.id");
    CHECK_FALSE(task_container_event(plain));  // a container that is no task
}
