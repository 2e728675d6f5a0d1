#include "sy_catch.hpp"

#include <algorithm>

#include "captures.hpp"
#include "providers/docker/inspect.hpp"
#include "providers/docker/network.hpp"
#include "providers/docker/provider_config.hpp"

using namespace sy::providers::docker;
using sy::config::element_finding;

namespace {

container make(std::string id, std::string name, std::map<std::string, std::string> labels, std::string ip = "172.18.0.2",
               std::vector<int> ports = {25}) {
    container c;
    c.id = std::move(id);
    c.name = std::move(name);
    c.status = "running";
    c.network_mode = "mail_proxy";
    c.labels = std::move(labels);
    if (auto it = c.labels.find("com.docker.compose.service"); it != c.labels.end()) c.compose_service = it->second;
    if (auto it = c.labels.find("com.docker.compose.project"); it != c.labels.end()) c.compose_project = it->second;
    if (!ip.empty()) c.networks.push_back({"mail_proxy", "041c", ip});
    for (int p : ports) c.ports.push_back({p, "tcp", {}});
    return c;
}

provider_build build(std::vector<container> cs, build_options o = {}) {
    std::map<std::string, container> m;
    for (auto& c : cs) m.emplace(c.id, std::move(c));
    return build_provider_message(m, o);
}

std::vector<std::string> servers(const provider_build& b, const std::string& service) {
    std::vector<std::string> out;
    const auto& s = b.message.config.services.at(service);
    REQUIRE(s.load_balancer);
    for (const auto& server : s.load_balancer->servers) out.push_back(server.address);
    std::sort(out.begin(), out.end());
    return out;
}

const element_finding* finding_on(const provider_build& b, const std::string& name, bool error) {
    for (const auto& f : b.message.findings)
        if (f.name == name && f.is_error == error) return &f;
    return nullptr;
}

const std::map<std::string, std::string> mailserver_labels{
    {"traefik.enable", "true"},
    {"traefik.tcp.routers.smtp.rule", "HostSNI(`*`)"},
    {"traefik.tcp.routers.smtp.entrypoints", "smtp"},
    {"traefik.tcp.routers.smtp.service", "smtp"},
    {"traefik.tcp.services.smtp.loadbalancer.server.port", "25"},
    {"traefik.tcp.services.smtp.loadbalancer.proxyProtocol.version", "2"},
    {"traefik.tcp.routers.smtps.rule", "HostSNI(`*`)"},
    {"traefik.tcp.routers.smtps.entrypoints", "smtps"},
    {"traefik.tcp.routers.smtps.tls.passthrough", "true"},
    {"traefik.tcp.routers.smtps.service", "smtps"},
    {"traefik.tcp.services.smtps.loadbalancer.server.port", "465"},
    {"traefik.tcp.services.smtps.loadbalancer.proxyProtocol.version", "2"},
};

}  // namespace

TEST_CASE("docker-mailserver's labels (traefik-tcp.md §1.8)") {
    auto b = build({make("e07d", "mail_mailserver_1", mailserver_labels, "172.18.0.2", {25, 110, 143, 465, 587, 993})});
    const auto& cfg = b.message.config;
    REQUIRE(cfg.routers.size() == 2);
    CHECK(cfg.routers.at("smtp").entry_points == std::vector<std::string>{"smtp"});
    CHECK(cfg.routers.at("smtp").service == "smtp");
    REQUIRE(cfg.routers.at("smtps").tls);
    CHECK(cfg.routers.at("smtps").tls->passthrough);
    CHECK(servers(b, "smtp") == std::vector<std::string>{"172.18.0.2:25"});
    CHECK(servers(b, "smtps") == std::vector<std::string>{"172.18.0.2:465"});
    REQUIRE(cfg.services.at("smtp").load_balancer->proxy_protocol);
    CHECK(cfg.services.at("smtp").load_balancer->proxy_protocol->version == 2);
    CHECK(cfg.services.at("smtp").load_balancer->servers[0].port.empty());  // joined into the address, then cleared
    CHECK(b.message.provider == "docker");
    for (const auto& f : b.message.findings) CHECK_FALSE(f.is_error);
}

TEST_CASE("the captured mail container, parsed then built") {
    auto c = parse_inspect(captures::inspect_mail);
    REQUIRE(c);
    auto b = build({*c});
    CHECK(servers(b, "smtp") == std::vector<std::string>{"172.18.0.2:25"});
    CHECK(b.message.config.routers.at("smtp").service == "smtp");
    // Every network's gateway goes on to the runtime, for the client-address check.
    CHECK(b.message.docker_gateways == std::map<std::string, std::string>{{"172.18.0.1", "mail_proxy"}});
}

