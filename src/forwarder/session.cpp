#include "forwarder/session.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "forwarder/gateway_warning.hpp"
#include "forwarder/phases.hpp"
#include "forwarder/socket_options.hpp"
#include "forwarder/tls_relay.hpp"
#include "forwarder/tls_session.hpp"
#include "forwarder/splice_sockmap.hpp"

namespace sy::forwarder {

namespace {

/// The phases before the relay, in order; the first that does not proceed ends the connection.
/// `replayed`: the connection's first bytes were a STARTTLS dialogue or an SSLRequest replayed to the backend.
awaitable<step> establish(connection& c, bool& replayed) {
    routing r;
    // No routes: nothing could match whatever the client sends, so close now rather than after readTimeout.
    if (!c.table || (c.table->tls_routes.empty() && c.table->tcp_routes.empty())) co_return telemetry::outcome::no_route;
    r.read_deadline = timeout_after(c.l.config->read_timeout);
    if (auto end = co_await read_inbound_proxy(c, r)) co_return end;
    if (auto end = check_ban(c)) co_return end;
    if (c.l.config->starttls && relays_first(c, r)) {
        if (auto end = co_await relay_first(c, r)) co_return end;
        if (r.relayed) co_return proceed;  // the server connected first carries the session
    } else if (c.l.config->starttls) {
        if (auto end = co_await answer_starttls(c, r)) co_return end;
    } else {
        if (auto end = co_await read_first_bytes(c, r)) co_return end;
        if (auto end = co_await answer_ssl_request(c, r)) co_return end;
    }
    if (auto end = choose_route(c, r)) co_return end;
    if (auto end = co_await terminate_tls(c, r)) co_return end;
    if (auto end = co_await connect_backend(c, r)) co_return end;
    // Not `co_await (cond ? a() : b())`: g++ 12 destroys the chosen awaitable twice (a crash, seen here).
    replayed = r.upgraded;
    if (r.upgraded) {
        if (auto end = co_await replay_starttls(c, r)) co_return end;
    } else {
        if (auto end = co_await send_preamble(c, r)) co_return end;
    }
    if (auto end = co_await connect_backend_tls(c, r)) co_return end;
    co_return proceed;
}

void start_relay(connection* c, bool may_splice) {
    warn_if_docker_gateway(*c->view->snap, c->source.address, c->l.name);  // the address a PROXY header would carry
    auto* server = c->server->counters.get();
    const relay_link::counter_set counters{c->shard_of(c->l.counters), c->shard_of(c->route->counters.get()),
                                           c->shard_of(c->service->counters.get()),
                                           c->leaf != c->service ? c->shard_of(c->leaf->counters.get()) : nullptr,
                                           server ? c->shard_of(&server->traffic) : nullptr};
    for (auto* shard : counters) {
        if (!shard) continue;
        telemetry::bump(shard->bytes_in, c->first_bytes);
        if (c->first_bytes_out) telemetry::bump(shard->bytes_out, c->first_bytes_out);
    }
    if (c->tls || c->backend_tls) {
        c->tls_link = std::make_unique<tls_relay>();
        c->tls_link->start(c->client, c->tls ? c->tls->ssl() : nullptr, c->backend,
                           c->backend_tls ? c->backend_tls->ssl() : nullptr, c->leaf->termination_delay, c->w.pool,
                           c->w.deadlines, c->w.reactor, counters, &connection::relay_done, c);
        return;
    }
    // The sockmap data path's one decision point: plain TCP only (terminated TLS went above; a replayed STARTTLS
    // dialogue never).
    if (may_splice && c->w.splice) {
        const bool at_once = c->w.splice->immediate();
        if (at_once && start_splice(*c, counters)) return;  // refused while bytes wait: once the relay drained them
        c->link.offer_handoff(&splice_handoff, at_once);
    }
    c->link.start(c->client, c->backend, c->backend_untouched, c->leaf->termination_delay, c->w.pool, c->w.deadlines,
                  c->w.reactor, counters, &connection::relay_done, c);
}

}  // namespace

awaitable<void> serve_connection(tcp_socket client, tcp::endpoint peer, worker_context& w, listener& l,
                                 std::shared_ptr<worker_view> view) {
    // No setsockopt here: the client socket inherited TCP_NODELAY and keep-alive from the listener.
    auto c = std::make_unique<connection>(w, l, std::move(client), std::move(view));
    c->count_open(connection::gauge_slot::entry_point, l.counters);
    c->source = {unmap(peer.address()), peer.port()};
    adopt_accepted(c->client);
    step end;
    bool replayed = false;
    try {
        end = co_await establish(*c, replayed);
    } catch (const std::exception& e) {
        spdlog::error("entryPoint \"{}\": connection from {} failed: {}", l.name, format_endpoint(c->source),
                      e.what());
        end = telemetry::outcome::internal_error;
    }
    if (end) {
        c->outcome = *end;
        connection::finish(c.release(), {});
        co_return;
    }
    // From here the connection owns itself; this coroutine ends and its frame is freed.
    start_relay(c.release(), !replayed);
}

}  // namespace sy::forwarder
