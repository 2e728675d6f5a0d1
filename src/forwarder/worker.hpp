#pragma once
// One forwarder thread: its own single-threaded io_context, an acceptor per entrypoint (SO_REUSEPORT shares the
// port between workers), its copy of the current routing snapshot, and the connections it serves.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/io_context.hpp>

#include "config/static_config.hpp"
#include "forwarder/buffer_pool.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/readiness.hpp"
#include "forwarder/net.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/access_log.hpp"
#include "telemetry/counters.hpp"

namespace sy::forwarder {

/// State every worker shares with the server; only atomics and the shutdown signal.
struct shared_state {
    telemetry::access_log* access_log = nullptr;
    std::atomic<int64_t> live{0};        ///< connections being served, all workers
    std::atomic<bool> stopping{false};
    std::atomic<bool> fd_exhaustion_logged{false};
    std::atomic<int64_t> fd_failure_at{0};         ///< steady_clock ns of the last accept that found no descriptor
    std::atomic<bool> fd_recovery_watched{false};  ///< a worker waits to announce that accepting works again
    std::atomic<uint64_t> published{0};  ///< snapshot posts to workers
    std::atomic<uint64_t> applied{0};    ///< of those, applied by their worker
    std::mutex mutex;                    ///< only for `idle` below
    std::condition_variable idle;        ///< notified when `live` reaches 0 while stopping

    void connection_ended();
};

/// One entrypoint as seen by one worker.
struct listener {
    std::string name;
    const config::entry_point* config = nullptr;
    tcp_acceptor acceptor;
    telemetry::traffic_counters* counters = nullptr;
    telemetry::refusal_counters* refusals = nullptr;
    const runtime::entry_point_table* table = nullptr;  ///< in the worker's current snapshot; null = no routes
};

/// A live connection's sockets, so shutdown can close what outlived the grace period.
struct tracked_connection {
    tracked_connection* prev = nullptr;
    tracked_connection* next = nullptr;
    tcp_socket* client = nullptr;
    tcp_socket* backend = nullptr;
};

class worker {
public:
    explicit worker(shared_state& shared);
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;
    ~worker();

    /// Opens and binds an acceptor (start-up only; throws std::runtime_error naming the entrypoint).
    void add_listener(const std::string& name, const config::entry_point& ep, const tcp::endpoint& where,
                      bool dual_stack, telemetry::traffic_counters* counters, telemetry::refusal_counters* refusals);
    /// Starts accepting and runs the thread.
    void start();
    /// Replaces the snapshot on the worker's thread (callable from any thread).
    void publish(std::shared_ptr<const runtime::snapshot> snap);
    /// Closes the acceptor of one entrypoint, or all of them when `entry_point` is empty (any thread; returns at
    /// once; unknown names are ignored).
    void stop_accepting(std::string entry_point = {});
    /// Closes every connection still open (any thread; returns at once).
    void close_connections();
    /// Lets the thread finish once its work is done, and joins it.
    void join();
    /// Stops the event loop even if work remains (last resort of shutdown).
    void halt() { context_.stop(); }

    // --- for the connections it serves (worker thread only)
    net::io_context& context() { return context_; }
    buffer_pool& pool() { return pool_; }
    coarse_timer& deadlines() { return deadlines_; }
    net::detail::reactor& reactor() { return reactor_; }
    const std::shared_ptr<const runtime::snapshot>& snapshot() const { return snapshot_; }
    shared_state& shared() { return shared_; }
    void track(tracked_connection& c);
    void untrack(tracked_connection& c);

private:
    awaitable<void> accept_loop(listener& l);
    void apply(std::shared_ptr<const runtime::snapshot> snap);

    shared_state& shared_;
    buffer_pool pool_;  // declared before the context: connection frames destroyed with it give buffers back
    tracked_connection connections_;  // sentinel of a circular list
    std::shared_ptr<const runtime::snapshot> snapshot_;
    // One thread runs it and every socket is touched only from that thread: the reactor's per-descriptor locks
    // (taken for every operation) are not needed. Posts from other threads still lock the scheduler.
    net::io_context context_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    coarse_timer deadlines_{context_.get_executor()};  // after the context: its timer must go first
    net::detail::reactor& reactor_{reactor_of(context_)};
    std::vector<std::unique_ptr<listener>> listeners_;
    net::executor_work_guard<net::io_context::executor_type> guard_;
    std::thread thread_;
};

}  // namespace sy::forwarder
