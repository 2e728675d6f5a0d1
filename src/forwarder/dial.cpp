#include "forwarder/dial.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "forwarder/socket_options.hpp"

namespace sy::forwarder {

namespace {

/// connect(2) on a non-blocking socket, then a wait for writability: Asio's async_connect adds an ioctl and a
/// poll(2) to that. The timeout is a coarse deadline that cancels the wait, not a timer racing it.
awaitable<error_code> connect_within(tcp_socket& backend, const tcp::endpoint& ep, coarse_timer& deadlines,
                                     coarse_timer::clock::time_point due, bool& timed_out, bool& waited) {
    if (auto ec = open_nonblocking(backend, ep.protocol())) co_return ec;
    if (::connect(backend.native_handle(), ep.data(), static_cast<socklen_t>(ep.size())) == 0) co_return error_code{};
    if (errno != EINPROGRESS) co_return error_code(errno, boost::system::system_category());
    // To a backend on this host the kernel completes the handshake inside connect() (loopback delivers the SYN,
    // SYN-ACK and ACK before the call returns), so ask first: when it is done, the wait for writability, its
    // EPOLL_CTL_MOD and SO_ERROR are saved, and EPOLLOUT never gets registered (with it, every ACK that frees send
    // space would wake the event loop for nothing).
    sockaddr_storage peer{};
    socklen_t peer_size = sizeof peer;
    if (::getpeername(backend.native_handle(), reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0)
        co_return error_code{};
    waited = true;
    struct expiry {
        tcp_socket& backend;
        bool& timed_out;
        static void fire(void* self) {
            auto* e = static_cast<expiry*>(self);
            e->timed_out = true;
            error_code ignored;
            e->backend.cancel(ignored);
        }
    } on_expiry{backend, timed_out};
    coarse_timer::deadline deadline;  // disarms itself when this frame goes
    deadlines.arm(deadline, due, &expiry::fire, &on_expiry);
    auto [wec] = co_await backend.async_wait(tcp::socket::wait_write);
    if (timed_out) co_return net::error::timed_out;
    if (wec) co_return wec;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(backend.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    co_return error_code(err, boost::system::system_category());
}

}  // namespace

awaitable<dial_outcome> dial(tcp_socket& backend, const runtime::server_plan& server, coarse_timer::clock::time_point due,
                             duration timeout, coarse_timer& deadlines, name_cache& names) {
    dial_outcome out;
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    if (auto ip = net::ip::make_address(server.host, ec); !ec) {
        endpoints.emplace_back(ip, server.port);
    } else {
        auto found = co_await names.resolve(server.host, due);
        if (found.addresses.empty()) {
            out.state = found.timed_out ? dial_outcome::kind::timeout : dial_outcome::kind::failed;
            out.why = found.timed_out ? "no address for " + server.host + " within " + format_duration(timeout)
                                      : found.error;
            co_return out;
        }
        for (const auto& a : found.addresses) endpoints.emplace_back(a, server.port);
    }
    for (const auto& ep : endpoints) {
        if (backend.is_open()) backend.close(ec);
        bool timed_out = false;
        bool waited = false;
        ec = co_await connect_within(backend, ep, deadlines, due, timed_out, waited);
        if (timed_out) {
            backend.close(ec);
            out.state = dial_outcome::kind::timeout;
            out.why = "no answer within " + format_duration(timeout);
            co_return out;
        }
        if (ec) {
            out.why = ec.message();
            continue;
        }
        out.state = dial_outcome::kind::connected;
        out.without_waiting = !waited;
        out.why.clear();
        co_return out;
    }
    backend.close(ec);
    out.state = dial_outcome::kind::failed;
    co_return out;
}

}  // namespace sy::forwarder
