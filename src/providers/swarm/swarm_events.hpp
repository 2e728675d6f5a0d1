#pragma once
// Which Engine API events make the Swarm provider refresh at once instead of at its next poll. Swarm emits service
// and node events (scope "swarm", managers only) but none for tasks (moby/moby#37403), which is why Traefik only
// polls. A task's container does emit local events on its own node, labelled with its service's ID: on the node
// the provider talks to, a task that dies, is killed or turns unhealthy is seen at once; elsewhere the service
// event (scale, update, remove) and the fast polls that follow it (swarm_provider.hpp) find it.
#include <optional>
#include <string>

#include "providers/docker/container.hpp"

namespace sy::providers::swarm {

/// The `filters` query value for /events (JSON): service and node events, and the container events of tasks.
std::string swarm_events_filters_json();

/// True for a service or node event, and for a routing-relevant container event of a Swarm task (its attributes
/// carry com.docker.swarm.service.id).
bool asks_for_refresh(const docker::event& e);

/// What a task container's event says about the task serving, ahead of the manager: Swarm fails a task whose
/// container turned unhealthy or exited, but lists it running until the container has stopped (seconds later).
struct task_container_change {
    std::string task_id;  ///< the container's com.docker.swarm.task.id
    std::string failure;  ///< "unhealthy" (health_status: unhealthy), "exited" (die), "" (healthy again)
};
std::optional<task_container_change> task_container_event(const docker::event& e);

}  // namespace sy::providers::swarm
