#include "forwarder/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "forwarder/asio_access.hpp"

namespace sy::forwarder {

namespace {

namespace ops = net::detail::socket_ops;

ops::state_type& state(tcp_socket& s) { return detail::socket_access::impl(s).state_; }

}  // namespace

void tune_socket(int fd, duration keep_alive) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    // The relay reads with TCP_INQ's answer to know when a socket is drained (relay.cpp: receive()).
    ::setsockopt(fd, IPPROTO_TCP, TCP_INQ, &on, sizeof on);
    if (keep_alive <= duration::zero()) return;
    const int secs = static_cast<int>(
        std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(keep_alive).count()));
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &secs, sizeof secs);
}

void adopt_accepted(tcp_socket& s) {
    error_code ec;
    s.non_blocking(true, ec);  // Asio's accept() is not accept4(): one FIONBIO is unavoidable here
    // Asio marks every socket it did not open itself as a possible dup and then removes it from epoll explicitly on
    // close; a socket fresh from accept() is no dup.
    state(s) &= static_cast<ops::state_type>(~ops::possible_dup);
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
    auto& flags = state(s);
    flags &= static_cast<ops::state_type>(~ops::possible_dup);
    flags |= ops::user_set_non_blocking | ops::internal_non_blocking;
    return {};
}

}  // namespace sy::forwarder
