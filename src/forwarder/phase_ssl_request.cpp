// Phase (after read_first_bytes, on entrypoints with TLS routers): Postgres' STARTTLS, as Traefik does it
// (pkg/server/router/tcp/postgres.go). A client whose first 8 bytes are an SSLRequest gets 'S', and its ClientHello
// is read and routed like any other; replay_starttls then sends the SSLRequest to the server and swallows its 'S'
// before the ClientHello goes on.
#include "forwarder/phases.hpp"
#include "forwarder/write_text.hpp"
#include "wire/postgres_ssl_request.hpp"

namespace sy::forwarder {

awaitable<step> answer_ssl_request(connection& c, routing& r) {
    using telemetry::outcome;
    // Only bytes that are not TLS can start an SSLRequest, and only TLS routers could use what follows it.
    if (r.facts.tls || r.silent || c.table->tls_routes.empty() || r.pre.size() == 0) co_return proceed;
    for (;;) {
        const auto m = wire::match_postgres_ssl_request(r.pre.bytes());
        if (m == wire::ssl_request_match::no) co_return proceed;
        if (m == wire::ssl_request_match::yes) break;
        switch (co_await read_more(c.client, r.pre, c.w, r.read_deadline)) {
        case read_outcome::data: continue;
        case read_outcome::timeout: co_return outcome::hello_timeout;
        default: co_return outcome::client_gone;
        }
    }
    // The client waits for our answer before it says more: anything already behind the request is not a hello.
    if (r.pre.size() != wire::postgres_ssl_request.size()) co_return outcome::starttls_pipelining;
    r.pre.consume(wire::postgres_ssl_request.size());
    r.pre.release_if_empty();
    const char accept = static_cast<char>(wire::postgres_ssl_accept);
    if (!co_await write_text(c.client, {&accept, 1})) co_return outcome::client_gone;
    r.upgraded = true;
    co_return co_await read_upgraded_hello(c, r, r.read_deadline, outcome::hello_timeout);
}

}  // namespace sy::forwarder
