#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sy {

/// ASCII lower case; other bytes unchanged (keys and host names are compared this way, as Go's EqualFold on ASCII).
std::string ascii_lower(std::string_view s);

bool iequals(std::string_view a, std::string_view b);

/// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` (case-insensitively), or empty when none is close enough to be a useful hint.
std::string closest_match(std::string_view word, std::span<const std::string> candidates);

/// The name a reference most likely meant, for "did you mean" hints on names people choose (entrypoints, services,
/// middlewares): the same name in other case; else one whose '-', '_' or '.'-separated words contain the whole
/// reference, or the reverse (`smtp` for the entrypoint `mail-smtp`); else the closest_match. Empty when none fits.
std::string closest_name(std::string_view word, std::span<const std::string> candidates);

/// Splits on `sep` and trims spaces from each element; empty elements are kept (as Traefik's label decoder does).
std::vector<std::string> split_list(std::string_view s, char sep = ',');

std::string_view trim(std::string_view s);

}  // namespace sy
