#pragma once
// One ban: a network (a bare address is a /32 or /128), until when it applies, and why (the file's comment).
#include <cstdint>
#include <limits>
#include <string>

#include "base/address.hpp"

namespace sy::bans {

/// Unix seconds; `never` for a ban without an expiry.
using unix_seconds = int64_t;
inline constexpr unix_seconds never = std::numeric_limits<unix_seconds>::max();

struct ban_entry {
    cidr range;                ///< IPv4-mapped IPv6 ranges are stored as the IPv4 range they cover
    unix_seconds expires = never;  ///< the ban applies while now < expires
    std::string comment;       ///< after '#', trimmed
    unsigned line = 0;         ///< 1-based line in the file it came from (0: not from a file)
    friend bool operator==(const ban_entry&, const ban_entry&) = default;
};

}  // namespace sy::bans
