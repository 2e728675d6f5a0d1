#pragma once
// Per-worker deadlines with a coarse tick, for terminationDelay and dialTimeout.
//
// An Asio timer per connection costs a timerfd_settime system call whenever it becomes the earliest (in a VM that
// reprograms the CPU's timer, a VM exit), which with short connections is nearly every time. Here one timer ticks
// every `tick` while any deadline is armed and none otherwise; arming and disarming are list operations. A deadline
// fires up to one tick late, which neither Traefik's 100 ms terminationDelay nor a dial timeout notices.
#include <chrono>

#include "forwarder/net.hpp"

namespace sy::forwarder {

class coarse_timer {
public:
    using clock = std::chrono::steady_clock;

    /// One armed deadline; lives in its owner (a relay, a dial). Disarm it before the owner goes.
    struct entry {
        entry* prev = nullptr;
        entry* next = nullptr;
        clock::time_point due{};
        void (*fire)(void* owner) = nullptr;
        void* owner = nullptr;
        bool armed() const { return prev != nullptr; }
    };

    explicit coarse_timer(const net::any_io_executor& ex, clock::duration tick = std::chrono::milliseconds(10));
    coarse_timer(const coarse_timer&) = delete;
    coarse_timer& operator=(const coarse_timer&) = delete;

    /// Calls fire(owner) once, on this worker's thread, at `due` or up to one tick later, unless disarmed first.
    void arm(entry& e, clock::time_point due, void (*fire)(void* owner), void* owner);
    void disarm(entry& e);

private:
    void schedule();
    void on_tick();

    steady_timer timer_;
    clock::duration tick_;
    entry head_;  ///< sentinel of a circular list
    bool ticking_ = false;
};

}  // namespace sy::forwarder
