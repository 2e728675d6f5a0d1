#include "forwarder/listen_address.hpp"

namespace sy::forwarder {

result<listen_address> resolve_listen_address(const host_port& where) {
    const std::string shown = format_host_port(where.host, where.port);
    if (where.host.empty() || where.host == "::") return listen_address{{net::ip::address_v6::any(), where.port}, true};
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
