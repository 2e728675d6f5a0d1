#pragma once
// Where an entrypoint listens, from its parsed `address` (base/address.hpp parse_listen_address: ":25",
// "0.0.0.0:25", "[::]:993", "localhost:8080"). Routing entrypoints and the API's listen the same way.
#include <string>
#include <vector>

#include "base/address.hpp"
#include "base/diagnostic.hpp"
#include "forwarder/net.hpp"

namespace sy::forwarder {

struct listen_address {
    tcp::endpoint endpoint;
    /// An IPv6 wildcard that also accepts IPv4 (IPV6_V6ONLY off), as Go listens for ":port" and "[::]:port".
    bool dual_stack = false;
};

/// ":port" and "[::]:port" → [::]:port dual-stack (":port" → 0.0.0.0:port where IPv6 is off); "0.0.0.0:port" →
/// IPv4 only; an IP → that IP; a name → its first address (resolved now, at start-up, as Go does; blocking).
result<listen_address> resolve_listen_address(const host_port& where);

}  // namespace sy::forwarder
