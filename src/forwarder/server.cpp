#include "forwarder/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "forwarder/listen_address.hpp"
#include "forwarder/net.hpp"
#include "forwarder/splice_sockmap.hpp"
#include "forwarder/worker.hpp"

namespace sy::forwarder {

namespace {

// SO_REUSEPORT (one acceptor per worker) would also let a second switchyard process, or anything else that sets it,
// bind the same port silently, and the kernel would then split connections between the two. A probe bound WITHOUT
// SO_REUSEPORT fails with "address already in use" while any other socket holds the port, so start-up names the
// entrypoint instead. The probe is closed before the workers bind: another process could take the port in that small
// window, which is accepted (it needs SO_REUSEPORT and exact timing; the probe only catches the ordinary mistake).
// Traefik does not set SO_REUSEPORT, so it gets this error from the kernel for free.
void probe_exclusive(const std::string& name, const config::entry_point& ep, const tcp::endpoint& where,
                     bool dual_stack) {
    if (where.port() == 0) return;  // an ephemeral port cannot collide
    net::io_context io;
    tcp::acceptor probe(io);
    error_code ec;
    probe.open(where.protocol(), ec);
    if (!ec && where.address().is_v6()) probe.set_option(net::ip::v6_only(!dual_stack), ec);
    // SO_REUSEADDR still lets a restart bind over connections left in TIME_WAIT; it does not allow a second listener.
    if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) probe.bind(where, ec);
    if (ec)
        throw std::runtime_error("entryPoint \"" + name + "\": cannot listen on \"" + ep.address + "\" (bind): " +
                                 ec.message());
    probe.close(ec);
}

}  // namespace

size_t worker_count(const config::static_config& statics) {
    const size_t n = statics.threads > 0 ? static_cast<size_t>(statics.threads) : std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

std::set<std::string> api_entry_points(const config::static_config& statics) {
    std::set<std::string> out;
    // Traefik serves the insecure API on the entrypoint named "traefik" (there is no option to move it).
    if (statics.api.enabled && statics.api.insecure) out.insert("traefik");
    if (statics.ping.enabled) out.insert(statics.ping.entry_point);
    if (statics.prometheus.enabled) out.insert(statics.prometheus.entry_point);
    return out;
}

duration longest_stop(const config::static_config& statics) {
    const auto skip = api_entry_points(statics);
    duration longest = duration::zero();
    for (const auto& [name, ep] : statics.entry_points)
        if (!skip.contains(name)) longest = std::max(longest, ep.request_accept_grace_timeout + ep.grace_timeout);
    return longest;
}

server::server(const config::static_config& statics, telemetry::registry& counters,
               telemetry::access_log* access_log)
    : statics_(statics), counters_(counters), shared_(std::make_unique<shared_state>()) {
    shared_->access_log = access_log;
    shared_->refusals_seen = &counters.refusals_seen;
}

server::~server() {
    if (!workers_.empty() && !stopped_) stop(duration::zero());
    workers_.clear();
    if (sockmap_) unload_sockmap(*sockmap_);
}

void server::start() {
    auto path = choose_data_path(statics_.data_path);
    if (!path) throw std::runtime_error(path.error().to_string());
    data_path_ = path->summary;
    if (path->sockmap) {
        sockmap_ = std::make_unique<sockmap_maps>(path->maps);
        shared_->sockmap = sockmap_.get();
        shared_->splice_immediate = statics_.splice_start == "immediate";
    }
    spdlog::info("data path: {}", data_path_);
    const size_t n = worker_count(statics_);
    const auto skip = api_entry_points(statics_);
    std::vector<std::unique_ptr<worker>> workers;
    for (size_t i = 0; i < n; ++i) workers.push_back(std::make_unique<worker>(i, *shared_));
    for (const auto& [name, ep] : statics_.entry_points) {
        if (skip.contains(name)) continue;
        auto where = resolve_listen_address(ep.listen);
        if (!where)
            throw std::runtime_error("entryPoint \"" + name + "\": cannot listen on \"" + ep.address +
                                     "\": " + where.error().to_string());
        auto* traffic = &counters_.entry_point(name);
        auto* outcomes = &counters_.outcomes(name);
        probe_exclusive(name, ep, where->endpoint, where->dual_stack);
        const auto& banned_on = statics_.ban_list.entry_points;
        const bool bans = statics_.ban_list.enabled() &&
                          (banned_on.empty() || std::find(banned_on.begin(), banned_on.end(), name) != banned_on.end());
        for (auto& w : workers)
            w->add_listener(name, ep, where->endpoint, where->dual_stack, traffic, outcomes, bans);
        spdlog::info("entryPoint \"{}\" listening on {} ({} threads)", name, ep.address, n);
    }
    workers_ = std::move(workers);
    if (bans_) publish_bans(bans_);
    for (auto& w : workers_) w->start();
}

void server::publish_bans(std::shared_ptr<const bans::ban_set> set) {
    bans_ = set;
    for (auto& w : workers_) w->publish_bans(set, !statics_.ban_list.keep_established);
}

void server::publish(std::shared_ptr<const runtime::snapshot> snap) {
    shared_->published.fetch_add(workers_.size(), std::memory_order_relaxed);
    for (auto& w : workers_) w->publish(snap);
}

bool server::wait_published(duration timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (shared_->applied.load(std::memory_order_acquire) < shared_->published.load(std::memory_order_relaxed)) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a control-thread wait, not the data path
    }
    return true;
}

