#pragma once
// The Swarm provider (`--providers.swarm`, issue 19): reads a manager's services, tasks, nodes and networks and
// pushes the provider's whole configuration (`name@swarm`) when it changes.
#include <boost/asio/awaitable.hpp>

#include "config/static_config.hpp"
#include "providers/provider.hpp"

namespace sy::providers::swarm {

/// Runs until cancelled (or, with watch=false, until one configuration was read and pushed).
/// Each refresh is four GETs (/services, /tasks with desired-state running, /nodes, /networks), whatever the
/// number of tasks (Traefik inspects the node of every task, every time). Refreshes happen every refreshSeconds, as
/// Traefik polls, and also at once on a Swarm event (swarm_events.hpp); after an event, or while a task is on its
/// way to running, every 500 ms for 5 s, because the task changes an event announces come without events of their
/// own. While the daemon is unreachable, or is no manager, nothing is pushed, so the last good routes stay; retries
/// back off as the Docker provider's do.
boost::asio::awaitable<void> run_swarm_provider(config::swarm_provider cfg, providers::sink sink);

}  // namespace sy::providers::swarm

namespace sy::providers {
using swarm::run_swarm_provider;
}  // namespace sy::providers
