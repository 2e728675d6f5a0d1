#pragma once
// Copying bytes both ways between a client and its backend until both directions end.
#include <array>
#include <cstdint>

#include "base/duration.hpp"
#include "forwarder/buffer_pool.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/net.hpp"
#include "forwarder/io_shortcuts.hpp"
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
/// Fair to the worker's other connections: one direction moves at most `bytes_per_turn` per wake-up, then lets the
/// event loop run before it goes on (HAProxy bounds work per wake-up the same way), so one bulk transfer cannot
/// hold up the accepts, deadlines and relays of everything else on its thread.
///
/// Relays until both directions have ended. When one side ends its sending (FIN), the other side's sending half is
/// closed too (half-close propagated) and the remaining direction gets `termination_delay` to finish (negative = no
/// limit), as Traefik's proxy does. A reset on one side resets the other. Buffers are borrowed from `pool` only
/// between a read and the end of its write: an idle connection holds none. `counters` get their bytes_in /
/// bytes_out bumped as data moves (null entries are skipped). When everything has ended, `done(owner, result)` is
/// called once; it may destroy the relay_link (nothing of it is touched afterwards).
class relay_link {
public:
    /// The worker's shards of the entrypoint, router, service, leaf service and server blocks (null entries skipped).
    using counter_set = std::array<telemetry::traffic_shard*, 5>;
    /// 16 reads of a 32 KiB buffer: large enough that a bulk transfer's throughput does not notice the yield.
    static constexpr size_t bytes_per_turn = 512 * 1024;
    using done_fn = void (*)(void* owner, const relay_result& result);
    /// Takes the connection over (the sockmap path, forwarder/splice_sockmap.hpp): true when it did, and then
    /// nothing of the relay_link is touched again; false to go on copying.
    using handoff_fn = bool (*)(void* owner, const counter_set& counters, const relay_result& so_far);

    relay_link() = default;
    relay_link(const relay_link&) = delete;
    relay_link& operator=(const relay_link&) = delete;

    /// `backend_untouched`: nothing has waited on the backend socket since it was registered with the reactor (it
    /// connected inside connect() and nothing was written to it), so no readiness edge can have been missed and its
    /// first read, which would nearly always be an EAGAIN, is skipped.
    void start(tcp_socket& client, tcp_socket& backend, bool backend_untouched, duration termination_delay,
               buffer_pool& pool, coarse_timer& deadlines, io_reactor& reactor, const counter_set& counters,
               done_fn done, void* owner);

    /// Before start(): once a read fills a whole buffer (HAProxy's splice-auto), or from the start with `at_once`,
    /// the relay offers the connection to `handoff` the next time a direction has drained its socket while the
    /// other only waits for bytes (that wait is cancelled first). Then nothing is buffered in user space and no skb
    /// is half read (the kernel's sockmap reads whole skbs: one half read by us would be sent again), so no byte is
    /// lost or doubled. Refused, it copies on and never asks again.
    void offer_handoff(handoff_fn handoff, bool at_once) {
        handoff_ = handoff;
        want_handoff_ = at_once;
    }

private:
    tcp_socket& from(int d) { return *sockets_[d]; }
    tcp_socket& to(int d) { return *sockets_[1 - d]; }
    void pump(int d);
    void wait_readable(int d);  ///< after EAGAIN: no system call
    void wait_rearmed(int d);   ///< after a short read: Asio's wait, which re-arms the descriptor
    void yield(int d);          ///< after bytes_per_turn: let the event loop run, then go on
    void moved(int d, size_t n);
    void abort();
    void direction_done(int d, bool eof);
    void finish_if_done();
    bool try_handoff(int d);
    void complete_handoff();
    static void linger_expired(void* self);
    static void readable(void* self, int d, const error_code& ec);

    std::array<tcp_socket*, 2> sockets_{};
    io_reactor* reactor_ = nullptr;
    readiness_wait waits_[2]{{&relay_link::readable, this, 0}, {&relay_link::readable, this, 1}};
    coarse_timer* deadlines_ = nullptr;
    coarse_timer::deadline linger_;  ///< armed once a direction has ended, for terminationDelay
    duration termination_delay_{};
    buffer_pool* pool_ = nullptr;
    counter_set counters_{};
    relay_result result_;
    done_fn done_ = nullptr;
    handoff_fn handoff_ = nullptr;
    void* owner_ = nullptr;
    std::array<bool, 2> ended_{};  ///< per direction: its source sent FIN (or failed)
    std::array<bool, 2> waiting_{};  ///< per direction: only a readiness wait pending
    bool want_handoff_ = false;      ///< hand off at the next drained point
    bool handing_off_ = false;       ///< waits cancelled for a handoff: completions only count down
    int8_t running_ = 2;
    int8_t pending_ = 0;
};

}  // namespace sy::forwarder
