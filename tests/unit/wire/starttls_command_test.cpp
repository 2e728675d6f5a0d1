#include "wire/starttls_command.hpp"

#include <string>

#include "sy_catch.hpp"

using namespace sy::wire;
using status = client_command::status;
using verb = command_verb;

namespace {

client_command parse(starttls_protocol p, const std::string& s) {
    return parse_client_command(p, std::as_bytes(std::span(s.data(), s.size())));
}

}  // namespace

TEST_CASE("STARTTLS command parser: SMTP verbs, any case, trailing blanks") {
    const auto smtp = starttls_protocol::smtp;
    const std::string ehlo = "EHLO client.example\r\n";  // the views point into it
    auto c = parse(smtp, ehlo);
    REQUIRE(c.state == status::line);
    CHECK(c.verb == verb::ehlo);
    CHECK(c.argument == "client.example");
    CHECK(c.consumed == 21);
    CHECK_FALSE(c.pipelined);
    CHECK(parse(smtp, "helo x\r\n").verb == verb::helo);
    CHECK(parse(smtp, "StArTtLs\r\n").verb == verb::starttls);
    CHECK(parse(smtp, "starttls   \r\n").verb == verb::starttls);
    CHECK(parse(smtp, "STARTTLS\n").verb == verb::starttls);  // a bare LF ends a line too
    CHECK(parse(smtp, "STARTTLS now\r\n").verb == verb::unknown);
    CHECK(parse(smtp, "MAIL FROM:<a@b>\r\n").verb == verb::needs_tls);
    CHECK(parse(smtp, "auth plain AGZvbwBiYXI=\r\n").verb == verb::needs_tls);
    CHECK(parse(smtp, "NOOP\r\n").verb == verb::noop);
    CHECK(parse(smtp, "RSET\r\n").verb == verb::rset);
    CHECK(parse(smtp, "QUIT\r\n").verb == verb::quit);
    CHECK(parse(smtp, "XYZZY\r\n").verb == verb::unknown);
    CHECK(parse(smtp, "\r\n").verb == verb::empty);
}

TEST_CASE("STARTTLS command parser: a line waits for its end, and is capped") {
    const auto smtp = starttls_protocol::smtp;
    CHECK(parse(smtp, "").state == status::need_more);
    CHECK(parse(smtp, "STARTTLS").state == status::need_more);
    CHECK(parse(smtp, "STARTTLS\r").state == status::need_more);
    CHECK(parse(smtp, std::string(511, 'a')).state == status::need_more);
    CHECK(parse(smtp, std::string(512, 'a')).state == status::too_long);
    CHECK(parse(smtp, std::string(510, 'a') + "\r\n").state == status::line);
    CHECK(parse(smtp, std::string(511, 'a') + "\r\n").state == status::too_long);
    CHECK(parse(starttls_protocol::pop3, std::string(255, 'a')).state == status::too_long);
    CHECK(parse(starttls_protocol::imap, "a " + std::string(5000, 'a')).state == status::need_more);
}

TEST_CASE("STARTTLS command parser: bytes after the line are pipelining") {
    auto c = parse(starttls_protocol::smtp, "STARTTLS\r\nMAIL FROM:<a@b>\r\n");
    CHECK(c.verb == verb::starttls);
    CHECK(c.consumed == 10);
    CHECK(c.pipelined);
    CHECK(parse(starttls_protocol::imap, "a STARTTLS\r\nb LOGIN u p\r\n").pipelined);
    CHECK(parse(starttls_protocol::pop3, "STLS\r\nU").pipelined);
    CHECK(parse(starttls_protocol::managesieve, "STARTTLS\r\n\x16").pipelined);
}

TEST_CASE("STARTTLS command parser: IMAP tags") {
    const auto imap = starttls_protocol::imap;
    const std::string caps = "a1 CAPABILITY\r\n", upgrade = "x.y]-7 starttls\r\n";  // the views point into them
    auto c = parse(imap, caps);
    CHECK(c.verb == verb::capability);
    CHECK(c.tag == "a1");
    c = parse(imap, upgrade);
    CHECK(c.verb == verb::starttls);
    CHECK(c.tag == "x.y]-7");
    CHECK(parse(imap, "+ STARTTLS\r\n").verb == verb::bad_tag);
    CHECK(parse(imap, "a{ STARTTLS\r\n").verb == verb::bad_tag);
    CHECK(parse(imap, "a\x01 NOOP\r\n").verb == verb::bad_tag);
    CHECK(parse(imap, "STARTTLS\r\n").verb == verb::unknown);  // the tag is STARTTLS, and there is no command
    CHECK(parse(imap, "a LOGIN u p\r\n").verb == verb::needs_tls);
    CHECK(parse(imap, "a authenticate PLAIN\r\n").verb == verb::needs_tls);
    CHECK(parse(imap, "a ID (\"name\" \"x\")\r\n").verb == verb::id);
    CHECK(parse(imap, "a LOGOUT\r\n").verb == verb::quit);
}

TEST_CASE("STARTTLS command parser: POP3 and ManageSieve") {
    const auto pop3 = starttls_protocol::pop3;
    CHECK(parse(pop3, "CAPA\r\n").verb == verb::capability);
    CHECK(parse(pop3, "stls\r\n").verb == verb::starttls);
    CHECK(parse(pop3, "STARTTLS\r\n").verb == verb::unknown);
    CHECK(parse(pop3, "USER u\r\n").verb == verb::needs_tls);
    CHECK(parse(pop3, "APOP u d\r\n").verb == verb::needs_tls);
    const auto sieve = starttls_protocol::managesieve;
    CHECK(parse(sieve, "STARTTLS\r\n").verb == verb::starttls);
    CHECK(parse(sieve, "Capability\r\n").verb == verb::capability);
    CHECK(parse(sieve, "AUTHENTICATE \"PLAIN\" \"x\"\r\n").verb == verb::needs_tls);
    CHECK(parse(sieve, "LOGOUT\r\n").verb == verb::quit);
}

TEST_CASE("STARTTLS protocols by name") {
    CHECK(starttls_protocol_named("SMTP") == starttls_protocol::smtp);
    CHECK(starttls_protocol_named("managesieve") == starttls_protocol::managesieve);
    CHECK_FALSE(starttls_protocol_named("sieve"));
    CHECK(to_string(starttls_protocol::pop3) == "pop3");
}
