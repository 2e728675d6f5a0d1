// Phase: a server of the route's service, and a connection to it within the service's dialTimeout.
//
// Passive health (Switchyard extension, loadBalancer.passiveHealthCheck, on by default): a dial that is refused or
// times out is tried once more on the next server UP of the same service, within the same dialTimeout (the first
// try gets half of it when a second server exists), so a client does not see a refusal while a healthy server
// exists; maxFailedAttempts failures in a row take the server DOWN (runtime/health_state.hpp). Difference from
// Traefik, whose TCP proxy closes the client at the first failed dial. maxFailedAttempts=0 restores that.
#include <spdlog/spdlog.h>

#include "forwarder/dial.hpp"
#include "forwarder/match.hpp"
#include "forwarder/phases.hpp"
#include "forwarder/socket_options.hpp"

namespace sy::forwarder {

namespace {

/// Another server the retry could go to (the pick itself decides whether one is UP).
size_t count_servers(const runtime::service_plan& s, size_t enough) {
    size_t n = s.servers.size();
    for (const auto& child : s.weighted)
        if (n < enough && child.service) n += count_servers(*child.service, enough - n);
    return n;
}
bool has_second_server(const runtime::service_plan& s) { return count_servers(s, 2) >= 2; }

/// Counts the failure on the server and, past maxFailedAttempts, takes it DOWN (logged once, by the worker whose
/// failure did it).
void record_failure(connection& c, const dial_outcome& d, bool retrying) {
    const bool timed_out = d.state == dial_outcome::kind::timeout;
    auto* sc = c.server->counters.get();
    if (sc) telemetry::bump(timed_out ? sc->connect_timeouts : sc->connect_failures);
    if (auto held = sc ? sc->dial_warnings.allow() : std::optional<uint64_t>(0))
        spdlog::warn("router \"{}\": cannot reach {} of service \"{}\" for {}: {}{}{}", c.route->router,
                     c.server->address, c.leaf->name, format_endpoint(c.source), d.why,
                     retrying ? " (trying another server)" : "", held_note(*held));
    const auto& passive = c.leaf->passive;
    if (auto* h = c.server->health.get();
        h && h->dial_failed(passive.max_failed_attempts, passive.failure_window, runtime::server_health::clock::now()))
        spdlog::warn("server {} of service \"{}\" is DOWN: {} failed dial{} in a row (passive health), last: {}{}",
                     c.server->address, c.leaf->name, passive.max_failed_attempts,
                     passive.max_failed_attempts == 1 ? "" : "s", d.why,
                     h->actively_checked() ? "; back UP when a health check passes"
                                           : "; tried again in " + format_duration(passive.failure_window));
}

}  // namespace

awaitable<step> connect_backend(connection& c, routing& r) {
    using telemetry::outcome;
    const runtime::service_plan* service = c.service;
    c.server = service ? runtime::pick(*service, c.view->cursors) : nullptr;
    if (!c.server)  // as Traefik (errNoServersInPool): accepted, then closed at once
        co_return service && runtime::has_servers(*service) ? outcome::no_healthy_server : outcome::no_server;
    c.leaf = owner_of(*service, c.server);
    if (!c.leaf) c.leaf = service;
    c.count_open(connection::gauge_slot::service, service->counters.get());
    if (auto* sc = c.server->counters.get()) c.count_open(connection::gauge_slot::server, &sc->traffic);

    // A STARTTLS client already waits in TLS mode: its entrypoint's backendConnectTimeout bounds the dial too (both
    // tries of a passive-health retry together).
    auto budget = c.leaf->dial_timeout;
    if (const auto& st = c.l.config->starttls; st && st->backend_connect_timeout > duration::zero() &&
                                               (budget <= duration::zero() || st->backend_connect_timeout < budget))
        budget = st->backend_connect_timeout;
    const auto due = timeout_after(budget);
    const bool may_retry = c.leaf->passive.max_failed_attempts > 0 && has_second_server(*service);
    const auto first_due = may_retry ? timeout_after(budget / 2) : due;
    auto d = co_await dial(c.backend, *c.server, first_due, may_retry ? budget / 2 : budget, c.w.deadlines, c.w.names);
    if (d.state != dial_outcome::kind::connected) {
        const runtime::server_plan* next = may_retry ? runtime::pick(*service, c.view->cursors, c.server) : nullptr;
        record_failure(c, d, next != nullptr);
        if (!next) co_return d.state == dial_outcome::kind::timeout ? outcome::dial_timeout : outcome::dial_failed;
        c.release_open(connection::gauge_slot::server);
        c.server = next;
        c.leaf = owner_of(*service, c.server);
        if (!c.leaf) c.leaf = service;
        if (auto* sc = c.server->counters.get()) c.count_open(connection::gauge_slot::server, &sc->traffic);
        d = co_await dial(c.backend, *c.server, due, budget, c.w.deadlines, c.w.names);
        if (d.state != dial_outcome::kind::connected) {
            record_failure(c, d, false);
            co_return d.state == dial_outcome::kind::timeout ? outcome::dial_timeout : outcome::dial_failed;
        }
    }
    if (auto* h = c.server->health.get(); h && c.leaf->passive.max_failed_attempts > 0 && h->dial_succeeded())
        spdlog::info("server {} of service \"{}\" is UP: a dial succeeded (passive health)", c.server->address,
                     c.leaf->name);
    r.dial_waited = !d.without_waiting;
    tune_socket(c.backend, c.leaf->dial_keep_alive);
    co_return proceed;
}

}  // namespace sy::forwarder
