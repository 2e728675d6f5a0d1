#pragma once
// Host-name lookups that never block an event loop and are bounded by the caller's own deadline.
//
// getaddrinfo(3) blocks, and Asio 1.26's resolver cannot be cancelled: `resolve || timer` waits for the lookup
// whatever the timer says, and Asio runs lookups on one private thread per io_context, so every name-based dial
// of a worker would queue behind the slowest lookup. Here lookups run on the process's resolver threads (a few, so
// one name whose DNS server does not answer holds up no other); a caller asks, goes on with its own loop, and gets
// the answer posted back to its executor through a gate it can close (an event loop that stops closes its gate
// first, so nothing is ever posted to a destroyed io_context). A caller that stopped waiting ignores the late answer.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

namespace sy {

struct name_answer {
    std::vector<boost::asio::ip::address> addresses;  ///< in getaddrinfo's order; empty on failure
    std::string error;                                ///< why there is no address ("Name or service not known")
};

/// Where answers for one event loop go. Close it (from any thread) before the loop's io_context is destroyed.
class answer_gate {
public:
    explicit answer_gate(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
    void close();
    /// Posts `f` to the executor unless the gate is closed (any thread).
    void deliver(std::function<void()> f);

private:
    std::mutex mutex_;
    bool open_ = true;
    boost::asio::any_io_executor ex_;
};

/// Looks `host` up on a resolver thread; `done` runs on the gate's executor, unless the gate was closed first.
/// Lookups of a host already under way are joined, so a burst of dials to one name costs one lookup.
void lookup_host(const std::string& host, std::shared_ptr<answer_gate> gate,
                 std::function<void(const name_answer&)> done);

/// The same as a coroutine on the caller's executor, waiting `limit` at most: nullopt when no answer came in time
/// (the lookup's late answer is then dropped).
boost::asio::awaitable<std::optional<name_answer>> lookup_within(std::string host, std::chrono::nanoseconds limit);

/// Tests only: replaces getaddrinfo for names `lookup` answers (it returns nullopt for the others), to produce
/// what a real resolver does only when its server is down (a lookup that takes seconds). Null restores it.
void set_lookup_for_tests(std::function<std::optional<name_answer>(const std::string&)> lookup);

}  // namespace sy
