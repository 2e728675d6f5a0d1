#include "build_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;
using runtime::status;
using test::has_error;

TEST_CASE("router: a valid router is enabled, with its computed priority, entrypoints and service") {
    test::world w;
    w.router("smtp@docker", "HostSNI(`*`)", "mail@docker", {"smtp", "imaps"});
    w.service("mail@docker");
    auto s = w.build();
    const auto& r = s->routers.at("smtp@docker");
    CHECK(r.state == status::enabled);
    CHECK(r.errors.empty());
    CHECK(r.provider == "docker");
    CHECK(r.priority == -1);
    CHECK(r.config.priority == -1);
    CHECK(r.using_entry_points == std::vector<std::string>{"imaps", "smtp"});
    CHECK(s->services.at("mail@docker").used_by == std::vector<std::string>{"smtp@docker"});
    CHECK(s->entry_points.at("smtp").tcp_routes.size() == 1);
    CHECK(s->entry_points.at("imaps").tcp_routes.size() == 1);
    CHECK(std::string(runtime::to_string(r.state)) == "enabled");
}

TEST_CASE("router: an explicit priority wins over the rule's length") {
    test::world w;
    w.router("a@file", "ClientIP(`10.0.0.0/8`)", "s@file").priority = 7;
    w.router("b@file", "ClientIP(`10.0.0.0/8`)", "s@file");
    w.service("s@file");
    auto s = w.build();
    CHECK(s->routers.at("a@file").priority == 7);
    CHECK(s->routers.at("b@file").priority == int64_t(std::string("ClientIP(`10.0.0.0/8`)").size()));
}

TEST_CASE("router: unknown entrypoints warn, no valid one disables") {
    test::world w;
    w.service("s@file");
    w.router("some@file", "HostSNI(`*`)", "s@file", {"smtp", "nope"});
    w.router("none@file", "HostSNI(`*`)", "s@file", {"nope"});
    auto s = w.build();
    const auto& some = s->routers.at("some@file");
    CHECK(some.state == status::warning);
    CHECK(some.errors == std::vector<std::string>{"entryPoint \"nope\" doesn't exist"});
    CHECK(s->entry_points.at("smtp").tcp_routes.size() == 1);
    const auto& none = s->routers.at("none@file");
    CHECK(none.state == status::disabled);
    CHECK(has_error(none.errors, "no valid entryPoint for this router"));
}

TEST_CASE("router: without entrypoints it uses all of them except the API's, or those marked asDefault") {
    test::world w;
    w.service("s@file");
    w.router("r@file", "HostSNI(`*`)", "s@file", {});
    auto s = w.build();
    CHECK(s->routers.at("r@file").using_entry_points == std::vector<std::string>{"imaps", "smtp", "web"});
    CHECK(s->routers.at("r@file").config.entry_points == std::vector<std::string>{"imaps", "smtp", "web"});
    w.statics.entry_points["imaps"].as_default = true;
    s = w.build();
    CHECK(s->routers.at("r@file").using_entry_points == std::vector<std::string>{"imaps"});
}

TEST_CASE("router: the API's entrypoint gets no routing table and refuses routers") {
    test::world w;
    w.service("s@file");
    w.router("r@file", "HostSNI(`*`)", "s@file", {"traefik"});
    auto s = w.build();
    CHECK(s->entry_points.count("traefik") == 0);
    CHECK(s->entry_points.count("smtp") == 1);
    CHECK(s->routers.at("r@file").state == status::disabled);
    CHECK(has_error(s->routers.at("r@file").errors, "serves the API"));
}

