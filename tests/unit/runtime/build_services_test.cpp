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
    CHECK(s->services.at("bad@file").errors == std::vector<std::string>{"unknown proxyProtocol version: 3"});
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
          std::vector<std::string>{"no transport configuration found for \"nope@file\""});
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

TEST_CASE("service: TLS to the backend and health checks are not supported yet") {
    test::world w;
    w.service("tls@file").load_balancer->servers[0].tls = true;
    w.service("hc@file").load_balancer->health_check = config::tcp_health_check{};
    auto s = w.build();
    CHECK(s->services.at("tls@file").state == status::disabled);
    CHECK(s->services.at("hc@file").state == status::warning);
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