int64_t server::open_connections() const { return shared_->live.load(std::memory_order_relaxed); }

void server::stop() {
    if (stopped_) return;
    stopped_ = true;
    shared_->stopping.store(true, std::memory_order_release);
    // As Traefik's TCPEntryPoint.Shutdown, run for every entrypoint at once: sleep requestAcceptGraceTimeout
    // (still accepting, so an upstream balancer that polls /ping, answering 503 by now, has time to take us out of
    // rotation), then stop accepting and give the connections graceTimeOut.
    const auto skip = api_entry_points(statics_);
    std::vector<std::pair<duration, std::string>> closing;  // (after, entrypoint), earliest first
    for (const auto& [name, ep] : statics_.entry_points) {
        if (skip.contains(name)) continue;
        closing.emplace_back(ep.request_accept_grace_timeout, name);
        const auto accept_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(ep.request_accept_grace_timeout).count();
        if (accept_ms > 0)
            spdlog::info("entryPoint \"{}\": accepting for {} ms more (requestAcceptGraceTimeout)", name, accept_ms);
    }
    // Deliberate difference from Traefik: connections are not tracked per entrypoint, so every connection gets until
    // the last entrypoint's deadline (Traefik closes each entrypoint's own at its own deadline).
    const duration until_closed = longest_stop(statics_);
    std::sort(closing.begin(), closing.end());
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    for (const auto& [after, name] : closing) {
        if (after > duration::zero()) {
            // A control thread's wait (stop() runs off the event loops); the workers keep serving meanwhile.
            std::this_thread::sleep_until(start + std::chrono::duration_cast<clock::duration>(after));
        }
        for (auto& w : workers_) w->stop_accepting(name);
        if (after > duration::zero()) spdlog::info("entryPoint \"{}\": no longer accepting", name);
    }
    const auto elapsed = clock::now() - start;
    drain(until_closed > elapsed ? std::chrono::duration_cast<duration>(until_closed - elapsed) : duration::zero());
}

void server::stop(duration grace) {
    if (stopped_) return;
    stopped_ = true;
    shared_->stopping.store(true, std::memory_order_release);
    for (auto& w : workers_) w->stop_accepting();
    drain(grace);
}

void server::drain(duration grace) {
    auto wait_idle = [&](duration limit) {
        std::unique_lock lock(shared_->mutex);
        using clock = std::chrono::steady_clock;
        const auto until = clock::now() + std::chrono::duration_cast<clock::duration>(limit);
        // Short waits: a connection may end between the check and the wait without a notification reaching us.
        while (shared_->live.load(std::memory_order_acquire) > 0 && std::chrono::steady_clock::now() < until)
            shared_->idle.wait_for(lock, std::chrono::milliseconds(50));
        return shared_->live.load(std::memory_order_acquire) == 0;
    };
    if (!wait_idle(grace)) {
        spdlog::info("closing {} connections still open after the grace period", shared_->live.load());
        for (auto& w : workers_) w->close_connections();
        if (!wait_idle(std::chrono::seconds(5))) {
            spdlog::warn("{} connections did not end; stopping anyway", shared_->live.load());
            for (auto& w : workers_) w->halt();
        }
    }
    for (auto& w : workers_) w->join();
}

}  // namespace sy::forwarder
