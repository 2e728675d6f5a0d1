#pragma once
// What the Docker and Swarm providers' watch loops share: reconnect backoff, the daemon's clock, the session start
// (ping, version, API negotiation) and the log of what a rebuild found, each line said once while it holds.
#include <chrono>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/diagnostic.hpp"
#include "base/duration.hpp"
#include "config/dynamic_config.hpp"
#include "providers/docker/api_version.hpp"
#include "providers/docker/constraints.hpp"
#include "providers/docker/provider_config.hpp"
#include "providers/docker/container.hpp"
#include "providers/docker/engine_client.hpp"

namespace sy::providers::docker {

/// Traefik's job.NewBackOff over cenkalti/backoff (docker-api.md §3.1): 0.5 s, ×1.5, ±50 % jitter; capped at 30 s
/// here rather than 60 s so a restarted daemon is picked up sooner.
class backoff {
public:
    duration next();
    void reset();

private:
    std::chrono::duration<double> current_ = std::chrono::milliseconds(500);
    std::mt19937 rng_{std::random_device{}()};
};

/// Both providers' outer loop: one session after another with the back-off between them, a session that streamed
/// for 30 s or more starting the next at the initial delay (Traefik's MinJobInterval); one session only when not
/// watching and it succeeded. Ends when cancelled. `Watcher` has session() -> awaitable<result<void>>,
/// close() -> awaitable<void> and lost(const diagnostic&).
template <class Watcher>
boost::asio::awaitable<void> run_sessions(Watcher& w, bool watch) {
    using namespace std::chrono_literals;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    backoff delay;
    for (;;) {
        const auto started = std::chrono::steady_clock::now();
        auto r = co_await w.session();
        co_await w.close();
        if (r && !watch) co_return;
        if (!r) w.lost(r.error());
        if (std::chrono::steady_clock::now() - started >= 30s) delay.reset();
        timer.expires_after(delay.next());
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;  // cancelled
    }
}

/// The daemon's clock from an HTTP Date header ("Tue, 24 Nov 2026 16:06:31 GMT"); ours when it is missing.
int64_t unix_seconds(const std::string& http_date);

/// A connected daemon: GET /_ping and /version answered, the API version negotiated.
struct engine_session {
    std::string prefix;    ///< "/v1.41": every later path starts with it
    engine_version version;
    api_version api;
    std::string ping_date;  ///< the Date of the /_ping answer (for /events?since=)
};
boost::asio::awaitable<result<engine_session>> open_engine_session(engine_client& client);

/// GET `target`, expecting 200; any other status is an error carrying the daemon's message.
boost::asio::awaitable<result<std::string>> get_ok(engine_client& client, const std::string& target,
                                                   const std::string& what);

/// The build options both providers take from their (same-named) static options; a constraint that does not
/// compile is logged once and routes nothing, as Traefik drops every container then. `constraints` must outlive
/// `options`.
void log_constraint_error(const std::string& provider, const diagnostic& why);

template <class Provider>
void set_build_options(const Provider& cfg, const std::string& provider, build_options& options, constraint& constraints) {
    options.provider = provider;
    options.exposed_by_default = cfg.exposed_by_default;
    options.network = cfg.network;
    options.use_bind_port_ip = cfg.use_bind_port_ip;
    options.allow_empty_services = cfg.allow_empty_services;
    options.label_prefix = cfg.label_prefix;
    auto compiled = compile_constraint(cfg.constraints);
    if (compiled) constraints = std::move(*compiled);
    else {
        log_constraint_error(provider, compiled.error());
        options.constraints_invalid = true;
    }
    options.constraints = &constraints;
}

/// Logs each note (info) and finding (error or warning) once, when it first appears, prefixed "<provider>: ".
class findings_log {
public:
    void report(const std::string& provider, const std::vector<std::string>& notes,
                const std::vector<config::element_finding>& findings);

private:
    std::set<std::string> notes_, findings_;
};

}  // namespace sy::providers::docker
