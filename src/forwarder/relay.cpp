#include "forwarder/relay.hpp"

#include <sys/socket.h>

#include <array>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/write.hpp>

namespace sy::forwarder {

namespace {

bool would_block(const error_code& ec) { return ec == net::error::would_block || ec == net::error::try_again; }
bool closed_under_us(const error_code& ec) {
    return ec == net::error::operation_aborted || ec == net::error::bad_descriptor;
}

/// The two directions of one connection, as a plain callback state machine: one heap object and at most one
/// pending operation per direction. An earlier version ran each direction and the terminationDelay watchdog as
/// coroutines joined with awaitable_operators' `&&`; every operand became a co_spawned thread with its own
/// frames and cancellation state, about 9 KB per idle connection. This costs a few hundred bytes.
class relay_link {
public:
    relay_link(tcp_socket& client, tcp_socket& backend, duration termination_delay, buffer_pool& pool,
               std::span<telemetry::traffic_counters* const> counters, relay_result& result,
               net::any_completion_handler<void()> done)
        : sockets_{&client, &backend},
          linger_(client.get_executor()),
          termination_delay_(termination_delay),
          pool_(pool),
          counters_(counters),
          result_(result),
          done_(std::move(done)) {}

    void start() {
        pump(0);
        pump(1);
    }

private:
    // Direction d reads sockets_[d] and writes sockets_[1 - d]: 0 = client → backend (bytes_in), 1 = the reverse.
    tcp_socket& from(int d) { return *sockets_[d]; }
    tcp_socket& to(int d) { return *sockets_[1 - d]; }

    /// Reads what is there and writes it on; waits (holding no buffer) when nothing is there.
    void pump(int d) {
        for (;;) {
            auto buf = pool_.acquire();
            error_code ec;
            const size_t n = from(d).read_some(net::buffer(buf.data(), buf.size()), ec);
            if (would_block(ec)) {
                buf.release();  // idle: give the buffer back before sleeping
                wait_readable(d);
                return;
            }
            if (ec == net::error::eof) {
                error_code ignored;
                to(d).shutdown(tcp::socket::shutdown_send, ignored);  // propagate the half-close
                direction_done();
                return;
            }
            if (ec) {
                if (!closed_under_us(ec)) abort();
                direction_done();
                return;
            }
            // Write at once if the kernel takes it all (the usual case); wait only for the rest.
            size_t done = to(d).write_some(net::buffer(buf.data(), n), ec);
            if (ec && !would_block(ec)) {
                if (!closed_under_us(ec)) abort();
                direction_done();
                return;
            }
            if (ec) done = 0;
            if (done < n) {
                ++pending_;
                auto* data = buf.data();
                net::async_write(to(d), net::buffer(data + done, n - done),
                                 [this, d, n, buf = std::move(buf)](error_code wec, size_t) mutable {
                                     --pending_;
                                     buf.release();
                                     if (wec) {
                                         if (!closed_under_us(wec)) abort();
                                         direction_done();
                                         return;
                                     }
                                     moved(d, n);
                                     pump(d);
                                 });
                return;
            }
            moved(d, n);
            // A short read drained the socket: wait for readiness rather than spend a read on EAGAIN.
            if (n < buf.size()) {
                buf.release();
                wait_readable(d);
                return;
            }
        }
    }

    void wait_readable(int d) {
        ++pending_;
        from(d).async_wait(tcp::socket::wait_read, [this, d](error_code ec) {
            --pending_;
            if (ec) {
                direction_done();  // closed under us: the other direction, terminationDelay or shutdown
                return;
            }
            pump(d);
        });
    }

    void moved(int d, size_t n) {
        (d == 0 ? result_.bytes_in : result_.bytes_out) += n;
        for (auto* c : counters_) {
            if (c) (d == 0 ? c->bytes_in : c->bytes_out).fetch_add(n, std::memory_order_relaxed);
        }
    }

    /// A reset or a failed write: close both sides now; RST (SO_LINGER 0) tells each peer it was not a clean end.
    void abort() {
        result_.reset = true;
        for (tcp_socket* s : sockets_) {
            error_code ec;
            if (!s->is_open()) continue;
            s->set_option(net::socket_base::linger(true, 0), ec);
            s->close(ec);
        }
    }

    void direction_done() {
        if (--running_ == 1) {
            // Traefik: after the first side ends, the other gets terminationDelay (negative: no limit).
            if (termination_delay_ >= duration::zero()) {
                ++pending_;
                linger_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(termination_delay_));
                linger_.async_wait([this](error_code ec) {
                    --pending_;
                    if (!ec && running_ > 0) {
                        result_.cut = true;
                        error_code ignored;
                        sockets_[0]->close(ignored);
                        sockets_[1]->close(ignored);
                    }
                    finish_if_done();
                });
            }
            return;
        }
        linger_.cancel();
        finish_if_done();
    }

    /// Completes once both directions ended and no handler of ours is pending (they capture `this`).
    void finish_if_done() {
        if (running_ > 0 || pending_ > 0) return;
        auto done = std::move(done_);
        delete this;
        std::move(done)();
    }

    std::array<tcp_socket*, 2> sockets_;
    steady_timer linger_;
    duration termination_delay_;
    buffer_pool& pool_;
    std::span<telemetry::traffic_counters* const> counters_;
    relay_result& result_;
    net::any_completion_handler<void()> done_;
    int running_ = 2;
    int pending_ = 0;
};

}  // namespace

awaitable<relay_result> relay(tcp_socket& client, tcp_socket& backend, duration termination_delay, buffer_pool& pool,
                              std::span<telemetry::traffic_counters* const> counters) {
    relay_result result;
    co_await net::async_initiate<const net::use_awaitable_t<>&, void()>(
        [&](auto handler) {
            auto* link = new relay_link(client, backend, termination_delay, pool, counters, result,
                                        std::move(handler));
            link->start();
        },
        net::use_awaitable);
    co_return result;
}

}  // namespace sy::forwarder
