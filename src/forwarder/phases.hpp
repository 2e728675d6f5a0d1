#pragma once
// A connection's life before the relay, as named phases, each a small function with its own outcomes:
//
//   read_inbound_proxy   the PROXY header a trusted balancer sends first (entrypoints with proxyProtocol)
//   check_ban            the live ban list (banList.filename), on the client address that header named
//   read_first_bytes     what the client says first: a ClientHello (SNI, ALPN), other bytes, or silence
//   answer_starttls      instead of read_first_bytes on a STARTTLS entrypoint: the pre-TLS dialogue, STARTTLS, and
//                        the ClientHello after it
//   relay_first          instead of answer_starttls on an SMTP STARTTLS entrypoint where a non-TLS router takes the
//                        client (port 25): that route's server relayed to at once, the client's STARTTLS caught on
//                        the way, and the ClientHello after it routed; done, or rerouted to the phases below
//   answer_ssl_request   after read_first_bytes: a Postgres SSLRequest answered 'S', and the ClientHello after it
//   choose_route         the router whose rule matches, then its middlewares (ipAllowList, ipDenyList, inFlightConn)
//   terminate_tls        the TLS handshake, for a router with tls and without passthrough (phase_tls.cpp); after a
//                        STARTTLS or SSLRequest too, so the server then gets plaintext
//   connect_backend      a server of its service, dialled within dialTimeout
//   send_preamble        the PROXY header toward the server and the client's bytes read so far, in one write
//   replay_starttls      instead of send_preamble after a STARTTLS or SSLRequest: the PROXY header, the dialogue
//                        replayed to the server in lock step with every reply checked, then the saved ClientHello
//                        (terminated here: only the server's greeting, swallowed, since the client had ours)
//   connect_backend_tls  TLS toward the server, for servers with tls; the client's bytes then go inside it
//
// then serve_connection (session.cpp) hands both sockets to the relay. A phase answers `proceed` to go on, or the
// outcome the connection ends with. A protocol that needs its own step (STARTTLS, TLS termination) is one more
// phase in session.cpp's list, not a branch inside these. `routing` is what the phases pass on to each other; it
// lives in the routing coroutine's frame and is gone once the relay starts.
#include <optional>
#include <string>
#include <vector>

#include "forwarder/connection.hpp"
#include "forwarder/first_bytes.hpp"
#include "rules/rule.hpp"
#include "telemetry/outcome.hpp"
#include "wire/starttls_command.hpp"

namespace sy::forwarder {

using step = std::optional<telemetry::outcome>;
inline constexpr std::nullopt_t proceed = std::nullopt;

struct routing {
    prefix pre;                ///< client bytes read and not yet forwarded
    rules::conn_facts facts;   ///< what rules match on
    std::vector<std::string> alpn;  ///< the ClientHello's protocols (facts.alpn views them)
    time_point read_deadline;  ///< the entrypoint's readTimeout, from accept
    bool silent = false;       ///< the client sent nothing within serverFirstWait
    bool dial_waited = false;  ///< the dial had to wait for the handshake (see relay_link::start)
    bool upgraded = false;     ///< the client asked for TLS in its protocol (STARTTLS, SSLRequest) and got an OK
    bool relayed = false;      ///< relay_first left both sockets ready for the relay: no phase is left
    std::string helo;          ///< SMTP: the client's "EHLO x\r\n" or "HELO x\r\n" to replay (empty: EHLO <hostname>)
};

awaitable<step> read_inbound_proxy(connection& c, routing& r);
step check_ban(connection& c);
awaitable<step> read_first_bytes(connection& c, routing& r);
step choose_route(connection& c, routing& r);
awaitable<step> terminate_tls(connection& c, routing& r);
awaitable<step> connect_backend(connection& c, routing& r);
awaitable<step> send_preamble(connection& c, routing& r);
awaitable<step> answer_starttls(connection& c, routing& r);
/// Whether relay_first takes this connection: an SMTP STARTTLS entrypoint with a non-TLS route for the client.
bool relays_first(const connection& c, routing& r);
awaitable<step> relay_first(connection& c, routing& r);
awaitable<step> answer_ssl_request(connection& c, routing& r);
awaitable<step> replay_starttls(connection& c, routing& r);
awaitable<step> connect_backend_tls(connection& c, routing& r);

/// Makes a parsed ClientHello's SNI and ALPN what the rules match on.
void take_client_hello(connection& c, routing& r, wire::client_hello_result& hello);
/// After the client was told to start TLS (STARTTLS's OK, SSLRequest's 'S'): reads its ClientHello by `due` and
/// takes it, or ends with `on_timeout`, `starttls_not_tls` for bytes that are not TLS, `malformed_tls`.
awaitable<step> read_upgraded_hello(connection& c, routing& r, time_point due, telemetry::outcome on_timeout);

/// The client's HELO/EHLO line as a server will be told it: printable ASCII only, at most 255 octets, else
/// "EHLO <host>" (RFC 5321 §4.1.1.1 gives the argument no other use before TLS).
std::string replayed_helo(const wire::client_command& cmd, std::string_view host);

/// Whether a debug line is wanted: per-connection debug lines build their strings only then.
bool debug_enabled();
/// " (and N more like it in the last 10s)" for a rate-limited warning, or nothing when none was held back.
std::string held_note(uint64_t held);

}  // namespace sy::forwarder
