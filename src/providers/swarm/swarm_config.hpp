#pragma once
// From one refresh of a swarm to the Swarm provider's whole configuration (Traefik v3.7 pkg/provider/docker/
// pswarm.go listServices/parseService/listTasks/parseTasks, then the Docker provider's DynConfBuilder). Each running
// task (or, with lbswarm, each service) becomes a docker::container carrying its service's labels, so the label
// decoder, the defaults, the network choice, the merge and the per-element findings are the Docker provider's.
// Pure: every input is in the arguments.
#include <map>
#include <string>
#include <vector>

#include "providers/docker/provider_config.hpp"
#include "providers/swarm/swarm_objects.hpp"

namespace sy::providers::swarm {

struct swarm_build {
    config::provider_message message;  ///< provider "swarm"
    std::vector<std::string> notes;    ///< for the log: network chosen, tasks left out and why
    /// Some task is on its way to running (pending, preparing, starting, ...): the provider polls again soon
    /// instead of waiting refreshSeconds, since Swarm sends no event when it gets there.
    bool settling = false;
};

/// The tasks that are routed: desired state and state both running (Traefik's listTasks), on a node not known to
/// be down. Everything else is left out.
bool task_is_routable(const task& t);

/// Traefik's listServices: what will be routed, as containers keyed by task ID (service ID with lbswarm or an
/// empty service kept by allowEmptyServices). Tasks are named <service>.<slot>, or <service>.<task ID> for global
/// services; findings and notes are about services as a whole (the merge adds the per-element ones).
struct swarm_listing {
    std::map<std::string, docker::container> containers;
    std::vector<config::element_finding> findings;
    std::vector<std::string> notes;
    bool settling = false;
};
swarm_listing list_containers(const swarm_state& state, const docker::build_options& options);

/// list_containers, then the Docker provider's merge. `options.provider` must be "swarm"; options.host_address is
/// unused (tasks on the host network are reached at their node's address).
swarm_build build_swarm_message(const swarm_state& state, const docker::build_options& options);

}  // namespace sy::providers::swarm
