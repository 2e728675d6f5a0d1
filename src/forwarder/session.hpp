#pragma once
// One client connection, from accept to close: PROXY header in, classification, route, middlewares, server
// choice, dial, PROXY header out with the client's first bytes, relay, counters and the access record.
#include "forwarder/net.hpp"

namespace sy::forwarder {

class worker;
struct listener;

/// Serves one accepted connection on `w`'s thread (`peer` as accept() returned it: no getpeername). Never throws; every ending is counted and recorded.
awaitable<void> serve_connection(tcp_socket client, tcp::endpoint peer, worker& w, listener& l);

}  // namespace sy::forwarder
