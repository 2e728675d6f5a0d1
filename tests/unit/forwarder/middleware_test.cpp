// ipAllowList, ipDenyList and inFlightConn, as a client sees them.
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

namespace {

std::shared_ptr<const runtime::middleware_plan> allow(const char* range) {
    auto m = std::make_shared<runtime::middleware_plan>();
    m->name = "allow@file";
    m->type = runtime::middleware_plan::kind::ip_allow_list;
    m->source_range = {*parse_cidr(range)};
    return m;
}

std::shared_ptr<const runtime::middleware_plan> deny(const char* range) {
    auto m = std::make_shared<runtime::middleware_plan>();
    m->name = "deny@file";
    m->type = runtime::middleware_plan::kind::ip_deny_list;
    m->source_range = {*parse_cidr(range)};
    return m;
}

std::shared_ptr<const runtime::middleware_plan> in_flight(int64_t amount) {
    auto m = std::make_shared<runtime::middleware_plan>();
    m->name = "limit@file";
    m->type = runtime::middleware_plan::kind::in_flight_conn;
    m->amount = amount;
    m->in_flight = std::make_shared<runtime::in_flight_table>();
    return m;
}

}  // namespace

TEST_CASE("ipAllowList refuses clients outside its ranges and admits the others", "[forwarder][middleware]") {
    backend b({.greeting = "hello\n"});
    running_server rs;
    auto refused = make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}));
    refused.middlewares = {allow("10.0.0.0/8")};
    rs.publish_and_settle(make_snapshot("ep", {}, {refused}));
    {
        client c(rs.port);
        CHECK(c.closed_within(2s));
        CHECK(b.connections() == 0);
        CHECK(eventually([&] { return ended(rs.counters, "ep", telemetry::outcome::refused_allow_list) == 1; }));
    }
    auto admitted = make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}));
    admitted.middlewares = {allow("127.0.0.0/8")};
    rs.publish_and_settle(make_snapshot("ep", {}, {admitted}, 2));
    client c(rs.port);
    CHECK(c.recv_exactly(6) == "hello\n");
}

TEST_CASE("ipDenyList refuses clients inside its ranges and admits the others", "[forwarder][middleware]") {
    backend b({.greeting = "hello\n"});
    running_server rs;
    auto refused = make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}));
    refused.middlewares = {deny("127.0.0.0/8")};
    rs.publish_and_settle(make_snapshot("ep", {}, {refused}));
    {
        client c(rs.port);
        CHECK(c.closed_within(2s));
        CHECK(b.connections() == 0);
        CHECK(eventually([&] { return ended(rs.counters, "ep", telemetry::outcome::refused_deny_list) == 1; }));
    }
    auto admitted = make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}));
    admitted.middlewares = {deny("10.0.0.0/8")};
    rs.publish_and_settle(make_snapshot("ep", {}, {admitted}, 2));
    client c(rs.port);
    CHECK(c.recv_exactly(6) == "hello\n");
}

TEST_CASE("inFlightConn limits simultaneous connections per client IP", "[forwarder][middleware]") {
    backend b({.greeting = "hello\n"});
    running_server rs;
    auto r = make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}));
    r.middlewares = {in_flight(1)};
    rs.publish_and_settle(make_snapshot("ep", {}, {r}));
    auto first = std::make_unique<client>(rs.port);
    CHECK(first->recv_exactly(6) == "hello\n");
    {
        client second(rs.port);
        CHECK(second.closed_within(2s));
        CHECK(eventually([&] { return ended(rs.counters, "ep", telemetry::outcome::refused_in_flight) == 1; }));
    }
    first.reset();  // frees the slot once the forwarder sees the close
    REQUIRE(b.wait_closed(0));
    bool admitted = eventually([&] {
        client third(rs.port);
        return third.recv_exactly(6, 1s) == "hello\n";
    });
    CHECK(admitted);
}
