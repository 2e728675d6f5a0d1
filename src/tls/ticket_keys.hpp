#pragma once
// Session ticket keys shared by every terminating SSL_CTX of the process, so a ticket issued before a configuration
// change still resumes after it (each change builds new contexts, and OpenSSL's own keys are per context). Rotated
// every 12 hours: a ticket is accepted under the key that issued it and the one before, so at most 24 hours (and
// within the session's own lifetime), and renewed under the current key when it used the previous one.
//
// Difference from Traefik: Go keys tickets per tls.Config, which Traefik rebuilds on every change, so a Docker
// container starting elsewhere costs every client a full handshake. A context's session id context
// (ticket_context) keeps a session to options identical to those it was made under.
#include <openssl/types.h>

#include <array>
#include <chrono>
#include <string_view>

namespace sy::tls {

/// Makes `ctx` issue and accept tickets under the shared keys.
void use_shared_ticket_keys(SSL_CTX* ctx);

/// How often the current key is replaced.
inline constexpr auto ticket_key_rotation = std::chrono::hours(12);

/// The session id context for options whose identity (name, every setting, the CA certificates' bytes) is
/// `identity`: a SHA-256 of it, so a session only resumes under the same options.
std::array<unsigned char, 32> ticket_context(std::string_view identity);

}  // namespace sy::tls
