#include "forwarder/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>

namespace sy::forwarder {

void tune_socket(tcp_socket& s, duration keep_alive) {
    error_code ec;
    s.set_option(tcp::no_delay(true), ec);
    if (keep_alive <= duration::zero()) return;
    const int fd = s.native_handle();
    const int on = 1;
    const int secs = static_cast<int>(
        std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(keep_alive).count()));
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &secs, sizeof secs);
}

}  // namespace sy::forwarder
