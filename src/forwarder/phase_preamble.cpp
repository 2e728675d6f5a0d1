// Phase: the PROXY header (if the service sends one) and the client's bytes read so far, in one write: one
// segment, one system call.
#include <array>

#include <boost/asio/write.hpp>

#include "forwarder/phases.hpp"
#include "forwarder/tls_session.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::forwarder {

awaitable<step> send_preamble(connection& c, routing& r) {
    using telemetry::outcome;
    const int version = c.leaf->proxy_protocol_version;
    const bool header = version == 1 || version == 2;
    // Toward a TLS server only the header goes in plain: the client's bytes follow inside TLS (phase_backend_tls).
    const size_t plain = c.server->tls ? 0 : r.pre.size();
    c.first_bytes += plain;  // (relay-first SMTP may have forwarded some already)
    if (header && !c.destination) {
        // Looked up only now: most routes send no PROXY header and never need the address the client dialled.
        error_code ec;
        const auto local = c.client.local_endpoint(ec);
        if (ec) co_return outcome::client_gone;  // the client reset meanwhile: there is no true address to send
        c.destination = wire::endpoint{unmap(local.address()), local.port()};
    }
    // Nothing to write means no suspension between the socket's registration and the relay: its first read can be
    // skipped (relay_link::start).
    c.backend_untouched = !r.dial_waited && !header && r.pre.size() == 0 && !c.server->tls;
    // The header's buffer lives only in this frame, not for the whole connection.
    std::array<std::byte, wire::max_proxy_header_write> bytes;
    size_t header_size = 0;
    if (header) {
        // Terminated here: the backend learns the session was TLS (Dovecot then allows plaintext authentication).
        wire::proxy_tls_info info;
        if (c.tls) info = c.tls->proxy_info(c.sni);
        header_size = wire::write_proxy_header(version, c.source, *c.destination, bytes, c.tls ? &info : nullptr);
    }
    if (header_size + plain > 0) {
        std::array<net::const_buffer, 2> parts{net::buffer(bytes.data(), header_size),
                                               net::buffer(r.pre.bytes().data(), plain)};
        auto [ec, n] = co_await net::async_write(c.backend, parts, net::as_tuple(net::use_awaitable));
        (void)n;
        if (ec) co_return outcome::preamble_failed;
    }
    if (!c.server->tls) r.pre.buffer.release();
    if (header && c.server->counters) telemetry::bump(c.server->counters->proxy_headers_sent);
    co_return proceed;
}

}  // namespace sy::forwarder
