#include "aggregator/aggregator.hpp"
#include "aggregator/qualify.hpp"
#include "sy_catch.hpp"

using namespace sy;
using sy::config::provider_message;

namespace {
provider_message docker_message() {
    provider_message m;
    m.provider = "docker";
    config::tcp_router r;
    r.rule = "HostSNI(`*`)";
    r.service = "mail";
    r.middlewares = {"limit", "allow@file"};
    r.tls = config::router_tls{true, "modern", "", {}};
    m.config.routers["smtp"] = r;
    config::tcp_service s;
    s.load_balancer = config::tcp_servers_load_balancer{};
    s.load_balancer->servers_transport = "pp";
    s.load_balancer->servers.push_back({"10.0.0.1:25", "", false});
    m.config.services["mail"] = s;
    m.config.middlewares["limit"].in_flight_conn = config::in_flight_conn{10};
    m.findings.push_back({config::element_finding::kind::router, "smtp", false, "port guessed"});
    m.findings.push_back({config::element_finding::kind::other, "container /x", true, "bad label"});
    return m;
}
}  // namespace

TEST_CASE("qualify keeps names that already name a provider") {
    CHECK(aggregator::qualify("mail", "file") == "mail@file");
    CHECK(aggregator::qualify("mail@docker", "file") == "mail@docker");
    CHECK(aggregator::qualify("", "file").empty());
    CHECK(aggregator::provider_of("smtp@docker") == "docker");
    CHECK(aggregator::provider_of("smtp").empty());
}

TEST_CASE("merge qualifies definitions, references and findings with the referring provider") {
    std::map<std::string, provider_message> latest{{"docker", docker_message()}};
    auto merged = aggregator::merge(latest);
    REQUIRE(merged.config.routers.count("smtp@docker") == 1);
    const auto& r = merged.config.routers.at("smtp@docker");
    CHECK(r.service == "mail@docker");
    CHECK(r.middlewares == std::vector<std::string>{"limit@docker", "allow@file"});
    CHECK(r.tls->options == "modern@docker");
    REQUIRE(merged.config.services.count("mail@docker") == 1);
    CHECK(merged.config.services.at("mail@docker").load_balancer->servers_transport == "pp@docker");
    CHECK(merged.config.middlewares.count("limit@docker") == 1);
    REQUIRE(merged.findings.size() == 2);
    CHECK(merged.findings[0].name == "smtp@docker");
    CHECK(merged.findings[1].name == "container /x");  // not an element: left as the provider wrote it
}

TEST_CASE("merge keeps default TLS options and empty references unqualified") {
    provider_message m;
    m.provider = "file";
    config::tcp_router r;
    r.tls = config::router_tls{true, "default", "", {}};
    m.config.routers["a"] = r;
    r.tls->options = "";
    m.config.routers["b"] = r;
    m.config.tls.options["default"] = {};
    m.config.tls.options["strict"] = {};
    auto merged = aggregator::merge({{"file", m}});
    CHECK(merged.config.routers.at("a@file").tls->options == "default");
    CHECK(merged.config.routers.at("b@file").tls->options.empty());
    CHECK(merged.config.routers.at("b@file").service.empty());
    CHECK(merged.config.tls.options.count("default") == 1);
    CHECK(merged.config.tls.options.count("strict@file") == 1);
}

TEST_CASE("merge puts several providers side by side and qualifies weighted children") {
    provider_message f;
    f.provider = "file";
    config::tcp_service w;
    w.weighted = config::tcp_weighted{{{"a", 3}, {"mail@docker", std::nullopt}}};
    f.config.services["mail"] = w;
    auto merged = aggregator::merge({{"docker", docker_message()}, {"file", f}});
    CHECK(merged.config.services.size() == 2);
    const auto& children = merged.config.services.at("mail@file").weighted->services;
    CHECK(children[0].name == "a@file");
    CHECK(children[1].name == "mail@docker");
}
