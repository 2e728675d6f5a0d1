#pragma once
// What a provider is: a coroutine on the control io_context that pushes its *whole* configuration into a sink each
// time it changes (Traefik's Provide(chan<- dynamic.Message)). Providers never patch, and never see each other.
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "config/dynamic_config.hpp"

namespace sy::providers {

/// Called on the control executor with a provider's complete, unqualified configuration.
using sink = std::function<void(config::provider_message)>;

}  // namespace sy::providers
