#include "forwarder/relay.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace sy::forwarder {

namespace {

bool would_block(const error_code& ec) { return ec == net::error::would_block || ec == net::error::try_again; }
bool closed_under_us(const error_code& ec) {
    return ec == net::error::operation_aborted || ec == net::error::bad_descriptor;
}

/// recv(2) that also reports, through TCP_INQ (set on every relayed socket), how many bytes are still queued after
/// it, counting a received FIN as 1: `queued` = 0 means the socket is drained, and the relay can wait without the
/// epoll_ctl re-arm a plain short read would need. `queued` stays -1 when the kernel did not say.
size_t receive(int fd, std::byte* data, size_t size, int& queued, error_code& ec) {
    iovec iov{data, size};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(fd, &msg, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        ec = error_code(errno, boost::system::system_category());
        if (errno == EAGAIN) ec = net::error::would_block;
        return 0;
    }
    if (n == 0) {
        ec = net::error::eof;
        return 0;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) std::memcpy(&queued, CMSG_DATA(c), sizeof queued);
    }
    return static_cast<size_t>(n);
}

}  // namespace

void relay_link::start(tcp_socket& client, tcp_socket& backend, bool backend_untouched, duration termination_delay,
                       buffer_pool& pool, coarse_timer& deadlines, io_reactor& reactor,
                       const counter_set& counters, done_fn done, void* owner) {
    deadlines_ = &deadlines;
    reactor_ = &reactor;
    sockets_ = {&client, &backend};
    termination_delay_ = termination_delay;
    pool_ = &pool;
    counters_ = counters;
    done_ = done;
    owner_ = owner;
    // Each direction reads first: a wait without a system call is correct only on a socket seen drained, or on one
    // whose readiness nothing has consumed yet. No handoff from pump(0): start() goes on with the sockets after it
    // (pump(0) alone cannot end the relay); after pump(1) nothing is touched.
    auto* handoff = std::exchange(handoff_, nullptr);
    pump(0);
    handoff_ = handoff;
    if (!backend_untouched) {
        pump(1);  // its drained point offers the handoff itself
        return;
    }
    wait_readable(1);
    // pump(0) may have drained its socket with a handoff wanted (at_once): both directions now only wait.
    if (want_handoff_ && handoff_ && waiting_[0]) {
        handing_off_ = true;
        error_code ignored;
        sockets_[0]->cancel(ignored);
        sockets_[1]->cancel(ignored);
    }
}

// Direction d reads sockets_[d] and writes sockets_[1 - d]: 0 = client → backend (bytes_in), 1 = the reverse.
// Reads what is there and writes it on; waits (holding no buffer) when nothing is there.
void relay_link::pump(int d) {
    for (size_t turn = 0;;) {
        auto buf = pool_->acquire();
        error_code ec;
        int queued = -1;
        const size_t n = receive(from(d).native_handle(), buf.data(), buf.size(), queued, ec);
        if (would_block(ec)) {
            buf.release();  // idle: give the buffer back before sleeping
            if (want_handoff_ && try_handoff(d)) return;
            wait_readable(d);  // drained: EAGAIN
            return;
        }
        if (ec == net::error::eof) {
            direction_done(d, true);
            return;
        }
        if (ec) {
            if (!closed_under_us(ec)) abort();
            direction_done(d, false);
            return;
        }
        // Write at once if the kernel takes it all (the usual case); wait only for the rest.
        size_t done = to(d).write_some(net::buffer(buf.data(), n), ec);
        if (ec && !would_block(ec)) {
            if (!closed_under_us(ec)) abort();
            direction_done(d, false);
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
                                     direction_done(d, false);
                                     return;
                                 }
                                 moved(d, n);
                                 pump(d);
                             });
            return;
        }
        moved(d, n);
        turn += n;
        if (handoff_ && n == buf.size()) want_handoff_ = true;
        if (queued == 0) {
            // TCP_INQ says nothing is left, not even a FIN: any byte or FIN that comes later raises a new edge.
            buf.release();
            if (want_handoff_ && try_handoff(d)) return;
            wait_readable(d);
            return;
        }
        if (queued < 0 && n < buf.size()) {
            // No TCP_INQ answer (an old kernel): a short read emptied the queue, but a FIN may already be behind
            // it and raises no new edge; Asio's own wait re-arms the descriptor and cannot miss it.
            buf.release();
            if (want_handoff_ && try_handoff(d)) return;
            wait_rearmed(d);
            return;
        }
        // More is queued (or a FIN, which the next read returns as 0): read on, unless this turn is used up.
        if (turn >= bytes_per_turn) {
            buf.release();
            yield(d);
            return;
        }
    }
}

