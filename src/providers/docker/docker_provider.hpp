#pragma once
// The Docker provider: watches the Engine API and pushes the provider's whole configuration into the sink each time
// it changes (issue 7, docker-api.md §6).
#include <boost/asio/awaitable.hpp>

#include "config/static_config.hpp"
#include "providers/provider.hpp"

namespace sy::providers::docker {

/// Runs until cancelled (or, with watch=false, until one configuration was read and pushed).
/// On start and after every reconnect: open /events first (filtered, `since` one second back), list and inspect
/// the containers, push, then apply events (re-inspecting only the containers they name). While the daemon is
/// unreachable nothing is pushed, so the last good routes stay in force; retries back off exponentially (0.5 s ×1.5,
/// jittered, capped at 30 s) and the log says so once per change of state, not once per retry. An events stream
/// silent for providers.docker's events_silence (30 s) makes the watcher ping the daemon: a daemon that vanished
/// without closing the connection is noticed within a minute, not after TCP's hours.
boost::asio::awaitable<void> run_docker_provider(config::docker_provider cfg, providers::sink sink);

}  // namespace sy::providers::docker

namespace sy::providers {
/// Also reachable as providers::run_docker_provider, beside the file provider (the app wires both the same way).
using docker::run_docker_provider;
}  // namespace sy::providers
