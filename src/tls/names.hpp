#pragma once
// Traefik's names in tls.options (pkg/tls/certificate.go, cipher.go, tls.go) and what OpenSSL calls them. Unknown
// names are errors with the closest valid one (Traefik ignores an unknown minVersion/maxVersion silently and fails
// the whole option set for an unknown cipher or curve without a hint: deliberate difference for the versions).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"

namespace sy::tls {

/// VersionTLS10 .. VersionTLS13 → TLS1_VERSION .. TLS1_3_VERSION.
result<int> protocol_version(std::string_view name);

struct cipher_name {
    std::string_view traefik;
    std::string_view openssl;  ///< "" = accepted with no effect (TLS_FALLBACK_SCSV) or absent from OpenSSL 3
    bool tls13 = false;
    bool available = true;  ///< false: a name Traefik knows that OpenSSL 3 no longer implements (RC4)
};
/// A cipher suite by Traefik's (Go's) name.
result<cipher_name> cipher_suite(std::string_view name);

/// A curve (group) by Traefik's name (CurveP256, secp256r1, X25519, ...) → OpenSSL's group name.
result<std::string> curve(std::string_view name);

enum class client_auth_type { none, request, require_any, verify_if_given, require_and_verify };
result<client_auth_type> client_auth(std::string_view name);

/// The names each lookup accepts (error hints, documentation).
std::span<const std::string> version_names();
std::span<const std::string> cipher_names();
std::span<const std::string> curve_names();
std::span<const std::string> client_auth_names();

}  // namespace sy::tls
