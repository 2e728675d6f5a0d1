// Phase: TLS toward the server, for servers with `tls` (the serversTransport's tls settings, or the system's roots
// and the address's host). After the PROXY header, which goes first in plain as HAProxy and Traefik send it; the
// client's bytes read so far follow inside TLS. The handshake has the service's dialTimeout.
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "forwarder/phases.hpp"
#include "forwarder/tls_handshake.hpp"
#include "forwarder/tls_session.hpp"
#include "tls/client_side.hpp"

namespace sy::forwarder {

awaitable<step> connect_backend_tls(connection& c, routing& r) {
    using telemetry::outcome;
    if (!c.server->tls) co_return proceed;
    const auto* side = c.leaf->backend_tls.get();
    if (!side) co_return outcome::internal_error;  // the builder gives every TLS server's service one
    c.backend_tls = std::make_unique<tls_session>(side->ctx.get(), c.backend.native_handle(), prefix{},
                                                  tls_session::role::client);
    SSL* ssl = c.backend_tls->ssl();
    tls::prepare_client(ssl, *side, c.server->host);
    const auto due = timeout_after(c.leaf->dial_timeout);
    auto hs = co_await run_handshake(c.backend, ssl, c.w, due);
    std::string why = hs.why;
    if (hs.end == handshake_end::done) why = tls::check_peer(ssl, *side);
    if (hs.end != handshake_end::done || !why.empty()) {
        if (hs.end == handshake_end::timeout) why = "no TLS handshake within dialTimeout";
        if (hs.end == handshake_end::gone || hs.end == handshake_end::aborted) why = "the server closed during the TLS handshake";
        auto* sc = c.server->counters.get();
        if (auto held = sc ? sc->dial_warnings.allow() : std::optional<uint64_t>(0))
            spdlog::warn("router \"{}\": TLS to {} of service \"{}\" failed for {}: {}{}", c.route->router,
                         c.server->address, c.leaf->name, format_endpoint(c.source), why, held_note(*held));
        co_return outcome::backend_tls_failed;
    }
    if (r.pre.size() > 0) {
        if (!co_await write_all(c.backend, ssl, r.pre.bytes(), c.w, due)) co_return outcome::preamble_failed;
        c.first_bytes = r.pre.size();
        r.pre.buffer.release();
        r.pre = {};
    }
    co_return proceed;
}

}  // namespace sy::forwarder
