#pragma once
// One forwarder thread: its own single-threaded io_context, an acceptor per entrypoint (SO_REUSEPORT shares the
// port between workers), its view of the current routing snapshot, and the connections it serves.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "forwarder/name_cache.hpp"
#include "forwarder/worker_context.hpp"

namespace sy::forwarder {

class worker {
public:
    /// `index`: the worker's number, which selects its shard of every counter block.
    worker(std::size_t index, shared_state& shared);
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;
    ~worker();

    /// Opens and binds an acceptor (start-up only; throws std::runtime_error naming the entrypoint).
    void add_listener(const std::string& name, const config::entry_point& ep, const tcp::endpoint& where,
                      bool dual_stack, telemetry::traffic_counters* counters, telemetry::outcome_counters* outcomes,
                      bool ban_list = false);
    /// Starts accepting and runs the thread.
    void start();
    /// Replaces the snapshot on the worker's thread (callable from any thread).
    void publish(std::shared_ptr<const runtime::snapshot> snap);
    /// Replaces the ban list on the worker's thread (callable from any thread); with `close_established`, the open
    /// connections of newly banned clients are closed there too.
    void publish_bans(std::shared_ptr<const bans::ban_set> set, bool close_established);
    /// Closes the acceptor of one entrypoint, or all of them when `entry_point` is empty (any thread; returns at
    /// once; unknown names are ignored).
    void stop_accepting(std::string entry_point = {});
    /// Closes every connection still open (any thread; returns at once).
    void close_connections();
    /// Lets the thread finish once its work is done, and joins it.
    void join();
    /// Stops the event loop even if work remains (last resort of shutdown).
    void halt() { context_.stop(); }

private:
    awaitable<void> accept_loop(listener& l);
    void apply(std::shared_ptr<const runtime::snapshot> snap);
    void apply_bans(std::shared_ptr<const bans::ban_set> set, bool close_established);

    shared_state& shared_;
    buffer_pool pool_;  // declared before the context: connection frames destroyed with it give buffers back
    connection_list connections_;
    std::shared_ptr<worker_view> view_;
    // One thread runs it and every socket is touched only from that thread: the reactor's per-descriptor locks
    // (taken for every operation) are not needed. Posts from other threads still lock the scheduler.
    net::io_context context_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    coarse_timer deadlines_{context_.get_executor()};  // after the context: its timer must go first
    name_cache names_{context_.get_executor(), deadlines_};
    std::unique_ptr<splice_watch> splice_;  ///< after the context: destroyed first (sockmap data path only)
    worker_context ctx_;
    std::vector<std::unique_ptr<listener>> listeners_;
    net::executor_work_guard<net::io_context::executor_type> guard_;
    std::thread thread_;
};

}  // namespace sy::forwarder
