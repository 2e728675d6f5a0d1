#include "forwarder/relay.hpp"

#include <sys/socket.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

namespace sy::forwarder {

using namespace net::experimental::awaitable_operators;

namespace {

struct relay_state {
    tcp_socket& client;
    tcp_socket& backend;
    steady_timer linger;
    duration termination_delay;
    std::span<telemetry::traffic_counters* const> counters;
    int running = 2;
    relay_result result;

    /// A reset or a failed write: close both sides now; RST (SO_LINGER 0) tells each peer it was not a clean end.
    void abort() {
        result.reset = true;
        for (tcp_socket* s : {&client, &backend}) {
            error_code ec;
            if (!s->is_open()) continue;
            s->set_option(net::socket_base::linger(true, 0), ec);
            s->close(ec);
        }
    }

    void cut() {
        result.cut = true;
        error_code ec;
        client.close(ec);
        backend.close(ec);
    }

    void direction_done() {
        if (--running == 1) {
            // Traefik: after the first side ends, the other gets terminationDelay (negative: no limit).
            if (termination_delay >= duration::zero())
                linger.expires_after(std::chrono::duration_cast<clock_type::duration>(termination_delay));
        } else {
            linger.cancel();  // both done: let the watchdog leave
        }
    }
    using clock_type = std::chrono::steady_clock;
};

bool would_block(const error_code& ec) { return ec == net::error::would_block || ec == net::error::try_again; }

awaitable<void> pump(relay_state& st, tcp_socket& from, tcp_socket& to, bool inbound, buffer_pool& pool) {
    uint64_t& total = inbound ? st.result.bytes_in : st.result.bytes_out;
    for (;;) {
        auto buf = pool.acquire();
        error_code ec;
        const size_t n = from.read_some(net::buffer(buf.data(), buf.size()), ec);
        if (would_block(ec)) {
            // Nothing to read: give the buffer back before sleeping, so the idle connection holds none.
            buf.release();
            auto [wec] = co_await from.async_wait(tcp::socket::wait_read);
            if (wec) break;  // closed under us: the other direction, the watchdog or shutdown ended it
            continue;
        }
        if (ec == net::error::eof) {
            error_code ignored;
            to.shutdown(tcp::socket::shutdown_send, ignored);
            break;
        }
        if (ec) {
            if (ec != net::error::operation_aborted && ec != net::error::bad_descriptor) st.abort();
            break;
        }
        // Write at once if the kernel takes it all (the usual case); wait only for the rest.
        size_t done = to.write_some(net::buffer(buf.data(), n), ec);
        if (ec && !would_block(ec)) {
            if (ec != net::error::operation_aborted && ec != net::error::bad_descriptor) st.abort();
            break;
        }
        if (ec) done = 0;
        if (done < n) {
            auto [wec, written] =
                co_await net::async_write(to, net::buffer(buf.data() + done, n - done), net::as_tuple(net::use_awaitable));
            (void)written;
            if (wec) {
                if (wec != net::error::operation_aborted && wec != net::error::bad_descriptor) st.abort();
                break;
            }
        }
        total += n;
        for (auto* c : st.counters) {
            if (c) (inbound ? c->bytes_in : c->bytes_out).fetch_add(n, std::memory_order_relaxed);
        }
        // A short read drained the socket: wait for readiness before the next read instead of a wasted syscall.
        if (n < buf.size()) {
            buf.release();
            auto [wec] = co_await from.async_wait(tcp::socket::wait_read);
            if (wec) break;
        }
    }
    st.direction_done();
}

awaitable<void> watchdog(relay_state& st) {
    for (;;) {
        auto [ec] = co_await st.linger.async_wait();
        if (st.running == 0) co_return;
        if (!ec) {
            st.cut();  // terminationDelay ran out for the remaining direction
            co_return;
        }
        // operation_aborted: the expiry was moved (first direction ended); wait for the new one.
    }
}

}  // namespace

awaitable<relay_result> relay(tcp_socket& client, tcp_socket& backend, duration termination_delay, buffer_pool& pool,
                              std::span<telemetry::traffic_counters* const> counters) {
    relay_state st{client, backend, steady_timer(client.get_executor()), termination_delay, counters, 2, {}};
    st.linger.expires_at(relay_state::clock_type::time_point::max());
    co_await (pump(st, client, backend, true, pool) && pump(st, backend, client, false, pool) && watchdog(st));
    co_return st.result;
}

}  // namespace sy::forwarder