TEST_CASE("a router alone gets a default service named after the compose service, on the lowest port, with a warning") {
    auto b = build({make("e07d", "mail_mailserver_1",
                         {{"com.docker.compose.service", "mailserver"}, {"com.docker.compose.project", "mail"},
                          {"traefik.tcp.routers.smtp.rule", "HostSNI(`*`)"}},
                         "172.18.0.2", {587, 25, 993})});
    REQUIRE(b.message.config.services.contains("mailserver-mail"));
    CHECK(b.message.config.routers.at("smtp").service == "mailserver-mail");
    CHECK(servers(b, "mailserver-mail") == std::vector<std::string>{"172.18.0.2:25"});
    auto w = finding_on(b, "mailserver-mail", false);
    REQUIRE(w);
    CHECK(w->message.find("using the lowest, 25") != std::string::npos);
    CHECK(w->message.find("mail_mailserver_1") != std::string::npos);
}

TEST_CASE("names are normalised as Traefik does") {
    CHECK(normalize_name("/mail_mailserver_1") == "mail-mailserver-1");
    CHECK(normalize_name("mailserver_dms") == "mailserver-dms");
    CHECK(normalize_name("--a..b--") == "a-b");
    container c;
    c.name = "web";
    CHECK(default_service_name(c) == "web");
}

TEST_CASE("network mode host: 127.0.0.1 with the port label, an error on the service without it") {
    auto host = parse_inspect(captures::inspect_host);
    REQUIRE(host);
    auto b = build({*host});
    CHECK(servers(b, "h") == std::vector<std::string>{"127.0.0.1:2525"});

    auto no_port = *host;
    no_port.labels.erase("traefik.tcp.services.h.loadbalancer.server.port");
    auto e = build({no_port});
    // No service label left: the default service is named after the container, and needs the port label.
    auto f = finding_on(e, "hostnet", true);
    REQUIRE(f);
    CHECK(f->message.find("network mode host") != std::string::npos);
    CHECK(f->message.find("traefik.tcp.services.hostnet.loadbalancer.server.port") != std::string::npos);
    CHECK(servers(e, "hostnet").empty());
    CHECK(e.message.config.routers.at("h").service == "hostnet");  // the router stays; the runtime shows why

    build_options o;
    o.host_address = "192.168.65.254";  // host.docker.internal resolved by the caller
    CHECK(servers(build({*host}, o), "h") == std::vector<std::string>{"192.168.65.254:2525"});
}

TEST_CASE("two replicas of one compose service share one service") {
    std::map<std::string, std::string> labels{{"com.docker.compose.service", "imap"},
                                              {"com.docker.compose.project", "mail"},
                                              {"traefik.tcp.routers.imap.rule", "HostSNI(`*`)"},
                                              {"traefik.tcp.services.imap.loadbalancer.server.port", "143"}};
    auto b = build({make("aaa", "mail-imap-1", labels, "172.18.0.5"), make("bbb", "mail-imap-2", labels, "172.18.0.6")});
    CHECK(servers(b, "imap") == std::vector<std::string>{"172.18.0.5:143", "172.18.0.6:143"});
    CHECK(b.message.findings.empty());
}

TEST_CASE("the same router defined differently by two containers is an error naming both") {
    auto a = make("aaa", "one", {{"traefik.tcp.routers.smtp.rule", "HostSNI(`*`)"}});
    auto c = make("bbb", "two", {{"traefik.tcp.routers.smtp.rule", "HostSNI(`b.example`)"}});
    // Each container's default service has its own name, so only the router conflicts.
    auto b = build({a, c});
    auto f = finding_on(b, "smtp", true);
    REQUIRE(f);
    CHECK(f->element == element_finding::kind::router);
    CHECK(f->message.find("\"one\"") != std::string::npos);
    CHECK(f->message.find("\"two\"") != std::string::npos);
    CHECK(b.message.config.services.contains("one"));
    CHECK(b.message.config.services.contains("two"));
}

