#pragma once
// The bytes a client sends before it is routed: an optional PROXY header, then perhaps a TLS ClientHello.
//
// They are read (consumed), not peeked with MSG_PEEK: a ClientHello split over several segments would make a
// peeking loop spin, since the socket stays readable while the first segment sits unread. Consumed bytes are
// replayed to the backend byte for byte in the same write as our PROXY header (Traefik replays its peeked bufio
// bytes the same way). A client that has sent nothing holds no buffer.
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/duration.hpp"
#include "forwarder/buffer_pool.hpp"
#include "forwarder/net.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::forwarder {

using steady = std::chrono::steady_clock;

/// Bytes read from the client and not yet forwarded: [begin, end) of a pooled buffer.
struct prefix {
    buffer_lease buffer;
    size_t begin = 0;
    size_t end = 0;

    std::span<const std::byte> bytes() const { return {buffer.data() + begin, end - begin}; }
    size_t size() const { return end - begin; }
    void consume(size_t n) { begin += n; }
    /// Back to the pool when nothing is held, so a silent client costs no buffer while it waits.
    void release_if_empty() {
        if (size() == 0) {
            buffer.release();
            begin = end = 0;
        }
    }
};

enum class read_outcome { data, timeout, eof, error, full };

/// Appends whatever the client has sent to `pre`, waiting for bytes until `deadline` at most.
awaitable<read_outcome> read_more(tcp_socket& s, prefix& pre, buffer_pool& pool, steady::time_point deadline);

struct proxy_in {
    enum class kind {
        none,       ///< no header: the client spoke something else first, or stayed silent until `first_byte_by`
        header,     ///< a valid header was consumed from `pre`
        malformed,  ///< starts like a header but is broken or too long
        timeout,    ///< a header started, or nothing came, and `deadline` passed
        closed,     ///< EOF or an error before a decision
    } state = kind::none;
    std::optional<wire::endpoint> source;       ///< absent for LOCAL / UNKNOWN headers
    std::optional<wire::endpoint> destination;
    int version = 0;
    std::string why;
};

/// Reads a PROXY header (v1 or v2) if the client sends one. A client silent until `first_byte_by` has none.
awaitable<proxy_in> read_proxy_header(tcp_socket& s, prefix& pre, buffer_pool& pool, steady::time_point first_byte_by,
                                      steady::time_point deadline);

struct hello {
    enum class kind {
        silent,     ///< nothing came before `first_byte_by` (< deadline): route as non-TLS
        tls,        ///< a whole ClientHello: sni/alpn filled in
        not_tls,    ///< the first bytes are not TLS
        malformed,  ///< TLS framing but a broken or oversized ClientHello
        timeout,    ///< deadline passed before a decision
        closed,     ///< EOF or error before a decision
    } state = kind::not_tls;
    std::string sni;
    std::vector<std::string> alpn;
    std::string why;
};

/// Reads until the bytes in `pre` decide whether the client speaks TLS, and if so, what its ClientHello says.
awaitable<hello> read_client_hello(tcp_socket& s, prefix& pre, buffer_pool& pool, steady::time_point first_byte_by,
                                   steady::time_point deadline);

/// now + d, or "never" for a zero or negative duration (Traefik: a zero readTimeout waits forever).
steady::time_point deadline_after(duration d);

}  // namespace sy::forwarder
