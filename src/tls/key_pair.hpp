#pragma once
// A certificate chain and its private key, parsed from PEM and checked against each other: what a certificate store
// holds and a handshake presents. OpenSSL objects are shared (reference-counted), never copied.
#include <openssl/x509.h>  // STACK_OF(X509) must be declared globally before use in a namespace

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "tls/pem_source.hpp"

namespace sy::tls {

enum class key_kind { rsa, ecdsa, other };
const char* to_string(key_kind k);  ///< "RSA", "ECDSA", "other"

struct key_pair {
    std::shared_ptr<X509> leaf;
    std::shared_ptr<STACK_OF(X509)> chain;  ///< the intermediates after the leaf (may be empty)
    std::shared_ptr<EVP_PKEY> key;
    key_kind kind = key_kind::other;
    /// What the certificate is valid for, lower-case: its DNS names (the CN only when it has none, as Go does for
    /// Traefik), then its IP addresses as text.
    std::vector<std::string> names;
    std::string subject;  ///< the leaf's subject, one line
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
};

/// Parses `cert` (leaf first, then intermediates) and `key` and checks that the key is the leaf's. Errors name the
/// file (or "inline PEM") and say what is wrong: not PEM, no certificate, no key, key does not match.
result<key_pair> load_key_pair(const pem_text& cert, const pem_text& key);

/// Every certificate in `pem` (CA bundles: caFiles, rootCAs); an error when there is none.
result<std::vector<std::shared_ptr<X509>>> load_certificates(const pem_text& pem);

/// The leaf and key as PEM (the generated default certificate; tests).
std::string to_pem(const key_pair& kp, bool with_key);

}  // namespace sy::tls
