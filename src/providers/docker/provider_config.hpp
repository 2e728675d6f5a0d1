#pragma once
// From the containers a daemon runs to the Docker provider's whole configuration (Traefik's DynConfBuilder.build +
// provider.Merge, traefik-tcp.md §1.6 and §2): each kept container's labels and defaults, then all containers merged
// into one message. Pure: every input is in the arguments, every problem is a finding on the element it belongs to.
#include <map>
#include <string>
#include <vector>

#include "config/dynamic_config.hpp"
#include "providers/docker/constraints.hpp"
#include "providers/docker/container.hpp"

namespace sy::providers::docker {

struct build_options {
    bool exposed_by_default = true;      ///< providers.docker.exposedByDefault
    std::string network;                 ///< providers.docker.network
    bool use_bind_port_ip = false;       ///< providers.docker.useBindPortIP
    bool allow_empty_services = false;   ///< providers.docker.allowEmptyServices
    std::string host_address = "127.0.0.1";  ///< address of network-mode-host containers
    std::string label_prefix = "traefik";    ///< providers.docker.labelPrefix
    const constraint* constraints = nullptr; ///< null: every container passes
    bool constraints_invalid = false;        ///< the expression did not compile: no container is kept (as Traefik)
    /// "docker", or "swarm" for the Swarm provider's tasks: the message's provider, the option names messages cite,
    /// and which labels choose the network (<prefix>.swarm.network, else the deprecated <prefix>.docker.network).
    std::string provider = "docker";
};

/// One container's share of the configuration.
struct container_share {
    bool kept = false;
    std::string skipped_because;  ///< when not kept: why (for a debug log line)
    config::dynamic_config config;
    std::vector<config::element_finding> findings;
    std::vector<std::string> notes;  ///< informational lines for the log (network chosen, port inferred)
};

/// Applies keepContainer, the label decoder and the container-level defaults to one container.
/// `others` resolves network mode `container:<id>`.
container_share container_to_config(const container& c, const build_options& options,
                                    const std::map<std::string, container>& others);

/// The provider's message: every container's share, merged. Replicas of one service add servers; a router, service
/// or middleware defined differently by two containers is dropped with an error finding naming both containers, as
/// Traefik drops them (it only logs).
struct provider_build {
    config::provider_message message;
    std::vector<std::string> notes;
};
provider_build build_provider_message(const std::map<std::string, container>& containers, const build_options& options);

}  // namespace sy::providers::docker
