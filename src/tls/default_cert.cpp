#include "tls/default_cert.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>

namespace sy::tls {

namespace {

std::string random_hex(size_t bytes) {
    std::string raw(bytes, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes));
    std::string out;
    char two[3];
    for (unsigned char c : raw) {
        std::snprintf(two, sizeof two, "%02x", c);
        out += two;
    }
    return out;
}

std::shared_ptr<const key_pair> make() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    if (!key) throw std::runtime_error("cannot generate the default certificate's RSA key");
    X509* x = X509_new();
    X509_set_version(x, 2);
    BIGNUM* serial = BN_new();
    BN_rand(serial, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x));
    BN_free(serial);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("TRAEFIK DEFAULT CERT"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    const std::string random = random_hex(32);
    const std::string dns = "DNS:" + random.substr(0, 32) + "." + random.substr(32) + ".traefik.default";
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, dns.c_str()},
                              std::pair{NID_key_usage, "critical,digitalSignature,keyEncipherment,keyAgreement,dataEncipherment"},
                              std::pair{NID_ext_key_usage, "serverAuth"},
                              std::pair{NID_basic_constraints, "critical,CA:FALSE"}}) {
        if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value)) {
            X509_add_ext(x, ext, -1);
            X509_EXTENSION_free(ext);
        }
    }
    X509_sign(x, key, EVP_sha256());
    key_pair kp;
    kp.leaf = {x, X509_free};
    kp.chain = {sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }};
    kp.key = {key, EVP_PKEY_free};
    kp.kind = key_kind::rsa;
    kp.names = {dns.substr(4)};
    kp.subject = "/CN=TRAEFIK DEFAULT CERT";
    kp.not_before = std::chrono::system_clock::now();
    kp.not_after = kp.not_before + std::chrono::hours(24 * 365);
    return std::make_shared<const key_pair>(std::move(kp));
}

}  // namespace

std::shared_ptr<const key_pair> generated_default_certificate() {
    static std::once_flag once;
    static std::shared_ptr<const key_pair> cert;
    std::call_once(once, [] { cert = make(); });
    return cert;
}

}  // namespace sy::tls
