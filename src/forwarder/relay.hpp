#pragma once
// Copying bytes both ways between a client and its backend until both directions end.
#include <cstdint>
#include <span>

#include "base/duration.hpp"
#include "forwarder/buffer_pool.hpp"
#include "forwarder/net.hpp"
#include "telemetry/counters.hpp"

namespace sy::forwarder {

struct relay_result {
    uint64_t bytes_in = 0;   ///< client → backend
    uint64_t bytes_out = 0;  ///< backend → client
    bool reset = false;      ///< a side reset the connection (or a write failed): both were closed at once
    bool cut = false;        ///< terminationDelay ran out, or the connection was closed from outside (shutdown)
};

/// Relays until both directions have ended. When one side ends its sending (FIN), the other side's sending half is
/// closed too (half-close propagated) and the remaining direction gets `termination_delay` to finish (negative =
/// no limit), as Traefik's proxy does. A reset on one side resets the other.
/// Buffers are borrowed from `pool` only between a read and the end of its write: an idle connection holds none.
/// `counters` get their bytes_in / bytes_out bumped as data moves (null entries are skipped).
awaitable<relay_result> relay(tcp_socket& client, tcp_socket& backend, duration termination_delay, buffer_pool& pool,
                              std::span<telemetry::traffic_counters* const> counters);

}  // namespace sy::forwarder
