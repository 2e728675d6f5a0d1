#pragma once
// Engine API version negotiation (docker-api.md §1.3): use the lower of the daemon's maximum and ours, and refuse
// when that is below the daemon's minimum. Never pin an old version: a client pinned to 1.24 is what broke Traefik
// on Docker 29, which refuses anything below 1.44.
#include <compare>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"

namespace sy::providers::docker {

struct api_version {
    int major = 1;
    int minor = 0;
    std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
    friend auto operator<=>(const api_version&, const api_version&) = default;
};

/// The newest API whose shapes the parsers were written against (Docker 29.0, API 1.52).
inline constexpr api_version our_max_api_version{1, 52};

/// "1.41" → {1, 41}.
result<api_version> parse_api_version(std::string_view text);

/// min(daemon max, ours), or a diagnostic saying the daemon is too new for us (its minimum is above our maximum).
result<api_version> negotiate_api_version(std::string_view daemon_max, std::string_view daemon_min,
                                          api_version ours = our_max_api_version);

}  // namespace sy::providers::docker
