#include "config/dynamic_file.hpp"
#include "config/labels.hpp"
#include "build_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace std::chrono_literals;
using runtime::status;
using test::has_error;

namespace {
std::shared_ptr<const runtime::service_plan> plan_of(const runtime::snapshot& s, const std::string& router) {
    for (const auto& [name, t] : s.entry_points)
        for (const auto* list : {&t.tcp_routes, &t.tls_routes})
            for (const auto& r : *list)
                if (r.router == router) return r.service;
    return nullptr;
}
}  // namespace

TEST_CASE("service: servers are parsed to host and port; bad addresses are skipped with a warning") {
    test::world w;
    w.service("s@file", {"10.0.0.1:25", "[::1]:587", "no-port", ":25"});
    w.router("r@file", "HostSNI(`*`)", "s@file");
    auto s = w.build();
    const auto& info = s->services.at("s@file");
    CHECK(info.state == status::warning);
    CHECK(info.errors.size() == 2);
    CHECK(has_error(info.errors, "server \"no-port\" is skipped"));
    CHECK(info.server_status.at("10.0.0.1:25") == "UP");
    auto plan = plan_of(*s, "r@file");
    REQUIRE(plan);
    REQUIRE(plan->servers.size() == 2);
    CHECK(plan->servers[0].host == "10.0.0.1");
    CHECK(plan->servers[0].port == 25);
    CHECK(plan->servers[1].host == "::1");
    CHECK(plan->servers[1].port == 587);
    CHECK(plan->proxy_protocol_version == 0);
    CHECK(plan->dial_timeout == 30s);
    CHECK(plan->dial_keep_alive == 15s);
    CHECK(plan->termination_delay == 100ms);
}

TEST_CASE("service: no servers, no type, two types") {
    test::world w;
    w.service("empty@file", {});
    w.merged.config.services["none@file"] = {};
    auto& both = w.service("both@file");
    both.weighted = config::tcp_weighted{{{"empty@file", 1}}};
    auto s = w.build();
    CHECK(s->services.at("empty@file").errors == std::vector<std::string>{"the service has no servers"});
    CHECK(s->services.at("none@file").errors ==
          std::vector<std::string>{"the service \"none@file\" does not have any type defined"});
    CHECK(has_error(s->services.at("both@file").errors, "multi-types service not supported"));
    for (const auto& [n, i] : s->services) CHECK(i.state == status::disabled);
}

TEST_CASE("service: PROXY protocol from the load balancer (v2 style) or the serversTransport (v3 style)") {
    test::world w;
    w.service("lb@file").load_balancer->proxy_protocol = config::proxy_protocol{1};
    w.service("bad@file").load_balancer->proxy_protocol = config::proxy_protocol{3};
    auto& both = w.service("both@file");
    both.load_balancer->proxy_protocol = config::proxy_protocol{2};
    both.load_balancer->servers_transport = "pp1@file";
    auto& plain = w.service("plain@file");
    plain.load_balancer->proxy_protocol = config::proxy_protocol{2};
    plain.load_balancer->servers_transport = "nopp@file";
    w.service("missing@file").load_balancer->servers_transport = "nope@file";
    w.service("internal@file").load_balancer->servers_transport = "default@internal";
    config::tcp_servers_transport pp1;
    pp1.proxy_protocol = config::proxy_protocol{1};
    pp1.dial_timeout = 3s;
    pp1.dial_keep_alive = 0s;
    pp1.termination_delay = -1s;
    w.merged.config.servers_transports["pp1@file"] = pp1;
    w.merged.config.servers_transports["nopp@file"] = {};
    for (auto n : {"lb", "bad", "both", "plain", "missing", "internal"})
        w.router(std::string(n) + "@file", "HostSNI(`*`)", std::string(n) + "@file");
    auto s = w.build();

    CHECK(plan_of(*s, "lb@file")->proxy_protocol_version == 1);
    // Traefik v3.5.2's deprecation warning: the service still works, with a warning.
    CHECK(s->services.at("lb@file").state == status::warning);
    CHECK(s->services.at("lb@file").errors ==
          std::vector<std::string>{"Service \"lb@file\" load balancer uses `ProxyProtocol`, but this option is "
                                   "deprecated, please use ServersTransport configuration instead."});
    CHECK(has_error(s->services.at("bad@file").errors, "unknown proxyProtocol version: 3"));
    CHECK(s->routers.at("bad@file").state == status::disabled);
    auto both_plan = plan_of(*s, "both@file");
    REQUIRE(both_plan);
    CHECK(both_plan->proxy_protocol_version == 1);  // the transport wins
    CHECK(both_plan->dial_timeout == 3s);
    CHECK(both_plan->dial_keep_alive == 0s);
    CHECK(both_plan->termination_delay == -1s);
    CHECK(s->services.at("both@file").state == status::warning);
    CHECK(plan_of(*s, "plain@file")->proxy_protocol_version == 0);  // a transport without PROXY: none
    CHECK(s->services.at("missing@file").errors ==
          std::vector<std::string>{"no transport configuration found for \"nope@file\"; did you mean \"nopp@file\"?"});
    CHECK(s->services.at("internal@file").state == status::enabled);
}

