#include "forwarder/first_bytes.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <variant>

#include "wire/client_hello.hpp"

namespace sy::forwarder {

using namespace net::experimental::awaitable_operators;

steady::time_point deadline_after(duration d) {
    if (d <= duration::zero()) return steady::time_point::max();
    return steady::now() + std::chrono::duration_cast<steady::duration>(d);
}

awaitable<read_outcome> read_more(tcp_socket& s, prefix& pre, buffer_pool& pool, steady::time_point deadline) {
    for (;;) {
        if (!pre.buffer) {
            pre.buffer = pool.acquire();
            pre.begin = pre.end = 0;
        }
        if (pre.end == pre.buffer.size()) co_return read_outcome::full;
        // Try first: the bytes are often there already (sent with the handshake's last ACK).
        error_code ec;
        const size_t n = s.read_some(net::buffer(pre.buffer.data() + pre.end, pre.buffer.size() - pre.end), ec);
        if (!ec) {
            pre.end += n;
            co_return read_outcome::data;
        }
        if (ec == net::error::eof) co_return read_outcome::eof;
        if (ec != net::error::would_block && ec != net::error::try_again) co_return read_outcome::error;
        pre.release_if_empty();
        if (steady::now() >= deadline) co_return read_outcome::timeout;
        steady_timer timer(s.get_executor());
        timer.expires_at(deadline);
        auto which = co_await (s.async_wait(tcp::socket::wait_read) || timer.async_wait());
        if (which.index() == 1) co_return read_outcome::timeout;
        if (auto [wait_ec] = std::get<0>(which); wait_ec) co_return read_outcome::error;
    }
}

namespace {

/// What a failed read means for a decision that is still open.
template <class Kind>
Kind failed(read_outcome r, Kind timeout, Kind closed, Kind malformed) {
    switch (r) {
    case read_outcome::timeout: return timeout;
    case read_outcome::full: return malformed;
    default: return closed;
    }
}

}  // namespace

awaitable<proxy_in> read_proxy_header(tcp_socket& s, prefix& pre, buffer_pool& pool, steady::time_point first_byte_by,
                                      steady::time_point deadline) {
    using k = proxy_in::kind;
    proxy_in out;
    if (pre.size() == 0) {
        auto r = co_await read_more(s, pre, pool, std::min(first_byte_by, deadline));
        if (r == read_outcome::timeout && first_byte_by < deadline) co_return out;  // silent: no header
        if (r != read_outcome::data) {
            out.state = failed(r, k::timeout, k::closed, k::malformed);
            co_return out;
        }
    }
    for (;;) {
        auto parsed = wire::parse_proxy_header(pre.bytes());
        using st = wire::proxy_header_result::status;
        switch (parsed.state) {
        case st::not_proxy: co_return out;
        case st::malformed:
            out.state = k::malformed;
            out.why = parsed.why;
            co_return out;
        case st::done:
            out.state = k::header;
            out.source = parsed.source;
            out.destination = parsed.destination;
            out.version = parsed.version;
            pre.consume(parsed.consumed);
            co_return out;
        case st::need_more: break;
        }
        auto r = co_await read_more(s, pre, pool, deadline);
        if (r != read_outcome::data) {
            out.state = failed(r, k::timeout, k::closed, k::malformed);
            if (r == read_outcome::full) out.why = "PROXY header longer than the read buffer";
            co_return out;
        }
    }
}

awaitable<hello> read_client_hello(tcp_socket& s, prefix& pre, buffer_pool& pool, steady::time_point first_byte_by,
                                   steady::time_point deadline) {
    using k = hello::kind;
    hello out;
    if (pre.size() == 0) {
        auto r = co_await read_more(s, pre, pool, std::min(first_byte_by, deadline));
        if (r == read_outcome::timeout && first_byte_by < deadline) {
            out.state = k::silent;
            co_return out;
        }
        if (r != read_outcome::data) {
            out.state = failed(r, k::timeout, k::closed, k::malformed);
            co_return out;
        }
    }
    for (;;) {
        auto parsed = wire::parse_client_hello(pre.bytes());
        using st = wire::client_hello_result::status;
        switch (parsed.state) {
        case st::not_tls: out.state = k::not_tls; co_return out;
        case st::malformed:
            out.state = k::malformed;
            out.why = std::move(parsed.why);
            co_return out;
        case st::done:
            out.state = k::tls;
            out.sni = std::move(parsed.sni);
            out.alpn = std::move(parsed.alpn);
            co_return out;
        case st::need_more: break;
        }
        auto r = co_await read_more(s, pre, pool, deadline);
        if (r != read_outcome::data) {
            out.state = failed(r, k::timeout, k::closed, k::malformed);
            if (r == read_outcome::full) out.why = "ClientHello larger than the read buffer";
            co_return out;
        }
    }
}

}  // namespace sy::forwarder
