#pragma once
// Client-address sanity (docker-mailserver#1405): a connection whose client address is a Docker network's gateway
// came through Docker's userland proxy (an IPv6 client of a published port on a network without IPv6) or from the
// host itself. Its real address is lost, and the PROXY header sent on names the gateway, which the mail server then
// trusts like a local client. Pure functions; the forwarder warns once per address (forwarder/gateway_warning.hpp).
#include <map>
#include <span>
#include <string>
#include <vector>

#include "base/address.hpp"

namespace sy::runtime {

struct docker_gateway {
    ip_address address;   ///< unmapped
    std::string network;  ///< as Docker names it
};

/// From the providers' "gateway → network" map: parsed, unmapped, sorted by address; what does not parse is dropped.
std::vector<docker_gateway> make_docker_gateways(const std::map<std::string, std::string>& gateways);

/// The gateway `client` is (an IPv4-mapped address counts as its IPv4 form), or null.
const docker_gateway* gateway_of(std::span<const docker_gateway> gateways, const ip_address& client) noexcept;

/// The warning a user reads: what the address is, why it matters, and the two fixes.
std::string gateway_warning(const docker_gateway& gateway, std::string_view entry_point);

}  // namespace sy::runtime
