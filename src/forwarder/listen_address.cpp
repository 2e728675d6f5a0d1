#include "forwarder/listen_address.hpp"

namespace sy::forwarder {

namespace {

/// Whether this host can open an IPv6 socket at all (a kernel booted with ipv6.disable=1 cannot).
bool ipv6_available() {
    net::io_context ctx;
    tcp::acceptor probe(ctx);
    error_code ec;
    probe.open(tcp::v6(), ec);
    return !ec;
}

}  // namespace

result<listen_address> resolve_listen_address(const host_port& where) {
    const std::string shown = format_host_port(where.host, where.port);
    if (where.host.empty() || where.host == "::") {
        // ":port" on a host without IPv6: every IPv4 interface, as Go's listener falls back to.
        if (where.host.empty() && !ipv6_available()) return listen_address{{net::ip::address_v4::any(), where.port}, false};
        return listen_address{{net::ip::address_v6::any(), where.port}, true};
    }
    error_code ec;
    auto ip = net::ip::make_address(where.host, ec);
    if (!ec) return listen_address{{ip, where.port}, false};
    net::io_context ctx;
    tcp::resolver resolver(ctx);
    auto results = resolver.resolve(where.host, std::to_string(where.port), ec);
    if (ec || results.empty())
        return diagnostic{shown, "cannot resolve \"" + where.host + "\"" + (ec ? ": " + ec.message() : "")};
    return listen_address{results.begin()->endpoint(), false};
}

}  // namespace sy::forwarder
