#include "forwarder/first_bytes.hpp"

#include "forwarder/readable_wait.hpp"

namespace sy::forwarder {

read_now_result read_now(tcp_socket& s, prefix& pre, buffer_pool& pool) {
    if (!pre.buffer) {
        pre.buffer = pool.acquire();
        pre.begin = pre.end = 0;
    }
    if (pre.end == pre.buffer.size()) return read_now_result::full;
    error_code ec;
    const size_t n = s.read_some(net::buffer(pre.buffer.data() + pre.end, pre.buffer.size() - pre.end), ec);
    if (!ec) {
        pre.end += n;
        return read_now_result::data;
    }
    if (ec == net::error::would_block || ec == net::error::try_again) return read_now_result::drained;
    return ec == net::error::eof ? read_now_result::eof : read_now_result::error;
}

awaitable<read_outcome> read_more(tcp_socket& s, prefix& pre, worker_context& w, time_point due) {
    for (;;) {
        // Try first: the bytes are often there already (sent with the handshake's last ACK).
        // Ifs, not a switch: g++ 12.2 built `switch (read_now(...)) { case ...: co_return ...; }` here into a frame
        // access that crashed (unit-forwarder's routing cases, SIGSEGV in read_more, every run; ifs: none).
        const auto got = read_now(s, pre, w.pool);
        if (got == read_now_result::data) co_return read_outcome::data;
        if (got == read_now_result::full) co_return read_outcome::full;
        if (got == read_now_result::eof) co_return read_outcome::eof;
        if (got == read_now_result::error) co_return read_outcome::error;
        pre.release_if_empty();
        // Drained just now (EAGAIN): the wait needs no re-arm.
        switch (co_await readable_before(s, w.reactor, w.deadlines, due)) {
        case wait_result::readable: break;
        case wait_result::timed_out: co_return read_outcome::timeout;
        case wait_result::aborted: co_return read_outcome::error;
        }
    }
}

namespace {

/// What a read that brought no data means while a parser still waits for bytes.
read_verdict verdict_of(read_outcome r) {
    switch (r) {
    case read_outcome::timeout: return read_verdict::timeout;
    case read_outcome::full: return read_verdict::too_large;
    default: return read_verdict::closed;
    }
}

/// The one read-and-parse loop for every parser of the wire stage (status need_more / done / not_* / malformed,
/// every answer but need_more final): reads until `parse` answers. A client silent until `first_byte_by` (when
/// that is before `due`) is `silent`, not an error.
template <class Result, class Parse>
awaitable<read_result<Result>> read_until_decided(tcp_socket& s, prefix& pre, worker_context& w,
                                                  time_point first_byte_by, time_point due, Parse parse) {
    read_result<Result> out;
    if (pre.size() == 0) {
        auto r = co_await read_more(s, pre, w, std::min(first_byte_by, due));
        if (r == read_outcome::timeout && first_byte_by < due) {
            out.verdict = read_verdict::silent;
            co_return out;
        }
        if (r != read_outcome::data) {
            out.verdict = verdict_of(r);
            co_return out;
        }
    }
    for (;;) {
        out.parsed = parse(pre.bytes());
        if (out.parsed.state != Result::status::need_more) co_return out;
        auto r = co_await read_more(s, pre, w, due);
        if (r != read_outcome::data) {
            out.verdict = verdict_of(r);
            co_return out;
        }
    }
}

}  // namespace

awaitable<read_result<wire::proxy_header_result>> read_proxy_header(tcp_socket& s, prefix& pre, worker_context& w,
                                                                    time_point first_byte_by, time_point due) {
    auto out = co_await read_until_decided<wire::proxy_header_result>(
        s, pre, w, first_byte_by, due, [](std::span<const std::byte> b) { return wire::parse_proxy_header(b); });
    if (out.verdict == read_verdict::decided && out.parsed.state == wire::proxy_header_result::status::done)
        pre.consume(out.parsed.consumed);
    co_return out;
}

awaitable<read_result<wire::client_hello_result>> read_client_hello(tcp_socket& s, prefix& pre, worker_context& w,
                                                                    time_point first_byte_by, time_point due) {
    co_return co_await read_until_decided<wire::client_hello_result>(
        s, pre, w, first_byte_by, due, [](std::span<const std::byte> b) { return wire::parse_client_hello(b); });
}

}  // namespace sy::forwarder
