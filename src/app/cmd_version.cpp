// `switchyard version`: the version and what it was built with, for bug reports.
#include <cstdio>
#include <string>

#include "app/commands.hpp"
#include "config/build_info.hpp"
#include "forwarder/sockmap_program.hpp"
#include "forwarder/splice_sockmap.hpp"

namespace sy::app {

int cmd_version(int, char**) {
    std::printf("Switchyard %s\n", config::switchyard_version().c_str());
    for (const auto& [name, version] : config::dependency_versions())
        std::printf("  %-14s %s\n", (name + ":").c_str(), version.c_str());
    // What core.dataPath=auto would run in this process (the same probe `run` makes; nothing stays loaded).
    auto path = forwarder::choose_data_path("auto", 2);
    if (path && path->sockmap) forwarder::unload_sockmap(path->maps);
    const std::string line = !path          ? path.error().to_string()
                             : path->sockmap ? "sockmap available (used with core.dataPath=auto or sockmap)"
                                             : path->summary;
    std::printf("  %-14s %s\n", "data path:", line.c_str());
    return 0;
}

}  // namespace sy::app
