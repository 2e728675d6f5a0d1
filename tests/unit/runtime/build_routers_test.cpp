#include "build_fixture.hpp"
#include "sy_catch.hpp"
#include "tls/test_certs.hpp"

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

TEST_CASE("router: a missing entrypoint, service or middleware names the closest one that exists") {
    test::world w;
    w.statics.entry_points["mail-smtp"] = w.statics.entry_points.at("smtp");
    w.statics.entry_points["mail-submission"] = w.statics.entry_points.at("smtp");
    w.service("smtp@file");
    w.merged.config.middlewares["limit@file"].in_flight_conn = config::in_flight_conn{5};
    w.router("guide@docker", "HostSNI(`*`)", "smtp@docker", {"submission"}).middlewares = {"limit@docker"};
    w.router("typo@file", "HostSNI(`*`)", "smpt@file", {"smtpp"}).middlewares = {"limt@file"};
    w.router("far@file", "HostSNI(`*`)", "unrelated@file", {"traefik"});
    auto s = w.build();
    CHECK(s->routers.at("guide@docker").errors ==
          std::vector<std::string>{"entryPoint \"submission\" doesn't exist; did you mean \"mail-submission\"?",
                                   "no valid entryPoint for this router",
                                   "the service \"smtp@docker\" does not exist; did you mean \"smtp@file\"?",
                                   "middleware \"limit@docker\" does not exist; did you mean \"limit@file\"?"});
    const auto& typo = s->routers.at("typo@file").errors;
    CHECK(has_error(typo, "entryPoint \"smtpp\" doesn't exist; did you mean \"smtp\"?"));
    CHECK(has_error(typo, "the service \"smpt@file\" does not exist; did you mean \"smtp@file\"?"));
    CHECK(has_error(typo, "middleware \"limt@file\" does not exist; did you mean \"limit@file\"?"));
    // Nothing close: Traefik's message alone; the API's own entrypoint is never suggested.
    CHECK(has_error(s->routers.at("far@file").errors, "the service \"unrelated@file\" does not exist"));
    CHECK_FALSE(has_error(s->routers.at("far@file").errors, "did you mean"));
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

TEST_CASE("router: TLS passthrough and termination route, TLS options must exist and build") {
    test::world w;
    w.service("s@file");
    w.passthrough(w.router("pass@file", "HostSNI(`mail.example.com`)", "s@file", {"imaps"}));
    auto& term = w.router("term@file", "HostSNI(`mail.example.com`)", "s@file", {"imaps"});
    term.tls = config::router_tls{};
    w.passthrough(w.router("opts@file", "HostSNI(`*`)", "s@file", {"imaps"})).tls->options = "strict@file";
    w.passthrough(w.router("known@file", "HostSNI(`b.example`)", "s@file", {"imaps"})).tls->options = "modern@file";
    w.passthrough(w.router("typo@file", "HostSNI(`e.example`)", "s@file", {"imaps"})).tls->options = "modrn@file";
    w.passthrough(w.router("default@file", "HostSNI(`c.example`)", "s@file", {"imaps"})).tls->options = "default";
    auto& broken = w.router("broken@file", "HostSNI(`d.example`)", "s@file", {"imaps"});
    broken.tls = config::router_tls{};
    broken.tls->options = "old@file";
    w.merged.config.tls.options["modern@file"] = {};
    w.merged.config.tls.options["old@file"].min_version = "VersionTLS1";
    auto s = w.build();
    CHECK(s->routers.at("pass@file").state == status::enabled);
    CHECK(s->routers.at("term@file").state == status::enabled);
    CHECK(s->routers.at("opts@file").errors == std::vector<std::string>{"unknown TLS options: strict@file"});
    CHECK(s->routers.at("typo@file").errors ==
          std::vector<std::string>{"unknown TLS options: modrn@file; did you mean \"modern@file\"?"});
    CHECK(s->routers.at("known@file").state == status::enabled);
    CHECK(s->routers.at("default@file").state == status::enabled);
    CHECK(s->routers.at("broken@file").state == status::disabled);
    CHECK(s->routers.at("broken@file").errors ==
          std::vector<std::string>{"TLS options \"old@file\": tls.options.old.minVersion: unknown TLS version "
                                   "\"VersionTLS1\"; did you mean \"VersionTLS10\"?"});
    const auto& t = s->entry_points.at("imaps");
    CHECK(t.tls_routes.size() == 4);
    CHECK(t.tcp_routes.empty());
    for (const auto& r : t.tls_routes) {
        CAPTURE(r.router);
        CHECK(r.passthrough == (r.router != "term@file"));
        CHECK((r.terminate != nullptr) == (r.router == "term@file"));
    }
    CHECK(s->tls->certificates.back().generated);  // no certificate configured: Traefik's generated default
}

TEST_CASE("router: tls.domains without a certificate of their own are warned about (Switchyard extension)") {
    test::world w;
    w.service("s@file");
    const auto pem = tls::testing::make_cert({"mail.example.com", "*.example.org"});
    w.merged.config.tls.certificates.push_back({pem.cert, pem.key, {}});
    auto& covered = w.router("covered@file", "HostSNI(`mail.example.com`)", "s@file", {"imaps"});
    covered.tls = config::router_tls{};
    covered.tls->domains = {{"mail.example.com", {"imap.example.org"}}};
    auto& missing = w.router("missing@file", "HostSNI(`smtp.example.com`)", "s@file", {"imaps"});
    missing.tls = config::router_tls{};
    missing.tls->domains = {{"smtp.example.com", {"mail.example.com"}}};
    auto s = w.build();
    CHECK(s->routers.at("covered@file").state == status::enabled);
    CHECK(s->routers.at("covered@file").errors.empty());
    CHECK(s->routers.at("missing@file").state == status::warning);
    CHECK(s->routers.at("missing@file").errors ==
          std::vector<std::string>{"tls.domains: no certificate for \"smtp.example.com\": clients asking for it get "
                                   "the default certificate"});
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
    CHECK(route.counters == w.counters.router("r@file"));
    CHECK(route.service->counters == w.counters.service("s@file"));
    CHECK(route.service->servers.at(0).counters == w.counters.server("s@file", "127.0.0.1:2525"));
    CHECK(s->generation == 1);
    CHECK(s->merged == w.merged.config);
}

TEST_CASE("router: the API's copy keeps the service as the provider wrote it; routing uses the qualified one") {
    test::world w;
    w.service("mail@file");
    w.router("smtp@file", "HostSNI(`*`)", "mail@file");
    w.merged.services_as_written["smtp@file"] = "mail";
    auto s = w.build();
    CHECK(s->routers.at("smtp@file").config.service == "mail");
    CHECK(s->routers.at("smtp@file").state == status::enabled);
    CHECK(s->services.at("mail@file").used_by == std::vector<std::string>{"smtp@file"});
    REQUIRE(s->entry_points.at("smtp").tcp_routes.size() == 1);
    CHECK(s->entry_points.at("smtp").tcp_routes[0].service->name == "mail@file");
}
