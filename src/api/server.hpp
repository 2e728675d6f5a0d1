#pragma once
// The API entrypoint's HTTP server: Beast sessions as coroutines on the control io_context (one thread). It reads
// the snapshot the runtime publishes and the counters, and changes nothing.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "bans/ban_sources.hpp"
#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/counters.hpp"
#include "telemetry/history.hpp"

namespace sy::api {

class api_server {
public:
    api_server(boost::asio::any_io_executor ex, const config::static_config& statics, telemetry::registry& counters);
    ~api_server();
    api_server(const api_server&) = delete;
    api_server& operator=(const api_server&) = delete;

    /// Binds the entrypoints that api.insecure, ping and metrics.prometheus name (`traefik`, ":8080", unless
    /// configured otherwise) and starts accepting. Binds nothing when none is enabled. Throws at start-up, naming
    /// the entrypoint and address, when an entrypoint is unknown or its address cannot be bound.
    void start();
    /// The snapshot the API shows from now on (called on every configuration change; any thread).
    void publish(std::shared_ptr<const runtime::snapshot> snap);
    /// The ban list the API shows from now on (any thread).
    void publish_bans(std::shared_ptr<const bans::ban_list_version> bans);
    /// /ping answers 503 from now on (Traefik's terminatingStatusCode).
    void set_shutting_down();
    /// Closes the listeners and every open API connection.
    void stop();

    /// The port a listener is bound to (after start), for tests binding port 0. 0 when the entrypoint is not bound.
    unsigned short bound_port(const std::string& entry_point) const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace sy::api
