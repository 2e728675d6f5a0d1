#pragma once
// Driving an OpenSSL handshake (either side) on a worker: one step per wake-up (one flight: at most one signature),
// so a handshake never holds the worker for long, and the whole of it within a deadline.
#include <openssl/types.h>

#include <span>
#include <string>

#include "forwarder/first_bytes.hpp"
#include "forwarder/worker_context.hpp"

namespace sy::forwarder {

enum class handshake_end { done, failed, gone, timeout, aborted };

struct handshake_result {
    handshake_end end = handshake_end::done;
    std::string why;  ///< OpenSSL's reason, for `failed`
};

awaitable<handshake_result> run_handshake(tcp_socket& s, SSL* ssl, worker_context& w, time_point due);

/// Writes `data` through `ssl` entirely (bytes a client sent before its route was chosen, toward a TLS backend).
awaitable<bool> write_all(tcp_socket& s, SSL* ssl, std::span<const std::byte> data, worker_context& w, time_point due);

}  // namespace sy::forwarder
