#pragma once
// Connecting to a backend server within the service's dialTimeout.
#include <string>

#include "base/duration.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/net.hpp"
#include "runtime/snapshot.hpp"

namespace sy::forwarder {

struct dial_outcome {
    enum class kind { connected, failed, timeout } state = kind::failed;
    std::string why;  ///< for failed and timeout: "connection refused", "no address for mail.internal", ...
    /// Connected inside connect() itself (a local backend): nothing has waited on the socket since it was registered
    /// with the reactor, so no readiness edge of it can have been consumed yet.
    bool without_waiting = false;
};

/// Opens `backend` and connects it to `server` (an IP literal, or a name resolved now, first address that answers).
/// A zero or negative timeout leaves only the kernel's connect timeout (Go's Dialer with Timeout 0).
/// The timeout is checked with `deadlines` (a worker's coarse timer).
awaitable<dial_outcome> dial(tcp_socket& backend, const runtime::server_plan& server, duration timeout,
                             coarse_timer& deadlines);

}  // namespace sy::forwarder
