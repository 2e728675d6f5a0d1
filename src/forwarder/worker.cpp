#include "forwarder/worker.hpp"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>
#include <exception>
#include <stdexcept>

#include "forwarder/accept_backoff.hpp"
#include "forwarder/session.hpp"
#include "forwarder/socket_options.hpp"
#include "forwarder/splice_sockmap.hpp"
#include "telemetry/log_exception.hpp"

namespace sy::forwarder {

worker::worker(std::size_t index, shared_state& shared)
    : shared_(shared),
      ctx_{index, context_, pool_, deadlines_, reactor_of(context_), shared_, connections_, names_},
      guard_(context_.get_executor()) {
    if (shared.sockmap) {
        splice_ = std::make_unique<splice_watch>(context_, *shared.sockmap, shared.splice_immediate);
        ctx_.splice = splice_.get();
    }
}

worker::~worker() { join(); }

void worker::add_listener(const std::string& name, const config::entry_point& ep, const tcp::endpoint& where,
                          bool dual_stack, telemetry::traffic_counters* counters,
                          telemetry::outcome_counters* outcomes, bool ban_list) {
    auto l = std::make_unique<listener>(
        listener{name, listeners_.size(), &ep, tcp_acceptor(context_), counters, outcomes, ban_list});
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
    const int on = 1;
    if (::setsockopt(l->acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        fail("SO_REUSEPORT", error_code(errno, boost::system::system_category()));
    l->acceptor.bind(where, ec);
    if (ec) fail("bind", ec);
    tune_listener(l->acceptor, listener_keep_alive);  // inherited by every accepted socket
    l->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen", ec);
    listeners_.push_back(std::move(l));
}

void worker::start() {
    for (auto& l : listeners_) {
        net::co_spawn(context_, accept_loop(*l),
                      telemetry::log_exception("entryPoint \"" + l->name + "\": accepting stopped", true));
    }
    thread_ = std::thread([this] { context_.run(); });
}

void worker::publish(std::shared_ptr<const runtime::snapshot> snap) {
    net::post(context_, [this, snap = std::move(snap)]() mutable { apply(std::move(snap)); });
}

void worker::apply(std::shared_ptr<const runtime::snapshot> snap) {
    auto view = std::make_shared<worker_view>();
    view->tables.assign(listeners_.size(), nullptr);
    if (snap) {
        for (auto& l : listeners_) {
            auto it = snap->entry_points.find(l->name);
            if (it != snap->entry_points.end()) view->tables[l->index] = &it->second;
        }
        // Each worker starts its rotations at its own number, so the first connections after a reload, one per
        // worker, do not all go to the first server.
        view->cursors.assign(snap->service_count, static_cast<uint32_t>(ctx_.index));
    }
    view->snap = std::move(snap);
    view_ = std::move(view);
    shared_.applied.fetch_add(1, std::memory_order_release);
}

void worker::publish_bans(std::shared_ptr<const bans::ban_set> set, bool close_established) {
    net::post(context_, [this, set = std::move(set), close_established]() mutable {
        apply_bans(std::move(set), close_established);
    });
}

void worker::apply_bans(std::shared_ptr<const bans::ban_set> set, bool close_established) {
    ctx_.bans = std::move(set);
    if (!close_established || !ctx_.bans) return;
    // Only connections the list admitted carry an address to judge (banned_if): they are the ones a new ban can
    // concern. A lookup is a binary search, so even thousands of connections cost well under a millisecond.
    const auto now = bans::unix_now();
    size_t closed = 0;
    connections_.for_each([&](tracked_connection& c) {
        if (!c.banned_if || c.cut_by_ban || !ctx_.bans->banned(*c.banned_if, now)) return;
        c.cut_by_ban = true;
        ++closed;
        close_tracked(c);
    });
    if (closed > 0) spdlog::info("ban list: closed {} open connection(s) of newly banned clients", closed);
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
        connections_.for_each([](tracked_connection& c) { close_tracked(c); });
    });
}

void worker::join() {
    // Without its guard the loop ends once no work is left, but a coarse-timer wake-up scheduled for a deadline
    // disarmed since (a readTimeout of minutes) is work until it is due.
    if (thread_.joinable())
        net::post(context_, [this] {
            deadlines_.cancel();
            if (splice_) splice_->close();
        });
    guard_.reset();
    if (thread_.joinable()) thread_.join();
}

awaitable<void> worker::accept_loop(listener& l) {
    for (;;) {
        tcp::endpoint peer;
        auto [ec, socket] = co_await l.acceptor.async_accept(peer);
        if (!l.acceptor.is_open() || ec == net::error::operation_aborted) co_return;
        if (ec) {
            co_await back_off_if_exhausted(ec, l.name);
            continue;
        }
        accept_succeeded(context_.get_executor(), l.name);
        // The exception handling is serve_connection's own (it logs and counts internal_error); what still escapes
        // it (not a std::exception) is logged here rather than dropped as `detached` would.
        net::co_spawn(context_, serve_connection(std::move(socket), peer, ctx_, l, view_),
                      [&name = l.name, peer](std::exception_ptr e) {
                          if (e)
                              telemetry::log_ended_by(e, "entryPoint \"" + name + "\": the connection from " +
                                                             format_host_port(peer.address().to_string(), peer.port()));
                      });
    }
}

}  // namespace sy::forwarder