TEST_CASE("router: service missing, unknown or disabled") {
    test::world w;
    w.router("missing@file", "HostSNI(`*`)", "");
    w.router("unknown@file", "HostSNI(`*`)", "nope@file");
    w.router("broken@file", "HostSNI(`*`)", "empty@file");
    w.service("empty@file", {});
    auto s = w.build();
    CHECK(s->routers.at("missing@file").errors == std::vector<std::string>{"the service is missing on the router"});
    CHECK(s->routers.at("unknown@file").errors ==
          std::vector<std::string>{"the service \"nope@file\" does not exist"});
    CHECK(s->routers.at("broken@file").state == status::disabled);
    CHECK(has_error(s->routers.at("broken@file").errors, "the service has no servers"));
    CHECK(s->services.at("empty@file").used_by == std::vector<std::string>{"broken@file"});
    for (const auto& [name, r] : s->routers) CHECK(r.state == status::disabled);
    CHECK(s->entry_points.at("smtp").tcp_routes.empty());
}

TEST_CASE("router: rule missing, not parsing, or naming a host without TLS") {
    test::world w;
    w.service("s@file");
    w.router("empty@file", "", "s@file");
    w.router("bad@file", "HostSNI(`*`", "s@file");
    w.router("host@file", "HostSNI(`mail.example.com`)", "s@file");
    w.router("fine@file", "HostSNI(`*`)", "s@file");
    auto s = w.build();
    CHECK(s->routers.at("empty@file").errors == std::vector<std::string>{"router has no rule"});
    const auto& bad = s->routers.at("bad@file");
    CHECK(bad.state == status::disabled);
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0].rfind("invalid rule: \"HostSNI(`*`\" , ", 0) == 0);
    const auto& host = s->routers.at("host@file");
    CHECK(host.state == status::disabled);
    REQUIRE(host.errors.size() == 1);
    CHECK(host.errors[0].rfind("invalid rule: \"HostSNI(`mail.example.com`)\" , ", 0) == 0);
    CHECK(has_error(host.errors, "hint"));
    // One bad router never affects another.
    CHECK(s->routers.at("fine@file").state == status::enabled);
    REQUIRE(s->entry_points.at("smtp").tcp_routes.size() == 1);
    CHECK(s->entry_points.at("smtp").tcp_routes[0].router == "fine@file");
}

TEST_CASE("router: v2 rule syntax per router or by default") {
    test::world w;
    w.service("s@file");
    w.passthrough(w.router("r@file", "HostSNI(`a.example`, `b.example`)", "s@file")).rule_syntax = "v2";
    w.passthrough(w.router("v3@file", "HostSNI(`a.example`, `b.example`)", "s@file"));
    auto s = w.build();
    CHECK(s->routers.at("r@file").state == status::enabled);
    CHECK(s->routers.at("v3@file").state == status::disabled);
    w.statics.default_rule_syntax = "v2";
    s = w.build();
    CHECK(s->routers.at("v3@file").state == status::enabled);
}

TEST_CASE("router: priority above Traefik's maximum is refused") {
    test::world w;
    w.service("s@file");
    w.router("r@file", "HostSNI(`*`)", "s@file").priority = std::numeric_limits<int64_t>::max();
    auto s = w.build();
    CHECK(has_error(s->routers.at("r@file").errors, "exceeds the max user-defined priority"));
}

TEST_CASE("router: TLS passthrough routes, termination is refused, TLS options must exist") {
    test::world w;
    w.service("s@file");
    w.passthrough(w.router("pass@file", "HostSNI(`mail.example.com`)", "s@file", {"imaps"}));
    auto& term = w.router("term@file", "HostSNI(`mail.example.com`)", "s@file", {"imaps"});
    term.tls = config::router_tls{};
    w.passthrough(w.router("opts@file", "HostSNI(`*`)", "s@file", {"imaps"})).tls->options = "strict@file";
    w.passthrough(w.router("known@file", "HostSNI(`b.example`)", "s@file", {"imaps"})).tls->options = "modern@file";
    w.passthrough(w.router("default@file", "HostSNI(`c.example`)", "s@file", {"imaps"})).tls->options = "default";
    w.merged.config.tls.options["modern@file"] = {};
    auto s = w.build();
    CHECK(s->routers.at("pass@file").state == status::enabled);
    CHECK(s->routers.at("term@file").state == status::disabled);
    CHECK(has_error(s->routers.at("term@file").errors, "TLS termination is not supported yet"));
    CHECK(s->routers.at("opts@file").errors == std::vector<std::string>{"unknown TLS options: strict@file"});
    CHECK(s->routers.at("known@file").state == status::enabled);
    CHECK(s->routers.at("default@file").state == status::enabled);
    const auto& t = s->entry_points.at("imaps");
    CHECK(t.tls_routes.size() == 3);
    CHECK(t.tcp_routes.empty());
    for (const auto& r : t.tls_routes) CHECK(r.passthrough);
}

