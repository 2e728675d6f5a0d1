#pragma once
// Postgres' SSLRequest (protocol 3.0 §55.2.10): int32 length 8, then int32 80877103. A client that wants TLS sends
// it first and waits for one byte, 'S' (go on with a ClientHello) or 'N'. Traefik answers 'S' on entrypoints with
// TLS routers and routes on the ClientHello that follows (pkg/server/router/tcp/postgres.go); so does Switchyard.
#include <array>
#include <cstddef>
#include <span>

namespace sy::wire {

inline constexpr std::array<std::byte, 8> postgres_ssl_request{std::byte{0}, std::byte{0},    std::byte{0},
                                                               std::byte{8}, std::byte{4},    std::byte{210},
                                                               std::byte{22}, std::byte{47}};
inline constexpr std::byte postgres_ssl_accept{'S'};

enum class ssl_request_match {
    need_more,  ///< the bytes so far are a prefix of an SSLRequest
    yes,        ///< the first 8 bytes are an SSLRequest
    no,         ///< they are not (a ClientHello, or any other protocol)
};

/// Compares byte by byte and answers at the first difference, as Traefik's isPostgres does, so a protocol whose
/// first message is shorter than 8 bytes is never waited on.
ssl_request_match match_postgres_ssl_request(std::span<const std::byte> bytes) noexcept;

}  // namespace sy::wire
