#pragma once
// Which certificate a handshake presents (Traefik's CertificateStore.GetBestCertificate): the one for the exact
// server name, else a wildcard one (`*.example.com` covers one label, as in Go), else the store's default. Each
// name may hold one certificate per key kind, RSA and ECDSA: OpenSSL presents the one the client's signature
// algorithms and cipher suites allow (Go would pick by the client's offer as well).
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tls/key_pair.hpp"

namespace sy::tls {

/// The certificates for one name: at most one per key kind, the first added wins.
struct certificate_entry {
    std::shared_ptr<const key_pair> rsa;
    std::shared_ptr<const key_pair> ecdsa;
    std::shared_ptr<const key_pair> other;
    bool empty() const { return !rsa && !ecdsa && !other; }
    void add(const std::shared_ptr<const key_pair>& kp);
};

class certificate_store {
public:
    /// Indexes `kp` under each of its names.
    void add(const std::shared_ptr<const key_pair>& kp);
    void set_default(const std::shared_ptr<const key_pair>& kp) { default_ = {}, default_.add(kp); }

    /// The certificates for `server_name` (exact, then wildcard), or nullptr. `server_name` is compared
    /// case-insensitively and without a trailing dot.
    const certificate_entry* find(std::string_view server_name) const;
    const certificate_entry& fallback() const { return default_; }
    size_t names() const { return by_name_.size(); }

private:
    std::unordered_map<std::string, certificate_entry> by_name_;
    certificate_entry default_;
};

}  // namespace sy::tls
