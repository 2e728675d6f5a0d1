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