TEST_CASE("service: the deprecated loadBalancer.terminationDelay is read as milliseconds, with a warning") {
    test::world w;
    w.service("s@file").load_balancer->termination_delay = 250;
    w.router("r@file", "HostSNI(`*`)", "s@file");
    auto s = w.build();
    CHECK(plan_of(*s, "r@file")->termination_delay == 250ms);
    CHECK(s->services.at("s@file").state == status::warning);
    CHECK(has_error(s->services.at("s@file").errors, "nanoseconds"));
}

TEST_CASE("service: loadBalancer.terminationDelay from a label: too large is an error, negative never closes") {
    // issue 14 / review C4: milliseconds above ~9.2e12 overflowed nanoseconds (UB) in the conversion.
    test::world w;
    w.service("huge@docker").load_balancer->termination_delay = 9'300'000'000'000;
    w.service("limit@docker").load_balancer->termination_delay = 31'536'000'000;  // 8760h exactly
    w.service("forever@docker").load_balancer->termination_delay = -9'300'000'000'000;
    for (auto n : {"huge", "limit", "forever"})
        w.router(std::string(n) + "-r@docker", "HostSNI(`*`)", std::string(n) + "@docker");
    auto s = w.build();
    CHECK(s->services.at("huge@docker").state == status::disabled);
    CHECK(has_error(s->services.at("huge@docker").errors,
                    "loadBalancer.terminationDelay 9300000000000: longer than 31536000000 ms (8760h0m0s, 365 days)"));
    CHECK(plan_of(*s, "limit-r@docker")->termination_delay == std::chrono::hours(8760));
    CHECK(plan_of(*s, "forever-r@docker")->termination_delay < duration::zero());
}

TEST_CASE("service: TLS to the backend from its transport or the built-in one") {
    test::world w;
    w.service("tls@file").load_balancer->servers[0].tls = true;
    auto& custom = w.service("custom@file");
    custom.load_balancer->servers[0].tls = true;
    custom.load_balancer->servers_transport = "pinned@file";
    w.merged.config.servers_transports["pinned@file"].tls = config::servers_transport_tls{"mx.internal", false, {}, {}, ""};
    auto& bad = w.service("bad@file");
    bad.load_balancer->servers[0].tls = true;
    bad.load_balancer->servers_transport = "broken@file";
    w.merged.config.servers_transports["broken@file"].tls =
        config::servers_transport_tls{"", false, {"/nonexistent/ca.pem"}, {}, ""};
    auto s = w.build();
    CHECK(s->services.at("tls@file").state == status::enabled);
    CHECK(s->services.at("custom@file").state == status::enabled);
    CHECK(s->services.at("bad@file").state == status::disabled);
    CHECK(s->services.at("bad@file").errors ==
          std::vector<std::string>{"serversTransports.broken.tls.rootCAs: rootCAs /nonexistent/ca.pem: cannot read: "
                                   "No such file or directory"});
}

TEST_CASE("service: weighted services resolve their children, report missing ones and cycles") {
    test::world w;
    w.service("a@file", {"10.0.0.1:25"});
    w.service("b@file", {"10.0.0.2:25"});
    w.merged.config.services["w@file"].weighted = config::tcp_weighted{{{"a@file", 3}, {"b@file", std::nullopt}}};
    w.merged.config.services["missing@file"].weighted = config::tcp_weighted{{{"nope@file", 1}}};
    w.merged.config.services["x@file"].weighted = config::tcp_weighted{{{"y@file", 1}}};
    w.merged.config.services["y@file"].weighted = config::tcp_weighted{{{"x@file", 1}}};
    w.merged.config.services["self@file"].weighted = config::tcp_weighted{{{"self@file", 1}}};
    w.merged.config.services["zero@file"].weighted = config::tcp_weighted{{{"a@file", 0}}};
    w.router("r@file", "HostSNI(`*`)", "w@file");
    auto s = w.build();
    CHECK(s->services.at("w@file").state == status::enabled);
    auto plan = plan_of(*s, "r@file");
    REQUIRE(plan);
    REQUIRE(plan->weighted.size() == 2);
    CHECK(plan->weighted[0].weight == 3);
    CHECK(plan->weighted[1].weight == 1);
    CHECK(s->services.at("missing@file").errors ==
          std::vector<std::string>{"the service \"nope@file\" does not exist"});
    CHECK(s->services.at("x@file").state == status::disabled);
    CHECK(s->services.at("y@file").state == status::disabled);
    CHECK(has_error(s->services.at("y@file").errors, "weighted services form a cycle: x@file -> y@file -> x@file"));
    CHECK(has_error(s->services.at("self@file").errors, "cycle: self@file -> self@file"));
    CHECK(s->services.at("zero@file").state == status::disabled);
    // Bad services do not touch good ones.
    CHECK(s->services.at("a@file").state == status::enabled);
}

