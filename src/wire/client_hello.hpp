#pragma once
// TLS ClientHello inspection: a pure, incremental parser over peeked bytes (no socket, no allocation beyond the
// result's strings). The record layout is documented in client_hello.cpp.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace sy::wire {

struct client_hello_result {
    enum class status {
        need_more,  ///< looks like TLS so far; peek more bytes
        done,       ///< a whole ClientHello was read; sni/alpn are filled in
        not_tls,    ///< the first bytes are not a TLS handshake record: route as plain TCP
        malformed,  ///< TLS record framing, but the ClientHello is broken, larger than the cap, or SSLv2: close
    } state = status::need_more;
    std::string sni;                 ///< lower-cased; empty when absent
    std::vector<std::string> alpn;   ///< in the client's order
    std::string why;                 ///< for malformed
};

/// Largest ClientHello accepted, record headers included (several records may carry it). Larger hellos are
/// `malformed`, and the verdict never depends on bytes past this many: a peek buffer of this size always suffices.
inline constexpr size_t max_client_hello_bytes = 16 * 1024 + 5 * 4;

/// Parses the bytes peeked so far from the start of a connection (call again with all of them when more arrive).
/// Any answer but need_more is final: more bytes would not change it.
client_hello_result parse_client_hello(std::span<const std::byte> bytes) noexcept;

}  // namespace sy::wire
