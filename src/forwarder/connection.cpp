#include "forwarder/connection.hpp"

#include <spdlog/spdlog.h>

#include "base/address.hpp"
#include "forwarder/phases.hpp"
#include "forwarder/tls_relay.hpp"
#include "forwarder/tls_session.hpp"

namespace sy::forwarder {

std::string format_endpoint(const wire::endpoint& e) { return format_host_port(e.address.to_string(), e.port); }

bool debug_enabled() { return spdlog::should_log(spdlog::level::debug); }

std::string held_note(uint64_t held) {
    if (held == 0) return {};
    return " (and " + std::to_string(held) + " more like it in the last " +
           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(telemetry::rate_limit::interval).count()) +
           "s)";
}


void shared_state::connection_ended() {
    if (live.fetch_sub(1, std::memory_order_acq_rel) == 1 && stopping.load(std::memory_order_acquire)) {
        std::lock_guard lock(mutex);
        idle.notify_all();
    }
}

void connection_list::add(tracked_connection& c) {
    c.prev = head_.prev;
    c.next = &head_;
    head_.prev->next = &c;
    head_.prev = &c;
}

void connection_list::remove(tracked_connection& c) {
    c.prev->next = c.next;
    c.next->prev = c.prev;
    c.prev = c.next = nullptr;
}

connection::connection(worker_context& wk, listener& lk, tcp_socket&& cl, std::shared_ptr<worker_view> v)
    : w(wk), l(lk), client(std::move(cl)), backend(client.get_executor()), view(std::move(v)) {
    if (view && lk.index < view->tables.size()) table = view->tables[lk.index];
    track.client = &client;
    track.backend = &backend;
    w.connections.add(track);
    w.shared.live.fetch_add(1, std::memory_order_relaxed);
}

connection::~connection() {
    tls_link.reset();  // before the sessions whose SSL it uses
    tls.reset();
    backend_tls.reset();
    for (auto* g : gauges) {
        if (g) g->fetch_sub(1, std::memory_order_relaxed);
    }
    error_code ignored;
    backend.close(ignored);
    client.close(ignored);
    w.connections.remove(track);
    w.shared.connection_ended();
}

void connection::count_open(gauge_slot slot, telemetry::traffic_counters* c) {
    auto* s = shard_of(c);
    if (!s) return;
    s->open.fetch_add(1, std::memory_order_relaxed);
    telemetry::bump(s->total);
    gauges[static_cast<int>(slot)] = &s->open;
}

void connection::leave_route() {
    for (auto slot : {gauge_slot::router, gauge_slot::service, gauge_slot::server}) release_open(slot);
    slots.give_back_all();
    error_code ignored;
    backend.close(ignored);
    route = nullptr;
    service = leaf = nullptr;
    server = nullptr;
    backend_untouched = false;
}

void connection::release_open(gauge_slot slot) {
    auto*& g = gauges[static_cast<int>(slot)];
    if (g) g->fetch_sub(1, std::memory_order_relaxed);
    g = nullptr;
}

void connection::finish(connection* c, const relay_result& moved) {
    // However the phase or relay saw the sockets close, a connection cut by a new ban ended because of the ban.
    if (c->track.cut_by_ban) c->outcome = telemetry::outcome::banned;
    if (c->l.outcomes) telemetry::bump(c->l.outcomes->shard(c->w.index).by[static_cast<size_t>(c->outcome)]);
    using telemetry::outcome;
    // The dashboard's recent refusals: connections that reached no backend; a client that left is no refusal.
    const bool refused = c->outcome != outcome::closed && c->outcome != outcome::reset &&
                         c->outcome != outcome::shutdown && c->outcome != outcome::client_gone;
    if (auto* seen = c->w.shared.refusals_seen; seen && refused)
        seen->add({c->started_wall, c->l.name, format_endpoint(c->source), c->route ? c->route->router : "",
                   std::string(to_string(c->outcome))});
    if (auto* log = c->w.shared.access_log) {
        telemetry::access_record r;
        r.start = c->started_wall;
        r.duration = std::chrono::steady_clock::now() - c->started;
        r.client = format_endpoint(c->source);
        r.entry_point = c->l.name;
        if (c->route) r.router = c->route->router;
        if (c->leaf) r.service = c->leaf->name;
        if (c->server) r.server = c->server->address;
        r.sni = c->sni;
        r.bytes_in = moved.bytes_in + c->first_bytes;
        r.bytes_out = moved.bytes_out + c->first_bytes_out;
        r.end = c->outcome;
        log->write(r);
    }
    delete c;
}

void connection::relay_done(void* owner, const relay_result& moved) {
    auto* c = static_cast<connection*>(owner);
    using telemetry::outcome;
    c->outcome = moved.reset                                         ? outcome::reset
                 : (moved.cut && c->w.shared.stopping.load())        ? outcome::shutdown
                                                                     : outcome::closed;
    finish(c, moved);
}

}  // namespace sy::forwarder
