#include "forwarder/tls_handshake.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "forwarder/readable_wait.hpp"
#include "forwarder/tls_session.hpp"

namespace sy::forwarder {

namespace {

/// Waits for what OpenSSL asked for; a WANT_READ means its BIO saw EAGAIN, so the readiness wait needs no re-arm.
awaitable<wait_result> wait_for(int err, tcp_socket& s, worker_context& w, time_point due) {
    if (err == SSL_ERROR_WANT_READ) co_return co_await readable_before(s, w.reactor, w.deadlines, due);
    co_return co_await writable_before(s, w.deadlines, due);
}

}  // namespace

awaitable<handshake_result> run_handshake(tcp_socket& s, SSL* ssl, worker_context& w, time_point due) {
    for (;;) {
        const int rc = SSL_do_handshake(ssl);
        if (rc == 1) co_return handshake_result{};
        const int err = SSL_get_error(ssl, rc);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            // A peer that closes or resets mid-handshake leaves no OpenSSL reason, only the system's.
            auto why = tls_session::last_error();
            const bool gone = err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN;
            co_return handshake_result{gone ? handshake_end::gone : handshake_end::failed, std::move(why)};
        }
        switch (co_await wait_for(err, s, w, due)) {
        case wait_result::readable: break;
        case wait_result::timed_out: co_return handshake_result{handshake_end::timeout, {}};
        case wait_result::aborted: co_return handshake_result{handshake_end::aborted, {}};
        }
    }
}

awaitable<bool> write_all(tcp_socket& s, SSL* ssl, std::span<const std::byte> data, worker_context& w, time_point due) {
    while (!data.empty()) {
        size_t n = 0;
        if (SSL_write_ex(ssl, data.data(), data.size(), &n) == 1) {
            data = data.subspan(n);
            continue;
        }
        const int err = SSL_get_error(ssl, 0);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            ERR_clear_error();
            co_return false;
        }
        if (co_await wait_for(err, s, w, due) != wait_result::readable) co_return false;
    }
    co_return true;
}

}  // namespace sy::forwarder
