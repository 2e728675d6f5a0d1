#pragma once
// The only file that names Asio's internals (net::detail), for the few places where the public API costs a system
// call per connection or per wait: a readiness wait without the EPOLL_CTL_MOD re-arm of async_wait, and the socket
// state flags that save an EPOLL_CTL_DEL per close and a FIONBIO per dial.
//
// Tested with Asio 1.26 (Boost 1.81) only, and pinned to it: meson.build accepts no other Boost, and the
// static_assert below stops a build against any other Asio. Later Asio releases reworked the reactor's start_op
// (immediate completions) and may change what these flags mean silently; porting means re-reading
// boost/asio/detail/epoll_reactor.hpp and socket_ops.hpp of that release, not just changing the number.
#include "forwarder/net.hpp"  // first: Asio's detail headers expect the public ones before them

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/version.hpp>

static_assert(BOOST_ASIO_VERSION == 102600,
              "src/forwarder/io_shortcuts.hpp uses Asio 1.26 internals (Boost 1.81); see the comment there");

namespace sy::forwarder {

/// The reactor behind an io_context.
using io_reactor = net::detail::reactor;

/// The reactor of `context` (looked up once per worker: the lookup takes a lock).
io_reactor& reactor_of(net::io_context& context);

/// Waiting for a drained socket to become readable again, without a system call.
///
/// Asio's async_wait(wait_read) re-arms the descriptor with EPOLL_CTL_MOD every time (it cannot know whether an
/// edge was missed), two extra system calls per request on a kept-alive connection; HAProxy and nginx pay none. Use
/// this only when nothing is left to read and no edge can have been missed: after a read returned EAGAIN, after one
/// whose TCP_INQ answer was 0 (no byte, no FIN queued), or on a socket nothing has waited on since its
/// registration. Any byte or FIN that arrives later raises a new edge on the edge-triggered registration Asio
/// already made. (Not after a plain short read: a FIN already queued behind the data would raise no new edge.) The
/// wait is an operation object embedded in its owner: no allocation per wait, nothing held while idle but the queue
/// link.
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
    /// when the socket was closed or its operations cancelled.
    void start(tcp_socket& s, io_reactor& reactor);

private:
    static status perform_wait(net::detail::reactor_op* base);
    static void complete_wait(void* owner, net::detail::scheduler_operation* base, const error_code& ec, size_t n);

    callback on_ready_;
    void* owner_;
    int tag_;
    bool armed_ = false;  ///< false while start() runs: the reactor's speculative attempt must not complete it
};

/// A socket fresh from accept() or socket(2) is not a dup: closing it need not EPOLL_CTL_DEL it explicitly (close()
/// removes it from epoll by itself). Asio marks every socket it did not open itself as a possible dup.
void mark_not_dup(tcp_socket& s);

/// Tells Asio that `s` (opened with SOCK_NONBLOCK) is already non-blocking, so it never issues FIONBIO for it.
void mark_non_blocking(tcp_socket& s);

}  // namespace sy::forwarder
