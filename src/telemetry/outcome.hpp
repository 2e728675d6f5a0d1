#pragma once
// How a connection ended: one value per outcome, one counter per value and entrypoint (`/metrics`), and the name
// the access log prints. Envoy's rule: every outcome is an enum value with its own counter, never a string that
// control flow compares.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sy::telemetry {

enum class outcome : uint8_t {
    // Relayed, then ended.
    closed,    ///< both directions ended (or the last one had its terminationDelay)
    reset,     ///< a side reset the connection, or a write failed: both closed at once
    shutdown,  ///< closed by a stop, after graceTimeOut
    // Ended before a backend was reached, by the client or the entrypoint.
    client_gone,      ///< the client closed or reset before it was routed
    proxy_timeout,    ///< a PROXY header was awaited and did not come complete within readTimeout
    hello_timeout,    ///< a ClientHello was awaited and did not come complete within readTimeout
    malformed_proxy,  ///< a broken PROXY header
    malformed_tls,    ///< a broken or oversized ClientHello
    untrusted_proxy,  ///< a PROXY header from a peer outside proxyProtocol.trustedIPs
    banned,           ///< the client is in the live ban list (banList.filename), checked after a trusted PROXY header
    // TLS terminated here (routers with tls, not passthrough).
    tls_handshake_failed,   ///< the handshake failed: no common version or cipher, sniStrict, a client certificate
    tls_handshake_timeout,  ///< the handshake did not complete within readTimeout (after STARTTLS: clientHelloTimeout)
    // Refused by routing.
    no_route,            ///< no router matches
    refused_allow_list,  ///< ipAllowList
    refused_in_flight,   ///< inFlightConn
    refused_deny_list,   ///< ipDenyList (Switchyard extension)
    // The backend side.
    no_server,        ///< the service has no server to send it to
    no_healthy_server,  ///< every server of the service is DOWN (health checks)
    dial_failed,      ///< the server refused or could not be reached
    dial_timeout,     ///< no answer within dialTimeout
    preamble_failed,  ///< the server went away before the PROXY header and first bytes were written
    // STARTTLS entrypoints (and Postgres' SSLRequest), by phase: the client's pre-TLS dialogue...
    starttls_pipelining,       ///< bytes followed the client's STARTTLS line (the CVE-2011-0411 class): no OK sent
    starttls_command_timeout,  ///< no complete command within preTLSCommandTimeout
    starttls_total_timeout,    ///< no STARTTLS within preTLSTotalTimeout
    starttls_not_started,      ///< the client quit, erred too often or sent an overlong line before STARTTLS
    starttls_not_tls,          ///< after our STARTTLS OK, the client's bytes were not a TLS handshake
    starttls_hello_timeout,    ///< no complete ClientHello within clientHelloTimeout after our OK
    // ... and the backend's, replayed after routing.
    backend_no_starttls,       ///< the server does not offer STARTTLS, or refused it: never downgraded
    backend_dialogue_failed,   ///< the server refused the session (421, BYE, PREAUTH), spoke garbage, or closed
    backend_dialogue_timeout,  ///< the server's dialogue took longer than backendDialogueTimeout
    backend_trailing_bytes,    ///< the server sent bytes after its STARTTLS OK (terminated here: its greeting)
    backend_tls_failed,        ///< the TLS handshake toward the server failed (verification, or the server's refusal)
    internal_error,   ///< a bug: an exception escaped (logged with its message)
};

inline constexpr std::size_t outcome_count = static_cast<std::size_t>(outcome::internal_error) + 1;

/// The access log's and the metrics' name: "closed", "no_route", ...
std::string_view to_string(outcome o);
/// The value named `name`, if any (tests and tools).
std::optional<outcome> outcome_named(std::string_view name);

}  // namespace sy::telemetry
