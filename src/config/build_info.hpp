#pragma once
// What this binary was built with, for `switchyard version` (versions as meson found the dependencies).
#include <string>
#include <utility>
#include <vector>

namespace sy::config {

std::string switchyard_version();

/// {name, version} of each library; "unknown" where the platform's package does not say. RE2 has no version
/// number: its entry is the Debian package version, the bundled release date, or "system" (see meson.build).
std::vector<std::pair<std::string, std::string>> dependency_versions();

}  // namespace sy::config
