#pragma once
// A ban's expiry as written in a ban file: RFC 3339 ("2026-12-02T06:00:00Z", "2026-12-02T08:00:00.5+02:00") or
// unix seconds ("1796191200"), the two forms fail2ban's and CrowdSec's tools produce most easily.
#include <string_view>

#include "bans/ban_entry.hpp"
#include "base/diagnostic.hpp"

namespace sy::bans {

/// The instant `text` names, in unix seconds (fractions of a second are dropped: bans are second-grained).
result<unix_seconds> parse_expiry(std::string_view text);

/// "2026-12-02T06:00:00Z" (UTC, RFC 3339), for the API and logs.
std::string format_expiry(unix_seconds t);

}  // namespace sy::bans
