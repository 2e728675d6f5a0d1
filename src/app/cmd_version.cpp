// `switchyard version`: the version and what it was built with, for bug reports.
#include <cstdio>

#include "app/commands.hpp"
#include "config/build_info.hpp"

namespace sy::app {

int cmd_version(int, char**) {
    std::printf("Switchyard %s\n", config::switchyard_version().c_str());
    for (const auto& [name, version] : config::dependency_versions())
        std::printf("  %-14s %s\n", (name + ":").c_str(), version.c_str());
    return 0;
}

}  // namespace sy::app
