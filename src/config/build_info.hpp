#pragma once
// What this binary was built with, for `switchyard version` (versions as meson found the dependencies).
#include <string>
#include <utility>
#include <vector>

namespace sy::config {

std::string switchyard_version();

/// {name, version} of each library; "unknown" where the platform's package does not say (RE2 on Debian 12).
std::vector<std::pair<std::string, std::string>> dependency_versions();

}  // namespace sy::config