TEST_CASE("a router without a service among two services is an error on that router only") {
    auto b = build({make("aaa", "bad",
                         {{"traefik.tcp.routers.r.rule", "HostSNI(`*`)"},
                          {"traefik.tcp.routers.ok.rule", "HostSNI(`*`)"},
                          {"traefik.tcp.routers.ok.service", "one"},
                          {"traefik.tcp.services.one.loadbalancer.server.port", "25"},
                          {"traefik.tcp.services.two.loadbalancer.server.port", "26"}}),
                    make("bbb", "good", {{"traefik.tcp.routers.g.rule", "HostSNI(`*`)"}}, "172.18.0.9")});
    auto f = finding_on(b, "r", true);
    REQUIRE(f);
    CHECK(f->message.find("one, two") != std::string::npos);
    CHECK(finding_on(b, "ok", true) == nullptr);
    CHECK(b.message.config.routers.at("g").service == "good");
    CHECK(servers(b, "good") == std::vector<std::string>{"172.18.0.9:25"});
}

TEST_CASE("exposedByDefault, traefik.enable and constraints") {
    auto plain = make("aaa", "plain", {{"traefik.tcp.routers.p.rule", "HostSNI(`*`)"}});
    auto enabled = make("bbb", "enabled", {{"traefik.enable", "true"}, {"tier", "edge"},
                                           {"traefik.tcp.routers.e.rule", "HostSNI(`*`)"}});
    auto disabled = make("ccc", "disabled", {{"traefik.enable", "false"}, {"traefik.tcp.routers.d.rule", "HostSNI(`*`)"}});
    auto all = build({plain, enabled, disabled});
    CHECK(all.message.config.routers.size() == 2);
    CHECK_FALSE(all.message.config.routers.contains("d"));

    build_options o;
    o.exposed_by_default = false;
    auto explicit_only = build({plain, enabled, disabled}, o);
    CHECK(explicit_only.message.config.routers.size() == 1);
    CHECK(explicit_only.message.config.routers.contains("e"));

    auto c = compile_constraint("Label(`tier`, `edge`)");
    REQUIRE(c);
    build_options with_constraint;
    with_constraint.constraints = &*c;
    auto constrained = build({plain, enabled}, with_constraint);
    CHECK(constrained.message.config.routers.size() == 1);
    CHECK(constrained.message.config.routers.contains("e"));

    build_options broken;
    broken.constraints_invalid = true;
    CHECK(build({plain, enabled}, broken).message.config.routers.empty());
}

TEST_CASE("health and state: unhealthy, starting and stopped containers are not routed") {
    std::map<std::string, std::string> labels{{"traefik.tcp.routers.r.rule", "HostSNI(`*`)"}};
    auto sick = make("aaa", "sick", labels);
    sick.health = "unhealthy";
    auto starting = make("bbb", "starting", labels);
    starting.health = "starting";
    auto healthy = make("ccc", "healthy", labels);
    healthy.health = "healthy";
    auto stopped = make("ddd", "stopped", labels);
    stopped.status = "exited";
    auto paused = make("eee", "paused", labels);
    paused.status = "paused";  // Traefik < 3.6 kept routing paused containers

    auto b = build({sick, starting, healthy, stopped, paused});
    CHECK(b.message.config.services.size() == 1);
    CHECK(b.message.config.services.contains("healthy"));

    build_options o;
    o.allow_empty_services = true;
    auto empty = build({sick, healthy}, o);
    CHECK(empty.message.config.services.contains("sick"));
    CHECK(servers(empty, "sick").empty());
    CHECK(servers(empty, "healthy") == std::vector<std::string>{"172.18.0.2:25"});

    stopped.labels["traefik.docker.allownonrunning"] = "true";
    auto kept = build({stopped});
    CHECK(kept.message.config.routers.contains("r"));
    CHECK(servers(kept, "stopped").empty());
}

