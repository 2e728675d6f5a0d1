// The connection's phases, where each one's bounds and outcomes show: serverFirstWait 0, a trusted balancer's late
// PROXY header, a name lookup bounded by dialTimeout and kept off the worker, an exception in a phase.
#include <thread>

#include "base/name_resolver.hpp"
#include "sy_catch.hpp"
#include "test_net.hpp"
#include "wire/proxy_protocol.hpp"

using namespace sy;
using namespace sy::test;
using telemetry::outcome;

TEST_CASE("serverFirstWait 0 decides at once: a silent client on a mixed entrypoint is greeted", "[forwarder][phases]") {
    backend smtp({.greeting = "220 mx\r\n"});
    backend tls;
    running_server rs([](config::entry_point& ep) {
        ep.server_first_wait = std::chrono::nanoseconds::zero();
        ep.read_timeout = 10s;  // were 0 "wait for ever", the greeting would come only after this, or never
    });
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("tls@file", rule_sni("a.example"), true, make_service("tls@file", {tls.address()}))},
        {make_route("smtp@file", rule_sni("*"), false, make_service("smtp@file", {smtp.address()}))}));
    client c(rs.port);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.recv_exactly(8, 3s) == "220 mx\r\n");
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}

TEST_CASE("a trusted balancer's PROXY header that comes after serverFirstWait is still a header",
          "[forwarder][phases][proxy]") {
    // The backend expects a PROXY header from us (the service sends v1) and records it.
    backend b({.greeting = "220 hi\r\n", .expect_proxy = true});
    running_server rs([](config::entry_point& ep) {
        ep.proxy_protocol = config::entry_point_proxy_protocol{{*parse_cidr("127.0.0.1/32")}, false};
        ep.server_first_wait = 100ms;
    });
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}, 1))}));
    client c(rs.port);
    std::this_thread::sleep_for(400ms);  // the header's first segment was lost and is retransmitted (not a sync)
    c.send("PROXY TCP4 203.0.113.9 192.0.2.1 4444 25\r\n");
    CHECK(c.recv_exactly(8, 3s) == "220 hi\r\n");
    REQUIRE(b.wait_connections(1));
    // Our header names the balancer's client, and the balancer's header did not reach the server as payload.
    CHECK(b.conn(0).proxy_header == "PROXY TCP4 203.0.113.9 192.0.2.1 4444 25\r\n");
    c.send("QUIT\r\n");
    REQUIRE(b.wait_received(0, 6));
    CHECK(b.conn(0).received == "QUIT\r\n");
}

TEST_CASE("an untrusted client without a header is still taken as silent after serverFirstWait",
          "[forwarder][phases][proxy]") {
    backend b({.greeting = "220 hi\r\n"});
    running_server rs([](config::entry_point& ep) {
        ep.proxy_protocol = config::entry_point_proxy_protocol{{*parse_cidr("10.0.0.0/8")}, false};
        ep.server_first_wait = 100ms;
    });
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}));
    client c(rs.port);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.recv_exactly(8, 3s) == "220 hi\r\n");
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}

TEST_CASE("a name lookup is bounded by dialTimeout and never holds up the worker's other connections",
          "[forwarder][phases][dial]") {
    // What a resolver does when its DNS server is down: the lookup takes seconds.
    set_lookup_for_tests([](const std::string& host) -> std::optional<name_answer> {
        if (host != "slow.test") return std::nullopt;
        std::this_thread::sleep_for(1500ms);
        return name_answer{{}, "timed out"};
    });
    backend fast({.greeting = "fast\n"});
    running_server rs({}, 1);  // one worker: a blocked worker would hold up the second client too
    auto slow = make_service("slow@file", {"slow.test:25"});
    slow->dial_timeout = 300ms;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("slow@file", rule_sni("ip:127.0.0.2"), false, slow),
                   make_route("fast@file", rule_sni("*"), false, make_service("fast@file", {fast.address()}))}));
    const auto t0 = std::chrono::steady_clock::now();
    client waiting(rs.port, "127.0.0.1", "127.0.0.2");
    client served(rs.port);
    CHECK(served.recv_exactly(5, 3s) == "fast\n");
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);  // not behind the 1.5 s lookup
    CHECK(waiting.closed_within(3s));
    CHECK(std::chrono::steady_clock::now() - t0 < 1200ms);  // dialTimeout, not the lookup, decided
    CHECK(eventually([&] { return ended(rs.counters, "ep", outcome::dial_timeout) == 1; }));
    set_lookup_for_tests(nullptr);
}

TEST_CASE("a server given by name is dialled through the cache", "[forwarder][phases][dial]") {
    backend b({.greeting = "named\n"});
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false,
                              make_service("s@file", {"localhost:" + std::to_string(b.port())}))}));
    for (int i = 0; i < 3; ++i) {
        client c(rs.port);
        CHECK(c.recv_exactly(6, 3s) == "named\n");
    }
}

TEST_CASE("an exception in a phase ends that connection as internal_error, and the next is served",
          "[forwarder][phases]") {
    backend b({.greeting = "ok\n"});
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("bug@file", rule_sni("throw"), false, make_service("s@file", {b.address()}))}));
    {
        client c(rs.port);
        CHECK(c.closed_within(3s));
    }
    CHECK(eventually([&] { return ended(rs.counters, "ep", outcome::internal_error) == 1; }));
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("ok@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}, 2));
    client c(rs.port);
    CHECK(c.recv_exactly(3, 3s) == "ok\n");
}

TEST_CASE("a reload keeps the inFlightConn counts of open connections", "[forwarder][phases][middleware]") {
    backend b({.greeting = "hello\n"});
    running_server rs;
    runtime::live_state live;
    auto snapshot_with_limit = [&](uint64_t generation) {
        auto m = std::make_shared<runtime::middleware_plan>();
        m->name = "limit@file";
        m->type = runtime::middleware_plan::kind::in_flight_conn;
        m->amount = 1;
        m->in_flight = live.in_flight("limit@file", "r@file", "ep");  // what the builder does on every reload
        auto r = make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}));
        r.middlewares = {m};
        return make_snapshot("ep", {}, {r}, generation);
    };
    rs.publish_and_settle(snapshot_with_limit(1));
    client first(rs.port);
    CHECK(first.recv_exactly(6) == "hello\n");
    rs.publish_and_settle(snapshot_with_limit(2));
    client second(rs.port);
    CHECK(second.closed_within(2s));  // Traefik's fresh chain would admit it
    CHECK(eventually([&] { return ended(rs.counters, "ep", outcome::refused_in_flight) == 1; }));
}
