#include "forwarder/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "forwarder/dial.hpp"
#include "forwarder/first_bytes.hpp"
#include "forwarder/match.hpp"
#include "forwarder/middleware_gate.hpp"
#include "forwarder/relay.hpp"
#include "forwarder/socket_options.hpp"
#include "forwarder/worker.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::forwarder {

namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

void bump(telemetry::counter* c) {
    if (c) c->fetch_add(1, std::memory_order_relaxed);
}

std::string format_endpoint(const wire::endpoint& e) { return format_host_port(e.address.to_string(), e.port); }

/// The PROXY header (if any) and the client's first bytes, in one write: one segment, one syscall. The header's
/// buffer lives only in this coroutine's frame, not for the whole connection.
awaitable<error_code> send_preamble(tcp_socket& backend, int version, const wire::endpoint& source,
                                    const wire::endpoint& destination, prefix& pre) {
    std::array<std::byte, wire::max_proxy_header_write> header;
    size_t header_size = 0;
    if (version == 1 || version == 2) header_size = wire::write_proxy_header(version, source, destination, header);
    std::array<net::const_buffer, 2> parts{net::buffer(header.data(), header_size),
                                           net::buffer(pre.bytes().data(), pre.size())};
    error_code ec;
    if (header_size + pre.size() > 0) {
        auto [wec, n] = co_await net::async_write(backend, parts, net::as_tuple(net::use_awaitable));
        (void)n;
        ec = wec;
    }
    pre.buffer.release();
    co_return ec;
}

bool trusted_peer(const config::entry_point_proxy_protocol& pp, const ip_address& peer) {
    if (pp.insecure) return true;
    const auto ip = unmap(peer);
    return std::any_of(pp.trusted_ips.begin(), pp.trusted_ips.end(), [&](const cidr& c) { return c.contains(ip); });
}

}  // namespace

