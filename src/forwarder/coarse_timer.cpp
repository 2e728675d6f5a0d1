#include "forwarder/coarse_timer.hpp"

namespace sy::forwarder {

coarse_timer::coarse_timer(const net::any_io_executor& ex, clock::duration tick) : timer_(ex), tick_(tick) {
    head_.prev = head_.next = &head_;
}

void coarse_timer::arm(entry& e, clock::time_point due, void (*fire)(void* owner), void* owner) {
    if (e.armed()) disarm(e);
    e.due = due;
    e.fire = fire;
    e.owner = owner;
    e.prev = head_.prev;
    e.next = &head_;
    head_.prev->next = &e;
    head_.prev = &e;
    schedule();
}

void coarse_timer::disarm(entry& e) {
    if (!e.armed()) return;
    e.prev->next = e.next;
    e.next->prev = e.prev;
    e.prev = e.next = nullptr;
    // The tick stops by itself when it finds the list empty: cancelling it would be a system call.
}

void coarse_timer::schedule() {
    if (ticking_) return;
    ticking_ = true;
    timer_.expires_after(tick_);
    timer_.async_wait([this](error_code ec) {
        ticking_ = false;
        if (!ec) on_tick();
    });
}

void coarse_timer::on_tick() {
    const auto now = clock::now();
    // Fired entries are unlinked before their callback runs; a callback may arm or disarm any entry, so the walk
    // restarts after each one (few fire per tick).
    bool fired = true;
    while (fired) {
        fired = false;
        for (entry* e = head_.next; e != &head_; e = e->next) {
            if (e->due > now) continue;
            auto* fire = e->fire;
            auto* owner = e->owner;
            disarm(*e);
            fire(owner);
            fired = true;
            break;
        }
    }
    if (head_.next != &head_) schedule();
}

}  // namespace sy::forwarder
