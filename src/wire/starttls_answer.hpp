#pragma once
// What Switchyard says to a client before TLS on a STARTTLS entrypoint: pure functions from a parsed command to the
// reply bytes. The texts are Postfix's (SMTP) and Dovecot's (IMAP, POP3, ManageSieve), so a client that works
// against those servers directly works through Switchyard. Authentication is never advertised nor accepted
// (no AUTH in EHLO, LOGINDISABLED, no USER and an empty SASL, `"SASL" ""`), and neither is pipelining: the
// pre-TLS dialogue is one command at a time, and is discarded after STARTTLS by both ends (RFC 3207 §4.2,
// RFC 3501 §6.2.1).
#include <string>
#include <string_view>

#include "wire/starttls_command.hpp"

namespace sy::wire {

struct starttls_answer {
    std::string text;  ///< written in one write
    enum class then {
        more,     ///< read the next command
        upgrade,  ///< the client asked for STARTTLS and `text` is the OK: a ClientHello comes next
        close,    ///< the client is done (QUIT/LOGOUT): close after writing
    } next = then::more;
    bool error = false;  ///< counts toward the error limit
};

/// The greeting written at accept (one write; for ManageSieve the capability listing with its OK).
std::string starttls_greeting(starttls_protocol p, std::string_view host);

/// The reply to one parsed command line (`c.state == line`).
starttls_answer answer_command(starttls_protocol p, std::string_view host, const client_command& c);

/// Why the pre-TLS dialogue is ended by Switchyard.
enum class farewell_reason { line_too_long, timeout, too_many_errors };
/// The protocol's last words before Switchyard closes (SMTP 421/500, IMAP `* BYE`, POP3 `-ERR`, Sieve `BYE`).
std::string starttls_farewell(starttls_protocol p, std::string_view host, farewell_reason why);

/// Errors after which the session ends (Postfix's smtpd_hard_error_limit is 20; a real client makes none).
inline constexpr int max_pre_tls_errors = 10;

}  // namespace sy::wire
