// The forwarder's pure parts: route matching order, buffer pool accounting, listen addresses.
#include "forwarder/buffer_pool.hpp"
#include "forwarder/listen_address.hpp"
#include "forwarder/match.hpp"
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

TEST_CASE("match_route takes the first matching route of the right list", "[forwarder]") {
    auto svc = make_service("s@file", {"127.0.0.1:1"});
    auto snap = make_snapshot("ep",
                              {make_route("a", rule_sni("a.example"), true, svc),
                               make_route("all-tls", rule_sni("*"), true, svc)},
                              {make_route("ip", rule_sni("ip:10."), false, svc), make_route("all", rule_sni("*"), false, svc)});
    const auto& t = snap->entry_points.at("ep");
    rules::conn_facts f;
    f.client_ip = *parse_ip("127.0.0.1");
    CHECK(forwarder::match_route(t, f)->router == "all");
    f.client_ip = *parse_ip("10.1.2.3");
    CHECK(forwarder::match_route(t, f)->router == "ip");
    f.tls = true;
    f.sni = "a.example";
    CHECK(forwarder::match_route(t, f)->router == "a");
    f.sni = "b.example";
    CHECK(forwarder::match_route(t, f)->router == "all-tls");
}

TEST_CASE("owner_of finds the weighted child that owns a server", "[forwarder]") {
    auto a = make_service("a", {"127.0.0.1:1"}, 1);
    auto b = make_service("b", {"127.0.0.1:2"}, 2);
    runtime::service_plan top;
    top.name = "top";
    top.weighted = {{a, 1}, {b, 3}};
    CHECK(forwarder::owner_of(top, &b->servers[0]) == b.get());
    CHECK(forwarder::owner_of(*a, &a->servers[0]) == a.get());
    CHECK(forwarder::owner_of(top, nullptr) == nullptr);
}

TEST_CASE("buffer_pool lends, takes back and reuses buffers", "[forwarder]") {
    forwarder::buffer_pool pool(2);
    {
        auto x = pool.acquire();
        auto y = pool.acquire();
        auto z = pool.acquire();
        CHECK(pool.lent() == 3);
        CHECK(x.size() == forwarder::buffer_pool::buffer_size);
    }
    CHECK(pool.lent() == 0);
    CHECK(pool.free_count() == 2);  // the third went back to the allocator
    auto again = pool.acquire();
    CHECK(pool.free_count() == 1);
    again.release();
    CHECK_FALSE(again);
    CHECK(pool.lent() == 0);
}

TEST_CASE("resolve_listen_address: wildcards dual-stack, IPv4 only, literals, names resolved, bad names", "[forwarder]") {
    using sy::host_port;
    auto any = forwarder::resolve_listen_address(host_port{"", 8080});
    REQUIRE(any);
    CHECK(any->endpoint.port() == 8080);
    CHECK((any->endpoint.address().is_v6() ? any->dual_stack : any->endpoint.address().to_string() == "0.0.0.0"));
    auto v4 = forwarder::resolve_listen_address(host_port{"0.0.0.0", 25});
    REQUIRE(v4);
    CHECK(v4->endpoint.address().to_string() == "0.0.0.0");
    CHECK_FALSE(v4->dual_stack);
    auto v6 = forwarder::resolve_listen_address(host_port{"::1", 8080});
    REQUIRE(v6);
    CHECK(v6->endpoint.address().to_string() == "::1");
    CHECK_FALSE(v6->dual_stack);
    auto name = forwarder::resolve_listen_address(host_port{"localhost", 8080});
    REQUIRE(name);
    CHECK(name->endpoint.address().is_loopback());
    auto bad = forwarder::resolve_listen_address(host_port{"no-such-host.invalid", 8080});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().to_string().find("cannot resolve \"no-such-host.invalid\"") != std::string::npos);
}
