#include "forwarder/coarse_timer.hpp"

#include <utility>

namespace sy::forwarder {

namespace {

using clock = coarse_timer::clock;

clock::time_point saturating_after(clock::time_point now, std::chrono::nanoseconds d) {
    const auto room = clock::time_point::max() - now;
    if (std::chrono::duration_cast<std::chrono::nanoseconds>(room) <= d) return clock::time_point::max();
    return now + std::chrono::duration_cast<clock::duration>(d);
}

}  // namespace

clock::time_point timeout_after(std::chrono::nanoseconds d) {
    if (d <= std::chrono::nanoseconds::zero()) return clock::time_point::max();
    return saturating_after(clock::now(), d);
}

clock::time_point wait_after(std::chrono::nanoseconds d) {
    const auto now = clock::now();
    if (d <= std::chrono::nanoseconds::zero()) return now;
    return saturating_after(now, d);
}

void coarse_timer::deadline::disarm() {
    if (timer_) timer_->remove(*this);
}

coarse_timer::coarse_timer(const net::any_io_executor& ex, clock::duration grain) : timer_(ex), grain_(grain) {}

coarse_timer::~coarse_timer() {
    // Deadlines that outlive the timer (owners destroyed with their io_context, later) must not touch it.
    for (auto* d : heap_) d->timer_ = nullptr;
}

void coarse_timer::arm(deadline& d, clock::time_point due, void (*fire)(void* owner), void* owner) {
    d.disarm();
    if (due == clock::time_point::max()) return;
    d.timer_ = this;
    d.due_ = due;
    d.fire_ = fire;
    d.owner_ = owner;
    heap_.push_back(&d);
    d.index_ = heap_.size() - 1;
    sift_up(d.index_);
    if (heap_.front() == &d) schedule();
}

void coarse_timer::remove(deadline& d) {
    const std::size_t i = d.index_;
    d.timer_ = nullptr;
    deadline* last = heap_.back();
    heap_.pop_back();
    if (last == &d) return;
    place(i, last);
    sift_up(i);
    sift_down(last->index_);
    // The Asio timer is left as it is: at worst it wakes once for a deadline that is gone (cancelling it would be a
    // system call on every early disarm, which is nearly every dial and every relay).
}

void coarse_timer::cancel() {
    scheduled_ = clock::time_point::max();
    timer_.cancel();
}

void coarse_timer::place(std::size_t i, deadline* d) {
    heap_[i] = d;
    d->index_ = i;
}

void coarse_timer::sift_up(std::size_t i) {
    deadline* d = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (heap_[parent]->due_ <= d->due_) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, d);
}

void coarse_timer::sift_down(std::size_t i) {
    deadline* d = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap_[child + 1]->due_ < heap_[child]->due_) ++child;
        if (d->due_ <= heap_[child]->due_) break;
        place(i, heap_[child]);
        i = child;
    }
    place(i, d);
}

void coarse_timer::schedule() {
    if (heap_.empty()) return;
    // Rounded up to the grain, so deadlines close together share one wake-up.
    const auto since = heap_.front()->due_.time_since_epoch();
    const auto rounded = clock::time_point(((since + grain_ - clock::duration(1)) / grain_) * grain_);
    // Already waking early enough: no system call.
    if (scheduled_ <= rounded) return;
    scheduled_ = rounded;
    timer_.expires_at(rounded);  // cancels a later wait still pending (its handler sees operation_aborted)
    timer_.async_wait([this, rounded](error_code ec) {
        if (ec || rounded != scheduled_) return;  // replaced by an earlier one
        scheduled_ = clock::time_point::max();
        on_expiry();
    });
}

void coarse_timer::on_expiry() {
    const auto now = clock::now();
    // Each fired deadline leaves the heap before its callback runs; a callback may arm or disarm any deadline.
    while (!heap_.empty() && heap_.front()->due_ <= now) {
        deadline& d = *heap_.front();
        auto* fire = d.fire_;
        auto* owner = d.owner_;
        remove(d);
        fire(owner);
    }
    schedule();
}

}  // namespace sy::forwarder
