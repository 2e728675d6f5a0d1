#include "tls/ticket_keys.hpp"

#include <openssl/ssl.h>

#include "sy_catch.hpp"
#include "test_certs.hpp"
#include "tls/key_pair.hpp"
#include "tls/server_side.hpp"

using namespace sy::tls;

namespace {

std::shared_ptr<const certificate_store> store_for(const std::string& name) {
    const auto pem = testing::make_cert({name});
    auto kp = load_key_pair({pem.cert, "cert", false}, {pem.key, "key", false});
    REQUIRE(kp.has_value());
    auto store = std::make_shared<certificate_store>();
    store->add(std::make_shared<const key_pair>(std::move(*kp)));
    return store;
}

std::shared_ptr<const server_side> side_of(const sy::config::tls_options& o,
                                           std::shared_ptr<const certificate_store> store) {
    std::vector<file_stamp> read;
    auto made = make_server_side("default", o, std::move(store), read);
    REQUIRE(made.errors.empty());
    return made.side;
}

/// A full handshake between a client and `server` over memory BIOs, offering `session` (may be null); returns the
/// client's session after it (TLS 1.3 tickets come after the handshake, so some data is exchanged) and whether the
/// offered session was resumed.
std::pair<SSL_SESSION*, bool> handshake(const server_side& server, SSL_SESSION* session, int version) {
    SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL* c = SSL_new(cctx);
    SSL* s = SSL_new(server.ctx.get());
    SSL_set_tlsext_host_name(c, "mail.example.com");
    REQUIRE(choose_certificate(s, server, "mail.example.com"));
    if (session) SSL_set_session(c, session);
    BIO *c_bio = nullptr, *s_bio = nullptr;
    BIO_new_bio_pair(&c_bio, 0, &s_bio, 0);
    SSL_set_bio(c, c_bio, c_bio);
    SSL_set_bio(s, s_bio, s_bio);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    bool c_done = false, s_done = false;
    for (int i = 0; i < 20 && !(c_done && s_done); ++i) {
        if (!c_done) c_done = SSL_do_handshake(c) == 1;
        if (!s_done) s_done = SSL_do_handshake(s) == 1;
    }
    REQUIRE(c_done);
    REQUIRE(s_done);
    // Let the server's NewSessionTicket reach the client.
    char byte = 'x';
    size_t n = 0;
    REQUIRE(SSL_write_ex(s, &byte, 1, &n) == 1);
    char got = 0;
    REQUIRE(SSL_read_ex(c, &got, 1, &n) == 1);
    const bool reused = SSL_session_reused(c) == 1;
    SSL_SESSION* out = SSL_get1_session(c);
    // A clean close: OpenSSL marks the session of an SSL freed without one as not resumable.
    SSL_shutdown(c);
    SSL_shutdown(s);
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    return {out, reused};
}

}  // namespace

TEST_CASE("session tickets survive a rebuild of the same options, not a change of them") {
    const auto store = store_for("mail.example.com");
    sy::config::tls_options o;
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        CAPTURE(version);
        const auto before = side_of(o, store);
        auto [session, reused] = handshake(*before, nullptr, version);
        CHECK_FALSE(reused);
        REQUIRE(session);
        auto [same, resumed_same] = handshake(*before, session, version);
        CHECK(resumed_same);  // the harness can resume at all
        SSL_SESSION_free(same);
        // A configuration change builds new contexts from the same options: the ticket still resumes.
        const auto after = side_of(o, store);
        auto [again, resumed] = handshake(*after, session, version);
        CHECK(resumed);
        SSL_SESSION_free(again);
        // Other options (here other curves): a full handshake, whatever they would allow.
        auto changed = o;
        changed.curve_preferences = {"CurveP256", "X25519"};
        const auto other = side_of(changed, store);
        auto [third, resumed_other] = handshake(*other, session, version);
        CHECK_FALSE(resumed_other);
        SSL_SESSION_free(third);
        // A renewed certificate under the same options: the session goes on (as nginx and HAProxy with
        // persistent ticket keys).
        auto [fourth, resumed_new_cert] = handshake(*side_of(o, store_for("mail.example.com")), session, version);
        CHECK(resumed_new_cert);
        SSL_SESSION_free(fourth);
        SSL_SESSION_free(session);
    }
}

TEST_CASE("disableSessionTickets: no ticket, so nothing resumes across contexts") {
    const auto store = store_for("mail.example.com");
    sy::config::tls_options o;
    o.disable_session_tickets = true;
    auto [session, reused] = handshake(*side_of(o, store), nullptr, TLS1_3_VERSION);
    REQUIRE(session);
    auto [again, resumed] = handshake(*side_of(o, store), session, TLS1_3_VERSION);
    CHECK_FALSE(resumed);
    SSL_SESSION_free(again);
    SSL_SESSION_free(session);
}

TEST_CASE("the session id context is a digest of the options' identity") {
    CHECK(ticket_context("a") == ticket_context("a"));
    CHECK(ticket_context("a") != ticket_context("b"));
}
