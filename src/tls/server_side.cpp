#include "tls/server_side.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "tls/alpn.hpp"
#include "tls/key_pair.hpp"
#include "tls/names.hpp"
#include "tls/ticket_keys.hpp"

namespace sy::tls {

namespace {

/// The SSL's ex_data slot that marks a handshake to refuse (sniStrict without a matching certificate).
int refuse_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

int on_server_name(SSL* ssl, int* alert, void*) {
    if (SSL_get_ex_data(ssl, refuse_index())) {
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;
}

int on_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
            void* arg) {
    const auto* side = static_cast<const server_side*>(arg);
    auto choice = negotiate_alpn(side->alpn, {in, inlen});
    switch (choice.result) {
    case alpn_choice::kind::chosen:
        *out = reinterpret_cast<const unsigned char*>(choice.protocol.data());
        *outlen = static_cast<unsigned char>(choice.protocol.size());
        return SSL_TLSEXT_ERR_OK;
    case alpn_choice::kind::refuse: return SSL_TLSEXT_ERR_ALERT_FATAL;
    case alpn_choice::kind::none: break;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

/// RequestClientCert and RequireAnyClientCert ask for a certificate but take any.
int accept_any(int, X509_STORE_CTX*) { return 1; }

std::string key(const std::string& name, std::string_view field) {
    // The option's name as the user wrote it: "modern@file" was "modern" in the file.
    return "tls.options." + name.substr(0, name.find('@')) + "." + std::string(field);
}

}  // namespace

server_side_result make_server_side(const std::string& name, const config::tls_options& o,
                                    std::shared_ptr<const certificate_store> store, std::vector<file_stamp>& read) {
    server_side_result out;
    auto fail = [&](std::string_view field, const diagnostic& d) {
        out.errors.emplace_back(key(name, field), d.where.empty() ? d.what : d.to_string());
    };
    auto side = std::make_shared<server_side>();
    side->name = name;
    side->store = std::move(store);
    side->sni_strict = o.sni_strict;
    side->ctx = {SSL_CTX_new(TLS_server_method()), SSL_CTX_free};
    SSL_CTX* ctx = side->ctx.get();
    if (!ctx) {
        out.errors.emplace_back(key(name, ""), "OpenSSL cannot make a context");
        return out;
    }
    // Buffers only while busy: OpenSSL frees its record buffers when they are empty, so an idle TLS connection
    // holds none. Partial writes let the relay hand over what the socket takes without a copy of its own.
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // Go (and so Traefik) never renegotiates; a client that closes without close_notify simply ended.
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                 (o.disable_session_tickets ? SSL_OP_NO_TICKET : 0));
    if (!o.disable_session_tickets) use_shared_ticket_keys(ctx);
    // What a session may resume under (set below, once the CA files are read): these options exactly. Not the
    // certificates: a renewed one keeps its clients' sessions, as nginx and HAProxy do with persistent ticket keys.
    std::string identity = name;
    auto add_identity = [&](std::string_view part) { identity.append("\x1f").append(part); };
    for (const auto& part : {o.min_version, o.max_version, o.client_auth.client_auth_type})
        add_identity(part);
    for (const auto* list : {&o.cipher_suites, &o.curve_preferences, &o.alpn_protocols, &o.client_auth.ca_files}) {
        add_identity("\x1e");
        for (const auto& part : *list) add_identity(part);
    }

    // Go's server default since 1.22, which Traefik has: TLS 1.2 and up.
    int min = TLS1_2_VERSION, max = 0;
    if (!o.min_version.empty()) {
        if (auto v = protocol_version(o.min_version)) min = *v;
        else fail("minVersion", v.error());
    }
    if (!o.max_version.empty()) {
        if (auto v = protocol_version(o.max_version)) max = *v;
        else fail("maxVersion", v.error());
    }
    if (max != 0 && max < min) out.errors.emplace_back(key(name, "maxVersion"), "lower than minVersion");
    SSL_CTX_set_min_proto_version(ctx, min);
    SSL_CTX_set_max_proto_version(ctx, max);
    if (min < TLS1_2_VERSION) {
        // TLS 1.0 and 1.1 sign with SHA-1, which Debian's default security level 2 refuses: asked for, allowed.
        SSL_CTX_set_security_level(ctx, 0);
    }

    if (!o.cipher_suites.empty()) {
        std::string tls12, tls13;
        for (const auto& c : o.cipher_suites) {
            auto suite = cipher_suite(c);
            if (!suite) {
                fail("cipherSuites", suite.error());
                continue;
            }
            if (suite->openssl.empty()) continue;
            auto& list = suite->tls13 ? tls13 : tls12;
            if (!list.empty()) list += ':';
            list += suite->openssl;
        }
        // Difference from Traefik: Go ignores cipherSuites for TLS 1.3; named TLS 1.3 suites are applied here (none
        // named leaves OpenSSL's three, as Go has).
        if (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1)
            out.errors.emplace_back(key(name, "cipherSuites"), "OpenSSL accepts none of " + tls12);
        if (tls12.empty() && min < TLS1_3_VERSION && out.errors.empty())
            SSL_CTX_set_cipher_list(ctx, "DEFAULT");
        if (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1)
            out.errors.emplace_back(key(name, "cipherSuites"), "OpenSSL accepts none of " + tls13);
        ERR_clear_error();
    }
    if (!o.curve_preferences.empty()) {
        std::string groups;
        for (const auto& c : o.curve_preferences) {
            auto g = curve(c);
            if (!g) {
                fail("curvePreferences", g.error());
                continue;
            }
            if (!groups.empty()) groups += ':';
            groups += *g;
        }
        if (!groups.empty() && SSL_CTX_set1_groups_list(ctx, groups.c_str()) != 1)
            out.errors.emplace_back(key(name, "curvePreferences"), "OpenSSL accepts none of " + groups);
        ERR_clear_error();
    }

    if (o.alpn_protocols.empty()) {
        auto d = default_alpn();
        side->alpn.assign(d.begin(), d.end());
    } else {
        for (const auto& p : o.alpn_protocols) {
            if (p.empty() || p.size() > 255) out.errors.emplace_back(key(name, "alpnProtocols"), "\"" + p + "\" is not a protocol name");
            else side->alpn.push_back(p);
        }
    }
    SSL_CTX_set_alpn_select_cb(ctx, on_alpn, side.get());
    SSL_CTX_set_tlsext_servername_callback(ctx, on_server_name);

    // Client authentication, as Traefik's buildTLSConfig: caFiles alone mean RequireAndVerifyClientCert.
    const auto& ca = o.client_auth;
    bool have_cas = false;
    if (!ca.ca_files.empty()) {
        X509_STORE* trust = SSL_CTX_get_cert_store(ctx);
        STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
        for (const auto& f : ca.ca_files) {
            auto pem = read_file_or_content("caFiles", f, read);
            if (!pem) {
                fail("clientAuth.caFiles", pem.error());
                continue;
            }
            add_identity(pem->text);
            auto certs = load_certificates(*pem);
            if (!certs) {
                fail("clientAuth.caFiles", certs.error());
                continue;
            }
            for (const auto& x : *certs) {
                X509_STORE_add_cert(trust, x.get());
                sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(x.get())));
            }
            have_cas = true;
        }
        ERR_clear_error();  // duplicates in the trust store
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    auto type = have_cas ? client_auth_type::require_and_verify : client_auth_type::none;
    if (!ca.client_auth_type.empty()) {
        if (auto t = client_auth(ca.client_auth_type)) {
            type = *t;
            if (!have_cas && ca.ca_files.empty() &&
                (type == client_auth_type::verify_if_given || type == client_auth_type::require_and_verify))
                out.errors.emplace_back(key(name, "clientAuth.clientAuthType"),
                                        ca.client_auth_type + " needs clientAuth.caFiles");  // Traefik's rule
        } else {
            fail("clientAuth.clientAuthType", t.error());
        }
    }
    switch (type) {
    case client_auth_type::none: SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr); break;
    case client_auth_type::request: SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any); break;
    case client_auth_type::require_any:
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
        break;
    case client_auth_type::verify_if_given: SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr); break;
    case client_auth_type::require_and_verify:
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        break;
    }
    const auto sid = ticket_context(identity);
    SSL_CTX_set_session_id_context(ctx, sid.data(), static_cast<unsigned int>(sid.size()));
    if (o.prefer_server_cipher_suites)
        out.warnings.push_back(key(name, "preferServerCipherSuites") +
                               ": deprecated and ineffective in Traefik, ignored; please remove it");
    if (out.errors.empty()) out.side = std::move(side);
    return out;
}

bool choose_certificate(SSL* ssl, const server_side& side, std::string_view server_name) {
    const certificate_entry* e = side.store ? side.store->find(server_name) : nullptr;
    if (!e) {
        if (side.sni_strict) {
            SSL_set_ex_data(ssl, refuse_index(), ssl);  // any non-null value
            return false;
        }
        if (!side.store) return false;
        e = &side.store->fallback();
    }
    for (const auto* kp : {e->ecdsa.get(), e->rsa.get(), e->other.get()}) {
        if (kp) SSL_use_cert_and_key(ssl, kp->leaf.get(), kp->key.get(), kp->chain.get(), 1);
    }
    return true;
}

}  // namespace sy::tls
