#include "forwarder/name_cache.hpp"

#include <algorithm>

#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

namespace sy::forwarder {

/// A dial waiting for a name's first answer; lives in the waiting coroutine's frame.
struct name_cache::waiter {
    entry* e = nullptr;
    coarse_timer::deadline deadline;
    bool timed_out = false;
    // In an optional, emplaced and never assigned: Asio 1.26's move assignment of any_completion_handler recurses
    // for ever (it copies `other` as an lvalue into its unconstrained converting constructor).
    std::optional<net::any_completion_handler<void()>> handler;

    void complete() {
        deadline.disarm();
        auto h = std::move(*handler);
        handler.reset();
        std::move(h)();  // resumes the coroutine, which may destroy *this
    }
    static void expire(void* self) {
        auto* w = static_cast<waiter*>(self);
        auto& list = w->e->waiters;
        list.erase(std::remove(list.begin(), list.end(), w), list.end());
        w->timed_out = true;
        w->complete();
    }
};

name_cache::name_cache(net::any_io_executor ex, coarse_timer& deadlines)
    : gate_(std::make_shared<answer_gate>(std::move(ex))), deadlines_(deadlines) {}

name_cache::~name_cache() { gate_->close(); }

void name_cache::start_lookup(const std::string& host, entry& e) {
    e.looking_up = true;
    lookup_host(host, gate_, [this, host](const name_answer& a) { answered(host, a); });
}

void name_cache::answered(const std::string& host, const name_answer& a) {
    auto it = entries_.find(host);
    if (it == entries_.end()) return;
    entry& e = it->second;
    const auto now = clock::now();
    e.looking_up = false;
    e.answered = true;
    e.answered_at = now;
    if (!a.addresses.empty()) {
        e.addresses.assign(a.addresses.begin(), a.addresses.end());
        for (auto& x : e.addresses) x = unmap(x);
        e.good_at = now;
        e.error.clear();
    } else {
        e.error = a.error;
        // A failed refresh keeps a good answer that is not too old: a resolver outage must not fail every dial.
        if (now - e.good_at > keep_failed_for) e.addresses.clear();
    }
    auto waiting = std::move(e.waiters);
    e.waiters.clear();
    for (auto* w : waiting) w->complete();
}

void name_cache::forget_unused(clock::time_point now) {
    if (now < next_sweep_) return;
    next_sweep_ = now + forget_after;
    std::erase_if(entries_, [&](const auto& kv) {
        return !kv.second.looking_up && kv.second.waiters.empty() && now - kv.second.last_used > forget_after;
    });
}

awaitable<name_cache::result> name_cache::resolve(const std::string& host, clock::time_point due) {
    const auto now = clock::now();
    forget_unused(now);
    entry& e = entries_[host];
    e.last_used = now;
    if (!e.looking_up && (!e.answered || now - e.answered_at >= fresh_for)) start_lookup(host, e);
    if (!e.answered) {
        waiter w;
        w.e = &e;
        co_await net::async_initiate<const net::use_awaitable_t<>, void()>(
            [&](auto handler) {
                w.handler.emplace(std::move(handler));
                e.waiters.push_back(&w);
                deadlines_.arm(w.deadline, due, &waiter::expire, &w);
            },
            net::use_awaitable);
        if (w.timed_out) co_return result{{}, "timed out resolving " + host, true};
    }
    if (e.addresses.empty()) co_return result{{}, "cannot resolve " + host + ": " + e.error, false};
    co_return result{e.addresses, {}, false};
}

}  // namespace sy::forwarder
