// A real ClientHello, made by OpenSSL's client state machine writing into a memory BIO: no network, no server.
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "test_net.hpp"

namespace sy::test {

std::string client_hello(const std::string& sni, const std::vector<std::string>& alpn) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    if (!sni.empty()) SSL_set_tlsext_host_name(ssl, sni.c_str());
    if (!alpn.empty()) {
        std::string wire;
        for (const auto& p : alpn) wire += static_cast<char>(p.size()) + p;
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
    }
    SSL_set_connect_state(ssl);
    SSL_do_handshake(ssl);  // wants to read the ServerHello: the ClientHello is in `out`
    std::string bytes;
    char buf[4096];
    int n;
    while ((n = BIO_read(out, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(n));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return bytes;
}

}  // namespace sy::test
