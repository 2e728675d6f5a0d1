#include "forwarder/tls_relay.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/post.hpp>

namespace sy::forwarder {

namespace {

bool would_block(const error_code& ec) { return ec == net::error::would_block || ec == net::error::try_again; }
bool closed_under_us(const error_code& ec) {
    return ec == net::error::operation_aborted || ec == net::error::bad_descriptor;
}

}  // namespace

void tls_relay::start(tcp_socket& client, SSL* client_ssl, tcp_socket& backend, SSL* backend_ssl,
                      duration termination_delay, buffer_pool& pool, coarse_timer& deadlines, io_reactor& reactor,
                      const relay_link::counter_set& counters, relay_link::done_fn done, void* owner) {
    sides_ = {side{&client, client_ssl}, side{&backend, backend_ssl}};
    termination_delay_ = termination_delay;
    pool_ = &pool;
    deadlines_ = &deadlines;
    reactor_ = &reactor;
    counters_ = counters;
    done_ = done;
    owner_ = owner;
    pump(0);
    pump(1);
}

tls_relay::io tls_relay::read(int d, std::byte* out, size_t size, size_t& n) {
    side& s = sides_[d];
    n = 0;
    if (!s.ssl) {
        error_code ec;
        n = s.socket->read_some(net::buffer(out, size), ec);
        if (!ec) return io::done;
        if (would_block(ec)) return io::want_read;
        if (ec == net::error::eof) return io::eof;
        return closed_under_us(ec) ? io::closed : io::failed;
    }
    if (SSL_read_ex(s.ssl, out, size, &n) == 1) return io::done;
    switch (SSL_get_error(s.ssl, 0)) {
    case SSL_ERROR_WANT_READ: return io::want_read;  // the BIO saw EAGAIN: the socket is drained
    case SSL_ERROR_WANT_WRITE: return io::want_write;
    case SSL_ERROR_ZERO_RETURN: return io::eof;  // close_notify, or a plain FIN (SSL_OP_IGNORE_UNEXPECTED_EOF)
    default: ERR_clear_error(); return s.socket->is_open() ? io::failed : io::closed;
    }
}

tls_relay::io tls_relay::write(int d, size_t& n) {
    side& s = sides_[1 - d];
    direction& dir = dirs_[d];
    const auto* data = dir.buf.data() + dir.begin;
    const size_t size = dir.end - dir.begin;
    n = 0;
    if (!s.ssl) {
        error_code ec;
        n = s.socket->write_some(net::buffer(data, size), ec);
        if (!ec) return io::done;
        if (would_block(ec)) return io::want_write;
        return closed_under_us(ec) ? io::closed : io::failed;
    }
    // After a WANT_*, the same bytes are offered again (OpenSSL's retry rule); partial writes are allowed.
    if (SSL_write_ex(s.ssl, data, size, &n) == 1) return io::done;
    switch (SSL_get_error(s.ssl, 0)) {
    case SSL_ERROR_WANT_WRITE: return io::want_write;
    case SSL_ERROR_WANT_READ: return io::want_read;
    default: ERR_clear_error(); return s.socket->is_open() ? io::failed : io::closed;
    }
}

void tls_relay::pump(int d) {
    for (size_t turn = 0;;) {
        direction& dir = dirs_[d];
        dir.buf = pool_->acquire();
        size_t n = 0;
        const io r = read(d, dir.buf.data(), dir.buf.size(), n);
        if (r != io::done) {
            dir.buf.release();  // idle: no buffer while waiting
            switch (r) {
            case io::want_read:
                ++pending_;
                waits_[d].start(*sides_[d].socket, *reactor_);
                return;
            case io::want_write: wait(d, d, true, false); return;
            case io::eof: direction_done(d, true); return;
            case io::failed: abort(); [[fallthrough]];
            default: direction_done(d, false); return;
            }
        }
        dir.begin = 0;
        dir.end = n;
        if (!flush(d)) return;
        turn += n;
        if (turn >= relay_link::bytes_per_turn) {
            yield(d);
            return;
        }
    }
}

bool tls_relay::flush(int d) {
    direction& dir = dirs_[d];
    while (dir.begin < dir.end) {
        size_t n = 0;
        const io r = write(d, n);
        dir.begin += n;
        moved(d, n);
        if (r == io::done) continue;
        if (r == io::want_write || r == io::want_read) {
            wait(d, 1 - d, r == io::want_write, true);
            return false;
        }
        dir.buf.release();
        if (r == io::failed) abort();
        direction_done(d, false);
        return false;
    }
    dir.buf.release();
    return true;
}

/// Asio's wait, which re-arms the descriptor: for a destination slower than its source, and for the rare case
/// that OpenSSL must write while reading or read while writing. Direction d resumes with a flush or a read.
void tls_relay::wait(int d, int s, bool for_write, bool then_flush) {
    ++pending_;
    sides_[s].socket->async_wait(for_write ? tcp::socket::wait_write : tcp::socket::wait_read,
                                 [this, d, then_flush](error_code ec) {
                                     --pending_;
                                     if (ec) {
                                         dirs_[d].buf.release();
                                         direction_done(d, false);  // closed under us
                                         return;
                                     }
                                     if (!then_flush)
                                         pump(d);
                                     else if (flush(d))
                                         pump(d);
                                 });
}

void tls_relay::readable(void* self, int d, const error_code& ec) {
    auto* r = static_cast<tls_relay*>(self);
    --r->pending_;
    if (ec) {
        r->direction_done(d, false);  // closed under us: the other direction, terminationDelay or shutdown
        return;
    }
    r->pump(d);
}

void tls_relay::yield(int d) {
    ++pending_;
    net::post(sides_[d].socket->get_executor(), [this, d] {
        --pending_;
        pump(d);  // a socket closed meanwhile fails its next read, which ends the direction as usual
    });
}

void tls_relay::moved(int d, size_t n) {
    if (n == 0) return;
    (d == 0 ? result_.bytes_in : result_.bytes_out) += n;
    for (auto* c : counters_) {
        if (c) telemetry::bump(d == 0 ? c->bytes_in : c->bytes_out, n);
    }
}

void tls_relay::abort() {
    result_.reset = true;
    for (auto& s : sides_) {
        error_code ec;
        if (!s.socket->is_open()) continue;
        s.socket->set_option(net::socket_base::linger(true, 0), ec);
        s.socket->close(ec);
    }
}

void tls_relay::direction_done(int d, bool eof) {
    ended_[d] = true;
    if (eof && !ended_[1 - d]) {
        side& to = sides_[1 - d];
        // close_notify first toward a TLS side; best effort: a peer too slow to take it now still gets the FIN.
        if (to.ssl && SSL_shutdown(to.ssl) < 0) ERR_clear_error();
        error_code ignored;
        to.socket->shutdown(tcp::socket::shutdown_send, ignored);
    }
    if (--running_ == 1) {
        if (termination_delay_ >= duration::zero())
            deadlines_->arm(linger_, wait_after(termination_delay_), &tls_relay::linger_expired, this);
        return;
    }
    linger_.disarm();
    finish_if_done();
}

void tls_relay::linger_expired(void* self) {
    auto* r = static_cast<tls_relay*>(self);
    if (r->running_ == 0) return;
    r->result_.cut = true;
    error_code ignored;
    for (auto& s : r->sides_) s.socket->close(ignored);
}

void tls_relay::finish_if_done() {
    if (running_ > 0 || pending_ > 0) return;
    linger_.disarm();
    done_(owner_, result_);  // may destroy *this: nothing after this line
}

}  // namespace sy::forwarder
