#pragma once
// Socket options and descriptor set-up for both sides of every forwarded connection, with as few system calls as
// the kernel allows: a short connection's cost is mostly system calls (perf: 84% of the proxy's CPU in the kernel).
#include "base/duration.hpp"
#include "forwarder/net.hpp"

namespace sy::forwarder {

/// TCP_NODELAY, TCP_INQ (see relay.cpp), and TCP keep-alive probing after `keep_alive` idle, every `keep_alive` (Go's net.Dialer and
/// Traefik's tcpKeepAliveListener set idle and interval to the same period). A zero or negative period leaves
/// keep-alive off, as Go does for a negative KeepAlive. Errors are ignored: an option is an optimisation, and a
/// socket that was reset meanwhile fails on its next read anyway.
void tune_socket(int fd, duration keep_alive);
inline void tune_socket(tcp_socket& s, duration keep_alive) { tune_socket(s.native_handle(), keep_alive); }

/// The same options on a listening socket: Linux copies them to every socket accept() returns, so accepted
/// connections need no setsockopt of their own (four system calls saved per connection).
inline void tune_listener(tcp_acceptor& a, duration keep_alive) { tune_socket(a.native_handle(), keep_alive); }

/// Traefik's listener keep-alive period (tcpKeepAliveListener: 3 minutes).
inline constexpr duration listener_keep_alive = std::chrono::minutes(3);

/// An accepted socket: made non-blocking (our relay reads and writes directly), and told it is not a dup, so closing
/// it does not cost an explicit EPOLL_CTL_DEL (close() removes it from epoll by itself).
void adopt_accepted(tcp_socket& s);

/// Opens `s` as a non-blocking socket in one system call (socket(SOCK_NONBLOCK)), without Asio's later FIONBIO.
error_code open_nonblocking(tcp_socket& s, const tcp& protocol);

}  // namespace sy::forwarder
