#include "tls/client_side.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include "tls/key_pair.hpp"

namespace sy::tls {

namespace {

std::string key(const std::string& transport, std::string_view field) {
    if (transport.empty()) return std::string(field);
    return "serversTransports." + transport.substr(0, transport.find('@')) + ".tls." + std::string(field);
}

bool has_uri(X509* cert, std::string_view uri) {
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    bool found = false;
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans) && !found; ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
        if (g->type != GEN_URI) continue;
        const auto* s = g->d.uniformResourceIdentifier;
        found = std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 size_t(ASN1_STRING_length(s))) == uri;
    }
    GENERAL_NAMES_free(sans);
    return found;
}

}  // namespace

client_side_result make_client_side(const std::string& transport, const config::servers_transport_tls* tls,
                                    std::vector<file_stamp>& read) {
    client_side_result out;
    auto side = std::make_shared<client_side>();
    side->name = transport;
    side->ctx = {SSL_CTX_new(TLS_client_method()), SSL_CTX_free};
    SSL_CTX* ctx = side->ctx.get();
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);  // Go's client default
    if (tls) {
        side->server_name = tls->server_name;
        side->peer_cert_uri = tls->peer_cert_uri;
        side->verify = !tls->insecure_skip_verify;
    }
    if (tls && !tls->root_cas.empty()) {
        X509_STORE* trust = SSL_CTX_get_cert_store(ctx);
        for (const auto& ca : tls->root_cas) {
            auto pem = read_file_or_content("rootCAs", ca, read);
            auto certs = pem ? load_certificates(*pem) : result<std::vector<std::shared_ptr<X509>>>(pem.error());
            if (!certs) {
                out.errors.emplace_back(key(transport, "rootCAs"), certs.error().to_string());
                continue;
            }
            for (const auto& x : *certs) X509_STORE_add_cert(trust, x.get());
        }
        ERR_clear_error();
    } else {
        SSL_CTX_set_default_verify_paths(ctx);  // Go's RootCAs = nil: the system's roots
    }
    if (tls && !tls->certificates.empty()) {
        // The first certificate that loads is presented (Go picks the first the server accepts).
        for (const auto& c : tls->certificates) {
            auto cert = read_file_or_content("certFile", c.cert_file, read);
            auto k = read_file_or_content("keyFile", c.key_file, read);
            if (!cert || !k) {
                out.errors.emplace_back(key(transport, "certificates"),
                                        (!cert ? cert.error() : k.error()).to_string());
                continue;
            }
            auto kp = load_key_pair(*cert, *k);
            if (!kp) {
                out.errors.emplace_back(key(transport, "certificates"), kp.error().to_string());
                continue;
            }
            SSL_CTX_use_cert_and_key(ctx, kp->leaf.get(), kp->key.get(), kp->chain.get(), 1);
        }
    }
    SSL_CTX_set_verify(ctx, side->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    if (out.errors.empty()) out.side = std::move(side);
    return out;
}

void prepare_client(SSL* ssl, const client_side& side, std::string_view host) {
    const std::string name = side.server_name.empty() ? std::string(host) : side.server_name;
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(name, ec);  // ec clear: an IP address
    if (ec) SSL_set_tlsext_host_name(ssl, name.c_str());  // no SNI for an address, as Go
    if (!side.verify) return;
    if (!ec)
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str());
    else
        SSL_set1_host(ssl, name.c_str());
}

std::string check_peer(SSL* ssl, const client_side& side) {
    if (side.peer_cert_uri.empty()) return {};
    X509* peer = SSL_get0_peer_certificate(ssl);
    if (!peer || !has_uri(peer, side.peer_cert_uri))
        return "the server's certificate has no URI SAN " + side.peer_cert_uri + " (peerCertURI)";
    return {};
}

}  // namespace sy::tls