TEST_CASE("service: used_by lists the routers, sorted") {
    test::world w;
    w.service("s@file");
    w.router("z@file", "HostSNI(`*`)", "s@file");
    w.router("a@docker", "HostSNI(`*`)", "s@file");
    auto s = w.build();
    CHECK(s->services.at("s@file").used_by == std::vector<std::string>{"a@docker", "z@file"});
}

TEST_CASE("PROXY protocol across Traefik versions, from labels and a file: both forms work, the transport wins") {
    // Traefik <= 3.5.1 writes the version on the load balancer; >= 3.5.2 on a file-defined serversTransport that a
    // label names with @file (labels cannot define transports). With both, Traefik's dialer takes the transport's.
    auto labels = config::decode_labels({
        {"traefik.tcp.services.old.loadbalancer.proxyProtocol.version", "1"},
        {"traefik.tcp.services.new.loadbalancer.serversTransport", "pp2@file"},
        {"traefik.tcp.services.both.loadbalancer.proxyProtocol.version", "1"},
        {"traefik.tcp.services.both.loadbalancer.serversTransport", "pp2@file"},
    });
    REQUIRE(labels.findings.empty());
    auto file = config::decode_dynamic_file("tcp:\n  serversTransports:\n    pp2:\n      proxyProtocol:\n"
                                            "        version: 2\n",
                                            "dynamic.yml");
    REQUIRE(file);
    config::provider_message docker{"docker", labels.config, {}, {}};
    for (auto& [name, s] : docker.config.services) s.load_balancer->servers = {{"127.0.0.1:2525", "", false}};
    auto merged = aggregator::merge({{"docker", docker}, {"file", {"file", file->config, {}, {}}}});
    test::world w;
    w.merged = merged;
    for (auto n : {"old", "new", "both"}) w.router(std::string(n) + "@docker", "HostSNI(`*`)", std::string(n) + "@docker");
    auto s = w.build();
    CHECK(plan_of(*s, "old@docker")->proxy_protocol_version == 1);
    CHECK(has_error(s->services.at("old@docker").errors, "this option is deprecated"));
    CHECK(plan_of(*s, "new@docker")->proxy_protocol_version == 2);
    CHECK(s->services.at("new@docker").state == status::enabled);
    CHECK(plan_of(*s, "both@docker")->proxy_protocol_version == 2);
    CHECK(has_error(s->services.at("both@docker").errors, "loadBalancer.proxyProtocol is ignored"));
}

TEST_CASE("a docker label naming a service backend@file cannot replace the file provider's backend") {
    // issue 14 / review C1, through the label decoder, the merge and the builder, as the API shows it.
    auto labels = config::decode_labels({
        {"traefik.tcp.routers.smtp.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.smtp.service", "backend@file"},
        {"traefik.tcp.services.backend@file.loadbalancer.server.port", "25"},
    });
    config::provider_message docker{"docker", labels.config, labels.findings, {}};
    for (auto& [name, s] : docker.config.services) s.load_balancer->servers = {{"192.0.2.66:25", "", false}};
    auto file = config::decode_dynamic_file("tcp:\n  services:\n    backend:\n      loadBalancer:\n        servers:\n"
                                            "          - address: 127.0.0.1:2525\n",
                                            "dynamic.yml");
    REQUIRE(file);
    test::world w;
    w.merged = aggregator::merge({{"docker", docker}, {"file", {"file", file->config, {}, {}}}});
    w.merged.config.routers.at("smtp@docker").entry_points = {"smtp"};
    auto s = w.build();
    auto plan = plan_of(*s, "smtp@docker");
    REQUIRE(plan);
    REQUIRE(plan->servers.size() == 1);
    CHECK(plan->servers[0].address == "127.0.0.1:2525");
    CHECK(s->services.at("backend@file").provider == "file");
    CHECK(s->services.at("backend@file").config == file->config.services.at("backend"));
    const auto& refused = s->services.at("backend@file@docker");
    CHECK(refused.provider == "docker");
    CHECK(refused.state == status::disabled);
    CHECK(has_error(refused.errors, "service \"backend@file\": a name cannot contain '@'"));
}

