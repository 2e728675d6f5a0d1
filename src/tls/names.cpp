#include "tls/names.hpp"

#include <openssl/ssl.h>

#include <vector>

#include "base/text.hpp"

namespace sy::tls {

namespace {

struct version_entry {
    std::string_view name;
    int value;
};
constexpr version_entry versions[] = {
    {"VersionTLS10", TLS1_VERSION}, {"VersionTLS11", TLS1_1_VERSION},
    {"VersionTLS12", TLS1_2_VERSION}, {"VersionTLS13", TLS1_3_VERSION}};

constexpr cipher_name ciphers[] = {
    {"TLS_RSA_WITH_RC4_128_SHA", "", false, false},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "", false, false},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "", false, false},
    {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", true},
    {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", true},
    {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", true},
    {"TLS_FALLBACK_SCSV", ""},  // a signal, not a suite: OpenSSL honours it by itself
};

struct curve_entry {
    std::string_view name;
    std::string_view openssl;  ///< "" = not in OpenSSL 3.0 (the ML-KEM hybrids came with 3.5)
};
constexpr curve_entry curves[] = {
    {"secp256r1", "P-256"}, {"CurveP256", "P-256"}, {"secp384r1", "P-384"},         {"CurveP384", "P-384"},
    {"secp521r1", "P-521"}, {"CurveP521", "P-521"}, {"x25519", "X25519"},           {"X25519", "X25519"},
    {"x25519mlkem768", ""}, {"X25519MLKEM768", ""}, {"secp256r1mlkem768", ""},      {"SecP256r1MLKEM768", ""},
    {"secp384r1mlkem1024", ""}, {"SecP384r1MLKEM1024", ""},
};

struct auth_entry {
    std::string_view name;
    client_auth_type value;
};
constexpr auth_entry auth_types[] = {
    {"NoClientCert", client_auth_type::none},
    {"RequestClientCert", client_auth_type::request},
    {"RequireAnyClientCert", client_auth_type::require_any},
    {"VerifyClientCertIfGiven", client_auth_type::verify_if_given},
    {"RequireAndVerifyClientCert", client_auth_type::require_and_verify},
};

template <class Table>
std::vector<std::string> names_of(const Table& t) {
    std::vector<std::string> out;
    for (const auto& e : t) {
        if constexpr (requires { e.traefik; })
            out.emplace_back(e.traefik);
        else
            out.emplace_back(e.name);
    }
    return out;
}

diagnostic unknown(std::string_view what, std::string_view name, std::span<const std::string> valid) {
    std::string msg = "unknown " + std::string(what) + " \"" + std::string(name) + "\"";
    const auto best = closest_match(name, valid);
    if (!best.empty()) msg += "; did you mean \"" + best + "\"?";
    return diagnostic("", msg);
}

}  // namespace

std::span<const std::string> version_names() {
    static const auto n = names_of(versions);
    return n;
}
std::span<const std::string> cipher_names() {
    static const auto n = names_of(ciphers);
    return n;
}
std::span<const std::string> curve_names() {
    static const auto n = names_of(curves);
    return n;
}
std::span<const std::string> client_auth_names() {
    static const auto n = names_of(auth_types);
    return n;
}

result<int> protocol_version(std::string_view name) {
    for (const auto& v : versions)
        if (v.name == name) return v.value;
    return unknown("TLS version", name, version_names());
}

result<cipher_name> cipher_suite(std::string_view name) {
    for (const auto& c : ciphers) {
        if (c.traefik != name) continue;
        if (!c.available) return diagnostic("", "cipher suite \"" + std::string(name) + "\" is not implemented by OpenSSL 3");
        return c;
    }
    return unknown("cipher suite", name, cipher_names());
}

result<std::string> curve(std::string_view name) {
    for (const auto& c : curves) {
        if (c.name != name) continue;
        if (c.openssl.empty())
            return diagnostic("", "curve \"" + std::string(name) + "\" is not implemented by this OpenSSL (3.0)");
        return std::string(c.openssl);
    }
    return unknown("curve", name, curve_names());
}

result<client_auth_type> client_auth(std::string_view name) {
    for (const auto& a : auth_types)
        if (a.name == name) return a.value;
    return unknown("clientAuthType", name, client_auth_names());
}

}  // namespace sy::tls
