#pragma once
// The forwarder: every TCP entrypoint, served by a pool of worker threads (Asio's server2 model: one io_context per
// thread, an acceptor per thread and entrypoint with SO_REUSEPORT). Routing snapshots are published by pointer.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bans/ban_set.hpp"
#include "base/duration.hpp"
#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/access_log.hpp"
#include "telemetry/counters.hpp"

namespace sy::forwarder {

class worker;
struct shared_state;
struct sockmap_maps;

class server {
public:
    /// `statics`, `counters` and `access_log` (may be null) must outlive the server.
    server(const config::static_config& statics, telemetry::registry& counters, telemetry::access_log* access_log);
    server(const server&) = delete;
    server& operator=(const server&) = delete;
    ~server();

    /// Binds every TCP entrypoint (not those served by the API, see api_entry_points) on every worker and starts
    /// the workers, on the data path core.dataPath chooses (logged once). Throws std::runtime_error naming the
    /// entrypoint when one cannot be bound, or core.dataPath when sockmap is forced and cannot be loaded.
    void start();
    /// Makes `snap` the routing table of every new connection (thread-safe; connections already open keep theirs).
    /// Returns at once: each worker swaps its pointer on its own thread.
    void publish(std::shared_ptr<const runtime::snapshot> snap);
    /// Makes `set` the ban list of the entrypoints banList applies to (thread-safe, returns at once): new connections
    /// are looked up in it, and unless banList.keepEstablished the open connections of banned clients are closed.
    /// Kept for start() when called before it.
    void publish_bans(std::shared_ptr<const bans::ban_set> set);
    /// Waits until every worker uses the last published snapshot; false after `timeout`.
    bool wait_published(duration timeout) const;
    /// Stops as Traefik does on SIGTERM, with each entrypoint's transport.lifeCycle: an entrypoint keeps accepting
    /// for its requestAcceptGraceTimeout, then stops; open connections may finish until the latest
    /// requestAcceptGraceTimeout + graceTimeOut of all entrypoints; the rest are closed. Blocks meanwhile (call it
    /// from a thread that may wait) and returns when every worker thread has ended.
    void stop();
    /// Stops accepting at once, lets open connections finish for up to `grace`, closes the rest, and returns when
    /// every worker thread has ended.
    void stop(duration grace);

    /// Connections being served now (all workers).
    int64_t open_connections() const;
    /// Number of worker threads (after start()).
    size_t threads() const { return workers_.size(); }
    /// The data path in use, as logged at start (after start()).
    const std::string& data_path() const { return data_path_; }

private:
    /// Waits up to `grace` for the open connections to end, closes the rest, joins the workers.
    void drain(duration grace);

    const config::static_config& statics_;
    telemetry::registry& counters_;
    std::unique_ptr<sockmap_maps> sockmap_;  ///< the sockmap data path's maps, when it runs
    std::string data_path_;
    std::unique_ptr<shared_state> shared_;
    std::vector<std::unique_ptr<worker>> workers_;
    bool stopped_ = false;
    std::shared_ptr<const bans::ban_set> bans_;  ///< the last published ban list (control thread)
};

/// How many worker threads start() runs: core.threads, or one per core. The counter registry needs one shard each.
size_t worker_count(const config::static_config& statics);

/// Entrypoints the API server binds instead of the forwarder: the one of `api` (when insecure), `ping` and
/// `prometheus` when those are enabled ("traefik" by default).
std::set<std::string> api_entry_points(const config::static_config& statics);

/// The longest a stop() may take: the latest requestAcceptGraceTimeout + graceTimeOut of the forwarder's entrypoints
/// (every connection gets until then; the API's own entrypoints close at once).
duration longest_stop(const config::static_config& statics);

}  // namespace sy::forwarder
