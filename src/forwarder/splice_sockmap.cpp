#include "forwarder/splice_sockmap.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "forwarder/connection.hpp"
#include "forwarder/tcp_counts.hpp"

namespace sy::forwarder {

result<data_path_choice> choose_data_path(const std::string& wanted, uint32_t capacity) {
    data_path_choice out;
    if (wanted == "copy") {
        out.summary = "copy (core.dataPath=copy)";
        return out;
    }
    auto maps = load_sockmap(capacity);
    if (!maps) {
        const std::string why = "BPF sockmap unavailable: " + maps.error().what;
        if (wanted == "sockmap") return diagnostic{"core.dataPath", "sockmap: " + why};
        out.summary = "copy (" + why + ")";
        return out;
    }
    out.sockmap = true;
    out.maps = *maps;
    out.summary = "sockmap (BPF sk_skb redirect; the copying relay for what is not spliced)";
    return out;
}

namespace {

/// The two directions of a connection relayed by the kernel; on the heap from the switch to its end, owned by
/// itself. Direction d carries the bytes received on fds_[d] to fds_[1 - d]: 0 = client → backend (bytes_in).
class splice_link {
public:
    splice_link(connection& c, const relay_link::counter_set& counters, const relay_result& moved,
                const tcp_counts (&at_switch)[2])
        : c_(c), counters_(counters), result_(moved), fds_{c.client.native_handle(), c.backend.native_handle()} {
        for (int d = 0; d < 2; ++d) {
            consumed_[d] = at_switch[d].received - at_switch[d].queued;  // what is queued, the kernel now carries
            written_[d] = at_switch[d].written;
        }
    }

    /// An edge on fds_[side]: its peer's FIN, a reset, or an error.
    void on_event(int side, uint32_t events) {
        if (finished_) return;  // ended earlier in the same batch of events; deleted after it
        if (events & EPOLLERR) {
            finish(true, false);
            return;
        }
        if ((events & (EPOLLRDHUP | EPOLLHUP)) && !fin_[side]) {
            fin_[side] = true;
            propagate_fin(side);
        }
    }

    /// tracked_connection::close_spliced: a ban or shutdown closes the connection.
    static void close_from_outside(void* self) {
        auto* s = static_cast<splice_link*>(self);
        if (!s->finished_) s->finish(false, true);
    }

    /// Ends the connection with a reset, as a failed write ends the copying relay.
    void reset_now() {
        if (!finished_) finish(true, false);
    }

private:
    /// Bytes received on fds_[d] since the switch (the ones queued at the switch included), from its counts now.
    uint64_t received(int d, const tcp_counts& now) const {
        uint64_t r = now.received;
        // The FIN took a sequence number; once both sides have closed, the socket's state no longer shows it.
        if (fin_[d] && !now.fin && r > consumed_[d]) --r;
        return r - consumed_[d];
    }

    uint64_t received(int d) const {
        tcp_counts now;
        return read_tcp_counts(fds_[d], now) ? received(d, now) : 0;
    }

    /// Whether every byte received on fds_[d] before its FIN sits in fds_[1 - d]'s send queue (or was acknowledged).
    /// Redirected skbs are sent on the other socket by a kernel work item, after the FIN has been seen here: shutting
    /// its sending half before that would lose them.
    bool drained(int d) {
        tcp_counts src, dst;
        if (!read_tcp_counts(fds_[d], src) || !read_tcp_counts(fds_[1 - d], dst)) return true;  // closed: nothing to wait for
        moved_[d] = received(d, src);
        return dst.written - written_[1 - d] >= moved_[d];
    }

    void propagate_fin(int d) {
        if (!drained(d)) {
            // Rechecked at the coarse timer's grain, backing off to a second: a peer that stops reading holds the
            // FIN back, as a pending write holds it in the copying relay.
            const auto wait = std::chrono::milliseconds(std::min<uint32_t>(1000, 1u << std::min<uint32_t>(retries_[d]++, 10)));
            c_.w.deadlines.arm(drain_[d], wait_after(wait), d == 0 ? &splice_link::recheck<0> : &splice_link::recheck<1>,
                               this);
            return;
        }
        // As the copying relay: once the other direction has ended too, close() sends the FIN.
        if (!ended_[1 - d]) ::shutdown(fds_[1 - d], SHUT_WR);
        direction_done(d);
    }

    template <int D>
    static void recheck(void* self) {
        auto* s = static_cast<splice_link*>(self);
        if (!s->finished_) s->propagate_fin(D);
    }

    void count(int d) {
        for (auto* c : counters_)
            if (c) telemetry::bump(d == 0 ? c->bytes_in : c->bytes_out, moved_[d]);
        (d == 0 ? result_.bytes_in : result_.bytes_out) += moved_[d];
    }

    void direction_done(int d) {
        ended_[d] = true;
        count(d);
        if (--running_ == 1) {
            // Traefik: after the first side ends, the other gets terminationDelay (negative: no limit).
            const duration delay = c_.leaf->termination_delay;
            if (delay >= duration::zero())
                c_.w.deadlines.arm(linger_, wait_after(delay), &splice_link::linger_expired, this);
            return;
        }
        finish(false, false);
    }

    static void linger_expired(void* self) {
        auto* s = static_cast<splice_link*>(self);
        if (!s->finished_) s->finish(false, true);
    }