TEST_CASE("healthCheck from labels and a file: Traefik v3.6's keys and defaults, then its fallbacks as warnings") {
    // Traefik's label path: traefik.tcp.services.<s>.loadbalancer.healthcheck.* (keys case-insensitive).
    auto labels = config::decode_labels({
        {"traefik.tcp.services.imap.loadbalancer.server.port", "143"},
        {"traefik.tcp.services.imap.loadbalancer.healthcheck.port", "1143"},
        {"traefik.tcp.services.imap.loadbalancer.healthcheck.expect", "* OK"},
        {"traefik.tcp.services.imap.loadbalancer.healthcheck.interval", "2s"},
        {"traefik.tcp.services.imap.loadbalancer.healthcheck.unhealthyinterval", "500ms"},
        {"traefik.tcp.services.imap.loadbalancer.healthcheck.timeout", "1s"},
        {"traefik.tcp.services.bare.loadbalancer.healthcheck", "true"},
    });
    REQUIRE(labels.findings.empty());
    const auto& hc = *labels.config.services.at("imap").load_balancer->health_check;
    CHECK(hc.port == 1143);
    CHECK(hc.expect == "* OK");
    CHECK(hc.interval == 2s);
    CHECK(hc.unhealthy_interval == 500ms);
    CHECK(hc.timeout == 1s);
    // allowEmpty: a bare healthcheck label is Traefik's SetDefaults, interval 30s and timeout 5s.
    const auto& bare = *labels.config.services.at("bare").load_balancer->health_check;
    CHECK(bare.interval == 30s);
    CHECK(bare.timeout == 5s);
    CHECK_FALSE(bare.unhealthy_interval);

    auto file = config::decode_dynamic_file(
        "tcp:\n  services:\n    smtp:\n      loadBalancer:\n        servers:\n          - address: 127.0.0.1:25\n"
        "        healthCheck:\n          send: \"EHLO probe\\r\\n\"\n          expect: \"220\"\n"
        "          interval: 0s\n          unhealthyInterval: 0s\n          timeout: 0s\n"
        "    far:\n      loadBalancer:\n        servers:\n          - address: 127.0.0.1:25\n"
        "        healthCheck:\n          port: 70000\n",
        "dynamic.yml");
    REQUIRE(file);
    test::world w;
    w.merged = aggregator::merge({{"file", {"file", file->config, {}, {}}}});
    w.router("smtp@file", "HostSNI(`*`)", "smtp@file");
    w.router("far@file", "HostSNI(`*`)", "far@file");
    auto s = w.build();
    const auto& info = s->services.at("smtp@file");
    CHECK(info.state == status::warning);
    CHECK(has_error(info.errors, "healthCheck.interval: must be positive, got 0s; using 30s as Traefik does"));
    CHECK(has_error(info.errors, "healthCheck.unhealthyInterval: must be positive"));
    CHECK(has_error(info.errors, "healthCheck.timeout: must be positive, got 0s; using 5s"));
    auto plan = plan_of(*s, "smtp@file");
    REQUIRE(plan->health_check);
    CHECK(plan->health_check->interval == 30s);
    CHECK(plan->health_check->unhealthy_interval == 30s);  // Traefik's default, not `interval`
    CHECK(plan->health_check->timeout == 5s);
    CHECK(plan->health_check->send == "EHLO probe\r\n");
    CHECK(s->services.at("far@file").state == status::disabled);
    CHECK(has_error(s->services.at("far@file").errors, "healthCheck.port: 70000 is out of range 1-65535"));
}

