#include <algorithm>

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
    CHECK(merged.services_as_written == std::map<std::string, std::string>{{"smtp@docker", "mail"}});
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

TEST_CASE("merge: a definition named with '@' is an error on its own element and replaces nothing") {
    // issue 14 / review C1: a label `traefik.tcp.services.backend@file...` used to replace the file's `backend`.
    provider_message d;
    d.provider = "docker";
    config::tcp_service hijack;
    hijack.load_balancer = config::tcp_servers_load_balancer{};
    hijack.load_balancer->servers.push_back({"192.0.2.66:25", "", false});
    d.config.services["backend@file"] = hijack;
    d.config.routers["evil@file"].service = "backend@file";
    d.config.middlewares["limit@file"].in_flight_conn = config::in_flight_conn{1};
    d.findings.push_back({config::element_finding::kind::service, "backend@file", true, "a docker finding"});
    provider_message f;
    f.provider = "file";
    config::tcp_service backend;
    backend.load_balancer = config::tcp_servers_load_balancer{};
    backend.load_balancer->servers.push_back({"127.0.0.1:2525", "", false});
    f.config.services["backend"] = backend;
    f.config.routers["evil"].service = "backend";
    f.config.middlewares["limit"].in_flight_conn = config::in_flight_conn{100};
    auto merged = aggregator::merge({{"docker", d}, {"file", f}});
    CHECK(merged.config.services.at("backend@file") == backend);
    CHECK(merged.config.routers.at("evil@file").service == "backend@file");
    CHECK(merged.config.middlewares.at("limit@file").in_flight_conn->amount == 100);
    // Qualified as Traefik's MakeQualifiedName does (always appended), so the provider reads as docker.
    REQUIRE(merged.config.services.count("backend@file@docker") == 1);
    CHECK(aggregator::provider_of("backend@file@docker") == "docker");
    using kind = config::element_finding::kind;
    auto error_on = [&](kind k, const std::string& name, const std::string& part) {
        return std::any_of(merged.findings.begin(), merged.findings.end(), [&](const config::element_finding& x) {
            return x.element == k && x.name == name && x.is_error && x.message.find(part) != std::string::npos;
        });
    };
    CHECK(error_on(kind::service, "backend@file@docker", "\"backend@file\": a name cannot contain '@'"));
    CHECK(error_on(kind::router, "evil@file@docker", "a name cannot contain '@'"));
    CHECK(error_on(kind::middleware, "limit@file@docker", "a name cannot contain '@'"));
    // The provider's own finding stays on the provider's element, not on the file's.
    CHECK(error_on(kind::service, "backend@file@docker", "a docker finding"));
    for (const auto& x : merged.findings) CHECK(x.name != "backend@file");
}

TEST_CASE("merge: a qualified name defined by two provider messages is a conflict on it, not a silent pick") {
    provider_message a = docker_message();
    provider_message b = docker_message();  // a second message that also calls itself docker
    b.config.services["mail"].load_balancer->servers[0].address = "10.0.0.2:25";
    auto merged = aggregator::merge({{"docker", a}, {"docker-2", b}});
    using kind = config::element_finding::kind;
    auto conflict = [&](kind k, const std::string& name) {
        return std::count_if(merged.findings.begin(), merged.findings.end(), [&](const config::element_finding& x) {
            return x.element == k && x.name == name && x.is_error &&
                   x.message.find("defined by more than one provider") != std::string::npos;
        });
    };
    CHECK(conflict(kind::service, "mail@docker") == 1);
    CHECK(conflict(kind::router, "smtp@docker") == 1);
    CHECK(conflict(kind::middleware, "limit@docker") == 1);
}

TEST_CASE("merge: TLS options and serversTransports named with '@', or \"default\" twice, are reported") {
    provider_message f;
    f.provider = "file";
    f.config.servers_transports["pp@docker"] = {};
    f.config.tls.options["strict@docker"] = {};
    f.config.tls.options["default"] = {};
    provider_message d;
    d.provider = "docker";
    d.config.tls.options["default"].sni_strict = true;
    auto merged = aggregator::merge({{"docker", d}, {"file", f}});
    CHECK(merged.config.servers_transports.count("pp@docker") == 0);
    CHECK(merged.config.tls.options.count("strict@docker") == 0);
    CHECK(merged.config.tls.options.at("default").sni_strict);  // the first provider's, as before
    auto note = [&](const std::string& part) {
        return std::any_of(merged.conflicts.begin(), merged.conflicts.end(),
                           [&](const std::string& c) { return c.find(part) != std::string::npos; });
    };
    CHECK(note("serversTransport \"pp@docker\" (file): a name cannot contain '@'"));
    CHECK(note("TLS options \"strict@docker\" (file): a name cannot contain '@'"));
    CHECK(note("TLS options \"default\" are defined by more than one provider (docker, file): docker's are used"));
}