TEST_CASE("router: unknown or disabled middleware disables the router") {
    test::world w;
    w.service("s@file");
    w.router("unknown@file", "HostSNI(`*`)", "s@file").middlewares = {"nope@file"};
    w.router("broken@file", "HostSNI(`*`)", "s@file").middlewares = {"empty@file"};
    w.router("ok@file", "HostSNI(`*`)", "s@file").middlewares = {"limit@file"};
    w.merged.config.middlewares["empty@file"].ip_allow_list = config::ip_allow_list{};
    w.merged.config.middlewares["limit@file"].in_flight_conn = config::in_flight_conn{5};
    auto s = w.build();
    CHECK(s->routers.at("unknown@file").errors == std::vector<std::string>{"middleware \"nope@file\" does not exist"});
    CHECK(s->routers.at("broken@file").errors ==
          std::vector<std::string>{"middleware \"empty@file\": sourceRange is empty, IPAllowLister not created"});
    CHECK(s->routers.at("ok@file").state == status::enabled);
    CHECK(s->middlewares.at("empty@file").used_by == std::vector<std::string>{"broken@file"});
    REQUIRE(s->entry_points.at("smtp").tcp_routes.size() == 1);
    const auto& route = s->entry_points.at("smtp").tcp_routes[0];
    REQUIRE(route.middlewares.size() == 1);
    CHECK(route.middlewares[0]->amount == 5);
    CHECK(route.middlewares[0]->in_flight != nullptr);
}

TEST_CASE("router: a provider's findings show on their element") {
    test::world w;
    w.service("s@docker");
    w.router("warned@docker", "HostSNI(`*`)", "s@docker");
    w.router("failed@docker", "HostSNI(`*`)", "s@docker");
    using kind = config::element_finding::kind;
    w.merged.findings.push_back({kind::router, "warned@docker", false, "port 25 chosen among 8 exposed ports"});
    w.merged.findings.push_back({kind::router, "failed@docker", true, "tls=false switches TLS off"});
    w.merged.findings.push_back({kind::service, "s@docker", false, "deprecated label"});
    auto s = w.build();
    CHECK(s->routers.at("warned@docker").state == status::warning);
    CHECK(s->routers.at("warned@docker").errors ==
          std::vector<std::string>{"port 25 chosen among 8 exposed ports"});
    CHECK(s->routers.at("failed@docker").state == status::disabled);
    CHECK(s->services.at("s@docker").state == status::warning);
    CHECK(s->entry_points.at("smtp").tcp_routes.size() == 1);
}

TEST_CASE("router: counters are resolved once, by name") {
    test::world w;
    w.service("s@file");
    w.router("r@file", "HostSNI(`*`)", "s@file");
    auto s = w.build();
    const auto& route = s->entry_points.at("smtp").tcp_routes.at(0);
    CHECK(route.counters == &w.counters.router("r@file"));
    CHECK(route.service->counters == &w.counters.service("s@file"));
    CHECK(route.service->servers.at(0).counters == &w.counters.server("s@file", "127.0.0.1:2525"));
    CHECK(s->generation == 1);
    CHECK(s->merged == w.merged.config);
}
