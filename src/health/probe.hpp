#pragma once
// One active check of one server (Traefik v3.6's executeHealthCheck, pkg/healthcheck/healthcheck_tcp.go): connect
// within `timeout`, send `send`, read until `expect` can be compared, all within `timeout` again.
//
// Differences from Traefik, for mail servers behind PROXY listeners:
// - when the service sends PROXY protocol, a header without a client goes first (v2 LOCAL, v1 "PROXY UNKNOWN"):
//   Postfix's and Dovecot's PROXY listeners refuse a bare connection and would log every probe as an error. Traefik's
//   probe sends none.
// - `expect` is matched against the start of what the server says, read until there are enough bytes (Traefik
//   compares one read of len(expect) bytes, which a greeting split over two segments fails).
// - once a greeting was read, the probe reads it to its end (postscreen takes a command sent before its greeting
//   ends for a spambot's pregreeting), ends the session the way the protocol wants (SMTP and POP3 `QUIT`, IMAP
//   `LOGOUT`, ManageSieve `LOGOUT`) and waits briefly for the server to close first, so the daemon logs a normal
//   disconnect rather than a lost connection.
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "runtime/snapshot.hpp"

namespace sy::health {

struct probe_result {
    bool ok = false;
    std::string why;  ///< for a failure: "connecting to 127.0.0.1:25: Connection refused", ...
};

boost::asio::awaitable<probe_result> probe_once(const runtime::probe_target& target);

/// What ends a session politely after a greeting that starts so ("220 ..." → "QUIT\r\n"); empty when the greeting
/// is not one we know.
std::string_view goodbye_for(std::string_view greeting);

/// Whether `said` holds a whole greeting: SMTP's last line ("220 ", not "220-"), ManageSieve's closing OK line, or
/// one line for the others.
bool greeting_complete(std::string_view said);

/// Printable form of bytes a server sent, for messages (control bytes escaped, at most `limit` bytes).
std::string printable(std::string_view bytes, size_t limit = 40);

}  // namespace sy::health
