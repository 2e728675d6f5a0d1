#pragma once
// A client's command line before TLS on a STARTTLS entrypoint: a pure parser over the bytes received so far. It
// frames one line (CRLF, or a bare LF), caps its length, and names the verb case-insensitively; the forwarder's
// STARTTLS phase decides the reply. Everything a client says here is thrown away after STARTTLS (RFC 3207 §4.2),
// so only the verbs the synthesized dialogue answers are told apart; the rest are `unknown`.
#include <cstddef>
#include <span>
#include <string_view>

#include "wire/starttls_protocol.hpp"

namespace sy::wire {

enum class command_verb : uint8_t {
    empty,       ///< a blank line
    ehlo,        ///< SMTP EHLO
    helo,        ///< SMTP HELO
    starttls,    ///< SMTP/IMAP/ManageSieve STARTTLS, POP3 STLS, without arguments
    noop,        ///< NOOP (SMTP, IMAP, POP3, ManageSieve)
    rset,        ///< SMTP RSET
    quit,        ///< SMTP/POP3 QUIT, IMAP/ManageSieve LOGOUT
    capability,  ///< IMAP/ManageSieve CAPABILITY, POP3 CAPA
    id,          ///< IMAP ID (RFC 2971), which some clients send before anything else
    needs_tls,   ///< authentication or mail: SMTP AUTH MAIL RCPT DATA BDAT VRFY EXPN ETRN, IMAP LOGIN AUTHENTICATE,
                 ///< POP3 USER PASS APOP AUTH, ManageSieve AUTHENTICATE
    bad_tag,     ///< IMAP: a missing tag, or one with characters RFC 3501's tag grammar forbids (+, controls...)
    unknown,     ///< anything else (also STARTTLS with arguments)
};

struct client_command {
    enum class status {
        need_more,  ///< no line end yet, and the line is still under the cap
        line,       ///< one line of `consumed` bytes (its line end included)
        too_long,   ///< no line end within max_command_line(): the caller answers and closes
    } state = status::need_more;
    std::size_t consumed = 0;
    command_verb verb = command_verb::unknown;
    std::string_view tag;       ///< IMAP's tag, a view into the input; empty for the other protocols
    std::string_view argument;  ///< what follows the verb, without surrounding blanks (EHLO's domain)
    /// Bytes follow the line in the input: the client sent a command before our reply to this one. After STARTTLS
    /// that is the CVE-2011-0411 injection, and the caller closes.
    bool pipelined = false;
};

/// Parses the first command line of `bytes` (a client's unanswered input). Any answer but need_more is final.
client_command parse_client_command(starttls_protocol p, std::span<const std::byte> bytes) noexcept;

}  // namespace sy::wire