/// One client connection from accept to close, on the heap: the routing step (a coroutine) works on it, then the
/// relay embedded in it takes over and the coroutine ends, so an idle connection holds only this object, its two
/// sockets' reactor entries and two pending waits. Its destructor keeps the gauges and shutdown tracking right
/// however the connection ends.
struct connection {
    connection(worker& wk, listener& lk, tcp_socket&& cl)
        : w(wk), l(lk), client(std::move(cl)), backend(client.get_executor()) {
        track.client = &client;
        track.backend = &backend;
        w.track(track);
        w.shared().live.fetch_add(1, std::memory_order_relaxed);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() {
        for (auto* g : gauges) {
            if (g) g->fetch_sub(1, std::memory_order_relaxed);
        }
        error_code ignored;
        backend.close(ignored);
        client.close(ignored);
        w.untrack(track);
        w.shared().connection_ended();
    }

    /// Counts the connection as open on an entrypoint (0), router (1) or service (2) until it ends.
    void open(int i, telemetry::traffic_counters* c) {
        if (!c) return;
        c->open.fetch_add(1, std::memory_order_relaxed);
        c->total.fetch_add(1, std::memory_order_relaxed);
        gauges[i] = &c->open;
    }

    /// The access record (strings are built only now, at the end), then the object goes.
    static void finish(connection* c, const relay_result& moved) {
        auto& w = c->w;
        if (auto* log = w.shared().access_log) {
            telemetry::access_record r;
            r.start = c->started_wall;
            r.duration = steady_clock::now() - c->started;
            r.client = format_endpoint(c->source);
            r.entry_point = c->l.name;
            if (c->route) r.router = c->route->router;
            if (c->leaf) r.service = c->leaf->name;
            if (c->server) r.server = c->server->address;
            r.sni = c->sni;
            r.bytes_in = moved.bytes_in + c->first_bytes;
            r.bytes_out = moved.bytes_out;
            r.end = std::string(c->end);
            log->write(r);
        }
        delete c;
    }

    static void relay_done(void* owner, const relay_result& moved) {
        auto* c = static_cast<connection*>(owner);
        c->end = moved.reset ? "reset" : (moved.cut && c->w.shared().stopping.load()) ? "shutdown" : "closed";
        finish(c, moved);
    }

    worker& w;
    listener& l;
    tcp_socket client;
    tcp_socket backend;
    tracked_connection track;
    telemetry::gauge* gauges[3] = {nullptr, nullptr, nullptr};  // entrypoint, router, service
    /// A connection keeps the snapshot it started with: routes removed later stay valid while it lives.
    std::shared_ptr<const runtime::snapshot> snap;
    wire::endpoint source;
    std::optional<wire::endpoint> destination;  ///< from a PROXY header; else looked up only if a header is sent
    std::string_view end = "closed";
    const runtime::route* route = nullptr;
    const runtime::service_plan* service = nullptr;
    const runtime::service_plan* leaf = nullptr;
    const runtime::server_plan* server = nullptr;
    std::string sni;
    in_flight_slots slots;
    uint64_t first_bytes = 0;  ///< read before routing, forwarded with the PROXY header
    bool backend_untouched = false;  ///< see relay_link::start
    system_clock::time_point started_wall;
    steady_clock::time_point started;
    relay_link link;
};

/// From accept to a backend that has received the PROXY header and the client's first bytes: true when the relay
/// can start; otherwise `c.end` says why.
awaitable<bool> establish(connection& c, const tcp::endpoint& peer, const runtime::entry_point_table* table) {
    auto& client = c.client;
    auto& backend = c.backend;
    auto& l = c.l;
    auto& w = c.w;
    auto& source = c.source;
    auto& sni = c.sni;
    auto& end = c.end;
    auto& route = c.route;
    auto& leaf = c.leaf;
    auto& server = c.server;
    auto& slots = c.slots;
    const auto& ep = *l.config;
    auto& pool = w.pool();
    prefix pre;
    error_code ec;

    // No setsockopt here: the client socket inherited TCP_NODELAY and keep-alive from the listener.
    if (!table || (table->tls_routes.empty() && table->tcp_routes.empty())) {
        // Nothing could match whatever the client sends: close now rather than after readTimeout.
        end = "no_route";
        bump(l.refusals ? &l.refusals->no_route : nullptr);
        spdlog::debug("entryPoint \"{}\": no routes yet, closing {}", l.name, format_endpoint(source));
        co_return false;
    }
    const auto read_deadline = deadline_after(ep.read_timeout);
    // Routers that cannot use a ClientHello, and entrypoints that mix TLS with a catch-all, must not make a
    // server-first client wait long: they are decided after server_first_wait of silence.
    const bool server_first = table->decides_without_bytes || table->mixed;
    bool silent = false;

    if (ep.proxy_protocol) {
        const bool trusted = trusted_peer(*ep.proxy_protocol, peer.address());
        auto first_by = server_first ? deadline_after(ep.server_first_wait) : read_deadline;
        auto p = co_await read_proxy_header(client, pre, pool, first_by, read_deadline);
        using k = proxy_in::kind;
        if (p.state == k::header && !trusted) {
            // Deliberate difference from Traefik, which strips and ignores an untrusted sender's header: a
            // header from a peer outside trustedIPs is a spoofing attempt or a misconfigured balancer; either
            // way nothing it says is believed, and the connection is refused so the mistake is seen.
            end = "untrusted_proxy";
            bump(l.refusals ? &l.refusals->untrusted_proxy : nullptr);
            spdlog::warn("entryPoint \"{}\": PROXY header from {} refused: not in proxyProtocol.trustedIPs",
                         l.name, format_endpoint(source));
            co_return false;
        }
        if (p.state == k::header && p.source) {
            source = {unmap(p.source->address), p.source->port};
            if (p.destination) c.destination = wire::endpoint{unmap(p.destination->address), p.destination->port};
        } else if (p.state == k::malformed) {
            end = "malformed_proxy";
            spdlog::debug("entryPoint \"{}\": broken PROXY header from {}: {}", l.name, format_endpoint(source),
                          p.why);
            co_return false;
        } else if (p.state == k::timeout) {
            end = "peek_timeout";
            co_return false;
        } else if (p.state == k::closed) {
            end = "closed";
            co_return false;
        }
        silent = p.state == k::none && pre.size() == 0 && server_first;
    }

    rules::conn_facts facts;
    facts.client_ip = source.address;
    hello h;
    if (!table->decides_without_bytes && !(silent && table->mixed)) {
        // Traefik waits for the ClientHello here until readTimeout, which hangs a server-first protocol that
        // shares the entrypoint with TLS routers; we route a client that is still silent after
        // server_first_wait as non-TLS (issue 6).
        auto first_by = table->mixed ? deadline_after(ep.server_first_wait) : read_deadline;
        h = co_await read_client_hello(client, pre, pool, first_by, read_deadline);
        using k = hello::kind;
        if (h.state == k::timeout) {
            end = "peek_timeout";
            co_return false;
        }
        if (h.state == k::closed) {
            end = "closed";
            co_return false;
        }
        if (h.state == k::malformed) {
            // As Traefik: a broken ClientHello is closed, without an error-level log.
            end = "malformed_tls";
            spdlog::debug("entryPoint \"{}\": broken ClientHello from {}: {}", l.name, format_endpoint(source),
                          h.why);
            co_return false;
        }
        if (h.state == k::tls) {
            facts.tls = true;
            sni = h.sni;
            facts.sni = sni;
            facts.alpn = h.alpn;
        }
    }
    route = match_route(*table, facts);
    if (!route) {
        end = "no_route";
        bump(l.refusals ? &l.refusals->no_route : nullptr);
        spdlog::debug("entryPoint \"{}\": no router matches {} (tls={}, sni=\"{}\")", l.name,
                      format_endpoint(source), facts.tls, sni);
        co_return false;
    }
    c.open(1, route->counters);

    switch (apply_middlewares(*route, source.address, slots)) {
    case gate_verdict::pass: break;
    case gate_verdict::refused_allow_list:
        end = "refused_allow_list";
        bump(l.refusals ? &l.refusals->allow_list : nullptr);
        spdlog::debug("router \"{}\": {} refused by ipAllowList", route->router, format_endpoint(source));
        break;
    case gate_verdict::refused_in_flight:
        end = "refused_in_flight";
        bump(l.refusals ? &l.refusals->in_flight : nullptr);
        spdlog::debug("router \"{}\": {} refused by inFlightConn", route->router, format_endpoint(source));
        break;
    }
    if (end != "closed") co_return false;

    c.service = route->service.get();
    const runtime::service_plan* service = c.service;
    server = service ? service->pick() : nullptr;
    if (!server) {
        // As Traefik (errNoServersInPool): accepted, then closed at once.
        end = "no_server";
        co_return false;
    }
    leaf = owner_of(*service, server);
    if (!leaf) leaf = service;
    c.open(2, service->counters);

    auto d = co_await dial(backend, *server, leaf->dial_timeout, w.deadlines());
    if (d.state != dial_outcome::kind::connected) {
        const bool timed_out = d.state == dial_outcome::kind::timeout;
        end = timed_out ? "dial_timeout" : "dial_failed";
        if (server->counters) bump(timed_out ? &server->counters->connect_timeouts : &server->counters->connect_failures);
        spdlog::warn("router \"{}\": cannot reach {} of service \"{}\" for {}: {}", route->router,
                     server->address, leaf->name, format_endpoint(source), d.why);
        co_return false;
    }
    tune_socket(backend, leaf->dial_keep_alive);

    const int version = leaf->proxy_protocol_version;
    c.first_bytes = pre.size();
    if ((version == 1 || version == 2) && !c.destination) {
        // Looked up only now: most routes send no PROXY header and never need the address the client dialled.
        const auto local = client.local_endpoint(ec);
        c.destination = wire::endpoint{unmap(local.address()), local.port()};
    }
    // Nothing to write means no suspension between the socket's registration and the relay: its first read can be
    // skipped (relay_link::start).
    c.backend_untouched = d.without_waiting && version != 1 && version != 2 && pre.size() == 0;
    if (auto wec = co_await send_preamble(backend, version, source, c.destination.value_or(wire::endpoint{}), pre)) {
        end = "reset";
        co_return false;
    }
    if ((version == 1 || version == 2) && server->counters) bump(&server->counters->proxy_headers_sent);

    co_return true;
}

awaitable<void> serve_connection(tcp_socket client, tcp::endpoint peer, worker& w, listener& l) {
    auto c = std::make_unique<connection>(w, l, std::move(client));
    c->started_wall = system_clock::now();
    c->started = steady_clock::now();
    c->snap = w.snapshot();
    c->open(0, l.counters);
    c->source = {unmap(peer.address()), peer.port()};
    adopt_accepted(c->client);

    if (!co_await establish(*c, peer, c->snap ? l.table : nullptr)) {
        connection::finish(c.release(), {});
        co_return;
    }
    const relay_link::counter_set counters{l.counters, c->route->counters, c->service->counters,
                                           c->leaf != c->service ? c->leaf->counters : nullptr};
    for (auto* counter : counters) {
        if (counter) counter->bytes_in.fetch_add(c->first_bytes, std::memory_order_relaxed);
    }
    // From here the connection owns itself; this coroutine ends and its frame is freed.
    auto* owned = c.release();
    owned->link.start(owned->client, owned->backend, owned->backend_untouched, owned->leaf->termination_delay, w.pool(),
                      w.deadlines(), w.reactor(), counters, &connection::relay_done, owned);
}

}  // namespace sy::forwarder
