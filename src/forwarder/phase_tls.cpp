// Phase: TLS termination, for routes whose router has `tls` without passthrough. The route was chosen on the SNI of
// the ClientHello already read; the handshake replays those bytes to OpenSSL and goes on over the socket, within the
// entrypoint's readTimeout (tls_handshake.hpp bounds the work per wake-up). After a STARTTLS or an SSLRequest it
// runs the same way: the server then gets plaintext (replay_starttls swallows a mail server's greeting).
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "forwarder/phases.hpp"
#include "forwarder/tls_handshake.hpp"
#include "forwarder/tls_session.hpp"
#include "tls/server_side.hpp"

namespace sy::forwarder {

awaitable<step> terminate_tls(connection& c, routing& r) {
    using telemetry::outcome;
    const auto* side = c.route->terminate.get();
    if (!side) co_return proceed;
    c.tls = std::make_unique<tls_session>(side->ctx.get(), c.client.native_handle(), std::move(r.pre));
    r.pre = {};
    SSL* ssl = c.tls->ssl();
    std::string name = c.sni;
    if (name.empty()) {
        // As Traefik: without SNI, the certificate for the address the client dialled, if there is one.
        error_code ec;
        const auto local = c.client.local_endpoint(ec);
        if (!ec) name = unmap(local.address()).to_string();
    }
    tls::choose_certificate(ssl, *side, name);  // false (sniStrict): the handshake below sends the alert
    // After a STARTTLS the entrypoint's readTimeout (from accept) may be spent on the dialogue: the handshake gets
    // what the ClientHello had, clientHelloTimeout from now.
    const auto& st = c.l.config->starttls;
    const auto due = r.upgraded && st ? timeout_after(st->client_hello_timeout) : r.read_deadline;
    auto hs = co_await run_handshake(c.client, ssl, c.w, due);
    switch (hs.end) {
    case handshake_end::done: break;
    case handshake_end::timeout: co_return outcome::tls_handshake_timeout;
    case handshake_end::aborted: co_return outcome::client_gone;
    case handshake_end::gone:
    case handshake_end::failed:
        if (debug_enabled())
            spdlog::debug("router \"{}\": TLS handshake with {} (sni \"{}\") failed: {}", c.route->router,
                          format_endpoint(c.source), c.sni,
                          hs.end == handshake_end::gone ? "the client went away" : hs.why);
        co_return hs.end == handshake_end::gone ? outcome::client_gone : outcome::tls_handshake_failed;
    }
    if (debug_enabled()) {
        const unsigned char* proto = nullptr;
        unsigned int len = 0;
        SSL_get0_alpn_selected(ssl, &proto, &len);
        spdlog::debug("router \"{}\": TLS from {} terminated: {} {}, sni \"{}\", alpn \"{}\"", c.route->router,
                      format_endpoint(c.source), SSL_get_version(ssl), SSL_get_cipher_name(ssl), c.sni,
                      std::string(reinterpret_cast<const char*>(proto), len));
    }
    co_return proceed;
}

}  // namespace sy::forwarder