void relay_link::yield(int d) {
    ++pending_;
    net::post(from(d).get_executor(), [this, d] {
        --pending_;
        pump(d);  // a socket closed meanwhile fails its next read, which ends the direction as usual
    });
}

void relay_link::wait_readable(int d) {
    ++pending_;
    waiting_[d] = true;
    waits_[d].start(from(d), *reactor_);
}

void relay_link::wait_rearmed(int d) {
    ++pending_;
    waiting_[d] = true;
    from(d).async_wait(tcp::socket::wait_read, [this, d](error_code ec) { readable(this, d, ec); });
}

void relay_link::readable(void* self, int d, const error_code& ec) {
    auto* r = static_cast<relay_link*>(self);
    --r->pending_;
    r->waiting_[d] = false;
    if (r->handing_off_) {
        if (r->pending_ == 0) r->complete_handoff();
        return;
    }
    if (ec) {
        r->direction_done(d, false);  // closed under us: the other direction, terminationDelay or shutdown
        return;
    }
    r->pump(d);
}

/// Direction d has just drained its socket and holds no buffer. The handoff happens when the other direction has
/// only a readiness wait pending (it too waits on a drained socket; cancelled here, its completion finishes the
/// handoff) or nothing at all; a pending write or a yield means bytes in flight in user space: not now.
bool relay_link::try_handoff(int d) {
    if (!handoff_ || ended_[0] || ended_[1] || (pending_ > 0 && !waiting_[1 - d])) return false;
    handing_off_ = true;
    if (pending_ == 0) {
        complete_handoff();
        return true;
    }
    error_code ignored;
    from(1 - d).cancel(ignored);
    return true;
}

void relay_link::complete_handoff() {
    auto* handoff = handoff_;
    handoff_ = nullptr;  // asked once
    want_handoff_ = false;
    if (handoff(owner_, counters_, result_)) return;  // *this belongs to the splice's owner now: untouched
    handing_off_ = false;
    pump(0);  // reads first, so no edge consumed meanwhile is missed
    pump(1);
}

void relay_link::moved(int d, size_t n) {
    (d == 0 ? result_.bytes_in : result_.bytes_out) += n;
    for (auto* c : counters_) {
        if (c) telemetry::bump(d == 0 ? c->bytes_in : c->bytes_out, n);
    }
}

/// A reset or a failed write: close both sides now; RST (SO_LINGER 0) tells each peer it was not a clean end.
void relay_link::abort() {
    result_.reset = true;
    for (tcp_socket* s : sockets_) {
        error_code ec;
        if (!s->is_open()) continue;
        s->set_option(net::socket_base::linger(true, 0), ec);
        s->close(ec);
    }
}

void relay_link::direction_done(int d, bool eof) {
    ended_[d] = true;
    if (eof && !ended_[1 - d]) {
        // Propagate the half-close. When the other direction has already ended, both sockets are about to be
        // closed, and close() sends the FIN: a shutdown() there would be a system call for nothing.
        error_code ignored;
        to(d).shutdown(tcp::socket::shutdown_send, ignored);
    }
    if (--running_ == 1) {
        // Traefik: after the first side ends, the other gets terminationDelay (negative: no limit).
        if (termination_delay_ >= duration::zero()) {
            deadlines_->arm(linger_, wait_after(termination_delay_), &relay_link::linger_expired, this);
        }
        return;
    }
    linger_.disarm();
    finish_if_done();
}

void relay_link::linger_expired(void* self) {
    auto* r = static_cast<relay_link*>(self);
    if (r->running_ == 0) return;
    // The remaining direction had its terminationDelay: closing both sockets completes its pending wait, and the
    // relay finishes through the usual path.
    r->result_.cut = true;
    error_code ignored;
    r->sockets_[0]->close(ignored);
    r->sockets_[1]->close(ignored);
}

/// Completes once both directions ended and no handler of ours is pending (they capture `this`).
void relay_link::finish_if_done() {
    if (running_ > 0 || pending_ > 0) return;
    linger_.disarm();
    done_(owner_, result_);  // may destroy *this: nothing after this line
}

}  // namespace sy::forwarder
