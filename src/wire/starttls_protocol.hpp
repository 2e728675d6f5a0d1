#pragma once
// The mail protocols whose STARTTLS Switchyard speaks before it can see a ClientHello (RFC 3207 SMTP, RFC 3501
// IMAP, RFC 2595 POP3, RFC 5804 ManageSieve). Shared by the client-side command parser and the backend-side reply
// parser.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sy::wire {

enum class starttls_protocol : uint8_t { smtp, imap, pop3, managesieve };

/// "smtp", "imap", "pop3", "managesieve" (configuration, API, logs).
std::string_view to_string(starttls_protocol p) noexcept;
/// The protocol named `name` (case-insensitive), if any.
std::optional<starttls_protocol> starttls_protocol_named(std::string_view name) noexcept;

/// The longest command line accepted from a client before TLS, its line end included: RFC 5321 §4.5.3.1.4 for SMTP
/// (512), RFC 2449 for POP3 (255), 8 KiB for IMAP and ManageSieve (RFC 7162 §4 recommends 8000 octets).
std::size_t max_command_line(starttls_protocol p) noexcept;

}  // namespace sy::wire
