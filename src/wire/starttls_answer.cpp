#include "wire/starttls_answer.hpp"

#include "base/concat.hpp"

namespace sy::wire {

namespace {

using then = starttls_answer::then;
using verb = command_verb;

// Dovecot 2.3's pre-TLS lists (imap-login-client.c get_capability(), pop3-login cmd_capa(), pigeonhole
// client_send_capabilities()), without LITERAL+ and PIPELINING: a client must not send more than one command at a
// time before TLS here.
constexpr std::string_view imap_caps = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE STARTTLS LOGINDISABLED";
constexpr std::string_view pop3_capa = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nSTLS\r\nSASL\r\n.\r\n";
// The SIEVE list is what the backend will offer inside TLS, where the client must read it again (RFC 5804 §2.2);
// this one is Pigeonhole 0.5's default, for clients that show it before they upgrade.
constexpr std::string_view sieve_caps =
    "\"IMPLEMENTATION\" \"Switchyard\"\r\n"
    "\"SIEVE\" \"fileinto reject envelope encoded-character vacation subaddress comparator-i;ascii-numeric "
    "relational regex imap4flags copy include variables body enotify environment mailbox date index ihave "
    "duplicate mime foreverypart extracttext\"\r\n"
    "\"NOTIFY\" \"mailto\"\r\n"
    "\"SASL\" \"\"\r\n"
    "\"STARTTLS\"\r\n"
    "\"VERSION\" \"1.0\"\r\n";
constexpr std::string_view plaintext_refused =
    "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";

starttls_answer more(std::string text, bool error = false) { return {std::move(text), then::more, error}; }

starttls_answer smtp(std::string_view host, const client_command& c) {
    switch (c.verb) {
    case verb::ehlo:
        if (c.argument.empty()) return more("501 5.5.4 Syntax: EHLO hostname\r\n", true);
        return more(concat("250-", host, "\r\n250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n"));
    case verb::helo:
        if (c.argument.empty()) return more("501 5.5.4 Syntax: HELO hostname\r\n", true);
        return more(concat("250 ", host, "\r\n"));
    case verb::starttls: return {"220 2.0.0 Ready to start TLS\r\n", then::upgrade, false};
    case verb::noop:
    case verb::rset: return more("250 2.0.0 Ok\r\n");
    case verb::quit: return {"221 2.0.0 Bye\r\n", then::close, false};
    case verb::needs_tls: return more("530 5.7.0 Must issue a STARTTLS command first\r\n", true);
    case verb::empty: return more("500 5.5.2 Error: bad syntax\r\n", true);
    default: return more("502 5.5.2 Error: command not recognized\r\n", true);
    }
}

starttls_answer imap(std::string_view host, const client_command& c) {
    const std::string_view tag = c.tag;
    switch (c.verb) {
    case verb::capability:
        return more(concat("* CAPABILITY ", imap_caps, "\r\n", tag,
                           " OK Pre-login capabilities listed, post-login capabilities have more.\r\n"));
    case verb::starttls: return {concat(tag, " OK Begin TLS negotiation now.\r\n"), then::upgrade, false};
    case verb::noop: return more(concat(tag, " OK NOOP completed.\r\n"));
    case verb::id: return more(concat("* ID NIL\r\n", tag, " OK ID completed.\r\n"));
    case verb::quit:
        return {concat("* BYE ", host, " logging out\r\n", tag, " OK Logout completed.\r\n"), then::close, false};
    case verb::needs_tls: return more(concat(tag, " NO [PRIVACYREQUIRED] ", plaintext_refused, "\r\n"), true);
    case verb::empty:
    case verb::bad_tag: return more("* BAD Error in IMAP command received by server.\r\n", true);
    default: return more(concat(tag, " BAD Error in IMAP command received by server.\r\n"), true);
    }
}

starttls_answer pop3(const client_command& c) {
    switch (c.verb) {
    case verb::capability: return more(std::string(pop3_capa));
    case verb::starttls: return {"+OK Begin TLS negotiation now.\r\n", then::upgrade, false};
    case verb::quit: return {"+OK Logging out.\r\n", then::close, false};
    case verb::needs_tls: return more(concat("-ERR [AUTH] ", plaintext_refused, "\r\n"), true);
    default: return more("-ERR Unknown command.\r\n", true);
    }
}

starttls_answer sieve(const client_command& c) {
    switch (c.verb) {
    case verb::capability: return more(concat(sieve_caps, "OK \"Capability completed.\"\r\n"));
    case verb::starttls: return {"OK \"Begin TLS negotiation now.\"\r\n", then::upgrade, false};
    case verb::noop: return more("OK \"NOOP Completed\"\r\n");
    case verb::quit: return {"OK \"Logout completed.\"\r\n", then::close, false};
    case verb::needs_tls: return more(concat("NO \"", plaintext_refused, "\"\r\n"), true);
    default: return more("NO \"Error in MANAGESIEVE command received by server.\"\r\n", true);
    }
}

}  // namespace

std::string starttls_greeting(starttls_protocol p, std::string_view host) {
    switch (p) {
    case starttls_protocol::smtp: return concat("220 ", host, " ESMTP\r\n");
    case starttls_protocol::imap: return concat("* OK [CAPABILITY ", imap_caps, "] ", host, " ready.\r\n");
    case starttls_protocol::pop3: return concat("+OK ", host, " ready.\r\n");
    case starttls_protocol::managesieve: return concat(sieve_caps, "OK \"", host, " ready.\"\r\n");
    }
    return {};
}

starttls_answer answer_command(starttls_protocol p, std::string_view host, const client_command& c) {
    switch (p) {
    case starttls_protocol::smtp: return smtp(host, c);
    case starttls_protocol::imap: return imap(host, c);
    case starttls_protocol::pop3: return pop3(c);
    case starttls_protocol::managesieve: return sieve(c);
    }
    return {};
}

std::string starttls_farewell(starttls_protocol p, std::string_view host, farewell_reason why) {
    switch (p) {
    case starttls_protocol::smtp:
        switch (why) {
        case farewell_reason::line_too_long: return "500 5.5.0 Error: line too long\r\n";
        case farewell_reason::timeout: return concat("421 4.4.2 ", host, " Error: timeout exceeded\r\n");
        case farewell_reason::too_many_errors: return concat("421 4.7.0 ", host, " Error: too many errors\r\n");
        }
        break;
    case starttls_protocol::imap:
        switch (why) {
        case farewell_reason::line_too_long: return "* BYE Too long command line.\r\n";
        case farewell_reason::timeout: return "* BYE Disconnected for inactivity.\r\n";
        case farewell_reason::too_many_errors: return "* BYE Too many invalid IMAP commands.\r\n";
        }
        break;
    case starttls_protocol::pop3:
        switch (why) {
        case farewell_reason::line_too_long: return "-ERR Too long command line.\r\n";
        case farewell_reason::timeout: return "-ERR Disconnected for inactivity.\r\n";
        case farewell_reason::too_many_errors: return "-ERR Too many invalid commands.\r\n";
        }
        break;
    case starttls_protocol::managesieve:
        switch (why) {
        case farewell_reason::line_too_long: return "BYE \"Too long command line.\"\r\n";
        case farewell_reason::timeout: return "BYE \"Disconnected for inactivity.\"\r\n";
        case farewell_reason::too_many_errors: return "BYE \"Too many invalid MANAGESIEVE commands.\"\r\n";
        }
        break;
    }
    return {};
}

}  // namespace sy::wire
