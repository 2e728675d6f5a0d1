#pragma once
// One terminated TLS connection's OpenSSL state: the SSL object and the BIO it reads and writes the client socket
// through. The BIO replays first the bytes read before routing (the ClientHello, which the router needed for SNI),
// then reads the socket directly, and writes to it directly: no buffer of ours, and OpenSSL's own record buffers are
// released whenever they are empty (SSL_MODE_RELEASE_BUFFERS), so an idle TLS connection holds the SSL object only.
#include <openssl/types.h>

#include <string>
#include <string_view>

#include "forwarder/first_bytes.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::forwarder {

class tls_session {
public:
    /// A server SSL (or a client one, toward a backend) from `ctx` over socket `fd`, replaying `replay` first.
    enum class role { server, client };
    tls_session(SSL_CTX* ctx, int fd, prefix&& replay, role r = role::server);
    tls_session(const tls_session&) = delete;
    tls_session& operator=(const tls_session&) = delete;
    ~tls_session();

    SSL* ssl() const { return ssl_; }

    /// What the PROXY v2 header tells the backend about this session (views into OpenSSL's static strings and `sni`).
    wire::proxy_tls_info proxy_info(std::string_view sni) const;

    /// What OpenSSL's last failure was, for a debug line; clears OpenSSL's error queue.
    static std::string last_error();

    // For the BIO (tls_session.cpp).
    int read(char* out, int size, bool& retry);
    int write(const char* data, int size, bool& retry);

private:
    SSL* ssl_ = nullptr;
    int fd_;
    prefix replay_;
};

}  // namespace sy::forwarder
