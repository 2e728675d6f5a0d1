#include "forwarder/dial.hpp"

#include <sys/socket.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cerrno>
#include <variant>
#include <vector>

#include "forwarder/first_bytes.hpp"
#include "forwarder/socket_options.hpp"

namespace sy::forwarder {

using namespace net::experimental::awaitable_operators;

namespace {

awaitable<std::vector<tcp::endpoint>> resolve(const runtime::server_plan& server, steady_timer& timer,
                                              std::string& why) {
    std::vector<tcp::endpoint> out;
    error_code ec;
    auto ip = net::ip::make_address(server.host, ec);
    if (!ec) {
        out.emplace_back(ip, server.port);
        co_return out;
    }
    tcp_resolver resolver(co_await net::this_coro::executor);
    auto which = co_await (resolver.async_resolve(server.host, std::to_string(server.port)) || timer.async_wait());
    if (which.index() == 1) {
        why = "timed out resolving " + server.host;
        co_return out;
    }
    auto [rec, results] = std::get<0>(std::move(which));
    if (rec) {
        why = "cannot resolve " + server.host + ": " + rec.message();
        co_return out;
    }
    for (const auto& r : results) out.push_back(r.endpoint());
    if (out.empty()) why = "no address for " + server.host;
    co_return out;
}

/// connect(2) on a non-blocking socket, then a wait for writability: Asio's async_connect adds an ioctl and a
/// poll(2) to that. The timeout is a coarse deadline that closes the wait, not a timer racing it.
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
    coarse_timer::entry deadline;
    if (due != coarse_timer::clock::time_point::max()) deadlines.arm(deadline, due, &expiry::fire, &on_expiry);
    auto [wec] = co_await backend.async_wait(tcp::socket::wait_write);
    deadlines.disarm(deadline);  // before this frame (and the entry in it) goes
    if (timed_out) co_return net::error::timed_out;
    if (wec) co_return wec;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(backend.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    co_return error_code(err, boost::system::system_category());
}

}  // namespace

awaitable<dial_outcome> dial(tcp_socket& backend, const runtime::server_plan& server, duration timeout,
                             coarse_timer& deadlines) {
    dial_outcome out;
    const auto due = deadline_after(timeout);
    steady_timer timer(co_await net::this_coro::executor);  // only a name to resolve waits on it
    timer.expires_at(due);
    auto endpoints = co_await resolve(server, timer, out.why);
    if (endpoints.empty()) {
        out.state = out.why.starts_with("timed out") ? dial_outcome::kind::timeout : dial_outcome::kind::failed;
        co_return out;
    }
    for (const auto& ep : endpoints) {
        error_code ec;
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
    error_code ignored;
    backend.close(ignored);
    out.state = dial_outcome::kind::failed;
    co_return out;
}

}  // namespace sy::forwarder
