#pragma once
// Copying bytes both ways between a client and its backend until both directions end.
#include <array>
#include <cstdint>

#include "base/duration.hpp"
#include "forwarder/buffer_pool.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/net.hpp"
#include "forwarder/readiness.hpp"
#include "telemetry/counters.hpp"

namespace sy::forwarder {

struct relay_result {
    uint64_t bytes_in = 0;   ///< client → backend
    uint64_t bytes_out = 0;  ///< backend → client
    bool reset = false;      ///< a side reset the connection (or a write failed): both were closed at once
    bool cut = false;        ///< terminationDelay ran out, or the connection was closed from outside (shutdown)
};

/// The two directions of one connection, as a plain callback state machine embedded in the connection it serves:
/// no coroutine frame and no heap object of its own, and at most one pending operation per direction. (Three
/// coroutines joined with awaitable_operators' `&&` cost about 9 KB per idle connection; a coroutine suspended
/// under a callback relay still held its frame, about 1.2 KB.)
///
/// Relays until both directions have ended. When one side ends its sending (FIN), the other side's sending half is
/// closed too (half-close propagated) and the remaining direction gets `termination_delay` to finish (negative = no
/// limit), as Traefik's proxy does. A reset on one side resets the other. Buffers are borrowed from `pool` only
/// between a read and the end of its write: an idle connection holds none. `counters` get their bytes_in /
/// bytes_out bumped as data moves (null entries are skipped). When everything has ended, `done(owner, result)` is
/// called once; it may destroy the relay_link (nothing of it is touched afterwards).
class relay_link {
public:
    using counter_set = std::array<telemetry::traffic_counters*, 4>;
    using done_fn = void (*)(void* owner, const relay_result& result);

    relay_link() = default;
    relay_link(const relay_link&) = delete;
    relay_link& operator=(const relay_link&) = delete;

    /// `backend_untouched`: nothing has waited on the backend socket since it was registered with the reactor (it
    /// connected inside connect() and nothing was written to it), so no readiness edge can have been missed and its
    /// first read, which would nearly always be an EAGAIN, is skipped.
    void start(tcp_socket& client, tcp_socket& backend, bool backend_untouched, duration termination_delay,
               buffer_pool& pool, coarse_timer& deadlines, net::detail::reactor& reactor, const counter_set& counters,
               done_fn done, void* owner);

private:
    tcp_socket& from(int d) { return *sockets_[d]; }
    tcp_socket& to(int d) { return *sockets_[1 - d]; }
    void pump(int d);
    void wait_readable(int d);  ///< after EAGAIN: no system call
    void wait_rearmed(int d);   ///< after a short read: Asio's wait, which re-arms the descriptor
    void moved(int d, size_t n);
    void abort();
    void direction_done(int d, bool eof);
    void finish_if_done();
    static void linger_expired(void* self);
    static void readable(void* self, int d, const error_code& ec);

    std::array<tcp_socket*, 2> sockets_{};
    net::detail::reactor* reactor_ = nullptr;
    readiness_wait waits_[2]{{&relay_link::readable, this, 0}, {&relay_link::readable, this, 1}};
    coarse_timer* deadlines_ = nullptr;
    coarse_timer::entry linger_;  ///< armed once a direction has ended, for terminationDelay
    duration termination_delay_{};
    buffer_pool* pool_ = nullptr;
    counter_set counters_{};
    relay_result result_;
    done_fn done_ = nullptr;
    void* owner_ = nullptr;
    std::array<bool, 2> ended_{};  ///< per direction: its source sent FIN (or failed)
    int8_t running_ = 2;
    int8_t pending_ = 0;
};

}  // namespace sy::forwarder
