#pragma once
// Socket options set on both sides of every forwarded connection.
#include "base/duration.hpp"
#include "forwarder/net.hpp"

namespace sy::forwarder {

/// TCP_NODELAY, and TCP keep-alive probing after `keep_alive` idle, every `keep_alive` (Go's net.Dialer and
/// Traefik's tcpKeepAliveListener set idle and interval to the same period). A zero or negative period leaves
/// keep-alive off, as Go does for a negative KeepAlive. Errors are ignored: an option is an optimisation, and a
/// socket that was reset meanwhile fails on its next read anyway.
void tune_socket(tcp_socket& s, duration keep_alive);

/// Traefik's listener keep-alive period (tcpKeepAliveListener: 3 minutes).
inline constexpr duration listener_keep_alive = std::chrono::minutes(3);

}  // namespace sy::forwarder