    /// Closes both sockets (with RST after a reset, as the copying relay) and completes the connection after the
    /// current batch of events (which may still name this splice).
    void finish(bool reset, bool cut) {
        finished_ = true;
        linger_.disarm();
        drain_[0].disarm();
        drain_[1].disarm();
        for (int d = 0; d < 2; ++d) {
            if (ended_[d]) continue;
            moved_[d] = received(d);
            count(d);
        }
        result_.reset = result_.reset || reset;
        result_.cut = result_.cut || cut;
        c_.track.close_spliced = nullptr;
        c_.track.splice = nullptr;
        for (int fd : fds_) {
            if (reset) {
                const linger off{1, 0};
                ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof off);
            }
            ::close(fd);  // leaves both socket hashes and the epoll set by itself
        }
        net::post(c_.w.context, [this] {
            connection* c = &c_;
            const relay_result r = result_;
            delete this;
            connection::relay_done(c, r);
        });
    }

    connection& c_;
    relay_link::counter_set counters_;
    relay_result result_;
    int fds_[2];
    uint64_t consumed_[2]{};  ///< per socket: bytes received and read by the worker before the switch
    uint64_t written_[2]{};   ///< per socket: bytes written to it before the switch
    uint64_t moved_[2]{};     ///< per direction: bytes it moved since the switch
    uint32_t retries_[2]{};
    bool fin_[2]{};
    bool ended_[2]{};
    int running_ = 2;
    bool finished_ = false;
    coarse_timer::deadline linger_;
    coarse_timer::deadline drain_[2];
};

/// A splice and one of its sides in an epoll tag: splice_link is aligned, so its lowest bit is free.
uint64_t tag_of(splice_link* s, int side) { return reinterpret_cast<uintptr_t>(s) | static_cast<uintptr_t>(side); }

}  // namespace

splice_watch::splice_watch(net::io_context& io, const sockmap_maps& maps, bool immediate)
    : maps_(maps), immediate_(immediate), epoll_(io) {
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("sockmap data path: epoll_create1: ") + std::strerror(errno));
    epoll_.assign(fd);
    wait();
}

splice_watch::~splice_watch() = default;

void splice_watch::close() {
    error_code ignored;
    epoll_.close(ignored);
}

bool splice_watch::watch(int fd, uint64_t tag) {
    epoll_event ev{};
    ev.events = EPOLLRDHUP | EPOLLET;  // EPOLLERR and EPOLLHUP are always reported
    ev.data.u64 = tag;
    return ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

void splice_watch::wait() {
    epoll_.async_wait(net::posix::descriptor_base::wait_read, [this](error_code ec) {
        if (ec) return;  // closed: the worker stops
        dispatch();
        wait();
    });
}

void splice_watch::dispatch() {
    epoll_event events[64];
    for (;;) {
        const int n = ::epoll_wait(epoll_.native_handle(), events, 64, 0);
        for (int i = 0; i < n; ++i) {
            const uint64_t tag = events[i].data.u64;
            reinterpret_cast<splice_link*>(static_cast<uintptr_t>(tag & ~uint64_t{1}))
                ->on_event(static_cast<int>(tag & 1), events[i].events);
        }
        if (n < 64) return;
    }
}

bool start_splice(connection& c, const relay_link::counter_set& counters, const relay_result& moved, bool drained) {
    splice_watch* watch = c.w.splice;
    if (!watch) return false;
    const int fds[2] = {c.client.native_handle(), c.backend.native_handle()};
    tcp_counts at_switch[2];
    if (!read_tcp_counts(fds[0], at_switch[0]) || !read_tcp_counts(fds[1], at_switch[1])) return false;
    // Bytes queued now may be the rest of an skb a phase read in part; after the relay's drain they are whole skbs
    // that arrived since.
    if (!drained && (at_switch[0].queued > 0 || at_switch[1].queued > 0)) return false;
    if (auto spliced = splice_pair(watch->maps(), fds[0], fds[1]); !spliced) {
        spdlog::debug("entryPoint \"{}\": connection from {} relayed by copying: {}", c.l.name,
                      format_endpoint(c.source), spliced.error().what);
        return false;
    }
    auto* link = new splice_link(c, counters, moved, at_switch);
    if (spdlog::should_log(spdlog::level::debug))
        spdlog::debug("entryPoint \"{}\": connection from {} spliced after {} bytes in, {} bytes out", c.l.name,
                      format_endpoint(c.source), moved.bytes_in + c.first_bytes, moved.bytes_out);
    // Out of Asio's epoll set (which the kernel would wake for every redirected skb) into the worker's own, which
    // reports only the ends. A FIN already received is reported at once by EPOLL_CTL_ADD.
    error_code ignored;
    c.client.release(ignored);
    c.backend.release(ignored);
    c.track.close_spliced = &splice_link::close_from_outside;
    c.track.splice = link;
    bool watched = true;
    for (int side = 0; side < 2; ++side) watched = watch->watch(fds[side], tag_of(link, side)) && watched;
    if (!watched) {
        // Without the watch nothing would notice the end (ENOMEM): end it now, as a failed write would.
        spdlog::warn("entryPoint \"{}\": connection from {} reset: cannot watch its spliced sockets: {}", c.l.name,
                     format_endpoint(c.source), std::strerror(errno));
        link->reset_now();
        return true;
    }
    // Bytes that arrived before the sockets joined the hashes sit in their receive queues, and the verdict runs
    // only when the next skb arrives. Setting SO_RCVLOWAT runs the socket's data_ready callback at once
    // (tcp_set_rcvlowat), which is now the verdict: those bytes are redirected first, in order.
    const int one = 1;
    for (int fd : fds) ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof one);
    return true;
}

bool splice_handoff(void* owner, const relay_link::counter_set& counters, const relay_result& so_far) {
    return start_splice(*static_cast<connection*>(owner), counters, so_far, true);
}

}  // namespace sy::forwarder
