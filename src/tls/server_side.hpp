#pragma once
// One `tls.options` entry made ready to terminate handshakes: an SSL_CTX with the versions, cipher suites, curves,
// ALPN list and client authentication it names, and the certificate store its handshakes choose from. Immutable once
// made; shared by every worker through the routing snapshot (an SSL_CTX is safe to use from many threads).
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "config/dynamic_config.hpp"
#include "tls/cert_store.hpp"
#include "tls/pem_source.hpp"

namespace sy::tls {

struct server_side {
    std::string name;  ///< the options' qualified name ("default", "modern@file")
    std::shared_ptr<SSL_CTX> ctx;
    std::vector<std::string> alpn;  ///< in the server's order of preference
    bool sni_strict = false;
    std::shared_ptr<const certificate_store> store;
};

/// Builds the options named `name`. Every problem is collected (not only the first): each names its key
/// (`tls.options.modern.cipherSuites: unknown cipher suite "TLS_AES_128_GCM"; did you mean ...`). `read` collects
/// the CA files read, for live reload.
struct server_side_result {
    std::shared_ptr<const server_side> side;  ///< null when there are errors
    std::vector<diagnostic> errors;
    std::vector<std::string> warnings;
};
server_side_result make_server_side(const std::string& name, const config::tls_options& options,
                                    std::shared_ptr<const certificate_store> store, std::vector<file_stamp>& read);

/// Sets up a new server SSL for the connection's server name (SNI, or the address the client dialled when it sent
/// none, as Traefik does): the certificates found for it, or the store's default. False when nothing matches and
/// the options are sniStrict: the handshake is then refused with an unrecognized_name alert.
bool choose_certificate(SSL* ssl, const server_side& side, std::string_view server_name);

}  // namespace sy::tls
