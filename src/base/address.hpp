#pragma once
// IP addresses and CIDR ranges, on Asio's address types (no hand-written inet_pton).
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"

namespace sy {

using ip_address = boost::asio::ip::address;

/// An IPv4-mapped IPv6 address (::ffff:1.2.3.4) becomes the IPv4 address; others are unchanged.
/// Allow lists, rules and PROXY headers all compare unmapped addresses, as Go's net.IP does.
ip_address unmap(const ip_address& a);

/// Parses "1.2.3.4" or "2001:db8::1" (brackets allowed).
result<ip_address> parse_ip(std::string_view text);

/// A network: address + prefix length. A bare address is a /32 or /128.
struct cidr {
    ip_address network;
    unsigned prefix = 0;

    bool contains(const ip_address& a) const;
    std::string to_string() const;
    friend bool operator==(const cidr&, const cidr&) = default;
};

/// Parses "10.0.0.0/8", "2001:db8::/32", or a bare address. Host bits may be set ("10.1.2.3/8"), as Go allows.
result<cidr> parse_cidr(std::string_view text);

/// A listen or dial address: host (may be empty = all interfaces) and port.
struct host_port {
    std::string host;  ///< without brackets; empty for ":25"
    uint16_t port = 0;
    friend bool operator==(const host_port&, const host_port&) = default;
};

/// Parses ":25", "0.0.0.0:25", "[::1]:25", "mail.example.com:25". Refuses a missing or out-of-range port.
result<host_port> parse_host_port(std::string_view text);

/// An entrypoint's `address` as Traefik writes it, `[host]:port[/tcp]`: ":25", "0.0.0.0:25", "[::1]:8080",
/// "localhost:8080", ":25/tcp". "/udp" and other protocols are refused (Switchyard routes TCP only). The one parser of
/// listen addresses, for routing and API entrypoints alike; forwarder/listen_address.hpp turns its result into the
/// address both listen on.
result<host_port> parse_listen_address(std::string_view text);

/// "host:port" with brackets around IPv6 literals.
std::string format_host_port(std::string_view host, uint16_t port);

}  // namespace sy
