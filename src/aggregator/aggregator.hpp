#pragma once
// From many providers to one configuration: keep each provider's latest message, throttle bursts
// (providers.providersThrottleDuration), qualify names as name@provider, merge, and hand the result on.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/duration.hpp"
#include "config/dynamic_config.hpp"

namespace sy::aggregator {

/// The merged configuration: every name qualified (`smtp@docker`); findings carry qualified names too.
struct merged_config {
    config::dynamic_config config;
    std::vector<config::element_finding> findings;
    /// Router (qualified) → its service as the provider wrote it, where qualifying changed it: Traefik's API shows
    /// a router's `service` as written (`smtp`, not `smtp@docker`), and tools that read the API expect that.
    std::map<std::string, std::string> services_as_written;
    std::map<std::string, std::string> docker_gateways;  ///< every provider's, merged (provider_message)
    /// What the merge refused where no router, service or middleware can show it (a serversTransport or TLS options
    /// named with `@`, "default" TLS options from several providers): the run command logs these, config check
    /// counts them as errors.
    std::vector<std::string> conflicts;
    friend bool operator==(const merged_config&, const merged_config&) = default;
};

/// Pure: qualify and merge the latest message of every provider (sorted by provider name).
merged_config merge(const std::map<std::string, config::provider_message>& latest);

}  // namespace sy::aggregator
