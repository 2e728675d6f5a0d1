#include <openssl/ssl.h>

#include "sy_catch.hpp"
#include "test_certs.hpp"
#include "tls/alpn.hpp"
#include "tls/names.hpp"
#include "tls/server_side.hpp"

using namespace sy::tls;

namespace {

std::vector<unsigned char> wire(std::initializer_list<std::string_view> protos) {
    std::vector<unsigned char> out;
    for (auto p : protos) {
        out.push_back(static_cast<unsigned char>(p.size()));
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

std::vector<std::string> errors_of(const sy::config::tls_options& o) {
    std::vector<file_stamp> read;
    auto made = make_server_side("modern@file", o, std::make_shared<certificate_store>(), read);
    std::vector<std::string> out;
    for (const auto& e : made.errors) out.push_back(e.to_string());
    CHECK((made.side == nullptr) == !out.empty());
    return out;
}

}  // namespace

TEST_CASE("Traefik's names map to OpenSSL's, and an unknown one names the closest") {
    CHECK(*protocol_version("VersionTLS12") == TLS1_2_VERSION);
    CHECK(protocol_version("VersionTLS1.2").error().what == "unknown TLS version \"VersionTLS1.2\"; did you mean \"VersionTLS12\"?");
    CHECK(cipher_suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305")->openssl == "ECDHE-RSA-CHACHA20-POLY1305");
    CHECK(cipher_suite("TLS_AES_128_GCM_SHA256")->tls13);
    CHECK(cipher_suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265").error().what ==
          "unknown cipher suite \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265\"; did you mean "
          "\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"?");
    CHECK(cipher_suite("TLS_RSA_WITH_RC4_128_SHA").error().what.find("not implemented by OpenSSL") != std::string::npos);
    CHECK(*curve("CurveP256") == "P-256");
    CHECK(*curve("x25519") == "X25519");
    CHECK(curve("CurveP265").error().what == "unknown curve \"CurveP265\"; did you mean \"CurveP256\"?");
    CHECK(*client_auth("RequireAndVerifyClientCert") == client_auth_type::require_and_verify);
    CHECK(client_auth("RequireAndVerifyClientCerts").error().what ==
          "unknown clientAuthType \"RequireAndVerifyClientCerts\"; did you mean \"RequireAndVerifyClientCert\"?");
}

TEST_CASE("tls.options errors name the option and the key") {
    sy::config::tls_options o;
    CHECK(errors_of(o).empty());
    o.min_version = "VersionTLS1.3";
    o.cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_BOGUS"};
    o.client_auth.client_auth_type = "VerifyClientCertIfGiven";
    auto e = errors_of(o);
    REQUIRE(e.size() == 3);
    CHECK(e[0] == "tls.options.modern.minVersion: unknown TLS version \"VersionTLS1.3\"; did you mean \"VersionTLS13\"?");
    CHECK(e[1].rfind("tls.options.modern.cipherSuites: unknown cipher suite \"TLS_BOGUS\"", 0) == 0);
    CHECK(e[2] == "tls.options.modern.clientAuth.clientAuthType: VerifyClientCertIfGiven needs clientAuth.caFiles");
}

TEST_CASE("caFiles that cannot be read or are not PEM are errors naming the file") {
    sy::config::tls_options o;
    o.client_auth.ca_files = {"/nonexistent/ca.pem"};
    auto e = errors_of(o);
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "tls.options.modern.clientAuth.caFiles: caFiles /nonexistent/ca.pem: cannot read: No such file or "
                  "directory");
    o.client_auth.ca_files = {testing::make_cert({"ca.example"}).cert};
    CHECK(errors_of(o).empty());
}

TEST_CASE("ALPN is negotiated as Go does: the server's order, none on no overlap but for the http/1.1 fallback") {
    const std::vector<std::string> server{"imap", "h2"};
    auto both = wire({"h2", "imap"});
    CHECK(negotiate_alpn(server, both).protocol == "imap");
    auto other = wire({"smtp"});
    CHECK(negotiate_alpn(server, other).result == alpn_choice::kind::refuse);
    auto http11 = wire({"http/1.1"});
    CHECK(negotiate_alpn(server, http11).result == alpn_choice::kind::none);
    CHECK(negotiate_alpn({}, both).result == alpn_choice::kind::none);
    CHECK(negotiate_alpn(server, {}).result == alpn_choice::kind::none);
    const unsigned char broken[] = {5, 'h', '2'};
    CHECK(negotiate_alpn(server, broken).result == alpn_choice::kind::none);  // a truncated list offers nothing
}
