#pragma once
// What a connection may use of the worker thread that serves it, and nothing else: the connection code depends on
// this header, the worker on the connection code, never the reverse.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bans/ban_set.hpp"
#include "config/static_config.hpp"
#include "forwarder/buffer_pool.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/io_shortcuts.hpp"
#include "forwarder/name_cache.hpp"
#include "forwarder/net.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/access_log.hpp"
#include "telemetry/counters.hpp"

namespace sy::forwarder {

struct sockmap_maps;

/// State every worker shares with the server: atomics and the shutdown signal only.
struct shared_state {
    telemetry::access_log* access_log = nullptr;
    telemetry::recent_refusals* refusals_seen = nullptr;  ///< connections that reached no backend (dashboard)
    const sockmap_maps* sockmap = nullptr;  ///< the sockmap data path's maps; null: the copying relay only
    bool splice_immediate = false;          ///< core.spliceStart=immediate
    std::atomic<int64_t> live{0};        ///< connections being served, all workers
    std::atomic<bool> stopping{false};
    std::atomic<uint64_t> published{0};  ///< snapshot posts to workers
    std::atomic<uint64_t> applied{0};    ///< of those, applied by their worker
    std::mutex mutex;                    ///< only for `idle` below
    std::condition_variable idle;        ///< notified when `live` reaches 0 while stopping

    void connection_ended();
};

/// One entrypoint as seen by one worker.
struct listener {
    std::string name;
    std::size_t index = 0;  ///< in the worker's listeners, and so in every worker_view's `tables`
    const config::entry_point* config = nullptr;
    tcp_acceptor acceptor;
    telemetry::traffic_counters* counters = nullptr;
    telemetry::outcome_counters* outcomes = nullptr;
    bool ban_list = false;  ///< banList applies here (banList.entryPoints empty or naming it)
};

/// A worker's own view of one routing snapshot: the snapshot, each listener's table in it, and the state that goes
/// with it on this worker only (the balancers' positions). A connection holds the view it started with, so a
/// reload never changes what an open connection sees, and workers never write the same memory to route.
struct worker_view {
    std::shared_ptr<const runtime::snapshot> snap;
    std::vector<const runtime::entry_point_table*> tables;  ///< by listener index; null = no routes
    std::vector<uint32_t> cursors;                           ///< by service_plan::index
};

/// A live connection's sockets, in its worker's list, so shutdown can close what outlived the grace period.
struct tracked_connection {
    tracked_connection* prev = nullptr;
    tracked_connection* next = nullptr;
    tcp_socket* client = nullptr;
    tcp_socket* backend = nullptr;
    /// The client's address once the ban list has admitted it (after a trusted PROXY header), so a later ban can
    /// find the connection; null before, or where no ban list applies.
    const ip_address* banned_if = nullptr;
    bool cut_by_ban = false;  ///< closed because its address was banned: it ends as `banned`
    /// Set while the connection is relayed in the kernel (forwarder/splice_sockmap.hpp): its sockets are no longer
    /// Asio's, and closing it from outside goes through this.
    void (*close_spliced)(void* splice) = nullptr;
    void* splice = nullptr;
};

/// Closes a connection from outside (a ban, shutdown): every pending operation completes with operation_aborted,
/// or the splice ends; either way the connection then ends and unlinks itself.
inline void close_tracked(tracked_connection& c) {
    if (c.close_spliced) {
        c.close_spliced(c.splice);
        return;
    }
    error_code ec;
    if (c.client) c.client->close(ec);
    if (c.backend) c.backend->close(ec);
}

/// The circular list of a worker's connections (worker thread only).
class connection_list {
public:
    connection_list() { head_.prev = head_.next = &head_; }
    connection_list(const connection_list&) = delete;
    connection_list& operator=(const connection_list&) = delete;
    void add(tracked_connection& c);
    void remove(tracked_connection& c);
    template <class F> void for_each(F&& f) {
        for (auto* c = head_.next; c != &head_;) {
            auto* next = c->next;  // f may end the connection, which unlinks it
            f(*c);
            c = next;
        }
    }

private:
    tracked_connection head_;
};

/// Everything of a worker that its connections use; all of it on that worker's thread.
class splice_watch;

struct worker_context {
    std::size_t index = 0;  ///< the worker's number: its shard of every counter block
    net::io_context& context;
    buffer_pool& pool;
    coarse_timer& deadlines;
    io_reactor& reactor;
    shared_state& shared;
    connection_list& connections;
    name_cache& names;
    /// The ban list in force on this worker (null: none), swapped by worker::publish_bans on this thread.
    std::shared_ptr<const bans::ban_set> bans = nullptr;
    /// The worker's watch over its spliced connections; null on the copying data path.
    splice_watch* splice = nullptr;
};

}  // namespace sy::forwarder
