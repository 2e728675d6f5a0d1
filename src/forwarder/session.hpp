#pragma once
// One client connection, from accept to close: the phases (forwarder/phases.hpp) in order, then the relay.
#include <memory>

#include "forwarder/net.hpp"
#include "forwarder/worker_context.hpp"

namespace sy::forwarder {

/// Serves one accepted connection on `w`'s thread (`peer` as accept() returned it: no getpeername), routed by
/// `view`. Every ending is counted and recorded, an exception included (outcome internal_error, logged).
awaitable<void> serve_connection(tcp_socket client, tcp::endpoint peer, worker_context& w, listener& l,
                                 std::shared_ptr<worker_view> view);

}  // namespace sy::forwarder
