#pragma once
// Waiting for a drained socket to become readable again, without a system call.
//
// Asio's async_wait(wait_read) re-arms the descriptor with EPOLL_CTL_MOD every time (it cannot know whether an
// edge was missed), which is two extra system calls per request on a kept-alive connection; HAProxy and nginx pay
// none. The relay uses it only when nothing is left to read and no edge can have been missed: after a read returned
// EAGAIN, after one whose TCP_INQ answer was 0 (no byte, no FIN queued), or on a backend socket nothing has waited
// on since its registration. Any byte or FIN that arrives later raises a new edge on the edge-triggered
// registration Asio already made. (Not after a plain short read: a FIN already queued behind the data would raise
// no new edge.) The wait is an operation object embedded in the relay: no allocation per wait, nothing held while
// idle but the queue link.
#include "forwarder/net.hpp"  // first: Asio's detail headers expect the public ones before them

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>

namespace sy::forwarder {

class readiness_wait : public net::detail::reactor_op {
public:
    using callback = void (*)(void* owner, int tag, const error_code& ec);

    readiness_wait(callback on_ready, void* owner, int tag)
        : net::detail::reactor_op(error_code(), &readiness_wait::perform_wait, &readiness_wait::complete_wait),
          on_ready_(on_ready),
          owner_(owner),
          tag_(tag) {}
    readiness_wait(const readiness_wait&) = delete;
    readiness_wait& operator=(const readiness_wait&) = delete;

    /// Queues the wait on `s`, which the caller knows drained with no edge missed (see above). `on_ready` runs
    /// once, on the socket's thread: with no error when bytes (or FIN, or an error) arrived, with operation_aborted
    /// when the socket was closed.
    void start(tcp_socket& s, net::detail::reactor& reactor);

private:
    static status perform_wait(net::detail::reactor_op* base);
    static void complete_wait(void* owner, net::detail::scheduler_operation* base, const error_code& ec, size_t n);

    callback on_ready_;
    void* owner_;
    int tag_;
    bool armed_ = false;  ///< false while start() runs: the reactor's speculative attempt must not complete it
};

/// The reactor behind an io_context (looked up once per worker: the lookup takes a lock).
net::detail::reactor& reactor_of(net::io_context& context);

}  // namespace sy::forwarder
