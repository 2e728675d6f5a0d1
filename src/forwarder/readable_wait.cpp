#include "forwarder/readable_wait.hpp"

#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

namespace sy::forwarder {

namespace {

/// Lives in the waiting coroutine's frame for the whole wait. Whichever comes first, readiness or the deadline,
/// completes the one operation: the deadline cancels the socket's operations, so the wait itself always delivers
/// the result and nothing can complete twice.
struct readable_op {
    explicit readable_op(tcp_socket& s) : socket(s) {}
    readable_op(const readable_op&) = delete;
    readable_op& operator=(const readable_op&) = delete;

    tcp_socket& socket;
    readiness_wait wait{&readable_op::ready, this, 0};
    coarse_timer::deadline deadline;
    bool timed_out = false;
    // In an optional, emplaced and never assigned: Asio 1.26's move assignment of any_completion_handler recurses
    // for ever (it copies `other` as an lvalue into its unconstrained converting constructor).
    std::optional<net::any_completion_handler<void(error_code)>> handler;

    static void ready(void* self, int, const error_code& ec) {
        auto* op = static_cast<readable_op*>(self);
        op->deadline.disarm();
        auto h = std::move(*op->handler);
        op->handler.reset();
        std::move(h)(ec);  // resumes the coroutine, which may end and destroy *op: nothing of it after this line
    }
    static void expire(void* self) {
        auto* op = static_cast<readable_op*>(self);
        op->timed_out = true;
        error_code ignored;
        op->socket.cancel(ignored);  // completes the wait with operation_aborted
    }
};

}  // namespace

awaitable<wait_result> readable_before(tcp_socket& s, io_reactor& reactor, coarse_timer& deadlines,
                                       coarse_timer::clock::time_point due) {
    if (due != coarse_timer::clock::time_point::max() && coarse_timer::clock::now() >= due)
        co_return wait_result::timed_out;
    readable_op op(s);
    default_token token;
    auto [ec] = co_await net::async_initiate<default_token, void(error_code)>(
        [&](auto handler) {
            op.handler.emplace(std::move(handler));
            deadlines.arm(op.deadline, due, &readable_op::expire, &op);
            op.wait.start(s, reactor);
        },
        token);
    if (op.timed_out) co_return wait_result::timed_out;
    if (ec) co_return wait_result::aborted;
    co_return wait_result::readable;
}

namespace {

struct write_expiry {
    explicit write_expiry(tcp_socket* s) : socket(s) {}
    tcp_socket* socket;
    bool fired = false;
    coarse_timer::deadline deadline;
    static void fire(void* self) {
        auto* e = static_cast<write_expiry*>(self);
        e->fired = true;
        error_code ignored;
        e->socket->cancel(ignored);
    }
};

}  // namespace

awaitable<wait_result> writable_before(tcp_socket& s, coarse_timer& deadlines, coarse_timer::clock::time_point due) {
    if (due != coarse_timer::clock::time_point::max() && coarse_timer::clock::now() >= due)
        co_return wait_result::timed_out;
    write_expiry e(&s);
    deadlines.arm(e.deadline, due, &write_expiry::fire, &e);
    auto [ec] = co_await s.async_wait(tcp::socket::wait_write);
    e.deadline.disarm();
    if (e.fired) co_return wait_result::timed_out;
    if (ec) co_return wait_result::aborted;
    co_return wait_result::readable;  // "ready": the caller retries its write
}

namespace {

/// Two waits and one deadline in the waiting coroutine's frame. The first readiness cancels the other socket's
/// wait; the coroutine resumes only when both waits have completed, so nothing completes into a freed frame.
struct either_op {
    either_op(tcp_socket& a, tcp_socket& b) : sockets{&a, &b} {}
    either_op(const either_op&) = delete;
    either_op& operator=(const either_op&) = delete;

    tcp_socket* sockets[2];
    readiness_wait waits[2]{{&either_op::ready, this, 0}, {&either_op::ready, this, 1}};
    coarse_timer::deadline deadline;
    int pending = 2;
    int first = -1;  ///< the socket that became readable first
    bool timed_out = false;
    std::optional<net::any_completion_handler<void(error_code)>> handler;  // see readable_op

    static void ready(void* self, int tag, const error_code& ec) {
        auto* op = static_cast<either_op*>(self);
        if (op->pending == 2 && !op->timed_out) {
            // Readable, or closed under the wait: either way the other wait ends now (operation_aborted).
            if (!ec) op->first = tag;
            error_code ignored;
            op->sockets[1 - tag]->cancel(ignored);
        }
        if (--op->pending > 0) return;
        op->deadline.disarm();
        auto h = std::move(*op->handler);
        op->handler.reset();
        std::move(h)(error_code());  // may destroy *op
    }
    static void expire(void* self) {
        auto* op = static_cast<either_op*>(self);
        op->timed_out = true;
        error_code ignored;
        for (auto* s : op->sockets) s->cancel(ignored);
    }
};

}  // namespace

awaitable<either_result> either_readable_before(tcp_socket& a, tcp_socket& b, io_reactor& reactor,
                                                coarse_timer& deadlines, coarse_timer::clock::time_point due) {
    if (due != coarse_timer::clock::time_point::max() && coarse_timer::clock::now() >= due)
        co_return either_result::timed_out;
    either_op op(a, b);
    default_token token;
    co_await net::async_initiate<default_token, void(error_code)>(
        [&](auto handler) {
            op.handler.emplace(std::move(handler));
            deadlines.arm(op.deadline, due, &either_op::expire, &op);
            op.waits[0].start(a, reactor);
            op.waits[1].start(b, reactor);
        },
        token);
    if (op.first == 0) co_return either_result::first;
    if (op.first == 1) co_return either_result::second;
    co_return op.timed_out ? either_result::timed_out : either_result::aborted;
}

}  // namespace sy::forwarder
