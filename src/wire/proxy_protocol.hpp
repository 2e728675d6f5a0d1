#pragma once
// PROXY protocol v1 (text) and v2 (binary), read and written as pure functions over spans (HAProxy's
// doc/proxy-protocol.txt). Formats are documented at the top of proxy_protocol_parse.cpp.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "base/address.hpp"

namespace sy::wire {

struct endpoint {
    ip_address address;
    uint16_t port = 0;
};

struct proxy_header_result {
    enum class status {
        need_more,  ///< a prefix of a header; peek more
        done,       ///< `consumed` bytes form a valid header
        not_proxy,  ///< the bytes do not start a PROXY header
        malformed,  ///< a broken header: close the connection
    } state = status::need_more;
    size_t consumed = 0;
    /// Absent for "PROXY UNKNOWN" and v2 LOCAL: the connection's own addresses stand.
    std::optional<endpoint> source;
    std::optional<endpoint> destination;
    int version = 0;
    std::string why;
};

/// Longest possible v1 header (107 bytes) and the v2 cap we accept (header + TLVs).
inline constexpr size_t max_proxy_v1_bytes = 107;
inline constexpr size_t max_proxy_v2_bytes = 16 + 65535;

/// Parses the bytes peeked so far from the start of a connection. Any answer but need_more is final. Addresses come
/// back unmapped (::ffff:1.2.3.4 → 1.2.3.4).
proxy_header_result parse_proxy_header(std::span<const std::byte> bytes) noexcept;

/// What a v2 header says about TLS terminated in front of the backend: PP2_TYPE_SSL (client flags, verify result,
/// the version and cipher as sub-TLVs) and PP2_TYPE_AUTHORITY (the SNI). Dovecot treats a session whose header
/// carries PP2_CLIENT_SSL as secured, so plaintext authentication works on it and nowhere else.
struct proxy_tls_info {
    std::string_view version;  ///< "TLSv1.3"
    std::string_view cipher;   ///< "TLS_AES_256_GCM_SHA384"
    std::string_view sni;      ///< empty: no AUTHORITY TLV
    bool client_cert = false;  ///< the client presented a certificate on this connection
    bool verified = true;      ///< ... and it was verified (or none was asked for)
};

/// Writes a header into `out` and returns the bytes used (0 if `out` is too small: max_proxy_header_write bytes
/// always suffice). IPv4-mapped IPv6 addresses are written as IPv4; mixed families are written as IPv6 (v1 "TCP6",
/// v2 AF_INET6). `tls` adds the v2 TLVs above (v1 has no room for them); strings longer than 255 bytes are cut.
size_t write_proxy_header(int version, const endpoint& source, const endpoint& destination, std::span<std::byte> out,
                          const proxy_tls_info* tls = nullptr) noexcept;

inline constexpr size_t max_proxy_header_write = 1024;

/// A header that carries no client: v2 LOCAL (16 bytes) or v1 "PROXY UNKNOWN\r\n", what a health check sends to a
/// PROXY listener so that the server takes the connection as the proxy's own and logs no error. 0 for another
/// version or when `out` is too small.
size_t write_proxy_local_header(int version, std::span<std::byte> out) noexcept;

}  // namespace sy::wire
