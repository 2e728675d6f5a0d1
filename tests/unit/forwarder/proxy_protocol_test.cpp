// PROXY protocol: headers written to backends (v1, v2) and read from trusted balancers in front.
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

namespace {

std::string v2_header_ipv4(const char src[4], uint16_t sport, const char dst[4], uint16_t dport) {
    std::string h("\r\n\r\n\0\r\nQUIT\n", 12);
    h += '\x21';  // v2, PROXY
    h += '\x11';  // TCP over IPv4
    h += std::string("\0\x0c", 2);
    h.append(src, 4);
    h.append(dst, 4);
    h += static_cast<char>(sport >> 8);
    h += static_cast<char>(sport & 0xff);
    h += static_cast<char>(dport >> 8);
    h += static_cast<char>(dport & 0xff);
    return h;
}

}  // namespace

TEST_CASE("PROXY v1 to the backend carries the client and the entrypoint addresses", "[forwarder][proxy]") {
    backend b({.greeting = "220 hi\r\n", .expect_proxy = true});
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}, 1))}));
    client c(rs.port);
    CHECK(c.recv_exactly(8) == "220 hi\r\n");  // server-first still works with a header in front
    const auto header = b.conn(0).proxy_header;
    CHECK(header == "PROXY TCP4 127.0.0.1 127.0.0.1 " + std::to_string(c.local_port()) + " " +
                        std::to_string(rs.port) + "\r\n");
}

TEST_CASE("PROXY v2 and the ClientHello reach the backend in order", "[forwarder][proxy]") {
    backend b({.greeting = "", .expect_proxy = true});
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("r@file", rule_sni("mail.example"), true, make_service("s@file", {b.address()}, 2))}, {}));
    client c(rs.port);
    const auto hello = client_hello("mail.example");
    c.send(hello);
    REQUIRE(b.wait_received(0, hello.size()));
    const char lo[4] = {127, 0, 0, 1};
    CHECK(b.conn(0).proxy_header == v2_header_ipv4(lo, c.local_port(), lo, rs.port));
    CHECK(b.conn(0).received == hello);
}

TEST_CASE("a trusted balancer's PROXY header sets the client address", "[forwarder][proxy]") {
    backend b({.greeting = "220 hi\r\n", .expect_proxy = true});
    running_server rs([](config::entry_point& ep) {
        ep.proxy_protocol = config::entry_point_proxy_protocol{{*parse_cidr("127.0.0.0/8")}, false};
    });
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}, 1))}));
    client c(rs.port);
    c.send("PROXY TCP4 203.0.113.7 192.0.2.1 4444 25\r\n");
    CHECK(c.recv_exactly(8) == "220 hi\r\n");
    CHECK(b.conn(0).proxy_header == "PROXY TCP4 203.0.113.7 192.0.2.1 4444 25\r\n");
}

TEST_CASE("a trusted v2 header followed by a ClientHello: both parsed, only the hello is forwarded",
          "[forwarder][proxy]") {
    backend b({.greeting = "", .expect_proxy = true});
    running_server rs([](config::entry_point& ep) {
        ep.proxy_protocol = config::entry_point_proxy_protocol{{}, true};  // insecure: trust everyone
    });
    rs.publish_and_settle(make_snapshot(
        "ep", {make_route("r@file", rule_sni("mail.example"), true, make_service("s@file", {b.address()}, 1))}, {}));
    client c(rs.port);
    const char src[4] = {static_cast<char>(198), 51, 100, 9}, dst[4] = {10, 0, 0, 1};
    const auto hello = client_hello("mail.example");
    c.send(v2_header_ipv4(src, 1234, dst, 993) + hello);
    REQUIRE(b.wait_received(0, hello.size()));
    CHECK(b.conn(0).proxy_header == "PROXY TCP4 198.51.100.9 10.0.0.1 1234 993\r\n");
    CHECK(b.conn(0).received == hello);
}

TEST_CASE("a PROXY header from an untrusted peer is refused", "[forwarder][proxy]") {
    backend b({.greeting = "220 hi\r\n"});
    running_server rs([](config::entry_point& ep) {
        ep.proxy_protocol = config::entry_point_proxy_protocol{{*parse_cidr("10.0.0.0/8")}, false};
    });
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}));
    client c(rs.port);
    c.send("PROXY TCP4 203.0.113.7 192.0.2.1 4444 25\r\n");
    CHECK(c.closed_within(2s));
    CHECK(b.connections() == 0);
    CHECK(eventually([&] { return ended(rs.counters, "ep", telemetry::outcome::untrusted_proxy) == 1; }));

    // An untrusted client without a header is served (after server_first_wait on a server-first entrypoint).
    client plain(rs.port);
    CHECK(plain.recv_exactly(8, 3s) == "220 hi\r\n");
}
