#pragma once
// The relay of a connection with TLS on one side or both: TLS terminated from the client, TLS toward the backend
// (serversTransport tls), or both. A side is a socket, with an SSL object when it speaks TLS: reads from it give
// plaintext, writes to it are encrypted. The plaintext relay (relay.hpp) is left as it is: a connection gets this
// one only when a side is TLS.
//
// The same rules as relay_link: a callback state machine with at most one pending operation per direction, buffers
// borrowed from the pool only between a read and the end of its write (an idle connection holds none of ours, and
// OpenSSL releases its record buffers when they are empty), `bytes_per_turn` per wake-up and direction, half-close
// propagated (a FIN toward a TLS side is preceded by close_notify), terminationDelay for the remaining direction, a
// reset on either side resets both.
#include <openssl/types.h>

#include <array>

#include "forwarder/relay.hpp"

namespace sy::forwarder {

class tls_relay {
public:
    tls_relay() = default;
    tls_relay(const tls_relay&) = delete;
    tls_relay& operator=(const tls_relay&) = delete;

    /// `client_ssl` / `backend_ssl`: the side's SSL after its handshake, or null for plain TCP (not both null).
    void start(tcp_socket& client, SSL* client_ssl, tcp_socket& backend, SSL* backend_ssl,
               duration termination_delay, buffer_pool& pool, coarse_timer& deadlines, io_reactor& reactor,
               const relay_link::counter_set& counters, relay_link::done_fn done, void* owner);

    /// What a read or a write on a side came to.
    enum class io { done, eof, want_read, want_write, failed, closed };

private:
    struct side {
        tcp_socket* socket = nullptr;
        SSL* ssl = nullptr;
    };
    /// Direction d reads sides_[d] and writes sides_[1 - d]: 0 = client → backend (bytes_in), 1 = the reverse.
    struct direction {
        buffer_lease buf;  ///< read and not yet written (held only while the destination is slow)
        size_t begin = 0;
        size_t end = 0;
    };

    io read(int d, std::byte* out, size_t size, size_t& n);
    io write(int d, size_t& n);
    void pump(int d);
    bool flush(int d);  ///< false when it waits, or the direction ended
    void wait(int d, int s, bool for_write, bool then_flush);
    void yield(int d);
    void moved(int d, size_t n);
    void abort();
    void direction_done(int d, bool eof);
    void finish_if_done();
    static void linger_expired(void* self);
    static void readable(void* self, int d, const error_code& ec);

    std::array<side, 2> sides_{};
    std::array<direction, 2> dirs_{};
    io_reactor* reactor_ = nullptr;
    readiness_wait waits_[2]{{&tls_relay::readable, this, 0}, {&tls_relay::readable, this, 1}};
    coarse_timer* deadlines_ = nullptr;
    coarse_timer::deadline linger_;
    duration termination_delay_{};
    buffer_pool* pool_ = nullptr;
    relay_link::counter_set counters_{};
    relay_result result_;
    relay_link::done_fn done_ = nullptr;
    void* owner_ = nullptr;
    std::array<bool, 2> ended_{};
    int8_t running_ = 2;
    int8_t pending_ = 0;
};

}  // namespace sy::forwarder
