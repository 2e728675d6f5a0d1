#pragma once
// A container's `traefik.*` labels → its TCP dynamic configuration, decoded as Traefik's paerser does (see
// ../shared/reference/traefik-tcp.md §1), with errors confined to the element they belong to. The root segment is
// `traefik` unless providers.docker.labelPrefix names another (a Switchyard extension: traefik/traefik#11909).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/dynamic_config.hpp"

namespace sy::config {

struct container_labels {
    std::optional<bool> enable;     ///< <prefix>.enable; absent: providers.docker.exposedByDefault decides
    std::string docker_network;     ///< <prefix>.docker.network
    bool allow_non_running = false; ///< <prefix>.docker.allownonrunning
    bool docker_lbswarm = false;    ///< <prefix>.docker.lbswarm (Traefik < 3.2.2's name, deprecated on Swarm)
    std::string swarm_network;      ///< <prefix>.swarm.network
    bool swarm_lbswarm = false;     ///< <prefix>.swarm.lbswarm
    std::vector<std::string> docker_keys;  ///< every <prefix>.docker.* key given (Swarm: deprecated, conflicts)
    std::vector<std::string> swarm_keys;   ///< every <prefix>.swarm.* key given
    dynamic_config config;          ///< routers, services, middlewares (unqualified names); servers carry `port` only
    std::vector<element_finding> findings;
    bool has_tcp = false;           ///< any TCP router or service label (Traefik's trigger for the TCP defaults)
};

/// Traefik's label root, and the default of providers.docker.labelPrefix.
inline constexpr std::string_view default_label_prefix = "traefik";

/// Never fails as a whole: a bad key becomes an error finding on its router/service/middleware (or `other`), a
/// surprising-but-valid one a warning. Labels for HTTP and UDP are ignored (one debug log line per container).
/// Only labels under `prefix` (its first segments matched case-insensitively, then exactly, as Traefik's root) are
/// read; every other label, `traefik.*` included when the prefix is another, is not ours and is not mentioned.
container_labels decode_labels(const std::map<std::string, std::string>& labels,
                               std::string_view prefix = default_label_prefix);

/// An error text when `prefix` cannot be a label prefix (empty, an empty segment, a character outside
/// [A-Za-z0-9_-]); empty when it can.
std::string label_prefix_problem(std::string_view prefix);

}  // namespace sy::config
