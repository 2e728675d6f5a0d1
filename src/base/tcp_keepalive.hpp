#pragma once
// TCP keep-alive with explicit timings: the kernel's defaults (first probe after 2 h idle) notice a vanished peer
// only after 2 h 11 min. Shared by the forwarder's backend sockets and the Docker engine client.
#include <chrono>

namespace sy {

/// Go's net.Dialer keep-alive, which Traefik uses for everything it dials (KeepAliveConfig defaults since Go 1.23:
/// idle 15 s, interval 15 s, 9 probes): a peer that vanished is noticed within 15 s + 9 x 15 s = 2.5 min.
inline constexpr std::chrono::seconds go_keep_alive{15};
inline constexpr int go_keep_alive_probes = 9;

/// SO_KEEPALIVE on `fd` with TCP_KEEPIDLE `idle`, TCP_KEEPINTVL `interval` (whole seconds, at least 1) and, when
/// `probes` > 0, TCP_KEEPCNT. Best effort: a socket that refuses an option keeps the kernel's value for it.
void set_tcp_keep_alive(int fd, std::chrono::seconds idle, std::chrono::seconds interval, int probes = 0);

}  // namespace sy