TEST_CASE("address choice: network label, provider network, deterministic choice, container: mode") {
    auto c = make("aaa", "multi", {{"traefik.tcp.routers.r.rule", "HostSNI(`*`)"}}, "");
    c.networks = {{"b_net", "2", "10.0.2.5"}, {"a_net", "1", "10.0.1.5"}};
    std::sort(c.networks.begin(), c.networks.end(), [](auto& x, auto& y) { return x.name < y.name; });

    auto first = build({c});
    CHECK(servers(first, "multi") == std::vector<std::string>{"10.0.1.5:25"});  // first by name, not random
    REQUIRE_FALSE(first.notes.empty());
    CHECK(first.notes[0].find("a_net") != std::string::npos);

    build_options o;
    o.network = "b_net";
    CHECK(servers(build({c}, o), "multi") == std::vector<std::string>{"10.0.2.5:25"});

    auto labelled = c;
    labelled.labels["traefik.docker.network"] = "a_net";
    CHECK(servers(build({labelled}, o), "multi") == std::vector<std::string>{"10.0.1.5:25"});  // the label wins

    auto missing = c;
    missing.labels["traefik.docker.network"] = "proxy";
    auto m = build({missing});
    CHECK(servers(m, "multi") == std::vector<std::string>{"10.0.1.5:25"});
    CHECK(m.notes[0].find("project prefix") != std::string::npos);

    auto sidecar = make("bbbbbbbbbbbb0000", "sidecar", {{"traefik.tcp.routers.s.rule", "HostSNI(`*`)"}}, "", {});
    sidecar.network_mode = "container:aaa";
    sidecar.labels["traefik.tcp.services.s.loadbalancer.server.port"] = "4190";
    auto shared = build({c, sidecar});
    CHECK(servers(shared, "s") == std::vector<std::string>{"10.0.1.5:4190"});

    auto nowhere = make("ccc", "nowhere", {{"traefik.tcp.routers.n.rule", "HostSNI(`*`)"}}, "");
    auto n = build({nowhere});
    REQUIRE(finding_on(n, "nowhere", true));
    CHECK(finding_on(n, "nowhere", true)->message.find("no IP address") != std::string::npos);
}

TEST_CASE("useBindPortIP takes the published host address, unless it is unspecified") {
    auto p = parse_inspect(captures::inspect_published);
    REQUIRE(p);
    p->labels = {{"traefik.tcp.routers.a.rule", "HostSNI(`*`)"}, {"traefik.tcp.routers.a.service", "a"},
                 {"traefik.tcp.services.a.loadbalancer.server.port", "465"},
                 {"traefik.tcp.routers.b.rule", "HostSNI(`*`)"}, {"traefik.tcp.routers.b.service", "b"},
                 {"traefik.tcp.services.b.loadbalancer.server.port", "25"}};
    build_options o;
    o.use_bind_port_ip = true;
    auto b = build({*p}, o);
    CHECK(servers(b, "a") == std::vector<std::string>{"127.0.0.1:34650"});
    CHECK(servers(b, "b") == std::vector<std::string>{"172.17.0.2:25"});  // bound to 0.0.0.0: the container's IP
    CHECK(servers(build({*p}), "a") == std::vector<std::string>{"172.17.0.2:465"});
}

TEST_CASE("network mode container:<ref>: exact ID, then exact name, then a unique ID prefix; else an error") {
    // issue 14 / review C9: `container:` (empty) or an ambiguous prefix used to take the first container by ID.
    std::map<std::string, container> all;
    for (auto [id, name] : {std::pair{"abc1000000000000", "mail"}, {"abc2000000000000", "web"},
                            {"ab99000000000000", "abc1000000000000x"}, {"ffff000000000000", "ab"}})
        all.emplace(id, make(id, name, {}));
    CHECK(find_container(all, "abc1000000000000").found == &all.at("abc1000000000000"));
    CHECK(find_container(all, "web").found == &all.at("abc2000000000000"));
    CHECK(find_container(all, "ab").found == &all.at("ffff000000000000"));  // a name beats an ID prefix
    CHECK(find_container(all, "abc2").found == &all.at("abc2000000000000"));
    auto empty = find_container(all, "");
    CHECK(empty.found == nullptr);
    CHECK(empty.error == "the reference is empty");
    auto ambiguous = find_container(all, "abc");
    CHECK(ambiguous.found == nullptr);
    CHECK(ambiguous.error == "the ID prefix is ambiguous: 2 containers have it (abc100000000 \"mail\", "
                             "abc200000000 \"web\"); write more of the ID or the name");
    CHECK(find_container(all, "zzz").error == "no such container");

    // Through the provider: such a sidecar gets no server and says why, instead of another container's address.
    auto target = make("abc1000000000000", "mail", {}, "10.0.1.5");
    auto other = make("abc2000000000000", "web", {}, "10.0.9.9");
    for (const std::string mode : {"container:", "container:abc"}) {
        auto sidecar = make("eeee000000000000", "sidecar", {{"traefik.tcp.routers.s.rule", "HostSNI(`*`)"}}, "", {});
        sidecar.network_mode = mode;
        sidecar.labels["traefik.tcp.services.s.loadbalancer.server.port"] = "4190";
        auto b = build({target, other, sidecar});
        CHECK(servers(b, "s").empty());
        const auto* f = finding_on(b, "s", true);
        REQUIRE(f);
        CHECK(f->message.find("no IP address") != std::string::npos);
        CHECK(f->message.find(mode == "container:" ? "the reference is empty" : "abc100000000 \"mail\"") !=
              std::string::npos);
    }
}
