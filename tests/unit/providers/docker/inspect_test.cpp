#include "sy_catch.hpp"
#include <tuple>

#include "captures.hpp"
#include "providers/docker/inspect.hpp"

using namespace sy::providers::docker;

TEST_CASE("inspect: the mail container on a user-defined network") {
    auto c = parse_inspect(captures::inspect_mail);
    REQUIRE(c);
    CHECK(c->id == "e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321");
    CHECK(c->name == "mail_mailserver_1");
    CHECK(c->status == "running");
    CHECK(c->health.empty());
    CHECK(c->network_mode == "mail_proxy");
    CHECK(c->labels.at("traefik.tcp.routers.smtp.rule") == "HostSNI(`*`)");
    CHECK(c->compose_service == "mailserver");
    CHECK(c->compose_project == "mail");
    REQUIRE(c->networks.size() == 1);
    CHECK(c->networks[0].name == "mail_proxy");
    CHECK(c->networks[0].ip_address == "172.18.0.2");
    CHECK(c->gateways == std::vector<network_gateway>{{"172.18.0.1", "mail_proxy"}});
    REQUIRE(c->ports.size() == 4);
    CHECK(c->ports[0].port == 25);  // sorted by number, not by the JSON's string order
    CHECK(c->ports[1].port == 465);
    CHECK(c->ports[3].port == 993);
    CHECK(c->ports[0].bindings.empty());
    CHECK(c->config_exposed_ports == std::vector<int>{25, 465, 587, 993});
}

TEST_CASE("inspect: host network mode has no port map") {
    auto c = parse_inspect(captures::inspect_host);
    REQUIRE(c);
    CHECK(c->network_mode == "host");
    CHECK(c->ports.empty());
    REQUIRE(c->networks.size() == 1);
    CHECK(c->networks[0].ip_address.empty());
}

TEST_CASE("inspect: health status and published ports") {
    auto h = parse_inspect(captures::inspect_healthy);
    REQUIRE(h);
    CHECK(h->health == "healthy");
    auto p = parse_inspect(captures::inspect_published);
    REQUIRE(p);
    REQUIRE(p->ports.size() == 3);
    REQUIRE(p->ports[0].bindings.size() == 1);
    CHECK(p->ports[0].bindings[0] == port_binding{"0.0.0.0", "32525"});
    CHECK(p->ports[1].bindings[0] == port_binding{"127.0.0.1", "34650"});
    CHECK(p->ports[2].port == 587);
    CHECK(p->ports[2].bindings.empty());
}

TEST_CASE("inspect: Podman's empty health status means no health check") {
    auto c = parse_inspect(captures::inspect_podman);
    REQUIRE(c);
    CHECK(c->health.empty());
    CHECK(c->labels.empty());  // "Labels": null
    CHECK(c->networks.at(0).ip_address == "10.88.0.5");
}

TEST_CASE("inspect: bad input is an error that names it, never an exception") {
    CHECK_FALSE(parse_inspect("not json"));
    CHECK(parse_inspect("{").error().where == "docker inspect");
    CHECK_FALSE(parse_inspect("[]"));
    CHECK_FALSE(parse_inspect("{}"));  // no Id
    // Wrong types read as absent.
    auto c = parse_inspect(R"({"Id":"x","Name":5,"State":[],"Config":{"Labels":{"a":1,"b":"2"}},"NetworkSettings":{"Ports":{"x/tcp":null,"70000/tcp":null,"80":null}}})");
    REQUIRE(c);
    CHECK(c->name.empty());
    CHECK(c->labels == std::map<std::string, std::string>{{"b", "2"}});
    REQUIRE(c->ports.size() == 1);
    CHECK(c->ports[0].port == 80);
    CHECK(c->ports[0].protocol == "tcp");
}

TEST_CASE("container list and version") {
    auto ids = parse_container_ids(captures::list_one);
    REQUIRE(ids);
    CHECK(*ids == std::vector<std::string>{"e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321"});
    CHECK_FALSE(parse_container_ids("{}"));

    auto v = parse_version(captures::version_docker);
    REQUIRE(v);
    CHECK(v->api_version == "1.41");
    CHECK(v->min_api_version == "1.12");
    CHECK_FALSE(v->podman);
    auto p = parse_version(captures::version_podman);
    REQUIRE(p);
    CHECK(p->podman);
    CHECK(p->min_api_version == "1.24");
    CHECK(parse_version(R"({"ApiVersion":"1.24"})")->min_api_version == "1.12");
}

TEST_CASE("error bodies") {
    CHECK(parse_error_message(R"({"message":"No such container: nope"})") == "No such container: nope");
    CHECK(parse_error_message("client version 1.11 is too old.\n") == "client version 1.11 is too old.");
}

TEST_CASE("apply_inspect: a failed inspect drops the container, so no stale route stays") {
    // issue 14 / review C8: a socket proxy's 403, a 500 or JSON that does not parse used to keep the old entry.
    auto mail = parse_inspect(captures::inspect_mail);
    REQUIRE(mail);
    const std::string id = mail->id;
    auto known_mail = [&] { return std::map<std::string, container>{{id, *mail}}; };
    for (auto [status, body, why] : {std::tuple{403u, R"({"message":"Request forbidden"})", "HTTP 403: Request forbidden"},
                                     {500u, R"({"message":"rpc error"})", "HTTP 500: rpc error"},
                                     {200u, "{\"Id\": ", ""}}) {
        auto known = known_mail();
        auto logged = apply_inspect(known, id, status, body);
        CHECK(known.empty());
        REQUIRE(logged);
        CHECK(logged->find(why) != std::string::npos);
        CHECK(logged->find("its routes are removed") != std::string::npos);
    }
    auto known = known_mail();
    CHECK_FALSE(apply_inspect(known, id, 404, R"({"message":"No such container"})"));  // gone: quietly
    CHECK(known.empty());
    CHECK_FALSE(apply_inspect(known, id.substr(0, 12), 200, captures::inspect_mail));  // by prefix: stored by full ID
    CHECK(known.count(id) == 1);
}
