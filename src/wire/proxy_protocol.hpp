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

/// Writes a header into `out` and returns the bytes used (0 if `out` is too small: 232 bytes always suffice).
/// IPv4-mapped IPv6 addresses are written as IPv4; mixed families are written as IPv6 (v1 "TCP6", v2 AF_INET6).
size_t write_proxy_header(int version, const endpoint& source, const endpoint& destination,
                          std::span<std::byte> out) noexcept;

inline constexpr size_t max_proxy_header_write = 232;

}  // namespace sy::wire
