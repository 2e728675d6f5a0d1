#pragma once
// The ban file's format, one entry a line:
//
//   ADDRESS[/PREFIX] [EXPIRY] [# comment]
//
// ADDRESS is IPv4 or IPv6 (brackets allowed; IPv4-mapped IPv6 is taken as the IPv4 address); EXPIRY is RFC 3339 or
// unix seconds (bans/expiry_time.hpp). Blank lines and lines that are only a comment are allowed. A malformed line is
// skipped and reported with its number; the other lines still count. A pure function: the file's bytes are
// whatever the tools that write it (fail2ban actions, scripts, editors) put there, so it is fuzzed.
#include <string>
#include <string_view>
#include <vector>

#include "bans/ban_entry.hpp"

namespace sy::bans {

struct ban_line_error {
    unsigned line = 0;   ///< 1-based
    std::string text;    ///< the line as written (at most 200 bytes), so a report can be made once per line
    std::string what;    ///< why it was skipped
    std::string to_string() const { return "line " + std::to_string(line) + ": " + what; }
    friend bool operator==(const ban_line_error&, const ban_line_error&) = default;
};

struct ban_file {
    std::vector<ban_entry> entries;
    std::vector<ban_line_error> errors;
};

/// Parses a whole ban file. Never throws; every byte sequence gives entries and errors.
ban_file parse_ban_file(std::string_view text);

/// Parses one address or CIDR as the ban file writes it (also used for CrowdSec's decisions): "192.0.2.7",
/// "2001:db8::/32", "::ffff:192.0.2.0/120" (→ 192.0.2.0/24). Host bits are cleared.
result<cidr> parse_ban_range(std::string_view text);

}  // namespace sy::bans
