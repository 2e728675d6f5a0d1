// The forwarder's pure parts: route matching order, buffer pool accounting.
#include "forwarder/buffer_pool.hpp"
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
