#include "sy_catch.hpp"

#include "base/address.hpp"

TEST_CASE("listen addresses") {
    CHECK(sy::parse_host_port(":25").value() == sy::host_port{"", 25});
    CHECK(sy::parse_host_port("127.0.0.1:993").value() == sy::host_port{"127.0.0.1", 993});
    CHECK(sy::parse_host_port("[::1]:4190").value() == sy::host_port{"::1", 4190});
    CHECK(sy::parse_host_port(":70000").error().what == "invalid address \":70000\": port 70000 out of range 1-65535");
    CHECK_FALSE(sy::parse_host_port("25"));
    CHECK_FALSE(sy::parse_host_port("::1:25"));
    CHECK(sy::format_host_port("::1", 25) == "[::1]:25");
}

TEST_CASE("CIDR ranges contain addresses, v4-mapped included") {
    auto net = sy::parse_cidr("10.0.0.0/8").value();
    CHECK(net.contains(sy::parse_ip("10.1.2.3").value()));
    CHECK(net.contains(sy::parse_ip("::ffff:10.1.2.3").value()));
    CHECK_FALSE(net.contains(sy::parse_ip("11.0.0.1").value()));
    auto v6 = sy::parse_cidr("2001:db8::/32").value();
    CHECK(v6.contains(sy::parse_ip("2001:db8::1").value()));
    CHECK_FALSE(v6.contains(sy::parse_ip("10.1.2.3").value()));
    CHECK(sy::parse_cidr("127.0.0.1").value().prefix == 32);
    CHECK(sy::parse_cidr("10.0.0.0/33").error().what == "invalid CIDR \"10.0.0.0/33\": prefix length must be 0-32");
    CHECK_FALSE(sy::parse_cidr("banana/8"));
}

TEST_CASE("IPv4-mapped CIDRs count the 96 mapping bits, as Go's net.ParseCIDR") {
    auto all_v4 = sy::parse_cidr("::ffff:0:0/96").value();
    CHECK(all_v4.to_string() == "0.0.0.0/0");
    CHECK(all_v4.contains(*sy::parse_ip("198.51.100.7")));
    CHECK(all_v4.contains(*sy::parse_ip("::ffff:198.51.100.7")));
    CHECK_FALSE(all_v4.contains(*sy::parse_ip("2001:db8::1")));
    CHECK(sy::parse_cidr("::ffff:192.0.2.0/120").value().to_string() == "192.0.2.0/24");
    CHECK(sy::parse_cidr("::ffff:192.0.2.7/128").value().to_string() == "192.0.2.7/32");
    CHECK(sy::parse_cidr("::ffff:192.0.2.0/24").error().what ==
          "invalid CIDR \"::ffff:192.0.2.0/24\": an IPv4-mapped prefix length must be 96-128");
    CHECK_FALSE(sy::parse_cidr("::ffff:0:0/129"));
    CHECK_FALSE(sy::parse_cidr("::ffff:0:0/"));
    CHECK(sy::parse_cidr("::/0").value().to_string() == "::/0");  // IPv6 only, as in Go
    CHECK_FALSE(sy::parse_cidr("::/0").value().contains(*sy::parse_ip("192.0.2.7")));
}

TEST_CASE("parse_listen_address: Traefik's [host]:port[/tcp], one parser for routing and API entrypoints") {
    using sy::host_port;
    CHECK(sy::parse_listen_address("localhost:8080").value() == host_port{"localhost", 8080});
    CHECK(sy::parse_listen_address(":8080").value() == host_port{"", 8080});
    CHECK(sy::parse_listen_address("[::1]:8080").value() == host_port{"::1", 8080});
    CHECK(sy::parse_listen_address("0.0.0.0:25").value() == host_port{"0.0.0.0", 25});
    CHECK(sy::parse_listen_address(":25/tcp").value() == host_port{"", 25});
    CHECK(sy::parse_listen_address("[::]:993/TCP").value() == host_port{"::", 993});
    CHECK(sy::parse_listen_address(" :25 ").value() == host_port{"", 25});
    CHECK(sy::parse_listen_address(":53/udp").error().what ==
          "UDP entrypoints are not supported (Switchyard routes TCP only); remove the entrypoint or use /tcp");
    CHECK(sy::parse_listen_address(":25/sctp").error().what == "unknown protocol \"sctp\" (use /tcp)");
    CHECK(sy::parse_listen_address("8080").error().what ==
          "invalid address \"8080\": missing port (write host:port or :port)");
    CHECK(sy::parse_listen_address("::1:8080").error().what ==
          "invalid address \"::1:8080\": IPv6 addresses need brackets, as in [::1]:25");
    CHECK(sy::parse_listen_address("localhost:http").error().what ==
          "invalid address \"localhost:http\": port is not a number");
}
