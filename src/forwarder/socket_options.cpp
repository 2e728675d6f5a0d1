#include "forwarder/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "base/tcp_keepalive.hpp"
#include "forwarder/io_shortcuts.hpp"

namespace sy::forwarder {

void tune_socket(int fd, duration keep_alive) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    // The relay reads with TCP_INQ's answer to know when a socket is drained (relay.cpp: receive()).
    ::setsockopt(fd, IPPROTO_TCP, TCP_INQ, &on, sizeof on);
    if (keep_alive <= duration::zero()) return;
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(keep_alive);
    set_tcp_keep_alive(fd, secs, secs);  // probes: the kernel's 9, as Go's
}

void adopt_accepted(tcp_socket& s) {
    error_code ec;
    s.non_blocking(true, ec);  // Asio's accept() is not accept4(): one FIONBIO is unavoidable here
    mark_not_dup(s);
}

error_code open_nonblocking(tcp_socket& s, const tcp& protocol) {
    const int fd = ::socket(protocol.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) return {errno, boost::system::system_category()};
    error_code ec;
    s.assign(protocol, fd, ec);
    if (ec) {
        ::close(fd);
        return ec;
    }
    mark_not_dup(s);
    mark_non_blocking(s);
    return {};
}

}  // namespace sy::forwarder
