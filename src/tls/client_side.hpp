#pragma once
// TLS toward backends (a serversTransport's `tls`, used by servers with `tls: true`): an SSL_CTX that verifies the
// server against rootCAs (or the system's roots), presents the transport's client certificates, and the name to
// send and check. Verification is on unless insecureSkipVerify says otherwise.
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "config/dynamic_config.hpp"
#include "tls/pem_source.hpp"

namespace sy::tls {

struct client_side {
    std::string name;  ///< the transport's qualified name, or "" for the built-in one
    std::shared_ptr<SSL_CTX> ctx;
    std::string server_name;    ///< empty: the server address's host, as Go's tls.Dial does
    std::string peer_cert_uri;  ///< empty: no URI SAN required
    bool verify = true;
};

struct client_side_result {
    std::shared_ptr<const client_side> side;  ///< null when there are errors
    std::vector<diagnostic> errors;
};

/// `tls` null: the built-in transport (system roots, the address's host). Errors name the transport's key.
client_side_result make_client_side(const std::string& transport, const config::servers_transport_tls* tls,
                                    std::vector<file_stamp>& read);

/// Sets SNI and the name the server's certificate must carry (a DNS name, or an IP address) on a new client SSL.
void prepare_client(SSL* ssl, const client_side& side, std::string_view host);

/// After the handshake: why the server's certificate is refused (peerCertURI), or "" when it is accepted.
std::string check_peer(SSL* ssl, const client_side& side);

}  // namespace sy::tls
