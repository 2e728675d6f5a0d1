// Phase: what the client says first. Routers that need a ClientHello read one; a client that stays silent is
// server-first (SMTP, IMAP, POP3 wait for the server's greeting) and is routed as non-TLS.
#include <spdlog/spdlog.h>

#include "forwarder/phases.hpp"

namespace sy::forwarder {

awaitable<step> read_first_bytes(connection& c, routing& r) {
    const auto& t = *c.table;
    using telemetry::outcome;
    r.facts.client_ip = c.source.address;
    // Traefik's fast path: without TLS routers nothing a client sends can change the route, so a server-first
    // client is connected at once. After a silent wait for a PROXY header the decision is made already.
    if (t.decides_without_bytes || (r.silent && t.mixed)) co_return proceed;
    // Traefik waits for the ClientHello here until readTimeout, which hangs a server-first protocol that shares the
    // entrypoint with TLS routers; a client still silent after serverFirstWait (0: decide at once) is routed as
    // non-TLS (deliberate difference).
    const auto first_by = t.mixed ? wait_after(c.l.config->server_first_wait) : r.read_deadline;
    auto h = co_await read_client_hello(c.client, r.pre, c.w, first_by, r.read_deadline);
    switch (h.verdict) {
    case read_verdict::silent: r.silent = true; co_return proceed;
    case read_verdict::timeout: co_return outcome::hello_timeout;
    case read_verdict::closed: co_return outcome::client_gone;
    case read_verdict::too_large: co_return outcome::malformed_tls;
    case read_verdict::decided: break;
    }
    using st = wire::client_hello_result::status;
    switch (h.parsed.state) {
    case st::not_tls:
    case st::need_more: co_return proceed;
    case st::malformed:
        // As Traefik: a broken ClientHello is closed, without an error-level log.
        if (debug_enabled())
            spdlog::debug("entryPoint \"{}\": broken ClientHello from {}: {}", c.l.name, format_endpoint(c.source),
                          h.parsed.why);
        co_return outcome::malformed_tls;
    case st::done: break;
    }
    take_client_hello(c, r, h.parsed);
    co_return proceed;
}

void take_client_hello(connection& c, routing& r, wire::client_hello_result& hello) {
    r.facts.tls = true;
    c.sni = std::move(hello.sni);
    r.facts.sni = c.sni;
    r.alpn = std::move(hello.alpn);
    r.facts.alpn = r.alpn;
}

awaitable<step> read_upgraded_hello(connection& c, routing& r, time_point due, telemetry::outcome on_timeout) {
    using telemetry::outcome;
    auto h = co_await read_client_hello(c.client, r.pre, c.w, due, due);
    switch (h.verdict) {
    case read_verdict::timeout: co_return on_timeout;
    case read_verdict::closed:
    case read_verdict::silent: co_return outcome::client_gone;
    case read_verdict::too_large: co_return outcome::malformed_tls;
    case read_verdict::decided: break;
    }
    using hs = wire::client_hello_result::status;
    if (h.parsed.state == hs::not_tls) co_return outcome::starttls_not_tls;
    if (h.parsed.state != hs::done) co_return outcome::malformed_tls;
    take_client_hello(c, r, h.parsed);
    co_return proceed;
}

}  // namespace sy::forwarder
