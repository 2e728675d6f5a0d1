// How connections are classified and routed: server-first, SNI, mixed entrypoints, timeouts, no route.
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

TEST_CASE("a server-first backend greets a client that sends nothing", "[forwarder]") {
    backend smtp({.greeting = "220 mx.example ESMTP\r\n"});
    running_server rs;
    rs.publish_and_settle(make_snapshot("ep", {}, {make_route("smtp@file", rule_sni("*"), false,
                                                              make_service("smtp@file", {smtp.address()}))}));
    client c(rs.port);
    CHECK(c.recv_exactly(22, 2s) == "220 mx.example ESMTP\r\n");
    c.send("EHLO me\r\n");
    CHECK(c.recv_exactly(9) == "EHLO me\r\n");
    CHECK(rs.counters.entry_point("ep").read().total == 1);
}

TEST_CASE("TLS routers choose by SNI and pass the ClientHello through byte for byte", "[forwarder]") {
    backend a, b;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep",
        {make_route("a@file", rule_sni("a.example"), true, make_service("a@file", {a.address()})),
         make_route("b@file", rule_sni("b.example"), true, make_service("b@file", {b.address()}))},
        {}));
    const std::string hello = client_hello("b.example", {"imap"});
    REQUIRE(hello.size() > 100);
    client c(rs.port);
    c.send(hello);
    REQUIRE(b.wait_received(0, hello.size()));
    CHECK(b.conn(0).received == hello);
    CHECK(c.recv_exactly(hello.size()) == hello);  // the echo comes back untouched too
    CHECK(a.connections() == 0);
}

TEST_CASE("a ClientHello split into small segments is still routed", "[forwarder]") {
    backend b;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("b@file", rule_sni("b.example"), true, make_service("b@file", {b.address()}))}, {}));
    const std::string hello = client_hello("b.example");
    client c(rs.port);
    for (size_t i = 0; i < hello.size(); i += 7) {
        c.send(hello.substr(i, 7));
        std::this_thread::sleep_for(1ms);  // separate segments (not a synchronisation)
    }
    REQUIRE(b.wait_received(0, hello.size()));
    CHECK(b.conn(0).received == hello);
}

TEST_CASE("no matching router: the connection is closed and counted", "[forwarder]") {
    backend a;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("a@file", rule_sni("a.example"), true, make_service("a@file", {a.address()}))}, {}));
    client c(rs.port);
    c.send(client_hello("other.example"));
    CHECK(c.closed_within(2s));
    CHECK(a.connections() == 0);
    CHECK(eventually([&] { return ended(rs.counters, "ep", telemetry::outcome::no_route) == 1; }));
}

TEST_CASE("plain bytes on an entrypoint with TLS and non-TLS routers go to the non-TLS router", "[forwarder]") {
    backend tls_backend, plain;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("t@file", rule_sni("*"), true, make_service("t@file", {tls_backend.address()}))},
        {make_route("p@file", rule_sni("*"), false, make_service("p@file", {plain.address()}))}));
    client c(rs.port);
    c.send("GET / HTTP/1.0\r\n\r\n");
    REQUIRE(plain.wait_received(0, 18));
    CHECK(plain.conn(0).received == "GET / HTTP/1.0\r\n\r\n");
    client t(rs.port);
    const auto hello = client_hello("x.example");
    t.send(hello);
    REQUIRE(tls_backend.wait_received(0, hello.size()));
}

TEST_CASE("mixed entrypoint: a silent client is routed as non-TLS after server_first_wait", "[forwarder]") {
    // Traefik would wait for the client until readTimeout and close it; the greeting would never come.
    backend tls_backend;
    backend imap({.greeting = "* OK IMAP ready\r\n"});
    running_server rs([](config::entry_point& ep) { ep.server_first_wait = 150ms; });
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("t@file", rule_sni("*"), true, make_service("t@file", {tls_backend.address()}))},
        {make_route("p@file", rule_sni("*"), false, make_service("p@file", {imap.address()}))}));
    client c(rs.port);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.recv_exactly(17, 3s) == "* OK IMAP ready\r\n");
    CHECK(std::chrono::steady_clock::now() - t0 >= 140ms);
    CHECK(tls_backend.connections() == 0);
}

TEST_CASE("TLS-only entrypoint: a silent client is closed after readTimeout", "[forwarder]") {
    backend tls_backend;
    running_server rs([](config::entry_point& ep) { ep.read_timeout = 300ms; });
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("t@file", rule_sni("*"), true, make_service("t@file", {tls_backend.address()}))}, {}));
    client c(rs.port);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.closed_within(3s));
    CHECK(std::chrono::steady_clock::now() - t0 >= 250ms);
    CHECK(tls_backend.connections() == 0);
}

TEST_CASE("before any snapshot, connections are closed", "[forwarder]") {
    running_server rs;
    client c(rs.port);
    CHECK(c.closed_within(2s));
}

TEST_CASE("round robin across a service's servers", "[forwarder]") {
    backend one({.greeting = "1"}), two({.greeting = "2"});
    running_server rs({}, 1);  // one worker: one rotation (each worker has its own)
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {one.address(), two.address()}))}));
    std::string seen;
    for (int i = 0; i < 4; ++i) {
        client c(rs.port);
        seen += c.recv_exactly(1);
    }
    CHECK((seen == "1212" || seen == "2121"));
}

TEST_CASE("a backend that refuses makes the client close promptly", "[forwarder]") {
    const uint16_t dead = free_port();  // nothing listens there
    running_server rs;
    auto svc = make_service("s@file", {"127.0.0.1:" + std::to_string(dead)});
    auto failures_block = rs.counters.server("s@file", svc->servers[0].address);
    auto& failures = *failures_block;
    svc->servers[0].counters = failures_block;
    rs.publish_and_settle(make_snapshot("ep", {}, {make_route("r@file", rule_sni("*"), false, svc)}));
    client c(rs.port);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.closed_within(2s));
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
    CHECK(eventually([&] { return failures.connect_failures.load() == 1; }));
}
