#pragma once
// Asio vocabulary for the forwarder: errors come back as values (as_tuple), never as exceptions on the data path.
// Asio 1.26 has no default `deferred` token and no cancel_after: the token below and timers raced with `||` stand in.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sy::forwarder {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

using default_token = net::as_tuple_t<net::use_awaitable_t<>>;
using tcp_socket = default_token::as_default_on_t<tcp::socket>;
using tcp_acceptor = default_token::as_default_on_t<tcp::acceptor>;
using steady_timer = default_token::as_default_on_t<net::steady_timer>;
using tcp_resolver = default_token::as_default_on_t<tcp::resolver>;

template <class T = void>
using awaitable = net::awaitable<T>;

}  // namespace sy::forwarder
