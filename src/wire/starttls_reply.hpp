#pragma once
// A mail server's reply during the STARTTLS dialogue Switchyard replays to it: a pure parser over the bytes received
// so far, for replies split across segments or merged with the next (the caller checks that nothing follows the
// reply to STARTTLS). Shapes:
//
//   smtp         `NNN-text` lines, then `NNN text` (one code throughout); postscreen's `220-` teaser is a line of a
//                greeting that ends only at `220 ` (RFC 5321 §4.2.1). `starttls`: a line after the first is the
//                EHLO keyword STARTTLS.
//   imap_greeting  one untagged line `* OK|PREAUTH|BYE ...`; `starttls`: a `[CAPABILITY ...]` code names STARTTLS.
//   imap_tagged  untagged `* ...` lines, then `<tag> OK|NO|BAD ...`; `starttls`: a `* CAPABILITY` line names it.
//   pop3_line    one `+OK ...` or `-ERR ...` line.
//   pop3_capa    `+OK` then capability lines up to a lone `.` (RFC 2449), or one `-ERR` line; `starttls`: a `STLS`
//                line.
//   sieve        quoted capability lines (`"STARTTLS"` ...), then `OK|NO|BYE ...` (RFC 5804 §1.7); also the reply to
//                STARTTLS, which has no capability lines.
//
// Literals (`{n}`) are refused as malformed: no server sends one in these replies, and skipping one blindly would let
// a hostile backend hide lines.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace sy::wire {

enum class reply_kind : uint8_t { smtp, imap_greeting, imap_tagged, pop3_line, pop3_capa, sieve };

struct backend_reply {
    enum class status {
        need_more,  ///< the reply is not complete yet
        done,       ///< `consumed` bytes form the reply
        malformed,  ///< not this protocol's reply, a line over max_reply_line, or a reply over max_reply_bytes
    } state = status::need_more;
    std::size_t consumed = 0;
    bool positive = false;  ///< SMTP: a 2xx code; IMAP: OK; POP3: +OK; ManageSieve: OK
    int code = 0;           ///< SMTP: the reply code
    bool starttls = false;  ///< the reply lists STARTTLS (STLS) among its capabilities; see the shapes above
    bool preauth = false;   ///< IMAP greeting: PREAUTH (already authenticated, so STARTTLS is impossible)
    std::string why;        ///< for malformed
};

inline constexpr std::size_t max_reply_line = 8192;
inline constexpr std::size_t max_reply_bytes = 64 * 1024;

/// Parses the reply at the start of `bytes`; `tag` is the tag Switchyard sent (imap_tagged only). Any answer but
/// need_more is final.
backend_reply parse_backend_reply(reply_kind kind, std::string_view tag, std::span<const std::byte> bytes) noexcept;

}  // namespace sy::wire
