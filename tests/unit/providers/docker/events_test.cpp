#include "sy_catch.hpp"

#include "captures.hpp"
#include "providers/docker/api_version.hpp"
#include "providers/docker/endpoint.hpp"
#include "providers/docker/events.hpp"

using namespace sy::providers::docker;

TEST_CASE("events: network connect names the container to re-inspect") {
    auto e = parse_event(captures::event_connect);
    REQUIRE(e);
    CHECK(e->type == "network");
    CHECK(e->action == "connect");
    CHECK(e->time_nano == 1795536405029228323);
    CHECK(container_to_refresh(*e) == "e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321");
}

TEST_CASE("events: container actions that change routing, and those that do not") {
    auto die = parse_event(captures::event_die);
    REQUIRE(die);
    CHECK(die->attributes.at("exitCode") == "137");
    CHECK(container_to_refresh(*die) == die->actor_id);
    auto health = parse_event(captures::event_health);
    REQUIRE(health);
    CHECK(container_to_refresh(*health) == "a1b2");
    auto exec = parse_event(captures::event_exec);
    REQUIRE(exec);
    CHECK_FALSE(container_to_refresh(*exec));
    for (auto action : {"pause", "unpause", "rename", "destroy", "remove", "stop", "kill", "start"})
        CHECK(container_to_refresh(event{"container", action, "c1", {}, 0}) == "c1");
    CHECK_FALSE(container_to_refresh(event{"network", "destroy", "n1", {}, 0}));
    CHECK_FALSE(container_to_refresh(event{"image", "pull", "i1", {}, 0}));
}

TEST_CASE("events: legacy-only fields and bad lines") {
    auto e = parse_event(R"({"status":"start","id":"abc","time":12})");
    REQUIRE(e);
    CHECK(e->action == "start");
    CHECK(e->actor_id == "abc");
    CHECK(e->time_nano == 12'000'000'000);
    CHECK_FALSE(parse_event("{"));
    CHECK_FALSE(parse_event("{}"));
    CHECK_FALSE(parse_event("[1]"));
}

TEST_CASE("line splitter: chunks are not events") {
    line_splitter s;
    REQUIRE(s.feed("{\"a\":1}\n{\"b\""));
    CHECK(s.next() == "{\"a\":1}");
    CHECK_FALSE(s.next());
    REQUIRE(s.feed(":2}\r\n\n{\"c\":3}\n"));
    CHECK(s.next() == "{\"b\":2}");
    CHECK(s.next() == "{\"c\":3}");
    CHECK_FALSE(s.next());
    line_splitter small(8);
    CHECK(small.feed("12345678"));
    CHECK_FALSE(small.feed("9"));
}

TEST_CASE("filters are fully percent-encoded") {
    CHECK(percent_encode("a b+c{\"}") == "a%20b%2Bc%7B%22%7D");
    CHECK(percent_encode("Az09-._~") == "Az09-._~");
    CHECK(events_filters_json().find("\"health_status\"") != std::string::npos);
}

TEST_CASE("API version negotiation: never pin, refuse below the daemon's minimum") {
    CHECK(negotiate_api_version("1.41", "1.12")->to_string() == "1.41");   // Docker 20.10
    CHECK(negotiate_api_version("1.52", "1.44")->to_string() == "1.52");   // Docker 29.0
    CHECK(negotiate_api_version("1.55", "1.40")->to_string() == "1.52");   // newer than us: ours
    CHECK(negotiate_api_version("1.41", "")->to_string() == "1.41");
    auto too_new = negotiate_api_version("1.60", "1.53");
    REQUIRE_FALSE(too_new);
    CHECK(too_new.error().what.find("1.53") != std::string::npos);
    CHECK_FALSE(negotiate_api_version("abc", "1.12"));
    CHECK_FALSE(parse_api_version("1."));
    CHECK(api_version{1, 9} < api_version{1, 10});
}

TEST_CASE("endpoint: flag, then DOCKER_HOST, then the default socket") {
    CHECK(choose_endpoint("tcp://a:1", "unix:///x") == "tcp://a:1");
    CHECK(choose_endpoint("", "unix:///x") == "unix:///x");
    CHECK(choose_endpoint("", "") == "unix:///var/run/docker.sock");
    CHECK(choose_endpoint("", nullptr) == "unix:///var/run/docker.sock");

    auto u = parse_endpoint("unix:///run/docker.sock", false);
    REQUIRE(u);
    CHECK(u->kind == engine_endpoint::transport::unix_socket);
    CHECK(u->path == "/run/docker.sock");
    auto t = parse_endpoint("tcp://127.0.0.1:2375", false);
    REQUIRE(t);
    CHECK(t->host == "127.0.0.1");
    CHECK(t->port == 2375);
    CHECK_FALSE(t->https);
    auto s = parse_endpoint("tcp://docker.example", true);
    REQUIRE(s);
    CHECK(s->port == 2376);
    CHECK(s->https);
    auto v6 = parse_endpoint("http://[::1]:2375", false);
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK_FALSE(parse_endpoint("ssh://user@host", false));
    CHECK_FALSE(parse_endpoint("/var/run/docker.sock", false));
    CHECK_FALSE(parse_endpoint("unix://relative", false));
}
