#include "forwarder/write_text.hpp"

#include <boost/asio/write.hpp>

namespace sy::forwarder {

awaitable<bool> write_text(tcp_socket& s, std::string_view bytes) {
    auto [ec, n] = co_await net::async_write(s, net::buffer(bytes.data(), bytes.size()),
                                             net::as_tuple(net::use_awaitable));
    (void)n;
    co_return !ec;
}

}  // namespace sy::forwarder
