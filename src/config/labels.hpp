#pragma once
// A container's `traefik.*` labels → its TCP dynamic configuration, decoded as Traefik's paerser does (see
// ../shared/reference/traefik-tcp.md §1), with errors confined to the element they belong to.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/dynamic_config.hpp"

namespace sy::config {

struct container_labels {
    std::optional<bool> enable;     ///< traefik.enable; absent: providers.docker.exposedByDefault decides
    std::string docker_network;     ///< traefik.docker.network
    bool allow_non_running = false; ///< traefik.docker.allownonrunning
    dynamic_config config;          ///< routers, services, middlewares (unqualified names); servers carry `port` only
    std::vector<element_finding> findings;
    bool has_tcp = false;           ///< any TCP router or service label (Traefik's trigger for the TCP defaults)
};

/// Never fails as a whole: a bad key becomes an error finding on its router/service/middleware (or `other`), a
/// surprising-but-valid one a warning. Labels for HTTP and UDP are ignored (one debug log line per container).
container_labels decode_labels(const std::map<std::string, std::string>& labels);

}  // namespace sy::config