TEST_CASE("healthCheck: one probe per distinct server and check, however many services and routers share it") {
    test::world w;
    auto check = config::tcp_health_check{};
    check.expect = "220";
    w.service("a@file", {"127.0.0.1:2525", "127.0.0.1:2526"}).load_balancer->health_check = check;
    w.service("b@file", {"127.0.0.1:2525"}).load_balancer->health_check = check;  // same server, same check
    auto other = check;
    other.port = 9000;
    w.service("c@file", {"127.0.0.1:2525"}).load_balancer->health_check = other;  // same server, other check
    w.service("plain@file", {"127.0.0.1:2525"});                                  // no active check
    w.service("unused@file", {"127.0.0.1:4000"}).load_balancer->health_check = check;
    for (auto r : {"r1@file", "r2@file", "r3@file"}) w.router(r, "HostSNI(`*`)", "a@file");
    w.router("rb@file", "HostSNI(`*`)", "b@file");
    w.router("rc@file", "HostSNI(`*`)", "c@file");
    w.router("rp@file", "HostSNI(`*`)", "plain@file");
    runtime::live_state live;
    auto s = runtime::build(w.statics, w.merged, w.counters, 1, &live);
    REQUIRE(s->probes.size() == 3);  // 2525 for a and b, 2526, and 2525 probed on 9000; none for unused or plain
    std::map<std::string, std::vector<std::string>> by_target;
    for (const auto& p : s->probes) by_target[p.host + ":" + std::to_string(p.port)] = p.services;
    CHECK(by_target.at("127.0.0.1:2525") == std::vector<std::string>{"a@file", "b@file"});
    CHECK(by_target.at("127.0.0.1:9000") == std::vector<std::string>{"c@file"});
    CHECK(by_target.count("127.0.0.1:2526") == 1);
    // a and b share one state; c and plain have their own.
    auto state = [&](const std::string& router, size_t i) { return plan_of(*s, router)->servers[i].health; };
    CHECK(state("r1@file", 0) == state("rb@file", 0));
    CHECK(state("r1@file", 0) != state("rc@file", 0));
    CHECK(state("r1@file", 0) != state("rp@file", 0));
    CHECK_FALSE(state("rp@file", 0)->actively_checked());
    // A state change needs no rebuild, and a rebuild keeps the state (and the same probe key).
    state("r1@file", 0)->set(false);
    CHECK(runtime::server_state(s->services.at("b@file"), "127.0.0.1:2525") == "DOWN");
    auto again = runtime::build(w.statics, w.merged, w.counters, 2, &live);
    CHECK_FALSE(plan_of(*again, "rb@file")->servers[0].health->up());
    CHECK(again->probes.front().key == s->probes.front().key);
}

TEST_CASE("passiveHealthCheck (Switchyard extension): Traefik's HTTP keys, on by default, 0 turns it off") {
    auto labels = config::decode_labels({
        {"traefik.tcp.services.off.loadbalancer.server.port", "25"},
        {"traefik.tcp.services.off.loadbalancer.passivehealthcheck.maxfailedattempts", "0"},
        {"traefik.tcp.services.slow.loadbalancer.passivehealthcheck.maxfailedattempts", "3"},
        {"traefik.tcp.services.slow.loadbalancer.passivehealthcheck.failurewindow", "1m"},
        {"traefik.tcp.services.bad.loadbalancer.passivehealthcheck.maxfailedattempts", "-1"},
        {"traefik.tcp.services.bad.loadbalancer.passivehealthcheck.failurewindow", "0s"},
        {"traefik.tcp.services.default.loadbalancer.server.port", "25"},
    });
    REQUIRE(labels.findings.empty());
    for (auto& [name, s] : labels.config.services) s.load_balancer->servers = {{"127.0.0.1:2525", "", false}};
    test::world w;
    w.merged = aggregator::merge({{"docker", {"docker", labels.config, {}, {}}}});
    for (auto n : {"off", "slow", "bad", "default"})
        w.router(std::string(n) + "@docker", "HostSNI(`*`)", std::string(n) + "@docker");
    auto s = w.build();
    CHECK(plan_of(*s, "off@docker")->passive.max_failed_attempts == 0);
    CHECK(plan_of(*s, "slow@docker")->passive.max_failed_attempts == 3);
    CHECK(plan_of(*s, "slow@docker")->passive.failure_window == 60s);
    CHECK(plan_of(*s, "default@docker")->passive.max_failed_attempts == 1);
    CHECK(plan_of(*s, "default@docker")->passive.failure_window == 10s);
    const auto& bad = s->services.at("bad@docker");
    CHECK(bad.state == status::disabled);
    CHECK(has_error(bad.errors, "passiveHealthCheck.maxFailedAttempts: must not be negative, got -1"));
    CHECK(has_error(bad.errors, "passiveHealthCheck.failureWindow: must be positive, got 0s"));
}

TEST_CASE("weighted: Traefik's healthCheck {} on a weighted service is accepted without a word") {
    auto file = config::decode_dynamic_file(
        "tcp:\n  services:\n    w:\n      weighted:\n        healthCheck: {}\n        services:\n"
        "          - name: a\n",
        "dynamic.yml");
    REQUIRE(file);
    CHECK(file->findings.empty());
}
