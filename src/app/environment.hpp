#pragma once
#include <map>
#include <string>

namespace sy::app {

/// The process environment as a map, for config::load_static (TRAEFIK_* and SWITCHYARD_* variables).
std::map<std::string, std::string> process_environment();

}  // namespace sy::app
