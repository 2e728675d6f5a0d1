#pragma once
// Waiting for bytes from a socket until a deadline, for the phases before the relay (PROXY header, ClientHello,
// a server-first client's silence): no Asio timer (a timerfd_settime each), no EPOLL_CTL_MOD, no coroutine pair
// raced with `||` (a heap allocation each): a readiness_wait and a coarse deadline, both embedded in the waiting
// coroutine's frame.
#include "forwarder/coarse_timer.hpp"
#include "forwarder/io_shortcuts.hpp"
#include "forwarder/net.hpp"

namespace sy::forwarder {

enum class wait_result {
    readable,   ///< bytes, FIN or an error are there: read to find out which
    timed_out,  ///< `due` passed first
    aborted,    ///< the socket was closed under the wait (shutdown)
};

/// Waits until `s` is readable or `due` passes. `s` must have been seen drained (a read returned EAGAIN just now):
/// see readiness_wait. `due` = time_point::max() waits without a limit.
awaitable<wait_result> readable_before(tcp_socket& s, io_reactor& reactor, coarse_timer& deadlines,
                                       coarse_timer::clock::time_point due);

/// Waits until `s` can take more bytes or `due` passes: a TLS handshake's flight that the socket did not take whole
/// (rare: a handshake is a few KB). Asio's wait, which re-arms the descriptor; `timed_out` cancels the socket's
/// operations, which only the handshake has at that point.
awaitable<wait_result> writable_before(tcp_socket& s, coarse_timer& deadlines, coarse_timer::clock::time_point due);

/// Which of two sockets became readable first (relay-first SMTP watches both ends before the relay).
enum class either_result {
    first,      ///< `a` is readable
    second,     ///< `b` is readable
    timed_out,  ///< `due` passed first
    aborted,    ///< a socket was closed under the wait (shutdown)
};

/// Waits until `a` or `b` is readable or `due` passes. Both must have been seen drained just now (see
/// readiness_wait). The other socket's wait is cancelled, so an edge on it may be lost: read both again (until
/// EAGAIN) before the next wait.
awaitable<either_result> either_readable_before(tcp_socket& a, tcp_socket& b, io_reactor& reactor,
                                                coarse_timer& deadlines, coarse_timer::clock::time_point due);

}  // namespace sy::forwarder
