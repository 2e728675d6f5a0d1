#pragma once
// The bans in force, for lookups on the data path: every entry's range is cut into disjoint address intervals, each
// with the latest expiry of the entries covering it, sorted by start. A lookup is one binary search (about 17 steps
// for 100,000 entries) and one comparison with the clock; an expired entry stops applying without a rebuild.
// Immutable once built, shared by pointer between threads.
#include <cstdint>
#include <span>
#include <vector>

#include "bans/ban_entry.hpp"

namespace sy::bans {

/// An IPv6 address as one number (g++ and clang have it; __extension__ keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 uint128;

/// Disjoint intervals of one address family, keyed by the address as an unsigned integer.
template <class Key>
struct interval_table {
    std::vector<Key> starts;              ///< ascending; interval i is [starts[i], starts[i+1])
    std::vector<unix_seconds> until;      ///< per interval: banned while now < until (0: not banned)
    unix_seconds find(Key k) const;       ///< the interval's `until` (0 when k is before every interval)
};

/// The system clock in unix seconds: what lookups compare expiries with.
unix_seconds unix_now();

class ban_set {
public:
    ban_set() = default;
    /// Builds the set from `entries` (any order, overlaps and duplicates allowed).
    explicit ban_set(std::span<const ban_entry> entries);

    /// Whether `address` (IPv4-mapped IPv6 is taken as IPv4) is banned at `now`.
    bool banned(const ip_address& address, unix_seconds now) const;
    /// Until when `address` is banned (`never` for no expiry), or 0 when it is not banned at `now`.
    unix_seconds banned_until(const ip_address& address, unix_seconds now) const;

    /// Entries it was built from, and those still in force at `now`.
    size_t entries() const { return expiries_.size(); }
    size_t active(unix_seconds now) const;
    /// The earliest expiry after `now`, or `never`.
    unix_seconds next_expiry(unix_seconds now) const;

private:
    interval_table<uint32_t> v4_;
    interval_table<uint128> v6_;
    std::vector<unix_seconds> expiries_;  ///< every entry's, ascending (`never` last)
};

}  // namespace sy::bans
