#pragma once
// Choosing a route for a connection from what is known about it (Traefik's muxer Match).
#include <span>

#include "rules/rule.hpp"
#include "runtime/snapshot.hpp"

namespace sy::forwarder {

/// The first route, in the table's order (priority, then name), whose rule matches; nullptr when none does.
/// `facts.tls` selects the list: TLS routes see only connections that sent a ClientHello, non-TLS routes only the
/// others (Traefik's muxerTCPTLS / muxerTCP).
const runtime::route* match_route(const runtime::entry_point_table& table, const rules::conn_facts& facts);

/// The leaf service that owns `server` under `top` (itself for a load balancer; a weighted child otherwise).
/// The PROXY version, dial timeout and termination delay come from the leaf, as in Traefik, where each weighted
/// child is a complete service with its own transport.
const runtime::service_plan* owner_of(const runtime::service_plan& top, const runtime::server_plan* server);

}  // namespace sy::forwarder
