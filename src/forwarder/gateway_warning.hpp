#pragma once
// The data path's share of the Docker-gateway check (runtime/docker_gateways.hpp): one sorted-vector lookup per
// routed connection, nothing at all when no Docker network is known; a warning once per address per process.
#include <string_view>

#include "base/address.hpp"
#include "runtime/snapshot.hpp"

namespace sy::forwarder {

/// Logs the gateway warning the first time `client` is seen to be a gateway of a known Docker network. True when
/// it logged now. The set of addresses already warned about is process-wide and behind a mutex, taken only on a hit.
bool warn_if_docker_gateway(const runtime::snapshot& snap, const ip_address& client, std::string_view entry_point);

}  // namespace sy::forwarder
