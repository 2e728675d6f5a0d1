#pragma once
#include <chrono>
#include <string_view>

#include "base/diagnostic.hpp"

namespace sy {

using duration = std::chrono::nanoseconds;

/// The longest duration any configuration key accepts: 8760h (365 days). Switchyard's limit (Traefik has none):
/// far below where nanoseconds overflow (292 years), so `now + d` and unit conversions stay in range.
inline constexpr duration longest_duration = std::chrono::hours(24 * 365);

/// Traefik's duration forms: a bare integer is seconds ("10"), otherwise Go's time.ParseDuration
/// ("500ms", "1m30s", "1.5h", "-2s"). Units: ns, us, µs, ms, s, m, h.
result<duration> parse_duration(std::string_view text);

/// Go-style rendering ("1m30s", "500ms", "0s") for the API and error messages.
std::string format_duration(duration d);

}  // namespace sy
