#pragma once
// Per-worker deadlines at a coarse grain, for every timeout on the data path: dialTimeout, terminationDelay, the
// wait for a PROXY header or a ClientHello.
//
// An Asio timer per connection costs a timerfd_settime system call whenever it becomes the earliest (in a VM that
// reprograms the CPU's timer, a VM exit), which with short connections is nearly every time. Here the deadlines sit
// in one binary heap per worker, and one Asio timer is set for the earliest, rounded up to the grain: arming a
// deadline later than the one already scheduled (the usual case: now + the same timeout) costs no system call, and
// deadlines in the same grain fire together. A deadline fires up to one grain late, which neither Traefik's 100 ms
// terminationDelay nor a dial timeout notices. Nothing is scheduled while no deadline is armed.
#include <chrono>
#include <cstddef>
#include <vector>

#include "forwarder/net.hpp"

namespace sy::forwarder {

class coarse_timer {
public:
    using clock = std::chrono::steady_clock;

    /// One deadline, held by its owner (a relay, a dial, a wait). Arming it again moves it; it disarms itself when
    /// destroyed, so an owner that goes away can never be fired.
    class deadline {
    public:
        deadline() = default;
        deadline(const deadline&) = delete;
        deadline& operator=(const deadline&) = delete;
        ~deadline() { disarm(); }
        void disarm();
        bool armed() const { return timer_ != nullptr; }

    private:
        friend class coarse_timer;
        coarse_timer* timer_ = nullptr;
        std::size_t index_ = 0;  ///< position in the heap
        clock::time_point due_{};
        void (*fire_)(void* owner) = nullptr;
        void* owner_ = nullptr;
    };

    explicit coarse_timer(const net::any_io_executor& ex, clock::duration grain = std::chrono::milliseconds(10));
    coarse_timer(const coarse_timer&) = delete;
    coarse_timer& operator=(const coarse_timer&) = delete;
    ~coarse_timer();

    /// Calls fire(owner) once, on this worker's thread, at `due` or up to one grain later, unless disarmed or
    /// destroyed first. `due` = time_point::max() means never (nothing is armed).
    void arm(deadline& d, clock::time_point due, void (*fire)(void* owner), void* owner);

    /// Cancels the pending wake-up, which otherwise keeps its io_context's run() going until it is due (a wait is
    /// left pending when its deadline is disarmed early). For a worker that stops; deadlines armed later schedule
    /// a new one.
    void cancel();

    /// How many deadlines are armed (tests).
    std::size_t armed() const { return heap_.size(); }

private:
    void remove(deadline& d);
    void sift_up(std::size_t i);
    void sift_down(std::size_t i);
    void place(std::size_t i, deadline* d);
    void schedule();
    void on_expiry();

    steady_timer timer_;
    clock::duration grain_;
    std::vector<deadline*> heap_;  ///< min-heap by due
    clock::time_point scheduled_ = clock::time_point::max();  ///< when the Asio timer fires; max = not waiting
};

/// now + d for a timeout where zero or less means "no limit" (Traefik: readTimeout 0 waits for ever): never for
/// d <= 0, and never instead of overflowing for a d near the duration type's limit.
coarse_timer::clock::time_point timeout_after(std::chrono::nanoseconds d);

/// now + d for a wait where zero or less means "decide now" (serverFirstWait 0): now for d <= 0, saturating.
coarse_timer::clock::time_point wait_after(std::chrono::nanoseconds d);

}  // namespace sy::forwarder
