#pragma once
// A worker's cache of backend host names (servers given as `mail.internal:25` rather than an address), on its thread
// only. Lookups run on the process's resolver thread (base/name_resolver.hpp), never on the worker, and a dial
// waits for a name no longer than its own dialTimeout.
//
// An answer is used for `fresh_for`; an older one is still used at once while a new lookup runs in the background,
// and a failed refresh keeps the last good answer for `keep_failed_for`. Deliberate difference from Traefik, which
// resolves on every dial (Go's resolver, itself uncached): a name that is dialled constantly costs one lookup per
// `fresh_for` instead of one per connection, and a resolver outage does not fail dials to names seen recently.
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/address.hpp"
#include "base/name_resolver.hpp"
#include "forwarder/coarse_timer.hpp"
#include "forwarder/net.hpp"

namespace sy::forwarder {

class name_cache {
public:
    using clock = coarse_timer::clock;
    static constexpr auto fresh_for = std::chrono::seconds(5);
    static constexpr auto keep_failed_for = std::chrono::minutes(5);
    static constexpr auto forget_after = std::chrono::minutes(10);  ///< names not dialled for this long

    name_cache(net::any_io_executor ex, coarse_timer& deadlines);
    name_cache(const name_cache&) = delete;
    name_cache& operator=(const name_cache&) = delete;
    /// Answers still on their way are dropped (the gate closes).
    ~name_cache();

    struct result {
        std::vector<ip_address> addresses;  ///< empty on failure
        std::string error;                  ///< why: the resolver's message, or "timed out resolving ..."
        bool timed_out = false;
    };
    /// The addresses of `host`: from the cache when it has an answer, else the first answer, waited for until `due`.
    awaitable<result> resolve(const std::string& host, clock::time_point due);

    /// Names held (tests).
    size_t size() const { return entries_.size(); }

private:
    struct waiter;
    struct entry {
        std::vector<ip_address> addresses;  ///< the last good answer
        std::string error;                  ///< the last failure, when there is no good answer to use
        clock::time_point answered_at{};
        clock::time_point good_at{};  ///< when `addresses` came
        clock::time_point last_used{};
        bool answered = false;
        bool looking_up = false;
        std::vector<waiter*> waiters;
    };
    void start_lookup(const std::string& host, entry& e);
    void answered(const std::string& host, const name_answer& a);
    void forget_unused(clock::time_point now);

    std::shared_ptr<answer_gate> gate_;
    coarse_timer& deadlines_;
    std::unordered_map<std::string, entry> entries_;
    clock::time_point next_sweep_{};
};

}  // namespace sy::forwarder
