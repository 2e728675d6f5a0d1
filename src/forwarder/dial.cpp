#include "forwarder/dial.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <variant>
#include <vector>

#include "forwarder/first_bytes.hpp"

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

}  // namespace

awaitable<dial_outcome> dial(tcp_socket& backend, const runtime::server_plan& server, duration timeout) {
    dial_outcome out;
    steady_timer timer(co_await net::this_coro::executor);
    timer.expires_at(deadline_after(timeout));
    auto endpoints = co_await resolve(server, timer, out.why);
    if (endpoints.empty()) {
        out.state = out.why.starts_with("timed out") ? dial_outcome::kind::timeout : dial_outcome::kind::failed;
        co_return out;
    }
    for (const auto& ep : endpoints) {
        error_code ec;
        if (backend.is_open()) backend.close(ec);
        backend.open(ep.protocol(), ec);
        if (ec) {
            out.why = ec.message();
            continue;
        }
        auto which = co_await (backend.async_connect(ep) || timer.async_wait());
        if (which.index() == 1) {
            backend.close(ec);
            out.state = dial_outcome::kind::timeout;
            out.why = "no answer within " + format_duration(timeout);
            co_return out;
        }
        if (auto [cec] = std::get<0>(which); cec) {
            out.why = cec.message();
            continue;
        }
        out.state = dial_outcome::kind::connected;
        out.why.clear();
        co_return out;
    }
    error_code ignored;
    backend.close(ignored);
    out.state = dial_outcome::kind::failed;
    co_return out;
}

}  // namespace sy::forwarder
