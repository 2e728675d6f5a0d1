#include "tls/key_pair.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace sy::tls {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

/// OpenSSL's last error as text, and the queue cleared (a stale error would be blamed on the next handshake).
std::string openssl_error() {
    unsigned long e = ERR_get_error();
    std::string out;
    if (e) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out = buf;
    }
    ERR_clear_error();
    return out;
}

std::shared_ptr<BIO> memory_bio(const std::string& s) {
    return {BIO_new_mem_buf(s.data(), int(s.size())), BIO_free};
}

std::shared_ptr<X509> own(X509* x) { return {x, X509_free}; }

std::chrono::system_clock::time_point to_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

void collect_names(X509* x, key_pair& kp) {
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
    std::vector<std::string> ips;
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(sans, i);
        if (g->type == GEN_DNS) {
            const auto* s = g->d.dNSName;
            kp.names.push_back(lower(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                 size_t(ASN1_STRING_length(s)))));
        } else if (g->type == GEN_IPADD) {
            const auto* ip = g->d.iPAddress;
            const int len = ASN1_STRING_length(ip);
            char text[INET6_ADDRSTRLEN];
            if ((len == 4 || len == 16) &&
                inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof text))
                ips.emplace_back(text);
        }
    }
    GENERAL_NAMES_free(sans);
    if (kp.names.empty()) {
        char cn[256];
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn) > 0)
            kp.names.push_back(lower(cn));
    }
    kp.names.insert(kp.names.end(), ips.begin(), ips.end());
    char subject[512];
    X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof subject);
    kp.subject = subject;
}

}  // namespace

const char* to_string(key_kind k) {
    switch (k) {
    case key_kind::rsa: return "RSA";
    case key_kind::ecdsa: return "ECDSA";
    case key_kind::other: return "other";
    }
    return "other";
}

result<std::vector<std::shared_ptr<X509>>> load_certificates(const pem_text& pem) {
    auto bio = memory_bio(pem.text);
    std::vector<std::shared_ptr<X509>> out;
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.push_back(own(x));
    ERR_clear_error();  // the loop ends on "no start line"
    if (out.empty())
        return diagnostic(pem.label, pem.text.find("-----BEGIN") == std::string::npos
                                         ? "not PEM: no -----BEGIN CERTIFICATE----- block"
                                         : "no readable certificate in the PEM data");
    return out;
}

result<key_pair> load_key_pair(const pem_text& cert, const pem_text& key) {
    auto certs = load_certificates(cert);
    if (!certs) return certs.error();
    key_pair kp;
    kp.leaf = certs->front();
    kp.chain = {sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }};
    for (size_t i = 1; i < certs->size(); ++i) {
        X509_up_ref((*certs)[i].get());
        sk_X509_push(kp.chain.get(), (*certs)[i].get());
    }
    auto kbio = memory_bio(key.text);
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr);
    if (!pkey) {
        const auto why = openssl_error();
        return diagnostic(key.label, key.text.find("-----BEGIN") == std::string::npos
                                         ? "not PEM: no -----BEGIN PRIVATE KEY----- block"
                                         : "no readable private key (" + why + ")");
    }
    kp.key = {pkey, EVP_PKEY_free};
    if (X509_check_private_key(kp.leaf.get(), pkey) != 1) {
        ERR_clear_error();
        return diagnostic(key.label, "the private key does not match the certificate in " + cert.label);
    }
    switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA: kp.kind = key_kind::rsa; break;
    case EVP_PKEY_EC: kp.kind = key_kind::ecdsa; break;
    default: kp.kind = key_kind::other; break;
    }
    collect_names(kp.leaf.get(), kp);
    kp.not_before = to_time(X509_get0_notBefore(kp.leaf.get()));
    kp.not_after = to_time(X509_get0_notAfter(kp.leaf.get()));
    return kp;
}

std::string to_pem(const key_pair& kp, bool with_key) {
    std::shared_ptr<BIO> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(bio.get(), kp.leaf.get());
    if (with_key) PEM_write_bio_PrivateKey(bio.get(), kp.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, size_t(n));
}

}  // namespace sy::tls
