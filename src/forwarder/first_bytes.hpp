#pragma once
// The bytes a client sends before it is routed: an optional PROXY header, then perhaps a TLS ClientHello.
//
// They are read (consumed), not peeked with MSG_PEEK: a ClientHello split over several segments would make a
// peeking loop spin, since the socket stays readable while the first segment sits unread. Consumed bytes are
// replayed to the backend byte for byte in the same write as our PROXY header (Traefik replays its peeked bufio
// bytes the same way). A client that has sent nothing holds no buffer.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "forwarder/buffer_pool.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/net.hpp"
#include "forwarder/worker_context.hpp"
#include "wire/client_hello.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::forwarder {

using time_point = coarse_timer::clock::time_point;

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

/// What one read that does not wait brought: bytes, no room left, nothing yet (EAGAIN), EOF, or an error.
enum class read_now_result { data, drained, full, eof, error };

/// One non-blocking read_some into `pre`'s free tail (leasing a buffer first); never compacts, never waits.
/// Shared by read_more and port 25's relay-first watch, which compacts first because it forwards as it reads.
read_now_result read_now(tcp_socket& s, prefix& pre, buffer_pool& pool);

/// Appends whatever the client has sent to `pre`, waiting for bytes until `due` at most.
awaitable<read_outcome> read_more(tcp_socket& s, prefix& pre, worker_context& w, time_point due);

/// What reading a header or a hello came to.
enum class read_verdict {
    decided,    ///< the parser answered (done, not_mine or malformed: see the result's state)
    silent,     ///< nothing came before `first_byte_by` (< due): the client waits for us to speak
    timeout,    ///< `due` passed before the parser could answer
    closed,     ///< EOF or an error before an answer
    too_large,  ///< the bytes filled the buffer without an answer
};

template <class Result> struct read_result {
    read_verdict verdict = read_verdict::decided;
    Result parsed;
};

/// Reads a PROXY header (v1 or v2) if the client sends one; a `done` header is consumed from `pre`.
awaitable<read_result<wire::proxy_header_result>> read_proxy_header(tcp_socket& s, prefix& pre, worker_context& w,
                                                                    time_point first_byte_by, time_point due);

/// Reads until the bytes in `pre` decide whether the client speaks TLS, and if so, what its ClientHello says.
awaitable<read_result<wire::client_hello_result>> read_client_hello(tcp_socket& s, prefix& pre, worker_context& w,
                                                                    time_point first_byte_by, time_point due);

}  // namespace sy::forwarder
