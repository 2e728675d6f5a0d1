#include "forwarder/tls_session.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sy::forwarder {

namespace {

int bio_write(BIO* b, const char* data, int size) {
    auto* s = static_cast<tls_session*>(BIO_get_data(b));
    bool retry = false;
    const int n = s->write(data, size, retry);
    BIO_clear_retry_flags(b);
    if (retry) BIO_set_retry_write(b);
    return n;
}

int bio_read(BIO* b, char* out, int size) {
    auto* s = static_cast<tls_session*>(BIO_get_data(b));
    bool retry = false;
    const int n = s->read(out, size, retry);
    BIO_clear_retry_flags(b);
    if (retry) BIO_set_retry_read(b);
    return n;
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
}

BIO_METHOD* socket_method() {
    static BIO_METHOD* m = [] {
        BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "switchyard client");
        BIO_meth_set_write(method, bio_write);
        BIO_meth_set_read(method, bio_read);
        BIO_meth_set_ctrl(method, bio_ctrl);
        BIO_meth_set_create(method, bio_create);
        return method;
    }();
    return m;
}

}  // namespace

tls_session::tls_session(SSL_CTX* ctx, int fd, prefix&& replay, role r) : fd_(fd), replay_(std::move(replay)) {
    ssl_ = SSL_new(ctx);
    if (!ssl_) throw std::runtime_error("SSL_new failed: " + last_error());
    BIO* bio = BIO_new(socket_method());
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_, bio, bio);
    if (r == role::server)
        SSL_set_accept_state(ssl_);
    else
        SSL_set_connect_state(ssl_);
}

tls_session::~tls_session() { SSL_free(ssl_); }

wire::proxy_tls_info tls_session::proxy_info(std::string_view sni) const {
    wire::proxy_tls_info info;
    info.version = SSL_get_version(ssl_);
    info.cipher = SSL_get_cipher_name(ssl_);
    info.sni = sni;
    info.client_cert = SSL_get0_peer_certificate(ssl_) != nullptr;
    info.verified = !info.client_cert || SSL_get_verify_result(ssl_) == X509_V_OK;
    return info;
}

std::string tls_session::last_error() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? std::string(std::strerror(errno)) : out;
}

int tls_session::read(char* out, int size, bool& retry) {
    if (replay_.size() > 0) {
        const size_t n = std::min(replay_.size(), size_t(size));
        std::memcpy(out, replay_.bytes().data(), n);
        replay_.consume(n);
        replay_.release_if_empty();  // the ClientHello's buffer goes back to the pool once replayed
        return int(n);
    }
    ssize_t n;
    do n = ::recv(fd_, out, size_t(size), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) retry = true;
    return int(n);
}

int tls_session::write(const char* data, int size, bool& retry) {
    ssize_t n;
    do n = ::send(fd_, data, size_t(size), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) retry = true;
    return int(n);
}

}  // namespace sy::forwarder
