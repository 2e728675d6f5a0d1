#include "forwarder/worker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "forwarder/session.hpp"
#include "forwarder/socket_options.hpp"

namespace sy::forwarder {

void shared_state::connection_ended() {
    if (live.fetch_sub(1, std::memory_order_acq_rel) == 1 && stopping.load(std::memory_order_acquire)) {
        std::lock_guard lock(mutex);
        idle.notify_all();
    }
}

worker::worker(shared_state& shared) : shared_(shared), guard_(context_.get_executor()) {
    connections_.prev = connections_.next = &connections_;
}

worker::~worker() { join(); }

void worker::add_listener(const std::string& name, const config::entry_point& ep, const tcp::endpoint& where,
                          bool dual_stack, telemetry::traffic_counters* counters,
                          telemetry::refusal_counters* refusals) {
    auto l = std::make_unique<listener>(listener{name, &ep, tcp_acceptor(context_), counters, refusals, nullptr});
    auto fail = [&](const char* step, const error_code& ec) {
        throw std::runtime_error("entryPoint \"" + name + "\": cannot listen on \"" + ep.address + "\" (" + step +
                                 "): " + ec.message());
    };
    error_code ec;
    l->acceptor.open(where.protocol(), ec);
    if (ec) fail("socket", ec);
    if (where.address().is_v6()) l->acceptor.set_option(net::ip::v6_only(!dual_stack), ec);
    l->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    // One acceptor per worker on the same port: the kernel spreads new connections across them.
    l->acceptor.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    if (ec) fail("SO_REUSEPORT", ec);
    l->acceptor.bind(where, ec);
    if (ec) fail("bind", ec);
    tune_listener(l->acceptor, listener_keep_alive);  // inherited by every accepted socket
    l->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen", ec);
    listeners_.push_back(std::move(l));
}

void worker::start() {
    for (auto& l : listeners_) net::co_spawn(context_, accept_loop(*l), net::detached);
    thread_ = std::thread([this] { context_.run(); });
}

void worker::publish(std::shared_ptr<const runtime::snapshot> snap) {
    net::post(context_, [this, snap = std::move(snap)]() mutable { apply(std::move(snap)); });
}

void worker::apply(std::shared_ptr<const runtime::snapshot> snap) {
    snapshot_ = std::move(snap);
    for (auto& l : listeners_) {
        l->table = nullptr;
        if (!snapshot_) continue;
        auto it = snapshot_->entry_points.find(l->name);
        if (it != snapshot_->entry_points.end()) l->table = &it->second;
    }
    shared_.applied.fetch_add(1, std::memory_order_release);
}

void worker::stop_accepting(std::string entry_point) {
    net::post(context_, [this, entry_point = std::move(entry_point)] {
        for (auto& l : listeners_) {
            if (!entry_point.empty() && l->name != entry_point) continue;
            error_code ec;
            l->acceptor.close(ec);
        }
    });
}

void worker::close_connections() {
    net::post(context_, [this] {
        // Closing makes every pending operation of the connection complete with operation_aborted; each
        // connection then ends and unlinks itself.
        for (auto* c = connections_.next; c != &connections_; c = c->next) {
            error_code ec;
            if (c->client) c->client->close(ec);
            if (c->backend) c->backend->close(ec);
        }
    });
}

void worker::join() {
    guard_.reset();
    if (thread_.joinable()) thread_.join();
}

void worker::track(tracked_connection& c) {
    c.prev = connections_.prev;
    c.next = &connections_;
    connections_.prev->next = &c;
    connections_.prev = &c;
}

void worker::untrack(tracked_connection& c) {
    c.prev->next = c.next;
    c.next->prev = c.prev;
    c.prev = c.next = nullptr;
}

namespace {

bool out_of_descriptors(const error_code& ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space || ec == net::error::no_memory ||
           ec.value() == ENFILE;
}

// Around the limit, accepts succeed and fail by turns (each connection that ends frees a descriptor that the next
// pending one takes): running out ends only after this long without a failed accept, so a user reads one
// "cannot accept" line and one "accepting again" line, not a pair per flap.
constexpr auto fd_quiet_period = std::chrono::seconds(1);

int64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Started by the first accept that works after running out: logs "accepting again" once no accept has failed
/// for fd_quiet_period (on any worker). A timer of its own rather than racing the accept against one: a
/// connection accepted by the losing side of a race would be dropped.
awaitable<void> announce_recovery(net::io_context& context, shared_state& shared, std::string entry_point) {
    steady_timer wait(context);
    for (;;) {
        const std::chrono::steady_clock::time_point last{
            std::chrono::nanoseconds(shared.fd_failure_at.load(std::memory_order_acquire))};
        if (std::chrono::steady_clock::now() - last >= fd_quiet_period) break;
        wait.expires_at(last + fd_quiet_period);
        co_await wait.async_wait();
    }
    shared.fd_recovery_watched.store(false, std::memory_order_release);
    if (shared.fd_exhaustion_logged.exchange(false)) spdlog::warn("entryPoint \"{}\": accepting again", entry_point);
}

}  // namespace

awaitable<void> worker::accept_loop(listener& l) {
    for (;;) {
        tcp::endpoint peer;
        auto [ec, socket] = co_await l.acceptor.async_accept(peer);
        if (!l.acceptor.is_open() || ec == net::error::operation_aborted) co_return;
        if (ec) {
            if (out_of_descriptors(ec)) {
                // Asio completes the accept with EMFILE at once (it retries only EAGAIN, EINTR and aborted
                // connections), while the pending connection stays in the backlog and the acceptor readable:
                // retrying at once would spin. Back off, and log once until accepting works again.
                shared_.fd_failure_at.store(steady_ns(std::chrono::steady_clock::now()), std::memory_order_release);
                if (!shared_.fd_exhaustion_logged.exchange(true))
                    spdlog::error("entryPoint \"{}\": cannot accept: {} (raise the open-file limit); retrying",
                                  l.name, ec.message());
                steady_timer pause(context_, std::chrono::milliseconds(100));
                co_await pause.async_wait();
            }
            continue;
        }
        if (shared_.fd_exhaustion_logged.load(std::memory_order_relaxed) &&
            !shared_.fd_recovery_watched.exchange(true))
            net::co_spawn(context_, announce_recovery(context_, shared_, l.name), net::detached);
        net::co_spawn(context_, serve_connection(std::move(socket), peer, *this, l), net::detached);
    }
}

}  // namespace sy::forwarder
