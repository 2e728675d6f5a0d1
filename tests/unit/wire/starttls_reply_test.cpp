#include "wire/starttls_reply.hpp"

#include <string>

#include "sy_catch.hpp"

using namespace sy::wire;
using status = backend_reply::status;

namespace {

backend_reply parse(reply_kind k, const std::string& s, std::string_view tag = {}) {
    return parse_backend_reply(k, tag, std::as_bytes(std::span(s.data(), s.size())));
}

/// Every proper prefix of a reply needs more: a reply split anywhere across segments is still read whole.
void require_need_more_before_end(reply_kind k, const std::string& s, std::string_view tag = {}) {
    for (size_t n = 0; n < s.size(); ++n) {
        CAPTURE(n);
        REQUIRE(parse(k, s.substr(0, n), tag).state == status::need_more);
    }
}

}  // namespace

TEST_CASE("backend reply parser: SMTP multi-line, split anywhere, merged with what follows") {
    const std::string ehlo = "250-b.test\r\n250-PIPELINING\r\n250-starttls\r\n250 ENHANCEDSTATUSCODES\r\n";
    require_need_more_before_end(reply_kind::smtp, ehlo);
    auto r = parse(reply_kind::smtp, ehlo + "220 next");
    REQUIRE(r.state == status::done);
    CHECK(r.consumed == ehlo.size());
    CHECK(r.code == 250);
    CHECK(r.positive);
    CHECK(r.starttls);
    // The first line is the server's name, not a keyword.
    CHECK_FALSE(parse(reply_kind::smtp, "250-STARTTLS\r\n250 SIZE\r\n").starttls);
    CHECK_FALSE(parse(reply_kind::smtp, "250-b.test\r\n250-STARTTLSX\r\n250 SIZE\r\n").starttls);
    CHECK(parse(reply_kind::smtp, "250\r\n").state == status::done);
}

TEST_CASE("backend reply parser: postscreen's 220- teaser is not the end of the greeting") {
    const std::string teaser = "220-a.test ESMTP\r\n";
    CHECK(parse(reply_kind::smtp, teaser).state == status::need_more);
    auto r = parse(reply_kind::smtp, teaser + "220 a.test ESMTP Postfix\r\n");
    REQUIRE(r.state == status::done);
    CHECK(r.code == 220);
}

TEST_CASE("backend reply parser: SMTP refusals and garbage") {
    auto r = parse(reply_kind::smtp, "454 4.7.0 TLS not available due to local problem\r\n");
    REQUIRE(r.state == status::done);
    CHECK_FALSE(r.positive);
    CHECK(r.code == 454);
    CHECK(parse(reply_kind::smtp, "220-x\r\n250 y\r\n").state == status::malformed);
    CHECK(parse(reply_kind::smtp, "HTTP/1.1 400\r\n").state == status::malformed);
    CHECK(parse(reply_kind::smtp, "22\r\n").state == status::malformed);
    CHECK(parse(reply_kind::smtp, std::string(max_reply_line, '2')).state == status::malformed);
    std::string many;
    while (many.size() < max_reply_bytes) many += "250-" + std::string(100, 'x') + "\r\n";
    CHECK(parse(reply_kind::smtp, many).state == status::malformed);
}

TEST_CASE("backend reply parser: IMAP greeting") {
    const std::string g =
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] "
        "Dovecot ready.\r\n";
    require_need_more_before_end(reply_kind::imap_greeting, g);
    auto r = parse(reply_kind::imap_greeting, g);
    REQUIRE(r.state == status::done);
    CHECK(r.positive);
    CHECK(r.starttls);
    r = parse(reply_kind::imap_greeting, "* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready, STARTTLS soon\r\n");
    CHECK(r.positive);
    CHECK_FALSE(r.starttls);
    r = parse(reply_kind::imap_greeting, "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n");
    CHECK(r.preauth);
    CHECK_FALSE(r.positive);
    CHECK_FALSE(parse(reply_kind::imap_greeting, "* BYE too many\r\n").positive);
    CHECK(parse(reply_kind::imap_greeting, "a OK hi\r\n").state == status::malformed);
}

TEST_CASE("backend reply parser: IMAP tagged replies skip untagged lines") {
    const std::string caps = "* CAPABILITY IMAP4rev1 STARTTLS\r\nS1 OK Pre-login capabilities listed.\r\n";
    require_need_more_before_end(reply_kind::imap_tagged, caps, "S1");
    auto r = parse(reply_kind::imap_tagged, caps, "S1");
    REQUIRE(r.state == status::done);
    CHECK(r.positive);
    CHECK(r.starttls);
    r = parse(reply_kind::imap_tagged, "S2 NO no TLS here\r\n", "S2");
    REQUIRE(r.state == status::done);
    CHECK_FALSE(r.positive);
    CHECK(parse(reply_kind::imap_tagged, "a1 OK hi\r\n", "S1").state == status::malformed);
    CHECK(parse(reply_kind::imap_tagged, "* OK {5}\r\n", "S1").state == status::malformed);
    CHECK(parse(reply_kind::imap_tagged, "S1 MAYBE\r\n", "S1").state == status::malformed);
}

TEST_CASE("backend reply parser: POP3") {
    auto r = parse(reply_kind::pop3_line, "+OK Dovecot ready.\r\n");
    REQUIRE(r.state == status::done);
    CHECK(r.positive);
    CHECK_FALSE(parse(reply_kind::pop3_line, "-ERR no\r\n").positive);
    CHECK(parse(reply_kind::pop3_line, "* OK\r\n").state == status::malformed);
    const std::string capa = "+OK\r\nCAPA\r\nTOP\r\nSTLS\r\nSASL\r\n.\r\n";
    require_need_more_before_end(reply_kind::pop3_capa, capa);
    r = parse(reply_kind::pop3_capa, capa);
    REQUIRE(r.state == status::done);
    CHECK(r.consumed == capa.size());
    CHECK(r.starttls);
    r = parse(reply_kind::pop3_capa, "-ERR unknown\r\n");
    REQUIRE(r.state == status::done);
    CHECK_FALSE(r.positive);
    CHECK_FALSE(parse(reply_kind::pop3_capa, "+OK\r\nUSER\r\n.\r\n").starttls);
}

TEST_CASE("backend reply parser: ManageSieve capability listing and OK") {
    const std::string caps =
        "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto\"\r\n\"SASL\" \"\"\r\n"
        "\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n";
    require_need_more_before_end(reply_kind::sieve, caps);
    auto r = parse(reply_kind::sieve, caps);
    REQUIRE(r.state == status::done);
    CHECK(r.positive);
    CHECK(r.starttls);
    CHECK(parse(reply_kind::sieve, "OK \"Begin TLS negotiation now.\"\r\n").positive);
    CHECK(parse(reply_kind::sieve, "OK\r\n").positive);
    CHECK_FALSE(parse(reply_kind::sieve, "NO \"no\"\r\n").positive);
    CHECK_FALSE(parse(reply_kind::sieve, "\"SASL\" \"PLAIN\"\r\nOK\r\n").starttls);
    CHECK(parse(reply_kind::sieve, "\"SIEVE\" {5}\r\n").state == status::malformed);
    CHECK(parse(reply_kind::sieve, "OKAY\r\n").state == status::malformed);
}
