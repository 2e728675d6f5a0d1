#pragma once
// Connecting to a backend server within the service's dialTimeout, name lookup included.
#include <string>

#include "base/duration.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/name_cache.hpp"
#include "forwarder/net.hpp"
#include "runtime/snapshot.hpp"

namespace sy::forwarder {

struct dial_outcome {
    enum class kind { connected, failed, timeout } state = kind::failed;
    std::string why;  ///< for failed and timeout: "connection refused", "cannot resolve mail.internal: ...", ...
    /// Connected inside connect() itself (a local backend): nothing has waited on the socket since it was registered
    /// with the reactor, so no readiness edge of it can have been consumed yet.
    bool without_waiting = false;
};

/// Opens `backend` and connects it to `server` (an IP literal, or a name from `names`; the first address that
/// answers) before `due` (time_point::max(): only the kernel's connect timeout, as Go's Dialer with Timeout 0). The
/// deadline bounds the name lookup too. `timeout` only names the limit in messages.
awaitable<dial_outcome> dial(tcp_socket& backend, const runtime::server_plan& server, coarse_timer::clock::time_point due,
                             duration timeout, coarse_timer& deadlines, name_cache& names);

}  // namespace sy::forwarder
