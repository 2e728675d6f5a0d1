#include "build_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;
using runtime::status;
using test::has_error;

TEST_CASE("middleware: types, deprecated alias, empty and bad source ranges") {
    test::world w;
    auto& mws = w.merged.config.middlewares;
    mws["limit@file"].in_flight_conn = config::in_flight_conn{10};
    mws["allow@file"].ip_allow_list = config::ip_allow_list{{"10.0.0.0/8", "::1"}};
    mws["white@file"].ip_white_list = config::ip_allow_list{{"127.0.0.1"}};
    mws["empty@file"].ip_allow_list = config::ip_allow_list{};
    mws["bad@file"].ip_allow_list = config::ip_allow_list{{"10.0.0.0/8", "not-an-ip"}};
    mws["none@file"] = {};
    mws["two@file"].in_flight_conn = config::in_flight_conn{1};
    mws["two@file"].ip_allow_list = config::ip_allow_list{{"10.0.0.0/8"}};
    mws["zero@file"].in_flight_conn = config::in_flight_conn{0};
    mws["deny@file"].ip_deny_list = config::ip_allow_list{{"192.0.2.0/24", "2001:db8::1"}};
    mws["deny-empty@file"].ip_deny_list = config::ip_allow_list{};
    mws["deny-bad@file"].ip_deny_list = config::ip_allow_list{{"192.0.2.0/33"}};
    mws["deny-allow@file"].ip_deny_list = config::ip_allow_list{{"192.0.2.0/24"}};
    mws["deny-allow@file"].ip_allow_list = config::ip_allow_list{{"10.0.0.0/8"}};
    auto s = w.build();
    CHECK(s->middlewares.at("deny@file").type == "ipdenylist");
    CHECK(s->middlewares.at("deny@file").state == status::enabled);
    CHECK(s->middlewares.at("deny-empty@file").errors ==
          std::vector<std::string>{"sourceRange is empty, IPDenyLister not created"});
    CHECK(s->middlewares.at("deny-bad@file").state == status::disabled);
    CHECK(has_error(s->middlewares.at("deny-bad@file").errors, "\"192.0.2.0/33\""));
    CHECK(has_error(s->middlewares.at("deny-allow@file").errors, "several types"));
    CHECK(s->middlewares.at("limit@file").type == "inflightconn");
    CHECK(s->middlewares.at("limit@file").state == status::enabled);
    CHECK(s->middlewares.at("allow@file").type == "ipallowlist");
    CHECK(s->middlewares.at("allow@file").state == status::enabled);
    CHECK(s->middlewares.at("white@file").type == "ipwhitelist");
    CHECK(s->middlewares.at("white@file").errors ==
          std::vector<std::string>{"IPWhiteList is deprecated, please use IPAllowList instead."});
    CHECK(s->middlewares.at("white@file").state == status::warning);
    CHECK(s->middlewares.at("empty@file").errors ==
          std::vector<std::string>{"sourceRange is empty, IPAllowLister not created"});
    CHECK(s->middlewares.at("bad@file").state == status::disabled);
    CHECK(has_error(s->middlewares.at("bad@file").errors, "\"not-an-ip\""));
    CHECK(s->middlewares.at("none@file").state == status::disabled);
    CHECK(s->middlewares.at("two@file").state == status::disabled);
    CHECK(has_error(s->middlewares.at("two@file").errors, "several types"));
    CHECK(s->middlewares.at("zero@file").state == status::warning);
}

TEST_CASE("middleware: a deny list reaches the route as its own kind, ranges parsed") {
    test::world w;
    w.service("s@file");
    w.merged.config.middlewares["deny@file"].ip_deny_list = config::ip_allow_list{{"192.0.2.0/24", "2001:db8::/32"}};
    w.router("a@file", "HostSNI(`*`)", "s@file", {"smtp"}).middlewares = {"deny@file"};
    auto s = w.build();
    const auto& a = s->entry_points.at("smtp").tcp_routes.at(0);
    REQUIRE(a.middlewares.size() == 1);
    CHECK(a.middlewares[0]->type == runtime::middleware_plan::kind::ip_deny_list);
    CHECK(a.middlewares[0]->source_range.size() == 2);
}

TEST_CASE("middleware: each route gets its own in-flight table; allow lists are parsed") {
    test::world w;
    w.service("s@file");
    w.merged.config.middlewares["limit@file"].in_flight_conn = config::in_flight_conn{2};
    w.merged.config.middlewares["allow@file"].ip_allow_list = config::ip_allow_list{{"10.0.0.0/8"}};
    w.router("a@file", "HostSNI(`*`)", "s@file", {"smtp", "web"}).middlewares = {"allow@file", "limit@file"};
    w.router("b@file", "ClientIP(`10.0.0.1`)", "s@file").middlewares = {"limit@file"};
    auto s = w.build();
    const auto& smtp = s->entry_points.at("smtp").tcp_routes;
    REQUIRE(smtp.size() == 2);
    const auto& a = smtp[1].router == "a@file" ? smtp[1] : smtp[0];
    const auto& b = smtp[1].router == "a@file" ? smtp[0] : smtp[1];
    REQUIRE(a.middlewares.size() == 2);
    CHECK(a.middlewares[0]->type == runtime::middleware_plan::kind::ip_allow_list);
    CHECK(a.middlewares[0]->source_range.size() == 1);
    CHECK(a.middlewares[1]->type == runtime::middleware_plan::kind::in_flight_conn);
    const auto& a_web = s->entry_points.at("web").tcp_routes.at(0);
    CHECK(a.middlewares[1]->in_flight != a_web.middlewares[1]->in_flight);
    CHECK(a.middlewares[1]->in_flight != b.middlewares[0]->in_flight);
    CHECK(s->middlewares.at("limit@file").used_by == std::vector<std::string>{"a@file", "b@file"});
}

TEST_CASE("middleware: a rebuild finds the same in-flight tables, so open connections keep counting") {
    test::world w;
    w.service("s@file");
    w.merged.config.middlewares["limit@file"].in_flight_conn = config::in_flight_conn{2};
    w.router("a@file", "HostSNI(`*`)", "s@file").middlewares = {"limit@file"};
    runtime::live_state live;
    auto first = runtime::build(w.statics, w.merged, w.counters, 1, &live);
    auto second = runtime::build(w.statics, w.merged, w.counters, 2, &live);
    const auto& t1 = first->entry_points.at("smtp").tcp_routes.at(0).middlewares.at(0)->in_flight;
    const auto& t2 = second->entry_points.at("smtp").tcp_routes.at(0).middlewares.at(0)->in_flight;
    CHECK(t1 == t2);
    const auto client = *sy::parse_ip("192.0.2.7");
    CHECK(t1->try_take(client, 2));
    CHECK(t2->open(client) == 1);
    // Without a live state, each build starts afresh (as Traefik's rebuilt handler chain does).
    auto fresh = runtime::build(w.statics, w.merged, w.counters, 3);
    CHECK(fresh->entry_points.at("smtp").tcp_routes.at(0).middlewares.at(0)->in_flight != t1);
    // IPv4 and its IPv4-mapped IPv6 form are one client.
    CHECK(t1->try_take(*sy::parse_ip("::ffff:192.0.2.7"), 2));
    CHECK_FALSE(t1->try_take(client, 2));
    t1->give_back(client);
    CHECK(t1->open(client) == 1);
}
