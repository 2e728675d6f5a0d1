#include "wire/starttls_answer.hpp"

#include <string>

#include "sy_catch.hpp"

using namespace sy::wire;
using then = starttls_answer::then;

namespace {

starttls_answer answer(starttls_protocol p, const std::string& line) {
    const auto c = parse_client_command(p, std::as_bytes(std::span(line.data(), line.size())));
    REQUIRE(c.state == client_command::status::line);
    return answer_command(p, "mx.test", c);
}

}  // namespace

TEST_CASE("synthesized SMTP: STARTTLS advertised, AUTH and PIPELINING never, mail refused before TLS") {
    CHECK(starttls_greeting(starttls_protocol::smtp, "mx.test") == "220 mx.test ESMTP\r\n");
    const auto ehlo = answer(starttls_protocol::smtp, "EHLO c\r\n");
    CHECK(ehlo.text == "250-mx.test\r\n250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n");
    CHECK(answer(starttls_protocol::smtp, "EHLO\r\n").error);
    CHECK(answer(starttls_protocol::smtp, "HELO c\r\n").text == "250 mx.test\r\n");
    const auto st = answer(starttls_protocol::smtp, "STARTTLS\r\n");
    CHECK(st.text == "220 2.0.0 Ready to start TLS\r\n");
    CHECK(st.next == then::upgrade);
    for (const char* cmd : {"AUTH PLAIN x\r\n", "MAIL FROM:<>\r\n", "RCPT TO:<a@b>\r\n", "DATA\r\n"}) {
        const auto a = answer(starttls_protocol::smtp, cmd);
        CHECK(a.text == "530 5.7.0 Must issue a STARTTLS command first\r\n");
        CHECK(a.error);
    }
    CHECK(answer(starttls_protocol::smtp, "QUIT\r\n").next == then::close);
    CHECK(answer(starttls_protocol::smtp, "FOO\r\n").text == "502 5.5.2 Error: command not recognized\r\n");
    CHECK(starttls_farewell(starttls_protocol::smtp, "mx.test", farewell_reason::timeout) ==
          "421 4.4.2 mx.test Error: timeout exceeded\r\n");
}

TEST_CASE("synthesized IMAP: LOGINDISABLED, no AUTH=, tags echoed, login refused") {
    const auto g = starttls_greeting(starttls_protocol::imap, "mx.test");
    CHECK(g.find("STARTTLS LOGINDISABLED]") != std::string::npos);
    CHECK(g.find("AUTH=") == std::string::npos);
    const auto caps = answer(starttls_protocol::imap, "x1 CAPABILITY\r\n");
    CHECK(caps.text.rfind("* CAPABILITY IMAP4rev1 ", 0) == 0);
    CHECK(caps.text.find("\r\nx1 OK ") != std::string::npos);
    CHECK(answer(starttls_protocol::imap, "t.2 STARTTLS\r\n").text == "t.2 OK Begin TLS negotiation now.\r\n");
    CHECK(answer(starttls_protocol::imap, "a LOGIN u p\r\n").text.rfind("a NO [PRIVACYREQUIRED] ", 0) == 0);
    CHECK(answer(starttls_protocol::imap, "+ NOOP\r\n").text.rfind("* BAD ", 0) == 0);
    CHECK(answer(starttls_protocol::imap, "a LOGOUT\r\n").next == then::close);
}

TEST_CASE("synthesized POP3 and ManageSieve: STLS / STARTTLS, no USER, empty SASL") {
    const auto capa = answer(starttls_protocol::pop3, "CAPA\r\n").text;
    CHECK(capa.find("\r\nSTLS\r\n") != std::string::npos);
    CHECK(capa.find("USER") == std::string::npos);
    CHECK(capa.find("PIPELINING") == std::string::npos);
    CHECK(capa.find("\r\nSASL\r\n.\r\n") != std::string::npos);
    CHECK(answer(starttls_protocol::pop3, "USER u\r\n").text.rfind("-ERR [AUTH] ", 0) == 0);
    CHECK(answer(starttls_protocol::pop3, "STLS\r\n").next == then::upgrade);
    const auto g = starttls_greeting(starttls_protocol::managesieve, "mx.test");
    CHECK(g.find("\"SASL\" \"\"\r\n") != std::string::npos);
    CHECK(g.find("\"STARTTLS\"\r\n") != std::string::npos);
    CHECK(g.ends_with("OK \"mx.test ready.\"\r\n"));
    CHECK(answer(starttls_protocol::managesieve, "STARTTLS\r\n").text == "OK \"Begin TLS negotiation now.\"\r\n");
    CHECK(answer(starttls_protocol::managesieve, "AUTHENTICATE \"PLAIN\"\r\n").text.rfind("NO ", 0) == 0);
}
